"""How much the generator makes at each scale.

``large`` is the size of a global organisation over a decade (issue 8): 1,000 bearers,
20,000 units, 100,000 people, 1,000,000 interactions, 200,000 concerns and 10,000,000
audit events. ``medium`` is a tenth of it, ``small`` a hundredth; ``tiny`` (a
ten-thousandth, three delegations) is for the tests. The other record kinds follow in
the proportions below, per bearer, person, interaction or concern.
"""

from __future__ import annotations

from dataclasses import dataclass

# The headline counts at the large scale.
LARGE = {
    "bearers": 1_000,
    "units": 20_000,
    "people": 100_000,
    "interactions": 1_000_000,
    "concerns": 200_000,
    "audit_events": 10_000_000,
}

FACTORS = {"large": 1.0, "medium": 0.1, "small": 0.01, "tiny": 0.0005}


@dataclass(frozen=True)
class Scale:
    """The counts one run aims at (the others are drawn around these)."""

    name: str
    factor: float
    delegations: int
    bearers: int
    units: int
    people: int
    interactions: int
    concerns: int
    audit_events: int
    # Content staff per delegation on average (field delegates and specialists).
    staff_per_delegation: int
    hq_analysts: int

    # Proportions of the other kinds (mean per parent record).
    names_per_bearer: float = 2.5
    external_ids_per_bearer: float = 0.6
    relations_per_bearer: float = 0.3
    person_names_per_person: float = 0.6
    positions_per_person: float = 1.4
    relationships_per_person: float = 0.8
    follow_ups_per_interaction: float = 0.3
    bearers_per_interaction: float = 1.15
    topics_per_interaction: float = 1.5
    our_participants_per_interaction: float = 1.5
    their_participants_per_interaction: float = 1.3
    sources_per_concern: float = 1.0
    concern_follow_ups_per_concern: float = 0.3
    acceptance_per_interaction: float = 0.02
    passages_per_interaction: float = 0.1
    incidents_per_passage: float = 0.05
    constraints_per_interaction: float = 0.01
    commitments_per_interaction: float = 0.01
    sessions_per_interaction: float = 0.03
    files_per_bearer: float = 2.0

    @property
    def restricted_share(self) -> float:
        """The share of compartment records restricted to named members."""
        return 0.05

    @property
    def deleted_share(self) -> float:
        """The share of records carrying a tombstone."""
        return 0.01


def scale_for(name: str, factor: float | None = None) -> Scale:
    """Return the scale called ``name``, or a custom one ``factor`` times the large one."""
    if factor is None:
        if name not in FACTORS:
            raise ValueError(f"Unknown scale {name!r}: choose one of {', '.join(FACTORS)}.")
        factor = FACTORS[name]
    if factor <= 0 or factor > 1:
        raise ValueError("The factor must be above 0 and at most 1.")
    small_world = factor < 0.005

    def n(key: str, floor: int) -> int:
        return max(floor, round(LARGE[key] * factor))

    delegations = 3 if small_world else 40
    return Scale(
        name=name,
        factor=factor,
        delegations=delegations,
        # Each delegation's country has at least its armed forces, police and one armed group.
        bearers=max(3 * delegations, n("bearers", 6)),
        units=n("units", 30),
        people=n("people", 30),
        interactions=n("interactions", 200),
        concerns=n("concerns", 40),
        audit_events=n("audit_events", 1_000),
        staff_per_delegation=4 if small_world else (6 if factor < 0.5 else 10),
        hq_analysts=2 if small_world else 10,
    )

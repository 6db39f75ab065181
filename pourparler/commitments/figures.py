"""Figures of the commitments register: how many commitments, of which instrument, and
whether they are kept.

For a set of commitments (always narrowed here by ``visible_to(user)``, whatever queryset
the caller passes, so a figure never counts what the viewer may not see):

* the number of commitments, and how many of them the latest observation found **kept**,
  **partly kept** or **breached**, or that are **not observed yet**;
* the **share kept**: kept commitments over observed ones (None while none is observed);
* the same, grouped by instrument, by bearer (a commitment with two parties counts once
  for each, so the bearer table may add up to more than the total) and by the year the
  commitment was made.

How it is computed: one query reads, for every commitment in the set, its key,
instrument, date and current compliance (no text, so nothing is decrypted); one more
reads the visible bearers linked to them. Everything else is counted in Python from those
rows, so every table comes from the same snapshot and the number of queries does not
depend on the number of commitments. ``tally`` alone costs one query.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import (
    NOT_OBSERVED,
    NOT_OBSERVED_LABEL,
    Compliance,
    Instrument,
)
from pourparler.commitments.models import Commitment

# The compliance groups in the order they are shown, with their labels (translated when
# they are shown).
GROUPS: tuple[tuple[str, Any], ...] = (
    *((value, label) for value, label in Compliance.choices),
    (NOT_OBSERVED, NOT_OBSERVED_LABEL),
)

# What each figure means, as the figures page explains it.
EXPLANATIONS: tuple[tuple[Any, Any], ...] = (
    (
        _("Current compliance"),
        _(
            "What the latest observation of each commitment found: kept, partly kept or "
            "breached. A commitment nobody has observed yet is counted apart, not as kept."
        ),
    ),
    (
        _("Share kept"),
        _(
            "Kept commitments over the commitments observed at least once. Partly kept ones "
            "are not counted as kept."
        ),
    ),
    (
        _("By bearer"),
        _(
            "A commitment with several parties counts once for each of them, so the rows may "
            "add up to more than the total."
        ),
    ),
)


@dataclass(frozen=True)
class CommitmentRow:
    """The few facts about one commitment that the figures use."""

    pk: Any
    instrument: str
    made_on: datetime.date
    current_compliance: str


@dataclass(frozen=True)
class Segment:
    """One part of a compliance bar: a group, its count, and where it is drawn (0–100)."""

    key: str
    label: str
    count: int
    x: float
    width: float


@dataclass
class Tally:
    """The commitments of one group, counted by their current compliance."""

    key: str
    label: str
    commitments: int = 0
    kept: int = 0
    partly_kept: int = 0
    breached: int = 0
    not_observed: int = 0

    def add(self, row: CommitmentRow) -> None:
        """Count one commitment in this group."""
        self.commitments += 1
        compliance = row.current_compliance or NOT_OBSERVED
        setattr(self, compliance, getattr(self, compliance) + 1)

    @property
    def observed(self) -> int:
        """The commitments observed at least once."""
        return self.commitments - self.not_observed

    @property
    def share_kept(self) -> float | None:
        """Kept over observed (None while none is observed)."""
        return self.kept / self.observed if self.observed else None

    def count_of(self, key: str) -> int:
        """The number of commitments in one compliance group."""
        return int(getattr(self, key))

    @property
    def segments(self) -> list[Segment]:
        """The compliance groups as parts of a bar 100 units wide (empty groups left out)."""
        parts: list[Segment] = []
        x = 0.0
        for key, label in GROUPS:
            count = self.count_of(key)
            if not count:
                continue
            width = 100 * count / self.commitments
            parts.append(Segment(key, str(label), count, round(x, 2), round(width, 2)))
            x += width
        return parts


@dataclass
class Figures:
    """All the figures of a set of commitments, in total and by group."""

    overall: Tally
    by_instrument: list[Tally]
    by_bearer: list[Tally]
    by_year: list[Tally]

    @property
    def by_compliance(self) -> list[tuple[str, str, int]]:
        """Each compliance group with its count, in the order they are shown."""
        return [(key, str(label), self.overall.count_of(key)) for key, label in GROUPS]


def _visible(user: Any, commitments: Any) -> Any:
    """Narrow any queryset of commitments (or all of them) to what the user may see."""
    if commitments is None:
        return Commitment.objects.visible_to(user)
    return commitments.visible_to(user)


def _rows(visible: Any) -> list[CommitmentRow]:
    return [
        CommitmentRow(*values)
        for values in visible.order_by().values_list(
            "pk", "instrument", "made_on", "current_compliance"
        )
    ]


def _grouped(
    rows: Iterable[CommitmentRow], keys: Callable[[CommitmentRow], Iterable[tuple[str, str]]]
) -> dict[str, Tally]:
    groups: dict[str, Tally] = {}
    for row in rows:
        for key, label in keys(row):
            groups.setdefault(key, Tally(key=key, label=label)).add(row)
    return groups


def tally(user: Any, commitments: Any = None, *, label: str | None = None) -> Tally:
    """Count the commitments the user may see (within ``commitments`` if given)."""
    total = Tally(key="all", label=gettext("All commitments") if label is None else label)
    for row in _rows(_visible(user, commitments)):
        total.add(row)
    return total


def compliance_figures(user: Any, commitments: Any = None) -> Figures:
    """Return every figure of the commitments the user may see, in total and grouped by
    instrument, bearer and year made."""
    visible = _visible(user, commitments)
    rows = _rows(visible)
    overall = Tally(key="all", label=gettext("All commitments"))
    for row in rows:
        overall.add(row)

    instruments = _grouped(rows, lambda row: [(row.instrument, "")])
    by_instrument = []
    for value, label in Instrument.choices:
        group = instruments.get(value)
        if group is not None:
            group.label = str(label)
            by_instrument.append(group)

    ids = {row.pk for row in rows}
    parties: dict[Any, list[tuple[str, str]]] = {}
    links = (
        WeaponBearer.objects.visible_to(user)
        .filter(commitments__in=visible.values("pk"))
        .values_list("commitments", "pk", "name")
        .order_by("name")
    )
    for commitment_id, bearer_id, name in links:
        if commitment_id in ids:
            pair = (str(bearer_id), name)
            if pair not in parties.setdefault(commitment_id, []):
                parties[commitment_id].append(pair)
    by_bearer = sorted(
        _grouped(rows, lambda row: parties.get(row.pk, [])).values(),
        key=lambda t: (-t.commitments, t.label),
    )
    by_year = sorted(
        _grouped(rows, lambda row: [(str(row.made_on.year), str(row.made_on.year))]).values(),
        key=lambda t: t.key,
    )
    return Figures(
        overall=overall, by_instrument=by_instrument, by_bearer=by_bearer, by_year=by_year
    )

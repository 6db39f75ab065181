"""Generated worlds for the leak property test, the oracle that judges them, and the code
that builds them in the database.

The world is plain data (``WorldSpec``): delegations, staff with roles and postings,
need-to-know grants, and records of every kind that holds dialogue content: bearers,
people, interactions and their follow-ups, concerns and the records under them, the
humanitarian-access records, training sessions, integration assessments, commitments
with their signatories and compliance observations, negotiation files with the rows of
their tools, and handovers of departing colleagues.

``oracle_may`` is an independent reading of docs/security.md (sections 1 and 2) and of
the models' docstrings, written without the application's access code. Each kind of
record is described by ``RULES``: which parent hides it (the docs' ``access_via``) and
whether a bearer grant opens it (``access_bearer_link``). ``page_may`` adds what the
apps' own read paths hide on their pages: an access record or an integration
assessment about a bearer the viewer may not see, a security incident at a checkpoint
passage they may not see (``access/models.py``, ``integration/models.py``).

A signatory has three parents (``access_via``: its commitment, its person, the bearer it
signed for): ``RecordSpec.via`` holds the two besides the commitment. Signatories and
observations carry their commitment's compartment, restriction and named members, as
the commitments services keep them (``commitments/services.py``).

Negotiation files and handovers are written through their services (``do_open_file``,
``do_add_to_file``, ``do_prepare_handover``, ``do_hand_over``...), which keep the file's
versions and pass files on, by a clerk who is no user of the world: a head of every
delegation named on every restricted record. A file's bearer hides it (``access_via``)
but a bearer grant opens only a file that is not restricted (docs/negotiation.md, and
docs/security.md: a bearer grant opens "the *non-restricted* records in any compartment
that name it"). The rows under a file carry its compartment, never a restriction of their
own (docs/negotiation.md). A handover's outgoing colleague and successor are also no
users of the world; the outgoing one may hold files and own follow-ups, which pass.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from hypothesis import strategies as st

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.core.models import Delegation, Grant, Membership, User
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.handover.models import Handover
from pourparler.handover.services import (
    do_cancel_handover,
    do_hand_over,
    do_prepare_handover,
)
from pourparler.integration.models import IntegrationAssessment
from pourparler.negotiation.choices import IslandKind, Layer, Side
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import (
    do_add_to_file,
    do_delete_file,
    do_open_file,
    do_remove_from_file,
    do_sign_off_red_line,
)
from pourparler.people.models import Person
from pourparler.training.models import DisseminationSession

ROLES = [
    "field_delegate",
    "armed_forces_specialist",
    "police_specialist",
    "head_of_delegation",
    "hq_analyst",
    "auditor",
    "administrator",
]
CONTENT = {
    "field_delegate",
    "armed_forces_specialist",
    "police_specialist",
    "head_of_delegation",
    "hq_analyst",
}
COMPARTMENTS = ["d1", "d2", "hq"]


@dataclass(frozen=True)
class KindRule:
    """How the matrix treats one kind of compartment record."""

    parent: str | None  # the kind of the parent that hides it when hidden (access_via)
    about_bearers: bool  # a bearer grant opens the non-restricted rows naming the bearer
    hidden_with_bearers: bool = False  # hidden when a bearer it is about is hidden


# From docs/security.md ("Need-to-know grants", "The matrix") and the models' docstrings.
RULES: dict[str, KindRule] = {
    "person": KindRule(None, False),
    "interaction": KindRule(None, True),
    "follow_up": KindRule("interaction", False),
    "concern": KindRule(None, True),
    "representation": KindRule("concern", False),
    "response": KindRule("concern", False),
    "source": KindRule("concern", False),
    "status_change": KindRule("concern", False),
    "concern_follow_up": KindRule("concern", False),
    "acceptance": KindRule("interaction", True),
    "passage": KindRule(None, True),
    "constraint": KindRule(None, True),
    "incident": KindRule("passage", True),
    "session": KindRule(None, True),
    "assessment": KindRule(None, True),
    "commitment": KindRule(None, True),
    "signatory": KindRule("commitment", False),
    "observation": KindRule("commitment", False),
    "negotiation_file": KindRule(None, True, hidden_with_bearers=True),
    "island_item": KindRule("negotiation_file", False),
    "iceberg_entry": KindRule("negotiation_file", False),
    "stakeholder": KindRule("negotiation_file", False),
    "stakeholder_link": KindRule("negotiation_file", False),
    "red_line": KindRule("negotiation_file", False),
    "bottom_line": KindRule("negotiation_file", False),
    "scenario": KindRule("negotiation_file", False),
    "handover": KindRule(None, False),
}
CHILDREN_OF_CONCERNS = [
    "representation",
    "response",
    "source",
    "status_change",
    "concern_follow_up",
]
# The rows of a negotiation file's tools, shown on the file's page (each written with
# ``do_add_to_file``); links between stakeholders are drawn after the stakeholders.
FILE_ROWS = [
    "island_item",
    "iceberg_entry",
    "stakeholder",
    "red_line",
    "bottom_line",
    "scenario",
]
# Kinds whose pages hide a record about a bearer the viewer may not see.
PAGES_NEED_THE_BEARER = {"acceptance", "passage", "constraint", "assessment"}

MODELS: dict[str, Any] = {
    "bearer": WeaponBearer,
    "person": Person,
    "interaction": Interaction,
    "follow_up": FollowUp,
    "concern": Concern,
    "representation": Representation,
    "response": Response,
    "source": ConcernSource,
    "status_change": ConcernStatusChange,
    "concern_follow_up": ConcernFollowUp,
    "acceptance": AcceptanceAssessment,
    "passage": CheckpointPassage,
    "constraint": AccessConstraint,
    "incident": SecurityIncident,
    "session": DisseminationSession,
    "assessment": IntegrationAssessment,
    "commitment": Commitment,
    "signatory": Signatory,
    "observation": ComplianceObservation,
    "negotiation_file": NegotiationFile,
    "island_item": IslandItem,
    "iceberg_entry": IcebergEntry,
    "stakeholder": Stakeholder,
    "stakeholder_link": StakeholderLink,
    "red_line": RedLine,
    "bottom_line": BottomLine,
    "scenario": Scenario,
    "handover": Handover,
}
GRANTABLE = [k for k in MODELS if k != "bearer"]  # bearers are granted by the bearer field

CONCERN_STATUSES = ["open", "raised", "responded", "addressed", "persisting", "closed"]
OUTCOMES = ["passed", "delayed", "turned_back", "incident"]
PILLARS = ["doctrine", "sanctions"]  # two of five, so assessments meet on the same cell
COMPLIANCES = ["", "kept", "partly_kept", "breached"]  # "": not observed yet


# ---- the world, as plain data -------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    role: str | None
    delegation: str
    posting: str  # current | ended | future
    active: bool


@dataclass(frozen=True)
class RecordSpec:
    kind: str  # bearer, or a key of RULES
    compartment: str | None
    restricted: bool
    named: frozenset[int]
    deleted: bool
    bearers: frozenset[int] = frozenset()  # the bearers it is about
    parent: int | None = None  # the record that hides it when hidden (RULES[kind].parent)
    links: frozenset[int] = frozenset()  # other records it shows a link to (not access_via)
    via: frozenset[int] = frozenset()  # its other parents (access_via): hide it, grants open it
    facts: tuple[Any, ...] = ()  # what the figures count; see ``_create``


@dataclass(frozen=True)
class GrantSpec:
    user: int
    access: str  # read | write
    target: str  # delegation | bearer | a kind of GRANTABLE
    index: int
    live: bool


@dataclass
class WorldSpec:
    users: list[UserSpec]
    records: list[RecordSpec]
    grants: list[GrantSpec]
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_kind:
            for index, record in enumerate(self.records):
                self.by_kind.setdefault(record.kind, []).append(index)


@st.composite
def worlds(draw: Any) -> WorldSpec:
    """Draw a world: staff, bearers, and records of every kind, with grants."""
    n_users = draw(st.integers(5, 8))
    users = [
        UserSpec(
            role=draw(st.sampled_from([*ROLES, None])),
            delegation=draw(st.sampled_from(COMPARTMENTS)),
            posting=draw(st.sampled_from(["current", "current", "current", "ended", "future"])),
            active=draw(st.sampled_from([True, True, True, False])),
        )
        for _ in range(n_users)
    ]
    named = st.frozensets(st.integers(0, n_users - 1), max_size=3)
    rarely = st.integers(0, 5).map(lambda n: n == 0)
    records: list[RecordSpec] = []

    def add(kind: str, compartment: str | None, *, deleted: Any = rarely, **rest: Any) -> int:
        records.append(
            RecordSpec(kind, compartment, draw(st.booleans()), draw(named), draw(deleted), **rest)
        )
        return len(records) - 1

    def add_under(kind: str, parent: int, **rest: Any) -> int:
        """A record that carries its parent's compartment, restriction and named members."""
        under = records[parent]
        records.append(
            RecordSpec(
                kind,
                under.compartment,
                under.restricted,
                under.named,
                draw(rarely),
                parent=parent,
                **rest,
            )
        )
        return len(records) - 1

    def of(kind: str) -> list[int]:
        return [i for i, r in enumerate(records) if r.kind == kind]

    def some(pool: list[int], at_most: int) -> frozenset[int]:
        if not pool:
            return frozenset()
        return draw(st.frozensets(st.sampled_from(pool), max_size=at_most))

    def one_or_none(pool: list[int]) -> int | None:
        return draw(st.sampled_from([None, *pool])) if pool else None

    compartment = st.sampled_from(COMPARTMENTS)
    for _ in range(draw(st.integers(2, 4))):
        add("bearer", None)
    bearers = of("bearer")
    one_bearer = st.sampled_from(bearers).map(lambda b: frozenset({b}))
    for _ in range(draw(st.integers(2, 4))):
        add("person", draw(st.sampled_from(["d1", "d2"])), deleted=st.booleans())
    for _ in range(draw(st.integers(3, 6))):
        add("interaction", draw(compartment), bearers=some(bearers, 2))
    interactions = of("interaction")
    for _ in range(draw(st.integers(1, 3))):
        parent = draw(st.sampled_from(interactions))
        add("follow_up", records[parent].compartment, parent=parent)
    # Concerns and the records under them (which take their concern's compartment).
    for _ in range(draw(st.integers(1, 3))):
        add(
            "concern",
            draw(compartment),
            bearers=some(bearers, 2),
            facts=(draw(st.sampled_from(CONCERN_STATUSES)),),
        )
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(CHILDREN_OF_CONCERNS))
        parent = draw(st.sampled_from(of("concern")))
        links: frozenset[int] = frozenset()
        if kind == "representation":
            links = some(interactions, 1) | some(of("person"), 1)
        elif kind == "response":
            links = some(of("person"), 1)
        add(kind, records[parent].compartment, parent=parent, links=links)
    # Humanitarian access.
    for _ in range(draw(st.integers(0, 2))):
        add(
            "acceptance",
            draw(compartment),
            bearers=draw(one_bearer),
            parent=one_or_none(interactions),
        )
    for _ in range(draw(st.integers(1, 2))):
        add(
            "passage",
            draw(compartment),
            bearers=draw(one_bearer),
            facts=(draw(st.sampled_from(OUTCOMES)),),
        )
    for _ in range(draw(st.integers(0, 2))):
        add("constraint", draw(compartment), bearers=some(bearers, 1))
    for _ in range(draw(st.integers(0, 2))):
        add(
            "incident",
            draw(compartment),
            bearers=some(bearers, 2),
            parent=one_or_none(of("passage")),
        )
    # Training and integration.
    for _ in range(draw(st.integers(1, 2))):
        participants = draw(st.integers(1, 40))
        add(
            "session",
            draw(compartment),
            bearers=draw(one_bearer),
            links=some(interactions, 1),
            facts=(participants, draw(st.integers(0, participants))),
        )
    for _ in range(draw(st.integers(1, 3))):
        add(
            "assessment",
            draw(compartment),
            bearers=draw(one_bearer),
            links=some(interactions, 2) | some(of("session"), 1),
            facts=(
                draw(st.sampled_from(PILLARS)),
                draw(st.integers(0, 4)),
                draw(st.integers(0, 3)),
            ),
        )
    # Commitments, who signed them (for a party, perhaps a person we know), and what we
    # observed of them with the evidence (concerns, incidents, passages).
    for _ in range(draw(st.integers(1, 3))):
        add(
            "commitment",
            draw(compartment),
            bearers=draw(st.frozensets(st.sampled_from(bearers), min_size=1, max_size=2)),
            links=some(interactions, 2),
            facts=(draw(st.sampled_from(COMPLIANCES)),),
        )
    for _ in range(draw(st.integers(0, 3))):
        person = one_or_none(of("person"))
        add_under(
            "signatory",
            draw(st.sampled_from(of("commitment"))),
            via=frozenset({draw(st.sampled_from(bearers))} | ({person} - {None})),
        )
    for _ in range(draw(st.integers(1, 2))):
        add_under(
            "observation",
            draw(st.sampled_from(of("commitment"))),
            links=frozenset({draw(st.sampled_from(of("concern")))})
            | some(of("incident"), 1)
            | some(of("passage"), 1),
            facts=(draw(st.sampled_from(COMPLIANCES[1:])),),
        )

    # Handovers (held in a delegation, never restricted; only a draft can be cancelled),
    # then negotiation files about a live bearer, held by the clerk or by the outgoing
    # colleague of a handover in the same delegation, with live counterparts and
    # contacts (the services refuse the others), and the rows of their tools.
    def plain(kind: str, where: str | None, deleted: bool, **rest: Any) -> int:
        records.append(RecordSpec(kind, where, False, frozenset(), deleted, **rest))
        return len(records) - 1

    def live(kind: str, where: str | None = None) -> list[int]:
        return [
            i
            for i in of(kind)
            if not records[i].deleted and where in (None, records[i].compartment)
        ]

    # Mostly in the delegation of a reader of the pages (the first active users) who
    # reads it by a posting, so that the pages are often shown, not only refused.
    readers = [user for user in users if user.active][:2]
    first = next(
        (u.delegation for u in readers if u.role in CONTENT and u.posting == "current"),
        readers[0].delegation if readers else "d1",
    )
    near = st.sampled_from([first, first, *COMPARTMENTS])
    for _ in range(draw(st.integers(0, 2))):
        done = draw(st.booleans())
        plain("handover", draw(near), not done and draw(rarely), facts=(done,))
    for _ in range(draw(st.integers(1, 2)) if live("bearer") else 0):
        where = draw(near)
        add(
            "negotiation_file",
            where,
            bearers=frozenset({draw(st.sampled_from(live("bearer")))}),
            links=some(live("person"), 2) | some(live("interaction", where), 1),
            facts=(one_or_none([h for h in of("handover") if records[h].compartment == where]),),
        )
    files = of("negotiation_file")
    for _ in range(draw(st.integers(1, 4)) if files else 0):
        kind = draw(st.sampled_from(FILE_ROWS))
        parent = draw(st.sampled_from(files))
        facts: tuple[Any, ...] = ()
        if kind == "island_item":
            facts = (draw(st.sampled_from(IslandKind.values)), draw(st.booleans()))
        elif kind == "iceberg_entry":
            facts = (draw(st.sampled_from(Side.values)), draw(st.sampled_from(Layer.values)))
        elif kind == "red_line":
            facts = (draw(st.booleans()),)  # signed off by the head of delegation
        person = some(live("person"), 1) if kind == "stakeholder" else frozenset()
        where = records[parent].compartment
        plain(kind, where, draw(rarely), parent=parent, links=person, facts=facts)
    for _ in range(draw(st.integers(0, 1))):
        pairs = [
            (a, b)
            for a in of("stakeholder")
            for b in of("stakeholder")
            if a < b and records[a].parent == records[b].parent
        ]
        if not pairs:
            break
        a, b = draw(st.sampled_from(pairs))
        plain(
            "stakeholder_link",
            records[a].compartment,
            # Removing a stakeholder removes its links (negotiation/services.py).
            draw(rarely) or records[a].deleted or records[b].deleted,
            parent=records[a].parent,
            links=frozenset({a, b}),
            facts=(draw(st.integers(1, 3)),),
        )
    world = WorldSpec(users, records, [])
    targets = ["delegation", "bearer", *[k for k in GRANTABLE if k in world.by_kind]]
    for _ in range(draw(st.integers(0, 6))):
        target = draw(st.sampled_from(targets))
        pool = [0, 1, 2] if target == "delegation" else world.by_kind[target]
        world.grants.append(
            GrantSpec(
                draw(st.integers(0, n_users - 1)),
                draw(st.sampled_from(["read", "write"])),
                target,
                draw(st.sampled_from(pool)),
                draw(st.booleans()),
            )
        )
    return world


# ---- the oracle: the matrix, read independently --------------------------------------


def oracle_may(world: WorldSpec, u: int, r: int, action: str) -> bool:
    """Say whether user ``u`` may see (``view``) or change record ``r``, by the docs."""
    user, record = world.users[u], world.records[r]
    if not user.active or record.deleted:
        return False
    posted = user.role is not None and user.posting == "current"
    content = {user.delegation} if posted and user.role in CONTENT else set()
    reads_all = posted and user.role == "hq_analyst"
    live = [g for g in world.grants if g.user == u and g.live]
    writes = [g for g in live if g.access == "write"]
    read_comps = content | {COMPARTMENTS[g.index] for g in live if g.target == "delegation"}
    write_comps = content | {COMPARTMENTS[g.index] for g in writes if g.target == "delegation"}
    named_ok = not record.restricted or u in record.named

    def granted(kind: str, index: int) -> bool:
        opening = live if action == "view" else writes
        return any(g.target == kind and g.index == index for g in opening)

    if record.kind == "bearer":
        # The shared registry: read by every signed-in account, changed through a posting
        # with a content role (a delegation grant does not open it); a restricted bearer
        # by its named members only; a grant on the bearer opens it.
        by_rule = named_ok and (action == "view" or bool(content))
        return by_rule or granted("bearer", r)
    rule = RULES[record.kind]
    comps = read_comps if action == "view" else write_comps
    in_scope = (action == "view" and reads_all) or record.compartment in comps
    by_rule = in_scope and named_ok
    by_grant = granted(record.kind, r)
    if record.parent is not None and rule.parent is not None:
        by_grant = by_grant or granted(rule.parent, record.parent)
    by_grant = by_grant or any(granted(world.records[p].kind, p) for p in record.via)
    if rule.about_bearers and not record.restricted:
        by_grant = by_grant or any(granted("bearer", b) for b in record.bearers)
    parents = ([] if record.parent is None else [record.parent]) + sorted(record.via)
    if rule.hidden_with_bearers:
        parents += sorted(record.bearers)
    parent_seen = all(oracle_may(world, u, p, "view") for p in parents)
    return (by_rule or by_grant) and parent_seen


def page_may(world: WorldSpec, u: int, r: int) -> bool:
    """Say whether the record's own app shows it to user ``u`` on its pages."""
    record = world.records[r]
    if not oracle_may(world, u, r, "view"):
        return False
    if record.kind in PAGES_NEED_THE_BEARER:
        return all(oracle_may(world, u, b, "view") for b in record.bearers)
    if record.kind == "incident" and record.parent is not None:
        return page_may(world, u, record.parent)
    return True


# ---- building the world in the database -----------------------------------------------


@dataclass
class Built:
    users: list[User]
    objects: list[Any]
    markers: list[str]  # a text each record shows, unique in the world


@dataclass(frozen=True)
class Staff:
    """Colleagues who are no users of the world (the oracle does not judge them): the
    clerk who writes files and handovers through the services, head of every delegation
    and named on every restricted record, and each handover's outgoing colleague and
    successor, field delegates of its delegation."""

    clerk: User
    handovers: dict[int, tuple[User, User]]  # by the handover's index

    def outgoing_in(self, world: WorldSpec, compartment: str | None) -> User | None:
        """The outgoing colleague of the first handover in a delegation (who owns its
        follow-ups, so that the handover passes them on)."""
        for index, (outgoing, _) in self.handovers.items():
            if world.records[index].compartment == compartment:
                return outgoing
        return None


# Written through the services (``_write``), in the order of the world; removals and the
# handovers' acts come last (``_finish``).
THROUGH_SERVICES = {"negotiation_file", "stakeholder_link", "handover", *FILE_ROWS}


def _marker(kind: str) -> str:
    return f"{kind.replace('_', '')}{uuid.uuid4().hex[:12]}"


def build(world: WorldSpec) -> Built:
    """Create the world's delegations, staff, postings, records and grants."""
    today = timezone.localdate()
    delegations = {
        code: Delegation.objects.create(
            name=f"Delegation {code} {uuid.uuid4().hex[:6]}",
            code=f"{code}-{uuid.uuid4().hex[:6]}",
            is_headquarters=code == "hq",
        )
        for code in COMPARTMENTS
    }
    users = []
    for index, spec in enumerate(world.users):
        user = User.objects.create(
            username=f"u{index}-{uuid.uuid4().hex[:6]}", is_active=spec.active
        )
        users.append(user)
        if spec.role is not None:
            starts, ends = {
                "current": (today - datetime.timedelta(days=100), None),
                "ended": (today - datetime.timedelta(days=400), today - datetime.timedelta(1)),
                "future": (today + datetime.timedelta(days=10), None),
            }[spec.posting]
            Membership.objects.create(
                user=user,
                delegation=delegations[spec.delegation],
                role=spec.role,
                starts_on=starts,
                ends_on=ends,
            )
    staff = _staff(world, delegations, today)
    ours = [*users, *(user for pair in staff.handovers.values() for user in pair)]
    now = timezone.now()
    topic = Topic.objects.order_by("code").first()
    assert topic is not None, "the topics are seeded by the dialogue app"
    objects: list[Any] = []
    markers: list[str] = []
    for index, spec in enumerate(world.records):
        mark = _marker(spec.kind)
        if spec.kind in THROUGH_SERVICES:
            objects.append(_write(world, index, mark, objects, staff, delegations, users))
            markers.append(mark)
            continue
        common: dict[str, Any] = {
            "restricted": spec.restricted,
            "deleted_at": now if spec.deleted else None,
            "compartment": delegations[spec.compartment] if spec.compartment else None,
        }
        parent = objects[spec.parent] if spec.parent is not None else None
        bearer = objects[min(spec.bearers)] if spec.bearers else None
        linked = [objects[i] for i in sorted(spec.links | spec.via)]
        obj = _create(spec, mark, common, parent, bearer, linked, topic, now, today)
        if spec.kind in ("interaction", "concern", "incident", "commitment"):
            obj.bearers.set([objects[b] for b in spec.bearers])
        if spec.kind == "interaction":
            obj.our_participants.set(ours)
        if spec.kind == "follow_up":
            obj.owner = staff.outgoing_in(world, spec.compartment)
            obj.save(update_fields=["owner"])
        obj.restricted_to.set([*(users[i] for i in spec.named), staff.clerk])
        objects.append(obj)
        markers.append(mark)
    _finish(world, objects, staff)
    for grant in world.grants:
        target: dict[str, Any] = {}
        if grant.target == "delegation":
            target["delegation"] = delegations[COMPARTMENTS[grant.index]]
        elif grant.target == "bearer":
            target["bearer"] = objects[grant.index]
        else:
            target["record_type"] = ContentType.objects.get_for_model(objects[grant.index])
            target["record_id"] = objects[grant.index].pk
        expires = now + datetime.timedelta(days=3 if grant.live else -3)
        Grant.objects.create(
            grantee=users[grant.user],
            access=grant.access,
            reason="test",
            expires_at=expires,
            restricted=True,
            **target,
        )
    return Built(users, objects, markers)


def _create(
    spec: RecordSpec,
    mark: str,
    common: dict[str, Any],
    parent: Any,
    bearer: Any,
    linked: list[Any],
    topic: Topic,
    now: datetime.datetime,
    today: datetime.date,
) -> Any:
    """Create one record, its marker in the text its pages show."""
    kind = spec.kind

    def link(model: Any) -> Any:
        return next((o for o in linked if isinstance(o, model)), None)

    if kind == "bearer":
        return WeaponBearer.objects.create(name=mark, kind="non_state_armed_group", **common)
    if kind == "person":
        return Person.objects.create(full_name=mark, **common)
    if kind == "interaction":
        return Interaction.objects.create(
            kind="call", summary="s", place_name=mark, occurred_at=now, **common
        )
    if kind == "follow_up":
        return FollowUp.objects.create(interaction=parent, action=mark, due_on=today, **common)
    if kind == "concern":
        (status,) = spec.facts
        opened = today - datetime.timedelta(days=30)
        raised = None if status == "open" else opened + datetime.timedelta(days=3)
        return Concern.objects.create(
            summary=mark,
            description=mark,
            occurred_on=opened,
            opened_on=opened,
            category=topic,
            status=status,
            raised_on=raised,
            raised_level="operational" if raised else "",
            responded_on=raised if status in ("responded", "addressed") else None,
            addressed_on=today if status == "addressed" else None,
            **common,
        )
    if kind == "representation":
        return Representation.objects.create(
            concern=parent,
            level="tactical",
            content=mark,
            to_person=link(Person),
            interaction=link(Interaction),
            **common,
        )
    if kind == "response":
        return Response.objects.create(
            concern=parent, kind="denied", content=mark, from_person=link(Person), **common
        )
    if kind == "source":
        return ConcernSource.objects.create(
            concern=parent, kind="witness", description=mark, **common
        )
    if kind == "status_change":
        return ConcernStatusChange.objects.create(
            concern=parent, to_status="raised", changed_on=today, note=mark, **common
        )
    if kind == "concern_follow_up":
        return ConcernFollowUp.objects.create(concern=parent, action=mark, due_on=today, **common)
    if kind == "acceptance":
        return AcceptanceAssessment.objects.create(
            bearer=bearer, status="partly", interaction=parent, note=mark, **common
        )
    if kind == "passage":
        (outcome,) = spec.facts
        return CheckpointPassage.objects.create(
            place_name=mark,
            bearer=bearer,
            occurred_at=now,
            outcome=outcome,
            delay_minutes=30 if outcome == "delayed" else None,
            note=mark,
            **common,
        )
    if kind == "constraint":
        return AccessConstraint.objects.create(
            category="movement", place_name=mark, bearer=bearer, description=mark, **common
        )
    if kind == "incident":
        return SecurityIncident.objects.create(
            kind="threat", place_name=mark, description=mark, passage=parent, **common
        )
    if kind == "session":
        participants, women = spec.facts
        return DisseminationSession.objects.create(
            kind="briefing",
            held_on=today,
            place_name=mark,
            bearer=bearer,
            participants=participants,
            women=women,
            language="en",
            interaction=link(Interaction),
            notes=mark,
            **common,
        )
    if kind == "commitment":
        (compliance,) = spec.facts
        commitment = Commitment.objects.create(
            instrument="security_guarantee",
            title=mark,
            scope=mark,
            made_on=today,
            current_compliance=compliance,
            compliance_observed_on=today if compliance else None,
            **common,
        )
        commitment.interactions.set([o for o in linked if isinstance(o, Interaction)])
        return commitment
    if kind == "signatory":
        return Signatory.objects.create(
            commitment=parent,
            person=link(Person),
            bearer=link(WeaponBearer),
            name_as_signed=mark,
            capacity="military",
            signed_on=today,
            **common,
        )
    if kind == "observation":
        (assessment,) = spec.facts
        observation = ComplianceObservation.objects.create(
            commitment=parent, observed_on=today, assessment=assessment, note=mark, **common
        )
        observation.concerns.set([o for o in linked if isinstance(o, Concern)])
        observation.incidents.set([o for o in linked if isinstance(o, SecurityIncident)])
        observation.passages.set([o for o in linked if isinstance(o, CheckpointPassage)])
        return observation
    assert kind == "assessment"
    pillar, level, age = spec.facts
    assessment = IntegrationAssessment.objects.create(
        bearer=bearer,
        pillar=pillar,
        level=level,
        assessed_on=today - datetime.timedelta(days=age),
        evidence=mark,
        **common,
    )
    assessment.interactions.set([o for o in linked if isinstance(o, Interaction)])
    assessment.sessions.set([o for o in linked if isinstance(o, DisseminationSession)])
    return assessment


def _staff(world: WorldSpec, delegations: dict[str, Delegation], today: datetime.date) -> Staff:
    def colleague(name: str, codes: list[str], role: str) -> User:
        user = User.objects.create(username=f"{name}-{uuid.uuid4().hex[:6]}")
        for code in codes:
            Membership.objects.create(
                user=user,
                delegation=delegations[code],
                role=role,
                starts_on=today - datetime.timedelta(days=100),
            )
        return user

    clerk = colleague("clerk", COMPARTMENTS, "head_of_delegation")
    handovers = {}
    for index in world.by_kind.get("handover", []):
        where = world.records[index].compartment
        assert where is not None
        handovers[index] = (
            colleague("outgoing", [where], "field_delegate"),
            colleague("successor", [where], "field_delegate"),
        )
    return Staff(clerk, handovers)


def _write(
    world: WorldSpec,
    index: int,
    mark: str,
    objects: list[Any],
    staff: Staff,
    delegations: dict[str, Delegation],
    users: list[User],
) -> Any:
    """Write one file, row of a file or handover through its service, its marker in the
    text its pages show."""
    spec = world.records[index]
    clerk, kind = staff.clerk, spec.kind
    assert spec.compartment is not None
    if kind == "handover":
        outgoing, successor = staff.handovers[index]
        return do_prepare_handover(
            actor=clerk,
            delegation=delegations[spec.compartment],
            outgoing=outgoing,
            successor=successor,
            effective_on=timezone.localdate(),
            note=mark,
        )
    linked = [objects[i] for i in sorted(spec.links)]
    if kind == "negotiation_file":
        (holder,) = spec.facts
        return do_open_file(
            actor=clerk,
            compartment=delegations[spec.compartment],
            bearer=objects[min(spec.bearers)],
            title=mark,
            objective=mark,
            holder=clerk if holder is None else staff.handovers[holder][0],
            counterparts=[o for o in linked if isinstance(o, Person)],
            interactions=[o for o in linked if isinstance(o, Interaction)],
            restricted=spec.restricted,
            restricted_to=[*(users[i] for i in spec.named), clerk],
        )
    file = objects[spec.parent] if spec.parent is not None else None
    assert file is not None
    if kind == "island_item":
        island_kind, agreed = spec.facts
        return do_add_to_file(
            file, IslandItem, actor=clerk, kind=island_kind, agreed=agreed, text=mark
        )
    if kind == "iceberg_entry":
        side, layer = spec.facts
        return do_add_to_file(file, IcebergEntry, actor=clerk, side=side, layer=layer, text=mark)
    if kind == "stakeholder":
        person = linked[0] if linked else None
        # Named by the person when there is one: their name shows only to who may see them.
        name = "" if person is not None else mark
        return do_add_to_file(
            file, Stakeholder, actor=clerk, person=person, name=name, influence=2, note=mark
        )
    if kind == "stakeholder_link":
        source, target = linked
        (strength,) = spec.facts
        return do_add_to_file(
            file,
            StakeholderLink,
            actor=clerk,
            source=source,
            target=target,
            strength=strength,
            note=mark,
        )
    if kind == "red_line":
        (signed_off,) = spec.facts
        line = do_add_to_file(file, RedLine, actor=clerk, text=mark)
        if signed_off:
            return do_sign_off_red_line(line, actor=clerk, expected_version=line.version)
        return line
    if kind == "bottom_line":
        return do_add_to_file(file, BottomLine, actor=clerk, text=mark)
    assert kind == "scenario"
    return do_add_to_file(file, Scenario, actor=clerk, text=mark, costs=mark, benefits=mark)


def _finish(world: WorldSpec, objects: list[Any], staff: Staff) -> None:
    """Remove the rows and files the world removes (links first: a stakeholder's removal
    takes its links with it), then cancel or do the handovers (a handover passes the
    files its outgoing colleague holds, and their follow-ups)."""
    clerk = staff.clerk

    def fresh(index: int) -> Any:
        obj = objects[index]
        return type(obj).objects.get(pk=obj.pk)

    for kinds in (["stakeholder_link"], FILE_ROWS):
        for index in (i for kind in kinds for i in world.by_kind.get(kind, [])):
            if world.records[index].deleted:
                row = fresh(index)
                do_remove_from_file(row, actor=clerk, expected_version=row.version)
    for index in world.by_kind.get("negotiation_file", []):
        if world.records[index].deleted:
            file = fresh(index)
            do_delete_file(file, actor=clerk, expected_version=file.version)
    for index in world.by_kind.get("handover", []):
        spec = world.records[index]
        handover = fresh(index)
        if spec.deleted:
            do_cancel_handover(handover, actor=clerk, expected_version=handover.version)
        elif spec.facts[0]:
            do_hand_over(handover, actor=clerk, expected_version=handover.version)

"""The leak property test: generated worlds, every channel, checked against an oracle.

Hypothesis builds worlds of delegations, staff with roles and postings (current, ended,
not yet begun), need-to-know grants (live and expired), bearers, people, interactions and
follow-ups with compartments, restrictions, named members and tombstones. For every user
and record, what each channel yields must equal what ``oracle_may`` says, an independent
reading of the matrix in docs/security.md written without the application's access code.

Channels: the restricted manager (view and change), the 404 helper, counts, detail pages,
list pages and the home page over HTTP. ``POURPARLER_LEAK_EXAMPLES`` sets how many worlds
(``make test-leaks-long`` runs many more).
"""

from __future__ import annotations

import datetime
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import get_visible_or_404
from pourparler.core.models import Delegation, Grant, Membership, User
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.people.models import Person
from pourparler.testing.http import sign_in

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("POURPARLER_LEAK_EXAMPLES", "22"))
MINIMUM_CHECKS = int(os.environ.get("POURPARLER_LEAK_MINIMUM", "10000"))

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


# ---- the world, as plain data -------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    role: str | None
    delegation: str
    posting: str  # current | ended | future
    active: bool


@dataclass(frozen=True)
class RecordSpec:
    kind: str  # bearer | person | interaction | follow_up
    compartment: str | None
    restricted: bool
    named: frozenset[int]
    deleted: bool
    bearers: frozenset[int] = frozenset()
    parent: int | None = None  # index of the interaction of a follow-up


@dataclass(frozen=True)
class GrantSpec:
    user: int
    access: str  # read | write
    target: str  # delegation | bearer | person | interaction
    index: int
    live: bool


@dataclass
class WorldSpec:
    users: list[UserSpec]
    records: list[RecordSpec]
    grants: list[GrantSpec]
    by_kind: dict[str, list[int]] = field(default_factory=dict)


@st.composite
def worlds(draw: Any) -> WorldSpec:
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
    records: list[RecordSpec] = []
    for _ in range(draw(st.integers(2, 4))):
        records.append(
            RecordSpec(
                "bearer",
                None,
                draw(st.booleans()),
                draw(named),
                draw(st.integers(0, 5).map(lambda n: n == 0)),
            )
        )
    bearer_ids = list(range(len(records)))
    for _ in range(draw(st.integers(3, 6))):
        records.append(
            RecordSpec(
                "person",
                draw(st.sampled_from(["d1", "d2"])),
                draw(st.booleans()),
                draw(named),
                draw(st.booleans()),
            )
        )
    interactions: list[int] = []
    for _ in range(draw(st.integers(4, 9))):
        interactions.append(len(records))
        records.append(
            RecordSpec(
                "interaction",
                draw(st.sampled_from(["d1", "d2", "hq"])),
                draw(st.booleans()),
                draw(named),
                draw(st.integers(0, 5).map(lambda n: n == 0)),
                bearers=draw(st.frozensets(st.sampled_from(bearer_ids), max_size=2)),
            )
        )
    for _ in range(draw(st.integers(1, 5))):
        parent = draw(st.sampled_from(interactions))
        records.append(
            RecordSpec(
                "follow_up",
                records[parent].compartment,
                draw(st.booleans()),
                draw(named),
                draw(st.integers(0, 5).map(lambda n: n == 0)),
                parent=parent,
            )
        )
    by_kind: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_kind.setdefault(record.kind, []).append(index)
    grants = []
    for _ in range(draw(st.integers(0, 5))):
        target = draw(st.sampled_from(["delegation", "bearer", "person", "interaction"]))
        pool = [0, 1, 2] if target == "delegation" else by_kind[target]
        grants.append(
            GrantSpec(
                draw(st.integers(0, n_users - 1)),
                draw(st.sampled_from(["read", "write"])),
                target,
                draw(st.sampled_from(pool)),
                draw(st.booleans()),
            )
        )
    return WorldSpec(users, records, grants, by_kind)


# ---- the oracle: the matrix, read independently --------------------------------------


def oracle_may(world: WorldSpec, u: int, r: int, action: str) -> bool:
    user, record = world.users[u], world.records[r]
    if not user.active or record.deleted:
        return False
    posted = user.role is not None and user.posting == "current"
    content = {user.delegation} if posted and user.role in CONTENT else set()
    reads_all = posted and user.role == "hq_analyst"
    live = [g for g in world.grants if g.user == u and g.live]
    allows = (lambda g: True) if action == "view" else (lambda g: g.access == "write")
    read_comps = content | {COMPARTMENTS[g.index] for g in live if g.target == "delegation"}
    write_comps = content | {
        COMPARTMENTS[g.index] for g in live if g.target == "delegation" and g.access == "write"
    }
    comps = read_comps if action == "view" else write_comps
    named_ok = not record.restricted or u in record.named

    def granted(kind: str, index: int) -> bool:
        return any(g.target == kind and g.index == index and allows(g) for g in live)

    if record.kind == "bearer":
        by_rule = named_ok and (action == "view" or bool(write_comps))
        return by_rule or granted("bearer", r)
    if record.kind == "person":
        in_scope = (action == "view" and reads_all) or record.compartment in comps
        return (in_scope and named_ok) or granted("person", r)
    if record.kind == "interaction":
        in_scope = (action == "view" and reads_all) or record.compartment in comps
        about = not record.restricted and any(granted("bearer", b) for b in record.bearers)
        return (in_scope and named_ok) or granted("interaction", r) or about
    assert record.kind == "follow_up" and record.parent is not None
    in_scope = (action == "view" and reads_all) or record.compartment in comps
    own = (in_scope and named_ok) or granted("interaction", record.parent)
    return own and oracle_may(world, u, record.parent, "view")


# ---- building the world in the database -----------------------------------------------


def build(world: WorldSpec) -> tuple[list[User], list[Any]]:
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
    now = timezone.now()
    objects: list[Any] = []
    for spec in world.records:
        common: dict[str, Any] = {
            "restricted": spec.restricted,
            "deleted_at": now if spec.deleted else None,
            "compartment": delegations[spec.compartment] if spec.compartment else None,
        }
        if spec.kind == "bearer":
            obj: Any = WeaponBearer.objects.create(
                name=f"Bearer {uuid.uuid4().hex[:8]}", kind="non_state_armed_group", **common
            )
        elif spec.kind == "person":
            obj = Person.objects.create(full_name=f"Person {uuid.uuid4().hex[:8]}", **common)
        elif spec.kind == "interaction":
            obj = Interaction.objects.create(
                kind="call",
                summary="s",
                place_name=f"Place {uuid.uuid4().hex[:8]}",
                occurred_at=now,
                **common,
            )
            obj.bearers.set([objects[b] for b in spec.bearers])
            obj.our_participants.set(users)
        else:
            assert spec.parent is not None
            obj = FollowUp.objects.create(
                interaction=objects[spec.parent],
                action=f"Action {uuid.uuid4().hex[:8]}",
                due_on=datetime.date.today(),
                **common,
            )
        obj.restricted_to.set([users[i] for i in spec.named])
        objects.append(obj)
    for grant in world.grants:
        target: dict[str, Any] = {}
        if grant.target == "delegation":
            target["delegation"] = delegations[COMPARTMENTS[grant.index]]
        elif grant.target == "bearer":
            target["bearer"] = objects[grant.index]
        else:
            from django.contrib.contenttypes.models import ContentType

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
    return users, objects


# ---- the channels ------------------------------------------------------------------------

DETAIL = {"bearer": "bearer_detail", "person": "person_detail", "interaction": "interaction_detail"}
LISTS = {"bearer": "bearer_list", "person": "person_list", "interaction": "interaction_list"}


class Tally:
    def __init__(self) -> None:
        self.checks = 0
        self.leaks: list[str] = []

    def expect(self, seen: bool, allowed: bool, what: str) -> None:
        self.checks += 1
        if seen != allowed:
            kind = "LEAK" if seen else "MISSING"
            self.leaks.append(f"{kind}: {what}")


def check_world(world: WorldSpec, tally: Tally) -> None:
    users, objects = build(world)
    models = {
        "bearer": WeaponBearer,
        "person": Person,
        "interaction": Interaction,
        "follow_up": FollowUp,
    }
    for u, user in enumerate(users):
        user = User.objects.get(pk=user.pk)  # a fresh object: no cached clearance
        for action in ("view", "change"):
            visible = {
                kind: set(model.objects.visible_to(user, action).values_list("pk", flat=True))
                for kind, model in models.items()
            }
            for kind, model in models.items():
                expected = {
                    objects[r].pk
                    for r in world.by_kind.get(kind, [])
                    if oracle_may(world, u, r, action)
                }
                count = model.objects.visible_to(user, action).count()
                tally.expect(count == len(expected), True, f"count {kind} {action} u{u}")
            for r, obj in enumerate(objects):
                spec = world.records[r]
                allowed = oracle_may(world, u, r, action)
                tally.expect(
                    obj.pk in visible[spec.kind],
                    allowed,
                    f"visible_to {action} u{u}={world.users[u]} r{r}={spec}",
                )
                if action == "view":
                    try:
                        get_visible_or_404(models[spec.kind], user, obj.pk)
                        found = True
                    except Http404:
                        found = False
                    tally.expect(found, allowed, f"404 helper u{u} r{r}={spec}")
        if not world.users[u].active:
            continue
        client = Client()
        sign_in(client, user)
        pages = {kind: client.get(reverse(name)).content for kind, name in LISTS.items()}
        home = client.get(reverse("home")).content
        for r, obj in enumerate(objects):
            spec = world.records[r]
            allowed = oracle_may(world, u, r, "view")
            if spec.kind in DETAIL:
                url = reverse(DETAIL[spec.kind], args=[obj.pk])
                status = client.get(url).status_code
                tally.expect(status == 200, allowed, f"detail page u{u} r{r}={spec}")
                tally.expect(
                    url.encode() in pages[spec.kind], allowed, f"list page u{u} r{r}={spec}"
                )
            if spec.kind == "interaction":
                tally.expect(
                    obj.place_name.encode() in pages["interaction"],
                    allowed,
                    f"list text u{u} r{r}={spec}",
                )
            if spec.kind == "follow_up":
                tally.expect(
                    obj.action.encode() in home, False, f"home shows an unowned follow-up u{u} r{r}"
                )


def test_no_channel_leaks_across_generated_worlds(db: None) -> None:
    tally = Tally()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(world=worlds())
    def run(world: WorldSpec) -> None:
        with transaction.atomic():
            check_world(world, tally)
            transaction.set_rollback(True)
        assert tally.leaks == [], "\n".join(tally.leaks[:20])

    run()
    assert tally.checks >= MINIMUM_CHECKS, f"only {tally.checks} checks"
    print(f"\nleak test: {tally.checks} checks over {EXAMPLES} worlds, {len(tally.leaks)} leaks")


def test_the_oracle_is_not_trivial() -> None:
    """The oracle must say yes and no, or the property would prove nothing."""
    world = WorldSpec(
        users=[
            UserSpec("field_delegate", "d1", "current", True),
            UserSpec("field_delegate", "d2", "current", True),
            UserSpec("hq_analyst", "hq", "current", True),
            UserSpec("auditor", "hq", "current", True),
        ],
        records=[
            RecordSpec("interaction", "d1", False, frozenset(), False),
            RecordSpec("interaction", "d1", True, frozenset({0}), False),
        ],
        grants=[GrantSpec(3, "read", "interaction", 1, True)],
    )
    assert oracle_may(world, 0, 0, "view") and oracle_may(world, 0, 1, "change")
    assert not oracle_may(world, 1, 0, "view")
    assert oracle_may(world, 2, 0, "view") and not oracle_may(world, 2, 0, "change")
    assert not oracle_may(world, 2, 1, "view")
    assert oracle_may(world, 3, 1, "view") and not oracle_may(world, 3, 0, "view")

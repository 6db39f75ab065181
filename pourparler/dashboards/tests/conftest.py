"""A hand-built world for the dashboards, made once per test module through the services.

Varnia (alice, bob, carol) and Kestria (dave), a bearer restricted to Bob, and records
of every kind the dashboards count, some hidden from Alice: restricted to Carol, held in
Kestria, or about the bearer only Bob may see. The expected figures are written beside
each test.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from pourparler.access.services import do_record_passage
from pourparler.bearers.choices import Level
from pourparler.commitments.choices import Compliance
from pourparler.commitments.tests.helpers import observe, register
from pourparler.concerns.tests.helpers import open_concern, represent
from pourparler.core.models import Delegation, User
from pourparler.integration.services import do_record_assessment
from pourparler.people.services import do_create_relationship
from pourparler.testing.http import sign_in
from pourparler.testing.personas import (
    World,
    build_world,
    make_bearer,
    make_interaction,
    make_person,
)
from pourparler.training.services import do_record_session


def ago(days: int) -> datetime.datetime:
    """The moment so many days ago."""
    return timezone.now() - datetime.timedelta(days=days)


def day(iso: str) -> datetime.datetime:
    """Ten in the morning of a day, local time."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{iso}T10:00"))


def passage(
    actor: User, where: Delegation, bearer: Any, outcome: str, when: str, **fields: Any
) -> Any:
    if outcome == "delayed":
        fields.setdefault("delay_minutes", 30)
    return do_record_passage(
        actor=actor,
        compartment=where,
        bearer=bearer,
        place_name=fields.pop("place", "Kessel Ford bridge"),
        outcome=outcome,
        occurred_at=day(when),
        **fields,
    )


def session(
    actor: User, where: Delegation, bearer: Any, held: str, people: int, women: int, **fields: Any
) -> Any:
    return do_record_session(
        actor=actor,
        compartment=where,
        bearer=bearer,
        kind="briefing",
        language="en",
        level="tactical",
        held_on=datetime.date.fromisoformat(held),
        participants=people,
        women=women,
        **fields,
    )


def assess(
    actor: User, where: Delegation, bearer: Any, pillar: str, level: int, on: str, **fields: Any
) -> Any:
    return do_record_assessment(
        actor=actor,
        compartment=where,
        bearer=bearer,
        pillar=pillar,
        level=level,
        evidence="Seen in the manuals.",
        assessed_on=datetime.date.fromisoformat(on),
        **fields,
    )


def populate(world: World) -> dict[str, Any]:
    """Every record the dashboards count; what Alice may see is named in each test."""
    alice, bob, carol, dave = world.alice, world.bob, world.carol, world.dave
    varnia, kestria = world.varnia, world.kestria
    hidden_to_alice = {"restricted": True, "restricted_to": [carol]}
    army = make_bearer(alice, name="Varnian Armed Forces")
    police = make_bearer(alice, name="Varnian National Police", kind="police")
    front = make_bearer(alice, name="Orun Liberation Front", kind="non_state_armed_group")
    hidden = make_bearer(
        bob, name="Hidden Front", kind="non_state_armed_group", restricted=True, restricted_to=[bob]
    )
    kpolice = make_bearer(dave, name="Kestrian National Police", kind="police")

    # Interactions: the coverage and the continuity.
    contact = make_interaction
    contact(alice, varnia, bearers=[army], level=Level.STRATEGIC, occurred_at=ago(10))
    contact(alice, varnia, bearers=[army], level=Level.TACTICAL, occurred_at=ago(500))
    contact(alice, varnia, bearers=[police], level=Level.OPERATIONAL, occurred_at=ago(60))
    contact(alice, varnia, bearers=[front], level=Level.TACTICAL, occurred_at=ago(300))
    contact(bob, varnia, bearers=[hidden], level=Level.STRATEGIC, occurred_at=ago(5))
    secret = hidden_to_alice
    contact(carol, varnia, bearers=[army], level=Level.OPERATIONAL, occurred_at=ago(3), **secret)
    contact(dave, kestria, bearers=[kpolice], level=Level.TACTICAL, occurred_at=ago(20))
    contact(dave, kestria, bearers=[army], level=Level.STRATEGIC, occurred_at=ago(1))
    colonel = make_person(alice, varnia, full_name="Col. Idris Maren", bearer=army)
    major = make_person(alice, varnia, full_name="Maj. Sera Alun", bearer=police)
    do_create_relationship(colonel, actor=alice, holder=alice)
    do_create_relationship(major, actor=alice, holder=dave)  # nobody posted in Varnia

    # Concerns.
    c1 = open_concern(alice, varnia, [army], summary="c1", opened=100)
    represent(alice, c1, 90)
    c2 = open_concern(alice, varnia, [police], summary="c2", opened=40)
    c3 = open_concern(carol, varnia, [army], summary="c3", opened=20, **hidden_to_alice)
    k1 = open_concern(dave, kestria, [kpolice], summary="k1", opened=30)
    represent(dave, k1, 28)

    # Commitments.
    v1 = register(alice, varnia, [army], title="v1", made=400)
    observe(alice, v1, 300, Compliance.KEPT)
    observe(alice, v1, 10, Compliance.BREACHED)
    v2 = register(alice, varnia, [front], title="v2", made=200)
    observe(alice, v2, 50, Compliance.KEPT)
    v3 = register(alice, varnia, [police], title="v3", made=20)
    v5 = register(carol, varnia, [army], title="v5", made=100, **hidden_to_alice)
    observe(carol, v5, 5, Compliance.KEPT)
    k2 = register(dave, kestria, [kpolice], title="k2", made=50)
    observe(dave, k2, 3, Compliance.BREACHED)

    # Checkpoint passages.
    passage(alice, varnia, army, "passed", "2026-01-10")
    passage(alice, varnia, army, "delayed", "2026-02-03")
    passage(alice, varnia, army, "turned_back", "2026-02-20")
    passage(alice, varnia, police, "passed", "2026-02-05", place="Orun road")
    passage(bob, varnia, hidden, "turned_back", "2026-02-10", place="Hill 4")
    passage(carol, varnia, army, "incident", "2026-01-15", **hidden_to_alice)
    passage(dave, kestria, kpolice, "passed", "2026-01-12", place="Kestria gate")

    # Dissemination sessions.
    session(alice, varnia, army, "2025-06-01", 30, 5)
    session(alice, varnia, front, "2026-03-02", 20, 8)
    session(bob, varnia, hidden, "2026-04-01", 50, 10, restricted=True, restricted_to=[bob])
    session(carol, varnia, army, "2026-04-02", 70, 7, **hidden_to_alice)
    session(dave, kestria, kpolice, "2026-05-01", 40, 4)

    # Integration assessments.
    assess(alice, varnia, army, "doctrine", 2, "2026-01-01")
    assess(alice, varnia, army, "doctrine", 3, "2026-06-01")
    assess(alice, varnia, army, "training", 1, "2026-02-01")
    assess(alice, varnia, front, "sanctions", 0, "2026-03-01")
    assess(carol, varnia, army, "education", 4, "2026-04-01", **hidden_to_alice)
    assess(bob, varnia, hidden, "doctrine", 1, "2026-04-01")
    assess(dave, kestria, kpolice, "doctrine", 2, "2026-05-01")
    return {
        "army": army,
        "police": police,
        "front": front,
        "hidden": hidden,
        "kpolice": kpolice,
        "concerns": {"c1": c1, "c2": c2, "c3": c3, "k1": k1},
        "commitments": {"v1": v1, "v2": v2, "v3": v3, "v5": v5, "k2": k2},
    }


@pytest.fixture(scope="module")
def shared(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[World, dict[str, Any]]]:
    """The world and its records, made once per module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world, populate(world)
        transaction.set_rollback(True)


def client_of(user: User) -> Client:
    """A client signed in as the user with both factors."""
    client = Client()
    sign_in(client, user)
    return client

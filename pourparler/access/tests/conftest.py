"""Builders for access tests: passages, constraints, incidents and assessments, through
the services, with sensible defaults a test overrides where it matters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.services import (
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer


def at(day: str, hour: int = 10) -> datetime.datetime:
    """An aware moment on a given ISO day."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def passage(
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    outcome: str = "passed",
    *,
    place: str = "Kessel Ford bridge",
    when: str = "2026-01-10",
    **fields: Any,
) -> CheckpointPassage:
    """Record a passage."""
    return do_record_passage(
        actor=actor,
        compartment=compartment,
        bearer=bearer,
        place_name=place,
        outcome=outcome,
        occurred_at=at(when),
        **fields,
    )


def constraint(
    actor: User,
    compartment: Delegation,
    category: str = "movement",
    *,
    when: str = "2026-01-10",
    description: str = "Road closed to all traffic after shelling.",
    **fields: Any,
) -> AccessConstraint:
    """Record an access constraint."""
    return do_record_constraint(
        actor=actor,
        compartment=compartment,
        category=category,
        occurred_on=datetime.date.fromisoformat(when),
        description=description,
        **fields,
    )


def incident(
    actor: User,
    compartment: Delegation,
    bearers: list[WeaponBearer],
    kind: str = "threat",
    *,
    when: str = "2026-01-10",
    description: str = "A fighter pointed his rifle at the driver.",
    **fields: Any,
) -> SecurityIncident:
    """Record a security incident."""
    return do_record_incident(
        actor=actor,
        compartment=compartment,
        kind=kind,
        bearers=bearers,
        occurred_at=at(when),
        description=description,
        **fields,
    )


def assessment(
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    status: str,
    when: str,
    **fields: Any,
) -> AcceptanceAssessment:
    """Record an acceptance assessment."""
    return do_record_acceptance(
        actor=actor,
        compartment=compartment,
        bearer=bearer,
        status=status,
        assessed_on=datetime.date.fromisoformat(when),
        **fields,
    )


def client_for(user: User) -> Client:
    """A client signed in as the user, with both factors."""
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


@pytest.fixture
def group(world: World) -> WeaponBearer:
    return make_bearer(
        world.alice,
        name="Front for the Liberation of the Hollow Hills",
        kind="non_state_armed_group",
    )


@pytest.fixture
def police(world: World) -> WeaponBearer:
    return make_bearer(world.dave, name="Kestrian National Police", kind="police")

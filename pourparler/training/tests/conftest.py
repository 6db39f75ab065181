"""Bearers and a session factory for the training tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Topic
from pourparler.testing.personas import World, make_bearer
from pourparler.training.models import DisseminationSession
from pourparler.training.services import do_record_session


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice, name="Varnian Armed Forces")


@pytest.fixture
def police(world: World) -> WeaponBearer:
    return make_bearer(world.alice, name="Varnian National Police", kind="police")


def topics(*codes: str) -> list[Topic]:
    """Return the seeded topics with these codes, in that order."""
    found = {t.code: t for t in Topic.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def make_session(
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    *,
    held_on: datetime.date | None = None,
    participants: int = 20,
    **fields: Any,
) -> DisseminationSession:
    """Record a session through the service (a briefing in English unless told otherwise)."""
    fields.setdefault("kind", "briefing")
    fields.setdefault("language", "en")
    fields.setdefault("level", "tactical")
    return do_record_session(
        actor=actor,
        compartment=compartment,
        bearer=bearer,
        held_on=held_on or datetime.date(2026, 3, 2),
        participants=participants,
        **fields,
    )

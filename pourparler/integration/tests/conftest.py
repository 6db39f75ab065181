"""Bearers and an assessment factory for the integration tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.services import do_record_assessment
from pourparler.testing.personas import World, make_bearer


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.bob, name="Varnian Armed Forces")


@pytest.fixture
def erm(world: World) -> WeaponBearer:
    return make_bearer(world.carol, name="Eastern Ridge Movement", kind="non_state_armed_group")


def assess(
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    pillar: str,
    level: int,
    on: datetime.date,
    evidence: str = "Seen the texts.",
    **fields: Any,
) -> IntegrationAssessment:
    """Record an assessment through the service."""
    return do_record_assessment(
        actor=actor,
        compartment=compartment,
        bearer=bearer,
        pillar=pillar,
        level=level,
        assessed_on=on,
        evidence=evidence,
        **fields,
    )

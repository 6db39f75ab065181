"""Fixtures of the API tests: the personas' clients and a little of Varnia's dialogue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pourparler.api.tests.helpers import ApiClient
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.testing.personas import (
    World,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)


@dataclass
class Varnia:
    """What the Varnia delegation has recorded, and what Kestria has."""

    army: WeaponBearer
    brigade: Unit
    colonel: Person
    meeting: Interaction
    kestrian: Person
    kestrian_meeting: Interaction


@pytest.fixture
def varnia(world: World) -> Varnia:
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    brigade = make_unit(world.alice, army)
    colonel = make_person(world.alice, world.varnia, full_name="Col. Idris Maren", bearer=army)
    meeting = make_interaction(
        world.alice, world.varnia, bearers=[army], their_participants=[colonel]
    )
    kestrian = make_person(world.dave, world.kestria, full_name="Maj. Tomas Vell", bearer=army)
    kestrian_meeting = make_interaction(
        world.dave, world.kestria, bearers=[army], their_participants=[kestrian]
    )
    return Varnia(army, brigade, colonel, meeting, kestrian, kestrian_meeting)


@pytest.fixture
def alice_api(world: World) -> ApiClient:
    return ApiClient(world.alice)


@pytest.fixture
def dave_api(world: World) -> ApiClient:
    return ApiClient(world.dave)

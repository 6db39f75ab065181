"""The current status of a pillar is its latest assessment the viewer may see."""

from __future__ import annotations

import datetime

import pytest

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.integration.choices import Pillar
from pourparler.integration.figures import current_assessments, heat_rows
from pourparler.integration.services import do_delete_assessment
from pourparler.integration.tests.conftest import assess
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

D = datetime.date


def levels(user: User, bearer: WeaponBearer) -> dict[str, int]:
    return {p: int(a.level) for p, a in current_assessments(user, [bearer])[bearer.pk].items()}


def test_the_current_level_is_the_latest_assessment_not_the_latest_recorded(
    world: World, army: WeaponBearer
) -> None:
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2025, 1, 10))
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 3, D(2026, 2, 1))
    # Recorded last, but about an earlier day: history, not the current status.
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2025, 8, 1))
    assess(world.bob, world.varnia, army, Pillar.SANCTIONS, 0, D(2025, 5, 5))
    assert levels(world.alice, army) == {"doctrine": 3, "sanctions": 0}


def test_on_the_same_day_the_one_recorded_later_wins(world: World, army: WeaponBearer) -> None:
    assess(world.bob, world.varnia, army, Pillar.TRAINING, 1, D(2026, 3, 3))
    assess(world.alice, world.varnia, army, Pillar.TRAINING, 2, D(2026, 3, 3))
    assert levels(world.carol, army) == {"training": 2}


def test_deleting_the_latest_falls_back_to_the_one_before(world: World, army: WeaponBearer) -> None:
    assess(world.bob, world.varnia, army, Pillar.EQUIPMENT, 1, D(2025, 4, 4))
    latest = assess(world.bob, world.varnia, army, Pillar.EQUIPMENT, 3, D(2026, 4, 4))
    do_delete_assessment(latest, actor=world.bob, expected_version=1)
    assert levels(world.alice, army) == {"equipment": 1}


def test_an_assessment_the_viewer_may_not_see_neither_shows_nor_hides_an_older_one(
    world: World, army: WeaponBearer
) -> None:
    assess(world.bob, world.varnia, army, Pillar.SANCTIONS, 1, D(2025, 6, 1))
    assess(
        world.carol,
        world.varnia,
        army,
        Pillar.SANCTIONS,
        3,
        D(2026, 6, 1),
        restricted=True,
        restricted_to=[world.carol],
    )
    assert levels(world.alice, army) == {"sanctions": 1}
    assert levels(world.carol, army) == {"sanctions": 3}


def test_two_compartments_assessing_one_bearer_each_see_their_own(
    world: World, army: WeaponBearer
) -> None:
    knp = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2025, 6, 1))
    # Kestria assesses the same (organisation-wide) bearer later, and its own police.
    assess(world.dave, world.kestria, army, Pillar.DOCTRINE, 4, D(2026, 6, 1))
    assess(world.dave, world.kestria, knp, Pillar.TRAINING, 3, D(2026, 6, 1))
    assert levels(world.alice, army) == {"doctrine": 2}
    assert levels(world.alice, knp) == {}
    assert levels(world.dave, army) == {"doctrine": 4}
    assert levels(world.dave, knp) == {"training": 3}
    # The analyst reads both: the latest of the two is current for her.
    assert levels(world.hana, army) == {"doctrine": 4}
    assert levels(world.audrey, army) == {}


def test_heat_rows_give_five_cells_in_pillar_order(
    world: World, army: WeaponBearer, erm: WeaponBearer
) -> None:
    assess(world.carol, world.varnia, erm, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    assess(world.bob, world.varnia, army, Pillar.SANCTIONS, 4, D(2026, 1, 1))
    rows = heat_rows(world.alice, [erm, army])
    assert [row.bearer for row in rows] == [erm, army]
    assert [cell.pillar for cell in rows[0].cells] == Pillar.values
    assert [(cell.level, cell.css_class) for cell in rows[0].cells] == [
        (1, "heat-1"),
        (None, "heat-none"),
        (None, "heat-none"),
        (None, "heat-none"),
        (None, "heat-none"),
    ]
    assert [cell.level for cell in rows[1].cells] == [None, None, None, None, 4]

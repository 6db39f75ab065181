"""Outcome figures: known answers, groups, and only what the viewer may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.choices import ConcernStatus, ResponseKind
from pourparler.concerns.figures import Outcome, outcome, outcome_figures, period_of
from pourparler.concerns.models import Concern
from pourparler.concerns.services import do_change_concern_status, do_delete_concern
from pourparler.concerns.tests.helpers import days_ago, fresh, open_concern, represent, respond
from pourparler.core.models import User
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    army: WeaponBearer
    police: WeaponBearer
    kestrian_police: WeaponBearer
    concerns: dict[str, Concern]


def address(actor: User, concern: Concern, days: int) -> None:
    current = fresh(concern)
    do_change_concern_status(
        current,
        actor=actor,
        expected_version=current.version,
        status=ConcernStatus.ADDRESSED,
        changed_on=days_ago(days),
        note="Measures taken.",
    )


@pytest.fixture
def scene(world: World) -> Scene:
    """Concerns in Varnia (one restricted to Carol) and in Kestria, with known dates.

    Varnia, open to every Varnian:
      c1 army, hostilities: opened 100, raised 90 (operational), answered 80, addressed 50
      c2 army+police, detention: opened 60, raised 56 (strategic), answered 50
      c3 police, detention: opened 40, raised 34 (tactical), silence noted 20
      c4 army, health care: opened 10, not raised
    Varnia, restricted to Carol:
      c5 army, hostilities: opened 200, raised 100 (strategic), answered 90, addressed 10
    Kestria:
      k1 police, use of force: opened 30, raised 28 (operational), answered 20
    """
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    kestrian_police = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    alice, carol, dave = world.alice, world.carol, world.dave
    c1 = open_concern(alice, world.varnia, [army], summary="c1", opened=100)
    represent(alice, c1, 90, Level.OPERATIONAL)
    respond(alice, c1, 80, ResponseKind.DENIED)
    address(alice, c1, 50)
    c2 = open_concern(
        alice, world.varnia, [army, police], summary="c2", category="detention", opened=60
    )
    represent(alice, c2, 56, Level.STRATEGIC)
    respond(alice, c2, 50, ResponseKind.INVESTIGATION)
    c3 = open_concern(alice, world.varnia, [police], summary="c3", category="detention", opened=40)
    represent(alice, c3, 34, Level.TACTICAL)
    respond(alice, c3, 20, ResponseKind.NO_RESPONSE)
    c4 = open_concern(alice, world.varnia, [army], summary="c4", category="health-care", opened=10)
    c5 = open_concern(
        carol,
        world.varnia,
        [army],
        summary="c5",
        opened=200,
        restricted=True,
        restricted_to=[carol],
    )
    represent(carol, c5, 100, Level.STRATEGIC)
    respond(carol, c5, 90)
    address(carol, c5, 10)
    k1 = open_concern(
        dave, world.kestria, [kestrian_police], summary="k1", category="use-of-force", opened=30
    )
    represent(dave, k1, 28, Level.OPERATIONAL)
    respond(dave, k1, 20, ResponseKind.MEASURES)
    return Scene(
        army, police, kestrian_police, {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5, "k1": k1}
    )


def numbers(o: Outcome) -> tuple[object, ...]:
    return (
        o.concerns,
        o.raised,
        o.responded,
        o.addressed,
        o.time_to_first_representation,
        o.response_rate,
        o.share_addressed,
        o.time_to_address,
    )


def test_known_answers_for_a_delegate(world: World, scene: Scene) -> None:
    # Raised after 10, 4 and 6 days; 2 of 3 answered (silence does not count); 1 of 3
    # addressed, 40 days after it was first raised.
    assert numbers(outcome(world.alice)) == (4, 3, 2, 1, 6, 2 / 3, 1 / 3, 40)


def test_every_figure_counts_only_what_the_viewer_may_see(world: World, scene: Scene) -> None:
    # Carol is named on the restricted c5 (raised after 100 days, addressed 90 days later).
    assert numbers(outcome(world.carol)) == (5, 4, 3, 2, 8, 3 / 4, 2 / 4, 65)
    # Alice is not named on c5: every figure leaves it out.
    assert numbers(outcome(world.alice)) == (4, 3, 2, 1, 6, 2 / 3, 1 / 3, 40)
    # Dave, in Kestria, counts k1 alone: nothing of Varnia.
    assert numbers(outcome(world.dave)) == (1, 1, 1, 0, 2, 1.0, 0.0, None)
    # The headquarters analyst reads both delegations, but not the restricted c5.
    assert numbers(outcome(world.hana)) == (5, 4, 3, 1, 5, 3 / 4, 1 / 4, 40)
    # The auditor sees no dialogue content at all.
    assert numbers(outcome(world.audrey)) == (0, 0, 0, 0, None, None, None, None)


def test_a_queryset_passed_in_is_narrowed_to_what_the_viewer_may_see(
    world: World, scene: Scene
) -> None:
    everything = Concern.objects.alive()
    assert outcome(world.dave, everything).concerns == 1
    assert outcome_figures(world.dave, everything).overall.concerns == 1


def test_groups_by_bearer_category_level_and_period(world: World, scene: Scene) -> None:
    figures = outcome_figures(world.alice)
    by_bearer = {o.label: numbers(o) for o in figures.by_bearer}
    # c2 names both bearers, so it counts once for each.
    assert by_bearer == {
        "Varnian Armed Forces": (3, 2, 2, 1, 7, 1.0, 0.5, 40),
        "Varnian National Police": (2, 2, 1, 0, 5, 0.5, 0.0, None),
    }
    assert [o.label for o in figures.by_bearer] == [
        "Varnian Armed Forces",
        "Varnian National Police",
    ]
    by_category = {o.key: numbers(o) for o in figures.by_category}
    assert by_category == {
        "conduct-of-hostilities": (1, 1, 1, 1, 10, 1.0, 1.0, 40),
        "detention": (2, 2, 1, 0, 5, 0.5, 0.0, None),
        "health-care": (1, 0, 0, 0, None, None, None, None),
    }
    assert [o.key for o in figures.by_level] == [
        Level.STRATEGIC,
        Level.OPERATIONAL,
        Level.TACTICAL,
        "not_raised",
    ]
    assert [numbers(o)[:3] for o in figures.by_level] == [
        (1, 1, 1),
        (1, 1, 1),
        (1, 1, 0),
        (1, 0, 0),
    ]
    # Periods: the quarters the concerns were opened in, oldest first, adding up to all.
    assert sum(o.concerns for o in figures.by_period) == 4
    keys = [o.key for o in figures.by_period]
    assert keys == sorted(keys)
    opened = {c.summary: c.opened_on for c in Concern.objects.visible_to(world.alice)}
    expected: dict[str, int] = {}
    for day in opened.values():
        key = f"{day.year}-Q{(day.month + 2) // 3}"
        expected[key] = expected.get(key, 0) + 1
    assert {o.key: o.concerns for o in figures.by_period} == expected
    yearly = outcome_figures(world.alice, period="year")
    assert {o.key: o.concerns for o in yearly.by_period} == {
        str(year): sum(1 for day in opened.values() if day.year == year)
        for year in {day.year for day in opened.values()}
    }


def test_groups_never_name_what_the_viewer_may_not_see(world: World, scene: Scene) -> None:
    dave = outcome_figures(world.dave)
    assert [o.label for o in dave.by_bearer] == ["Kestrian National Police"]
    assert [o.key for o in dave.by_category] == ["use-of-force"]
    alice = outcome_figures(world.alice)
    assert "Kestrian National Police" not in [o.label for o in alice.by_bearer]
    # A bearer restricted to Carol: her concern about it (not itself restricted) counts
    # for Alice, but the bearer table does not name the bearer to her.
    secret = make_bearer(
        world.carol,
        name="Hollow Hills Brigade",
        kind="non_state_armed_group",
        restricted=True,
        restricted_to=[world.carol],
    )
    open_concern(world.carol, world.varnia, [secret], summary="c6", opened=5)
    alice = outcome_figures(world.alice)
    assert alice.overall.concerns == 5
    assert [o.label for o in alice.by_bearer] == [
        "Varnian Armed Forces",
        "Varnian National Police",
    ]
    carol = outcome_figures(world.carol)
    assert "Hollow Hills Brigade" in [o.label for o in carol.by_bearer]


def test_periods_are_quarters_or_years() -> None:
    assert period_of(datetime.date(2026, 3, 31), "quarter") == ("2026-Q1", "2026 Q1")
    assert period_of(datetime.date(2026, 4, 1), "quarter") == ("2026-Q2", "2026 Q2")
    assert period_of(datetime.date(2025, 12, 31), "year") == ("2025", "2025")


def test_a_deleted_concern_no_longer_counts(world: World, scene: Scene) -> None:
    c1 = fresh(scene.concerns["c1"])
    do_delete_concern(c1, actor=world.alice, expected_version=c1.version)
    assert numbers(outcome(world.alice)) == (3, 2, 1, 0, 5, 0.5, 0.0, None)

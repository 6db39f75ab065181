"""Each chart's figures against the hand-built world: known answers, and only what the
viewer may see (a record hidden from them changes no figure)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from pourparler.access.services import do_record_passage
from pourparler.bearers.choices import Level
from pourparler.commitments.tests.helpers import register
from pourparler.concerns.models import Concern
from pourparler.concerns.tests.helpers import open_concern
from pourparler.dashboards import figures
from pourparler.dashboards.figures import Scope
from pourparler.dashboards.tests.conftest import ago, assess, session
from pourparler.handover.reading import continuity_of
from pourparler.maps.population import PopulationBasis, area_shape
from pourparler.maps.tests.helpers import box, days_ago, draw, import_car
from pourparler.testing.personas import World, make_interaction

pytestmark = pytest.mark.django_db

Shared = tuple[World, dict[str, Any]]


def table(chart: figures.Chart) -> dict[str, list[Any]]:
    """A chart's rows by their label."""
    return dict(chart.table.rows)


def varnia(world: World, who: str) -> Scope:
    return Scope(world.users[who], world.varnia)


def quarter(days: int) -> str:
    opened = timezone.localdate() - datetime.timedelta(days=days)
    return f"{opened.year} Q{(opened.month - 1) // 3 + 1}"


def year(days: int) -> str:
    return str((timezone.localdate() - datetime.timedelta(days=days)).year)


# Coverage columns: within 30 days, 31-90, 91-365, over a year, never; bearers of the kind.


def test_coverage_counts_the_bearers_alice_may_see_by_kind_level_and_age(shared: Shared) -> None:
    world, _w = shared
    rows = table(figures.coverage(varnia(world, "alice")))
    assert rows == {
        "State armed forces · Strategic": [1, 0, 0, 0, 0, 1],
        # Carol's restricted operational contact is hidden from Alice.
        "State armed forces · Operational": [0, 0, 0, 0, 1, 1],
        "State armed forces · Tactical": [0, 0, 0, 1, 0, 1],
        "Police · Strategic": [0, 0, 0, 0, 1, 1],
        "Police · Operational": [0, 1, 0, 0, 0, 1],
        "Police · Tactical": [0, 0, 0, 0, 1, 1],
        # The Hidden Front (Bob's) is not counted: one armed group, never met strategically.
        "Non-State armed group · Strategic": [0, 0, 0, 0, 1, 1],
        "Non-State armed group · Operational": [0, 0, 0, 0, 1, 1],
        "Non-State armed group · Tactical": [0, 0, 1, 0, 0, 1],
    }


def test_coverage_counts_what_carol_and_bob_may_see_too(shared: Shared) -> None:
    world, _w = shared
    carol = table(figures.coverage(varnia(world, "carol")))
    assert carol["State armed forces · Operational"] == [1, 0, 0, 0, 0, 1]
    bob = table(figures.coverage(varnia(world, "bob")))
    assert bob["Non-State armed group · Strategic"] == [1, 0, 0, 0, 1, 2]


def test_headquarters_coverage_spans_both_delegations(shared: Shared) -> None:
    world, _w = shared
    rows = table(figures.coverage(Scope(world.hana)))
    # The army was met in Kestria yesterday; the Kestrian police 20 days ago.
    assert rows["State armed forces · Strategic"] == [1, 0, 0, 0, 0, 1]
    assert rows["Police · Tactical"] == [1, 0, 0, 0, 1, 2]
    assert "Non-State armed group · Strategic" in rows


def test_concerns_by_quarter_opened_and_status_now(shared: Shared) -> None:
    world, w = shared
    chart = figures.concerns_over_time(varnia(world, "alice"))
    statuses = [s for s, _l in figures.ConcernStatus.choices]
    expected: dict[str, list[int]] = {}
    for name, days in (("c1", 100), ("c2", 40)):
        status = Concern.objects.get(pk=w["concerns"][name].pk).status
        row = expected.setdefault(quarter(days), [0] * (len(statuses) + 1))
        row[statuses.index(status)] += 1
        row[-1] += 1
    rows = table(chart)
    assert {k: v for k, v in rows.items() if v[-1]} == expected
    assert sum(v[-1] for v in rows.values()) == 2
    assert Concern.objects.get(pk=w["concerns"]["c1"].pk).status == "raised"


def test_commitments_by_year_made_and_compliance_now(shared: Shared) -> None:
    world, _w = shared
    rows = table(figures.commitments_kept(varnia(world, "alice")))
    # Columns: kept, partly kept, breached, not observed, commitments.
    expected: dict[str, list[int]] = {}
    for days, column in ((400, 2), (200, 0), (20, 3)):
        row = expected.setdefault(year(days), [0, 0, 0, 0, 0])
        row[column] += 1
        row[4] += 1
    assert rows == expected


def test_months_and_quarters_are_written_in_the_readers_language(shared: Shared) -> None:
    world, _w = shared
    scope = varnia(world, "alice")
    opened = quarter(100).split(" Q")
    with translation.override("fr"):
        months = list(table(figures.access_over_time(scope)))
        quarters = list(table(figures.concerns_over_time(scope)))
    with translation.override("ar"):
        arabic = list(table(figures.concerns_over_time(scope)))
    assert months == ["janvier 2026", "février 2026"]
    assert f"T{opened[1]} {opened[0]}" in quarters
    assert f"الربع {opened[1]} من {opened[0]}" in arabic
    assert not any(" Q" in label for label in quarters + arabic)


def test_access_outcomes_by_month_and_by_bearer(shared: Shared) -> None:
    world, _w = shared
    scope = varnia(world, "alice")
    # Columns: passed, delayed, turned back, incident, passages.
    assert table(figures.access_over_time(scope)) == {
        "Jan 2026": [1, 0, 0, 0, 1],
        "Feb 2026": [1, 1, 1, 0, 3],
    }
    assert table(figures.access_by_bearer(scope)) == {
        "Varnian Armed Forces": [1, 1, 1, 0, 3],
        "Varnian National Police": [1, 0, 0, 0, 1],
    }
    assert table(figures.access_by_bearer(varnia(world, "carol")))["Varnian Armed Forces"] == [
        1,
        1,
        1,
        1,
        4,
    ]


def test_people_reached_by_year(shared: Shared) -> None:
    world, _w = shared
    # Columns: sessions, women, men and not recorded, people reached.
    assert table(figures.people_reached(varnia(world, "alice"))) == {
        "2025": [1, 5, 25, 30],
        "2026": [1, 8, 12, 20],
    }
    assert table(figures.people_reached(Scope(world.hana)))["2026"] == [2, 12, 48, 60]


def test_integration_heat_map_per_bearer_for_a_delegation(shared: Shared) -> None:
    world, _w = shared
    # Columns: doctrine, education, training, equipment, sanctions.
    assert table(figures.integration_heat_map(varnia(world, "alice"))) == {
        "Orun Liberation Front": ["—", "—", "—", "—", 0],
        "Varnian Armed Forces": [3, "—", 1, "—", "—"],
    }
    carol = table(figures.integration_heat_map(varnia(world, "carol")))
    assert carol["Varnian Armed Forces"] == [3, 4, 1, "—", "—"]


def test_integration_heat_map_counts_bearers_per_level_for_headquarters(shared: Shared) -> None:
    world, _w = shared
    # Columns: levels 0 to 4, bearers assessed.
    assert table(figures.integration_heat_map(Scope(world.hana))) == {
        "Doctrine": [0, 0, 1, 1, 0, 2],
        "Education": [0, 0, 0, 0, 0, 0],
        "Training": [0, 1, 0, 0, 0, 1],
        "Equipment": [0, 0, 0, 0, 0, 0],
        "Sanctions": [1, 0, 0, 0, 0, 1],
    }


def test_continuity_of_a_delegation_is_the_handover_apps(shared: Shared) -> None:
    world, _w = shared
    rows = table(figures.continuity(varnia(world, "alice")))
    assert rows == {
        "Bearers we deal with": [3],
        "No contact for 90 days": [1],
        "Never met at strategic level": [2],
        "Never met at operational level": [2],
        "Never met at tactical level": [1],
        "Relationships nobody posted now holds": [1],
    }


def test_headquarters_continuity_agrees_with_the_handover_app_for_each_delegation(
    shared: Shared,
) -> None:
    world, _w = shared
    rows = table(figures.continuity(Scope(world.hana)))
    # Columns: dealt with, in contact within 90 days, silent 90 days, orphaned relationships.
    assert rows == {"Kestria": [2, 2, 0, 0], "Varnia": [3, 2, 1, 1]}
    for delegation in (world.varnia, world.kestria):
        c = continuity_of(world.hana, delegation)
        dealt, recent, silent, orphaned = rows[delegation.name]
        assert (dealt, silent, orphaned) == (len(c.bearers), len(c.silent), len(c.orphaned))
        assert recent == dealt - silent


def test_global_figures_over_the_last_year(shared: Shared) -> None:
    world, _w = shared
    rows = table(figures.global_figures(Scope(world.hana)))
    assert rows == {
        "Armed groups we are in contact with": [1],
        "Weapon bearers we are in contact with": [4],
        "Weapon bearers trained (sessions held)": [2],
        "People reached by dissemination and training": [60],
        "Concerns raised with weapon bearers": [2],
        "People living in areas under full or fluid control of armed groups": ["—"],
    }


def test_people_under_armed_group_control_come_from_the_maps_app(shared: Shared) -> None:
    world, w = shared
    hana, alice, carol = world.hana, world.alice, world.carol
    import_car(alice)
    label = "People living in areas under full or fluid control of armed groups"
    counted = draw(alice, world.varnia, w["front"], box(18.4, 4.3, 20.1, 6.6), control="full")
    # Not counted: the influence of an armed group, the control of State forces, an area
    # that ended, and an area restricted to Carol (hana may not see it).
    draw(alice, world.varnia, w["front"], box(20.5, 6.0, 21.5, 7.0), control="influence")
    draw(alice, world.varnia, w["army"], box(20.5, 6.0, 21.5, 7.0), control="full")
    draw(alice, world.varnia, w["front"], box(16, 3, 17, 4), ends_on=days_ago(10))
    draw(carol, world.varnia, w["front"], box(16, 3, 17, 4), restricted=True, restricted_to=[carol])
    basis = PopulationBasis(hana, {counted.country_id})
    expected = round(basis.estimate(area_shape(counted), counted.country_id).people or 0)
    assert expected > 100_000
    chart = figures.global_figures(Scope(hana))
    assert table(chart)[label] == [expected]
    assert "General Census of Population and Housing" in chart.note
    # Carol sees her restricted area too: it adds people for her.
    assert table(figures.global_figures(Scope(carol)))[label][0] > expected


def snapshot(scope: Scope) -> dict[str, Any]:
    return {key: table(build(scope)) for key, build in figures.HEADQUARTERS_CHARTS.items()}


def test_a_record_alice_may_not_see_changes_none_of_her_figures(shared: Shared) -> None:
    world, w = shared
    alice_before = snapshot(varnia(world, "alice"))
    alice_hq_view = snapshot(Scope(world.alice))
    carol_before = snapshot(varnia(world, "carol"))
    hana_before = snapshot(Scope(world.hana))
    army, hidden, kpolice = w["army"], w["hidden"], w["kpolice"]
    carol, bob, dave = world.carol, world.bob, world.dave
    secret = {"restricted": True, "restricted_to": [carol]}
    for actor, where, bearer, extra in (
        (carol, world.varnia, army, secret),  # restricted to Carol
        (dave, world.kestria, kpolice, {}),  # another delegation
        (bob, world.varnia, hidden, {}),  # about the bearer only Bob may see
    ):
        make_interaction(
            actor, where, bearers=[bearer], level=Level.TACTICAL, occurred_at=ago(2), **extra
        )
        if bearer != hidden:
            # A concern, commitment or session about a hidden bearer is itself visible
            # (its app's read path shows it, the bearer unnamed): only records hidden
            # from Alice are added here.
            open_concern(actor, where, [bearer], summary="hidden", opened=5, **extra)
            register(actor, where, [bearer], title="hidden", made=5, **extra)
            session(actor, where, bearer, "2026-11-01", 99, 9, **extra)
        do_record_passage(
            actor=actor,
            compartment=where,
            bearer=bearer,
            place_name="Somewhere",
            outcome="turned_back",
            occurred_at=ago(2),
            **extra,
        )
        assess(actor, where, bearer, "equipment", 4, "2026-11-01", **extra)
    assert snapshot(varnia(world, "alice")) == alice_before
    assert snapshot(Scope(world.alice)) == alice_hq_view
    # The same records do count for those who may see them.
    assert snapshot(varnia(world, "carol")) != carol_before
    assert snapshot(Scope(world.hana)) != hana_before

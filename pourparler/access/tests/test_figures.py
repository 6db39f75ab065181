"""Access figures from sets of records with a known answer, and only what the viewer may see."""

from __future__ import annotations

import datetime
import statistics

import pytest
from django.urls import reverse
from django.utils import timezone

from pourparler.access import figures
from pourparler.access.reading import (
    acceptance_visible_to,
    constraints_visible_to,
    incidents_visible_to,
    passages_visible_to,
)
from pourparler.access.tests.conftest import (
    assessment,
    client_for,
    constraint,
    incident,
    passage,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import forget_clearance
from pourparler.core.models import User
from pourparler.core.services import do_grant_access
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

# The known set: (bearer, checkpoint, outcome, delay, day). Written out so the expected
# figures below can be checked by hand.
KNOWN = [
    ("army", "Bridge", "passed", None, "2026-01-05"),
    ("army", "Bridge", "delayed", 30, "2026-01-12"),
    ("army", "Bridge", "delayed", 90, "2026-01-19"),
    ("army", "Bridge", "turned_back", None, "2026-01-26"),
    ("army", "Junction", "passed", None, "2026-02-02"),
    ("army", "Junction", "passed", None, "2026-02-09"),
    ("group", "Junction", "delayed", 45, "2026-02-16"),
    ("group", "Junction", "incident", None, "2026-02-23"),
    ("group", "Hill", "passed", None, "2026-04-06"),
]


@pytest.fixture
def known(world: World, army: WeaponBearer, group: WeaponBearer) -> dict[str, WeaponBearer]:
    bearers = {"army": army, "group": group}
    for key, place, outcome, delay, day in KNOWN:
        passage(
            world.alice,
            world.varnia,
            bearers[key],
            outcome,
            place=place,
            when=day,
            delay_minutes=delay,
        )
    return bearers


def test_passage_figures_from_a_set_with_a_known_answer(
    world: World, known: dict[str, WeaponBearer]
) -> None:
    result = figures.passage_figures(passages_visible_to(world.alice))
    counts = result.counts
    assert (counts.total, counts.passed, counts.delayed, counts.turned_back, counts.incident) == (
        9,
        4,
        3,
        1,
        1,
    )
    assert counts.stopped == 5
    assert counts.share_stopped == pytest.approx(5 / 9)
    assert counts.percent_stopped == 56
    delays = [delay for *_rest, delay, _day in KNOWN if delay is not None]
    assert counts.mean_delay == pytest.approx(55.0) == pytest.approx(statistics.mean(delays))
    assert result.median_delay == 45.0 == statistics.median(delays)

    by_bearer = {row.label: row.counts for row in result.by_bearer}
    assert (by_bearer[known["army"].name].total, by_bearer[known["army"].name].stopped) == (6, 3)
    assert (by_bearer[known["group"].name].total, by_bearer[known["group"].name].stopped) == (3, 2)
    assert by_bearer[known["army"].name].mean_delay == pytest.approx(60.0)
    # The army stopped us more often (3 times) than the group (2), though less in share.
    assert [row.label for row in result.by_bearer] == [known["army"].name, known["group"].name]

    by_place = {row.label: (row.counts.total, row.counts.stopped) for row in result.by_place}
    assert by_place == {"Bridge": (4, 3), "Junction": (4, 2), "Hill": (1, 0)}
    assert [row.label for row in result.by_place] == ["Bridge", "Junction", "Hill"]

    # January, February, an empty March, April.
    assert [(row.month, row.counts.total, row.counts.stopped) for row in result.by_month] == [
        (datetime.date(2026, 1, 1), 4, 3),
        (datetime.date(2026, 2, 1), 4, 2),
        (datetime.date(2026, 3, 1), 0, 0),
        (datetime.date(2026, 4, 1), 1, 0),
    ]
    assert len(result.bars) == 4 and result.bars[2].rects == ()


def test_where_and_by_whom_we_are_most_often_stopped(
    world: World, known: dict[str, WeaponBearer]
) -> None:
    ranked = figures.most_stopped(passages_visible_to(world.alice))
    assert [(row.place, row.bearer_id, row.counts.stopped, row.counts.total) for row in ranked] == [
        ("Bridge", known["army"].pk, 3, 4),
        ("Junction", known["group"].pk, 2, 2),
    ]
    # Checkpoints where nobody stopped us are not on the list; the limit is kept.
    assert figures.most_stopped(passages_visible_to(world.alice), limit=1)[0].place == "Bridge"


def test_a_tie_in_stops_goes_to_the_higher_share(world: World, army: WeaponBearer) -> None:
    for outcome in ("turned_back", "passed", "passed"):
        passage(world.alice, world.varnia, army, outcome, place="Often open")
    passage(world.alice, world.varnia, army, "turned_back", place="Always shut")
    ranked = figures.most_stopped(passages_visible_to(world.alice))
    assert [row.place for row in ranked] == ["Always shut", "Often open"]


def test_the_period_filter_and_the_bearer_filter(
    world: World, known: dict[str, WeaponBearer]
) -> None:
    february = figures.AccessFilters(
        since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 28)
    )
    counts = figures.outcome_counts(
        february.apply(passages_visible_to(world.alice), "occurred_at__date")
    )
    assert (counts.total, counts.stopped) == (4, 2)
    group_only = figures.AccessFilters(bearer=known["group"])
    counts = figures.outcome_counts(
        group_only.apply(passages_visible_to(world.alice), "occurred_at__date")
    )
    assert (counts.total, counts.delayed, counts.incident) == (3, 1, 1)


def test_no_passage_gives_no_share_and_no_delay(world: World) -> None:
    result = figures.passage_figures(passages_visible_to(world.alice))
    assert result.counts.total == 0
    assert result.counts.share_stopped is None
    assert result.counts.mean_delay is None and result.median_delay is None
    assert result.by_month == [] and result.most_stopped == []


def test_constraints_by_category_and_month(world: World) -> None:
    for category, day in (
        ("movement", "2026-01-03"),
        ("movement", "2026-01-20"),
        ("interference", "2026-01-21"),
        ("movement", "2026-03-02"),
        ("violence", "2026-03-15"),
        ("entry", "2026-03-30"),
    ):
        constraint(world.alice, world.varnia, category, when=day)
    table = figures.constraints_by_category_and_month(constraints_visible_to(world.alice))
    assert table.months == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
    ]
    assert {row.category: row.per_month for row in table.rows} == {
        "entry": [0, 0, 1],
        "movement": [2, 0, 1],
        "interference": [1, 0, 0],
        "violence": [0, 0, 1],
    }
    # Rows follow the framework's order; totals add up both ways.
    assert [row.category for row in table.rows] == ["entry", "movement", "interference", "violence"]
    assert table.month_totals == [3, 0, 3] and table.total == 6


def test_incident_figures(world: World, army: WeaponBearer, group: WeaponBearer) -> None:
    incident(world.alice, world.varnia, [army], "detention", staff_affected=2, severity="serious")
    incident(world.alice, world.varnia, [army, group], "threat", staff_affected=3)
    incident(world.alice, world.varnia, [group], "threat", staff_affected=0, severity="low")
    result = figures.incident_figures(
        incidents_visible_to(world.alice), WeaponBearer.objects.visible_to(world.alice)
    )
    assert result.total == 3 and result.staff_affected == 5
    assert dict(result.by_kind) == {"Threat": 2, "Detention of staff": 1}
    assert dict(result.by_severity) == {"Low": 1, "Moderate": 1, "Serious": 1}
    assert {name: n for _pk, name, n in result.by_bearer} == {army.name: 2, group.name: 2}


def test_acceptance_now_and_over_time(
    world: World, group: WeaponBearer, army: WeaponBearer
) -> None:
    for status, day in (
        ("refused", "2025-01-10"),
        ("partly", "2025-06-01"),
        ("accepted", "2025-11-01"),
    ):
        assessment(world.alice, world.varnia, group, status, day)
    assessment(world.alice, world.varnia, army, "accepted", "2025-03-01")
    # A second reading of the same status is not a change.
    assessment(world.alice, world.varnia, army, "accepted", "2025-09-01")
    today = datetime.date(2026, 1, 1)
    result = figures.acceptance_figures(acceptance_visible_to(world.alice), today=today)
    rows = {row.bearer_name: row for row in result.rows}
    assert rows[group.name].current.status == "accepted"
    assert [a.status for a in rows[group.name].changes] == ["refused", "partly", "accepted"]
    assert [a.status for a in rows[army.name].changes] == ["accepted"]
    assert {value: n for value, _label, n in result.now} == {
        "accepted": 2,
        "partly": 0,
        "refused": 0,
        "unknown": 0,
    }
    # The picture starts at the first assessment and ends today; segments meet end to end.
    assert result.starts == datetime.date(2025, 1, 10) and result.ends == today
    segments = rows[group.name].segments
    assert [(s.status, s.starts, s.ends) for s in segments] == [
        ("refused", datetime.date(2025, 1, 10), datetime.date(2025, 6, 1)),
        ("partly", datetime.date(2025, 6, 1), datetime.date(2025, 11, 1)),
        ("accepted", datetime.date(2025, 11, 1), today),
    ]
    assert segments[0].x == 0
    assert segments[-1].x + segments[-1].width == pytest.approx(figures.CHART_WIDTH, abs=0.2)


def test_a_period_opens_with_the_assessment_then_in_force(
    world: World, group: WeaponBearer
) -> None:
    assessment(world.alice, world.varnia, group, "refused", "2025-01-10")
    assessment(world.alice, world.varnia, group, "accepted", "2025-06-01")
    result = figures.acceptance_figures(
        acceptance_visible_to(world.alice),
        since=datetime.date(2025, 3, 1),
        until=datetime.date(2025, 9, 1),
    )
    assert [(s.status, s.starts, s.ends) for s in result.rows[0].segments] == [
        ("refused", datetime.date(2025, 3, 1), datetime.date(2025, 6, 1)),
        ("accepted", datetime.date(2025, 6, 1), datetime.date(2025, 9, 1)),
    ]


# -- every figure counts only what the viewer may see ------------------------------------


def _all_figures(user: User) -> dict[str, object]:
    forget_clearance(user)
    passages = figures.passage_figures(passages_visible_to(user))
    constraints = figures.constraints_by_category_and_month(constraints_visible_to(user))
    incidents = figures.incident_figures(
        incidents_visible_to(user), WeaponBearer.objects.visible_to(user)
    )
    acceptance = figures.acceptance_figures(acceptance_visible_to(user))
    return {
        "passages": passages.counts.total,
        "stopped": passages.counts.stopped,
        "mean_delay": passages.counts.mean_delay,
        "median_delay": passages.median_delay,
        "by_bearer": {row.label: row.counts.total for row in passages.by_bearer},
        "by_place": {row.label: row.counts.total for row in passages.by_place},
        "by_month": sum(row.counts.total for row in passages.by_month),
        "most_stopped": [(row.place, row.counts.stopped) for row in passages.most_stopped],
        "constraints": {row.category: row.total for row in constraints.rows},
        "incidents": incidents.total,
        "staff_affected": incidents.staff_affected,
        "incidents_by_bearer": {name: n for _pk, name, n in incidents.by_bearer},
        "acceptance": {row.bearer_name: row.current.status for row in acceptance.rows},
    }


def test_every_figure_counts_only_what_the_viewer_may_see(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    # Varnia: two passages, one delayed 20 minutes; a restricted one only Carol may see.
    passage(world.alice, world.varnia, army, "passed", place="Varnia bridge")
    passage(world.alice, world.varnia, army, "delayed", place="Varnia bridge", delay_minutes=20)
    passage(
        world.carol,
        world.varnia,
        army,
        "turned_back",
        place="Secret ford",
        restricted=True,
        restricted_to=[world.carol],
    )
    constraint(world.alice, world.varnia, "movement")
    incident(world.alice, world.varnia, [army], staff_affected=1)
    assessment(world.alice, world.varnia, army, "partly", "2026-01-01")
    # Kestria: three passages at police checkpoints, two turned back, one delayed an hour.
    for outcome, delay in (("turned_back", None), ("turned_back", None), ("delayed", 60)):
        passage(
            world.dave, world.kestria, police, outcome, place="Aldmere square", delay_minutes=delay
        )
    constraint(world.dave, world.kestria, "interference")
    constraint(world.dave, world.kestria, "interference")
    incident(world.dave, world.kestria, [police], "detention", staff_affected=4)
    assessment(world.dave, world.kestria, police, "accepted", "2026-01-01")

    alice = _all_figures(world.alice)
    assert alice == {
        "passages": 2,
        "stopped": 1,
        "mean_delay": 20.0,
        "median_delay": 20.0,
        "by_bearer": {army.name: 2},
        "by_place": {"Varnia bridge": 2},
        "by_month": 2,
        "most_stopped": [("Varnia bridge", 1)],
        "constraints": {"movement": 1},
        "incidents": 1,
        "staff_affected": 1,
        "incidents_by_bearer": {army.name: 1},
        "acceptance": {army.name: "partly"},
    }
    dave = _all_figures(world.dave)
    assert dave == {
        "passages": 3,
        "stopped": 3,
        "mean_delay": 60.0,
        "median_delay": 60.0,
        "by_bearer": {police.name: 3},
        "by_place": {"Aldmere square": 3},
        "by_month": 3,
        "most_stopped": [("Aldmere square", 3)],
        "constraints": {"interference": 2},
        "incidents": 1,
        "staff_affected": 4,
        "incidents_by_bearer": {police.name: 1},
        "acceptance": {police.name: "accepted"},
    }
    # Carol, named on the restricted passage, counts it; the analyst reads both
    # delegations but not the restricted passage; the auditor sees nothing.
    carol = _all_figures(world.carol)
    assert carol["passages"] == 3 and carol["most_stopped"] == [
        ("Secret ford", 1),
        ("Varnia bridge", 1),
    ]
    hana = _all_figures(world.hana)
    assert hana["passages"] == 5 and hana["stopped"] == 4
    assert hana["constraints"] == {"movement": 1, "interference": 2}
    assert hana["staff_affected"] == 5
    assert hana["mean_delay"] == pytest.approx(40.0)
    audrey = _all_figures(world.audrey)
    assert audrey["passages"] == 0 and audrey["incidents"] == 0 and audrey["acceptance"] == {}

    # The overview page shows the same numbers to each.
    for user, expected in ((world.alice, alice), (world.dave, dave)):
        page = client_for(user).get(reverse("access_overview"))
        shown = page.context["passages"]
        assert shown.counts.total == expected["passages"]
        body = page.content.decode()
        assert ("Aldmere square" in body) is (user == world.dave)
        assert ("Varnia bridge" in body) is (user == world.alice)
        assert "Secret ford" not in body


def test_a_bearer_grant_opens_what_is_recorded_about_the_bearer_but_not_restricted_records(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    passage(world.alice, world.varnia, army, "delayed", delay_minutes=10)
    passage(world.alice, world.varnia, group, "turned_back")
    passage(
        world.carol,
        world.varnia,
        army,
        "turned_back",
        restricted=True,
        restricted_to=[world.carol],
    )
    assessment(world.alice, world.varnia, army, "accepted", "2026-01-01")
    assessment(world.alice, world.varnia, group, "refused", "2026-01-01")
    assert _all_figures(world.dave)["passages"] == 0
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=army,
        reason="Convoy through the border crossing held by the army",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    dave = _all_figures(world.dave)
    assert dave["passages"] == 1 and dave["mean_delay"] == 10.0
    assert dave["acceptance"] == {army.name: "accepted"}


def test_records_about_a_bearer_the_viewer_may_not_see_are_left_out(world: World) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    passage(world.carol, world.varnia, hidden, "turned_back", place="Shadow pass")
    constraint(world.carol, world.varnia, "movement", bearer=hidden)
    assessment(world.carol, world.varnia, hidden, "refused", "2026-01-01")
    alice = _all_figures(world.alice)
    assert alice["passages"] == 0 and alice["constraints"] == {} and alice["acceptance"] == {}
    carol = _all_figures(world.carol)
    assert carol["passages"] == 1 and carol["acceptance"] == {"Shadow Brigade": "refused"}

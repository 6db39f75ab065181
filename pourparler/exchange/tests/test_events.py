"""Context events (UCDP GED, ACLED) and situations (UCDP/PRIO conflicts), on real files
where we may keep them and on invented ACLED rows where we may not."""

from __future__ import annotations

import csv
import datetime
import time
from collections import Counter

import pytest

from pourparler.bearers.choices import IdScheme
from pourparler.bearers.models import ExternalId, WeaponBearer
from pourparler.exchange.choices import ReviewStatus, ReviewSubject, RunStatus
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.services import do_link_review_item, run_import
from pourparler.exchange.tests.helpers import DATA, actors_csv, table_counts
from pourparler.geo.choices import PartyRole, PartySide, SituationKind
from pourparler.geo.figures import deaths_by_area_and_year
from pourparler.geo.models import ContextEvent, ContextEventActor, Situation, SituationParty
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

GED = DATA / "ged191_bangladesh.csv"
GED_HXL = DATA / "conflict_data_BGD_hxl.csv"
QUICK_CHART = DATA / "qc_conflict_data_BGD_hxl.csv"
ACD = DATA / "ucdp-prio-acd-221-bangladesh-car.csv"
CONTEXT = ("geo.ContextEvent", "geo.ContextEventActor", "exchange.Provenance")


def ged_rows() -> list[dict[str, str]]:
    with GED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ged_actor_ids() -> set[str]:
    """The UCDP actors the Bangladesh events name (civilians, id 1, are no actor)."""
    ids = {r[f"side_{s}_new_id"] for r in ged_rows() for s in "ab"}
    return ids - {"1"}


def test_bangladesh_events_link_to_their_actors_by_id(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import("ucdp-actors", actors_csv(ged_actor_ids()), "actors.csv", actor=world.alice)
    by_id = dict(
        ExternalId.objects.filter(scheme=IdScheme.UCDP_ACTOR).values_list("value", "bearer_id")
    )
    assert set(by_id) == ged_actor_ids()
    started = time.perf_counter()
    run = run_import("ucdp-ged", GED.read_bytes(), GED.name, actor=world.alice)
    seconds = time.perf_counter() - started
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    assert run.source == "UCDP Georeferenced Event Dataset 19.1"
    rows = ged_rows()
    assert ContextEvent.objects.count() == len(rows) == 601
    # Every side with an actor id is linked to the bearer carrying that id; civilians to none.
    actors = list(ContextEventActor.objects.select_related("event"))
    assert len(actors) == 2 * len(rows)
    for actor in actors:
        if actor.external_id == "1":
            assert (actor.name, actor.bearer_id) == ("Civilians", None)
        else:
            assert actor.bearer_id == by_id[actor.external_id], actor.name
    government = WeaponBearer.objects.get(name="Government of Bangladesh")
    expected = sum(1 for r in rows if "143" in (r["side_a_new_id"], r["side_b_new_id"]))
    assert government.context_event_actors.count() == expected
    # Dates with their precision, places, deaths.
    first = ContextEvent.objects.get(source_id=rows[0]["id"])
    assert first.occurred_on == datetime.date.fromisoformat(rows[0]["date_start"])
    assert first.ended_on == datetime.date.fromisoformat(rows[0]["date_end"])
    assert (first.admin1, first.deaths, first.country.iso2 if first.country else "") == (
        rows[0]["adm_1"],
        int(rows[0]["best"]),
        "BD",
    )
    by_precision = Counter(ContextEvent.objects.values_list("date_precision", flat=True))
    assert by_precision["year"] == sum(1 for r in rows if r["date_prec"] == "5")
    assert by_precision["month"] == sum(1 for r in rows if r["date_prec"] == "4")
    counts = table_counts(*CONTEXT)
    again = run_import("ucdp-ged", GED.read_bytes(), GED.name, actor=world.alice)
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert table_counts(*CONTEXT) == counts
    with capsys.disabled():
        print(
            f"\nUCDP GED: {len(rows)} events in {seconds:.1f} s ({len(rows) / seconds:.0f} rows/s)"
        )


def test_the_bangladesh_hxl_file_aggregated_by_area_and_year_equals_the_expected_file(
    world: World,
) -> None:
    run = run_import("ucdp-ged", GED_HXL.read_bytes(), GED_HXL.name, actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    assert run.rows == 601  # the hashtag row is no event
    with QUICK_CHART.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["end_year", "adm_1", "best"]
        assert next(reader) == ["#date+year+end", "#adm1+name", "#affected+killed"]
        expected_rows = [(int(year), area, int(best)) for year, area, best in reader]
    # Event by event: the same (year, area, deaths) as the expected file, no more, no less.
    stored = ContextEvent.objects.visible_to(world.alice)
    mine = Counter(
        (e.ended_on.year if e.ended_on else e.occurred_on.year, e.admin1, e.deaths) for e in stored
    )
    assert mine == Counter(expected_rows)
    # Aggregated by first-level area and year, exactly the expected totals.
    expected: Counter[tuple[str, int]] = Counter()
    for year, area, best in expected_rows:
        expected[(area, year)] += best
    assert deaths_by_area_and_year(stored) == dict(expected)
    assert (
        deaths_by_area_and_year(stored)[("Chittagong Division", 1989)]
        == expected[("Chittagong Division", 1989)]
    )
    # A reader who may see nothing is counted nothing.
    world.dave.is_active = False
    assert deaths_by_area_and_year(ContextEvent.objects.visible_to(world.dave)) == {}


def test_conflicts_become_situations_with_their_parties(world: World) -> None:
    ids = set()
    with ACD.open(encoding="utf-8", newline="") as handle:
        acd = list(csv.DictReader(handle))
    for row in acd:
        ids |= {v.strip() for v in (row["side_a_id"] + "," + row["side_b_id"]).split(",")}
    run_import("ucdp-actors", actors_csv(ids - {""}), "actors.csv", actor=world.alice)
    run = run_import("ucdp-conflicts", ACD.read_bytes(), ACD.name, actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    assert run.source == "UCDP/PRIO Armed Conflict Dataset 22.1"
    assert Situation.objects.count() == len({r["conflict_id"] for r in acd}) == 32
    cht = Situation.objects.get(ucdp_conflict_id="322")
    years = [int(r["year"]) for r in acd if r["conflict_id"] == "322"]
    assert (cht.first_year, cht.last_year) == (min(years), max(years))
    assert cht.kind == SituationKind.NON_INTERNATIONAL
    assert [c.iso2 for c in cht.countries.all()] == ["BD"]
    parties = {(p.side, p.role, p.name): p for p in SituationParty.objects.filter(situation=cht)}
    jss = parties[(PartySide.B, PartyRole.PRIMARY, "JSS/SB")]
    assert jss.bearer == ExternalId.objects.get(value="285").bearer
    assert parties[(PartySide.A, PartyRole.PRIMARY, "Government of Bangladesh")].bearer is not None
    # Two parties in one cell, their ids in another order: each linked by its id.
    pbcp = SituationParty.objects.filter(situation__ucdp_conflict_id="11350", side=PartySide.B)
    assert {p.bearer.name for p in pbcp if p.bearer} == {"PBCP", "PBCP-J"}
    interstate = Situation.objects.filter(ucdp_type="interstate")
    assert interstate.exists()
    assert set(interstate.values_list("kind", flat=True)) == {SituationKind.INTERNATIONAL}
    counts = table_counts("geo.Situation", "geo.SituationParty", "exchange.Provenance")
    again = run_import("ucdp-conflicts", ACD.read_bytes(), ACD.name, actor=world.alice)
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert table_counts("geo.Situation", "geo.SituationParty", "exchange.Provenance") == counts


# ACLED's terms do not let us keep its rows: these are invented, in its two layouts.
ACLED_NOW = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp\n"
    "QZ0001,2024-03-02,2024,1,Political violence,Battles,Armed clash,"
    "Forces armées de Varnia,,1,Front de l'Orun,Milice du Kessel; Jeunes du Sud,2,12,,"
    "999,Middle Africa,Central African Republic,Ouaka,Bambari,,Kessel Ford,5.76,20.67,1,"
    "Local radio,Subnational,An invented clash.,3,,1710000000\n"
    "QZ0002,2024-03-00,2024,3,Political violence,Violence against civilians,Attack,"
    "Front de l'Orun,,2,Civilians (Central African Republic),,7,27,Civilian targeting,"
    "999,Middle Africa,Central African Republic,Ouaka,Bambari,,Orun,5.70,20.60,2,"
    "Local radio,Subnational,An invented attack.,1,,1710000000\n"
)
ACLED_NOW = ACLED_NOW.replace("2024-03-00", "2024-03")
ACLED_OLD = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES\r\n"
    "482,QZ0100,100,17/06/2013,2013,1,Battle-No change of territory,Forces armées de Varnia,,1,"
    "Séléka du Kémo,,2,12,Central African Republic,Kémo,Sibut,,Sibut,5.72,19.07,1,Radio,"
    "Affrontement à Sibut (inventé).,4\r\n"
)


def test_acled_current_and_older_exports_link_actors_by_name(world: World) -> None:
    army = make_bearer(world.alice, name="Forces armées de Varnia")
    make_bearer(world.alice, name="Le Front de l'Orun", kind="non_state_armed_group")
    run = run_import("acled", ACLED_NOW.encode(), "acled-2024.csv", actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    clash = ContextEvent.objects.get(source_id="QZ0001")
    assert (clash.kind, clash.sub_kind, clash.deaths, clash.place) == (
        "Battles",
        "Armed clash",
        3,
        "Kessel Ford",
    )
    assert (clash.occurred_on, clash.date_precision) == (datetime.date(2024, 3, 2), "day")
    attack = ContextEvent.objects.get(source_id="QZ0002")
    assert (attack.occurred_on, attack.date_precision) == (datetime.date(2024, 3, 1), "month")
    named = {(a.name, a.role): a.bearer for a in ContextEventActor.objects.filter(event=clash)}
    assert named[("Forces armées de Varnia", "primary")] == army
    assert named[("Milice du Kessel", "associated")] is None
    civilians = ContextEventActor.objects.get(event=attack, side="b")
    assert civilians.bearer is None
    # "Front de l'Orun" resembles "Le Front de l'Orun": a person decides.
    item = ReviewItem.objects.get(name="Front de l'Orun")
    assert (item.subject, item.scheme) == (ReviewSubject.EVENT_ACTOR, IdScheme.ACLED_ACTOR)
    assert not ReviewItem.objects.filter(name__startswith="Civilians").exists()
    # The older layout, saved in Windows-1252 with day-first dates.
    old = run_import("acled", ACLED_OLD.encode("cp1252"), "acled-2013.csv", actor=world.alice)
    assert old.status == RunStatus.COMPLETED, old.report.get("errors")
    assert old.encoding == "cp1252"
    sibut = ContextEvent.objects.get(source_id="QZ0100")
    assert (sibut.occurred_on, sibut.admin1, sibut.deaths) == (
        datetime.date(2013, 6, 17),
        "Kémo",
        4,
    )
    assert ContextEventActor.objects.get(event=sibut, side="a").bearer == army


def test_deciding_a_name_links_every_event_that_names_it(world: World) -> None:
    front = make_bearer(world.alice, name="Le Front de l'Orun", kind="non_state_armed_group")
    run_import("acled", ACLED_NOW.encode(), "acled-2024.csv", actor=world.alice)
    item = ReviewItem.objects.get(name="Front de l'Orun")
    do_link_review_item(item, front, actor=world.bob, expected_version=item.version)
    linked = ContextEventActor.objects.filter(name="Front de l'Orun")
    assert linked.count() == 2
    assert {a.bearer for a in linked} == {front}
    assert (
        ExternalId.objects.get(scheme=IdScheme.ACLED_ACTOR, value="Front de l'Orun").bearer == front
    )
    item.refresh_from_db()
    assert item.status == ReviewStatus.LINKED
    # The next import links by the recorded ACLED name: nothing waits, nothing changes.
    again = run_import("acled", ACLED_NOW.encode(), "acled-2024.csv", actor=world.alice)
    assert (again.created, again.updated, again.queued) == (0, 0, 0)


def test_an_acled_row_with_a_bad_date_refuses_the_file(world: World) -> None:
    bad = ACLED_NOW.replace("2024-03-02", "2024-02-30")
    before = table_counts(*CONTEXT, "exchange.ReviewItem")
    run = run_import("acled", bad.encode(), "acled.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    [error] = run.report["errors"]
    assert (error["row"], error["column"]) == (2, "event_date")
    assert "not a real date" in error["reason"]
    assert table_counts(*CONTEXT, "exchange.ReviewItem") == before

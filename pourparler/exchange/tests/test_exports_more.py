"""Exports of the acceptance assessments, integration assessments, import runs, review
queue and administrative areas (with their outlines as GeoJSON): the rows the user may
see with the list page's filters, confidential columns by the same rule as the other
lists, every export audited with its ids, query counts constant in the row count.

Each test signs in as few people as it needs and builds only its own rows."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
import shapely
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from shapely.geometry import shape

from pourparler.access.services import do_record_acceptance
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.core.services import create_record
from pourparler.exchange.choices import ReviewStatus, RunStatus
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.services import do_link_review_item, run_import
from pourparler.exchange.tests.helpers import DATA, actors_csv, client_for
from pourparler.geo.models import AdminArea, Country, PopulationFigure
from pourparler.geo.services import do_create_admin_area
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.services import do_record_assessment
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

BOUNDARIES = DATA / "caf_admin1.geojson"
POPULATION_HXL = DATA / "cod_ps_admin1_caf_cod_hxl.csv"


def get(client: Client, name: str, **params: str) -> Any:
    return client.get(reverse("export_list", args=[name]), params)


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, (HttpResponse, StreamingHttpResponse))
    return bytes(response.getvalue())


def table(response: Any) -> list[dict[str, str]]:
    """The CSV rows as dictionaries keyed by header."""
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def last_export() -> AuditEvent:
    return AuditEvent.objects.filter(kind=AuditKind.EXPORT).order_by("-seq").first() or (
        pytest.fail("no export was audited")
    )


def shadow(world: World) -> WeaponBearer:
    """A bearer only carol (head of delegation in Varnia) may see."""
    return make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )


# --- acceptance assessments -------------------------------------------------------------


def acceptance(actor: User, where: Any, bearer: WeaponBearer, status: str, **fields: Any) -> Any:
    fields.setdefault("assessed_on", datetime.date(2026, 3, 2))
    return do_record_acceptance(
        actor=actor, compartment=where, bearer=bearer, status=status, **fields
    )


def test_acceptance_assessments_export_what_the_list_shows(world: World) -> None:
    army = make_bearer(world.alice)
    police = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    meeting = make_interaction(world.alice, world.varnia, bearers=[army])
    partly = acceptance(
        world.alice, world.varnia, army, "partly", interaction=meeting, note="=cmd|' /C calc'!A0"
    )
    refused = acceptance(world.alice, world.varnia, army, "refused")
    hidden = acceptance(world.carol, world.varnia, shadow(world), "accepted")
    kept = acceptance(
        world.carol, world.varnia, army, "accepted", restricted=True, restricted_to=[world.carol]
    )
    kestrian = acceptance(world.dave, world.kestria, police, "accepted")

    alice = client_for(world.alice)
    rows = table(get(alice, "acceptance"))
    assert {r["id"] for r in rows} == {str(partly.pk), str(refused.pk)}
    assert "note" not in rows[0]
    shown_by = {r["id"]: r["shown by"] for r in rows}
    assert shown_by[str(refused.pk)] == ""
    assert shown_by[str(partly.pk)].startswith(meeting.get_kind_display())
    event = last_export()
    assert sorted(event.detail["ids"]) == sorted([str(partly.pk), str(refused.pk)])
    assert (event.detail["list"], event.detail["confidential"]) == ("acceptance", False)
    # The list page's filters apply, and the page offers the export with them.
    assert [r["id"] for r in table(get(alice, "acceptance", status="refused"))] == [str(refused.pk)]
    assert last_export().detail["filters"] == {"status": "refused"}
    page = alice.get(reverse("acceptance_list"), {"status": "partly"})
    assert reverse("export_list", args=["acceptance"]).encode() in page.content
    assert b'name="status" value="partly"' in page.content
    assert b'name="confidential"' not in page.content
    assert get(alice, "acceptance", confidential="1").status_code == 403

    carol = client_for(world.carol)
    full = table(get(carol, "acceptance", format="hxl", confidential="1"))
    assert full[0]["id"] == "#assessment+id"
    notes = {r["id"]: r["note"] for r in full[1:]}
    assert set(notes) == {str(partly.pk), str(refused.pk), str(hidden.pk), str(kept.pk)}
    assert notes[str(partly.pk)] == "'=cmd|' /C calc'!A0"
    dave = json.loads(body(get(client_for(world.dave), "acceptance", format="json")))
    assert [item["id"] for item in dave] == [str(kestrian.pk)]


# --- integration assessments ------------------------------------------------------------


def assess(actor: User, where: Any, bearer: WeaponBearer, level: int, day: str, **f: Any) -> Any:
    return do_record_assessment(
        actor=actor,
        compartment=where,
        bearer=bearer,
        pillar=f.pop("pillar", "doctrine"),
        level=level,
        evidence=f.pop("evidence", "The field manual has a chapter on detention."),
        assessed_on=datetime.date.fromisoformat(day),
        **f,
    )


def test_integration_assessments_export_with_the_current_level(world: World) -> None:
    army = make_bearer(world.alice)
    police = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    seen = make_interaction(world.alice, world.varnia, bearers=[army])
    private = make_interaction(
        world.carol, world.varnia, bearers=[army], restricted=True, restricted_to=[world.carol]
    )
    older = assess(world.alice, world.varnia, army, 1, "2026-01-05", interactions=[seen])
    newer = assess(world.carol, world.varnia, army, 3, "2026-02-05", interactions=[seen, private])
    training = assess(world.alice, world.varnia, army, 2, "2026-01-05", pillar="training")
    hidden = assess(world.carol, world.varnia, shadow(world), 4, "2026-02-01")
    kept = assess(
        world.carol,
        world.varnia,
        army,
        0,
        "2026-03-01",
        pillar="training",
        restricted=True,
        restricted_to=[world.carol],
    )
    kestrian = assess(world.dave, world.kestria, police, 2, "2026-02-01")

    alice = client_for(world.alice)
    rows = {r["id"]: r for r in table(get(alice, "integration"))}
    assert set(rows) == {str(older.pk), str(newer.pk), str(training.pk)}
    assert "evidence" not in rows[str(older.pk)]
    assert (rows[str(older.pk)]["current"], rows[str(newer.pk)]["current"]) == ("no", "yes")
    # A restricted assessment alice may not see neither shows nor hides hers.
    assert rows[str(training.pk)]["current"] == "yes"
    # A cited interaction the user may not see is not named.
    assert rows[str(newer.pk)]["interactions"] == str(seen.pk)
    assert sorted(last_export().detail["ids"]) == sorted(rows)
    current = table(get(alice, "integration", current="1", pillar="doctrine"))
    assert [r["id"] for r in current] == [str(newer.pk)]
    assert table(get(alice, "integration", delegation="kestria")) == []
    page = alice.get(reverse("integration_overview"), {"kind": "armed_forces"})
    assert reverse("export_list", args=["integration"]).encode() in page.content
    assert b'name="kind" value="armed_forces"' in page.content

    carol = client_for(world.carol)
    book = load_workbook(
        io.BytesIO(body(get(carol, "integration", format="xlsx", confidential="1")))
    )
    sheet = book.active
    assert sheet is not None
    header, *values = list(sheet.iter_rows(values_only=True))
    evidence = header.index("evidence")
    ids = {row[0]: row for row in values}
    assert set(ids) == {str(p.pk) for p in (older, newer, training, hidden, kept)}
    # carol sees a newer training assessment than alice does: the current one is hers.
    current = header.index("current")
    assert (ids[str(kept.pk)][current], ids[str(training.pk)][current]) == ("yes", "no")
    assert ids[str(hidden.pk)][evidence] == "The field manual has a chapter on detention."
    assert isinstance(ids[str(older.pk)][header.index("assessed on")], datetime.datetime)
    assert str(private.pk) in str(ids[str(newer.pk)][header.index("interactions")])
    assert get(client_for(world.bob), "integration", confidential="1").status_code == 403
    dave = table(get(client_for(world.dave), "integration"))
    assert [r["id"] for r in dave] == [str(kestrian.pk)]


# --- import runs and the review queue ---------------------------------------------------


def test_import_runs_and_the_review_queue_export_as_their_pages_list(world: World) -> None:
    make_bearer(world.alice, name="Supporters of the Awami League", kind="militia")
    make_bearer(world.alice, name="East Bengal communists", kind="non_state_armed_group")
    run = run_import("ucdp-actors", actors_csv(["372", "805"]), "bgd.csv", actor=world.alice)
    dry = run_import(
        "ucdp-actors", actors_csv(["372"]), "=dry.csv", actor=world.alice, dry_run=True
    )
    items = {item.key: item for item in ReviewItem.objects.all()}
    assert set(items) == {"372", "805"}
    secret = shadow(world)
    do_link_review_item(items["805"], secret, actor=world.carol, expected_version=1, note="Same")

    alice = client_for(world.alice)
    runs = {r["id"]: r for r in table(get(alice, "imports"))}
    assert set(runs) == {str(run.pk), str(dry.pk)}
    assert runs[str(run.pk)]["for review"] == "2"
    assert runs[str(run.pk)]["by"] == world.alice.display_name()
    assert runs[str(dry.pk)]["file"] == "'=dry.csv"
    assert runs[str(dry.pk)]["outcome"] == RunStatus(dry.status).label
    assert sorted(last_export().detail["ids"]) == sorted(runs)
    page = alice.get(reverse("import_list"))
    assert reverse("export_list", args=["imports"]).encode() in page.content

    # The queue shows the names waiting by default; one linked to a hidden bearer is hidden.
    pending = table(get(alice, "review"))
    assert [(r["identifier"], r["decision"]) for r in pending] == [
        ("372", ReviewStatus.PENDING.label)
    ]
    assert table(get(alice, "review", status="linked")) == []
    assert last_export().detail == {
        **last_export().detail,
        "ids": [],
        "filters": {"status": "linked"},
    }
    page = alice.get(reverse("review_list"), {"status": "linked"})
    assert b'name="status" value="linked"' in page.content
    assert b"Include confidential fields" not in page.content
    linked = json.loads(
        body(get(client_for(world.carol), "review", format="json", status="linked"))
    )
    assert [(i["id"], i["bearer"], i["note"]) for i in linked] == [
        (str(items["805"].pk), "Shadow Brigade", "Same")
    ]


# --- administrative areas ---------------------------------------------------------------


def test_admin_areas_export_their_outlines_and_population_as_geojson(world: World) -> None:
    boundaries = run_import(
        "ocha-boundaries", BOUNDARIES.read_bytes(), BOUNDARIES.name, actor=world.alice
    )
    population = run_import(
        "ocha-population", POPULATION_HXL.read_bytes(), POPULATION_HXL.name, actor=world.alice
    )
    assert {boundaries.status, population.status} == {RunStatus.COMPLETED}

    client = client_for(world.dave)
    response = get(client, "admin-areas", format="geojson")
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(body(response))
    assert document["type"] == "FeatureCollection"
    features = {f["properties"]["p-code"]: f for f in document["features"]}
    central = AdminArea.objects.filter(country__iso2="CF", level=1)
    assert set(features) == set(central.values_list("pcode", flat=True))
    assert len(features) == 17
    # DR Congo's provinces came from the population table, without outline.
    assert document["properties"]["rows_without_coordinates"] == 26
    for feature in features.values():
        outline = shape(feature["geometry"])
        assert outline.geom_type in ("Polygon", "MultiPolygon")
        assert outline.is_valid and not outline.is_empty
    bangui = features["CF71"]["properties"]
    assert (bangui["population"], bangui["population year"]) == (839080, 2015)
    assert (
        bangui["population source"]
        == PopulationFigure.objects.get(area__pcode="CF71", group="T_TL", year=2015).source
    )
    assert bangui["population source"]
    # Bangui lies within its outline.
    assert shape(features["CF71"]["geometry"]).contains(shapely.Point(18.56, 4.37))
    event = last_export()
    assert len(event.detail["ids"]) == AdminArea.objects.count() == 17 + 26

    rows = table(get(client, "admin-areas", country="CAF", level="1"))
    assert len(rows) == 17 and "boundary" not in rows[0]
    assert last_export().detail["filters"] == {"country": "CAF", "level": "1"}
    assert table(get(client, "admin-areas", level="x")) == []
    congo = table(get(client, "admin-areas", country="cd", format="hxl"))
    assert congo[0]["p-code"] == "#adm+code" and len(congo) == 1 + 26
    assert get(client, "admin-areas", format="geojson", confidential="1").status_code == 403


# --- query counts -----------------------------------------------------------------------


LISTS = [
    ("acceptance", "csv"),
    ("integration", "xlsx"),
    ("imports", "csv"),
    ("review", "json"),
    ("admin-areas", "geojson"),
]


def add_rows(world: World, count: int, start: int) -> None:
    """Record ``count`` more rows of each list, each with its links."""
    alice = world.alice
    country = Country.objects.get(iso2="AF")
    for n in range(start, start + count):
        army = make_bearer(alice, name=f"Army {n}")
        meeting = make_interaction(alice, world.varnia, bearers=[army])
        acceptance(alice, world.varnia, army, "partly", interaction=meeting, note="Seen")
        assess(alice, world.varnia, army, 2, "2026-01-05", interactions=[meeting])
        run = create_record(
            ImportRun(
                kind="ucdp_actors",
                source="UCDP",
                file_name=f"file-{n}.csv",
                sha256="0" * 64,
                status=RunStatus.COMPLETED,
                started_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            ),
            actor=alice,
        )
        create_record(
            ReviewItem(
                subject="actor",
                name=f"Actor {n}",
                scheme="ucdp_actor",
                key=str(n),
                source="UCDP",
                file_name=run.file_name,
                row_number=n,
                run=run,
            ),
            actor=alice,
        )
        area = do_create_admin_area(actor=alice, country=country, pcode=f"AF{n:02}", name=f"A{n}")
        area.boundary = json.dumps(
            {"type": "Polygon", "coordinates": [[[n, 0], [n + 1, 0], [n, 1], [n, 0]]]}
        )
        AdminArea.objects.filter(pk=area.pk).update(boundary=area.boundary)
        create_record(
            PopulationFigure(area=area, year=2020, group="T_TL", value=1000 + n, source="Test"),
            actor=alice,
        )


def test_queries_are_constant_in_the_row_count(world: World) -> None:
    client = client_for(world.carol)

    def counts() -> dict[str, int]:
        return {
            name: count_queries(
                lambda name=name, fmt=fmt: body(
                    get(client, name, format=fmt, confidential="1", status="pending")
                )
            )
            for name, fmt in LISTS
        }

    add_rows(world, 2, 0)
    few = counts()
    assert IntegrationAssessment.objects.count() == 2
    add_rows(world, 5, 2)
    assert few == counts()
    assert len(last_export().detail["ids"]) == 7

"""Situations, their parties, context events, their actors and population figures
through the API: read-only lists with filters and pages and their records; no write
operation; a party or actor linked to a bearer the caller may not see is left out as on
the pages; the queries of a list and a detail are pinned."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import shape

from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.core.services import create_record
from pourparler.exchange.services import run_import
from pourparler.geo.models import (
    AdminArea,
    ContextEvent,
    ContextEventActor,
    Country,
    PopulationFigure,
    Situation,
    SituationParty,
)
from pourparler.geo.services import do_create_admin_area
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

PATHS = [
    "situations",
    "situation-parties",
    "context-events",
    "context-event-actors",
    "population-figures",
]


def add_context(actor: User, bearer: WeaponBearer, number: int, area: AdminArea) -> Situation:
    """What the imports record: a conflict, its parties, an event, its actor, a figure."""
    country = Country.objects.get(iso2="AF")
    situation = create_record(
        Situation(name=f"Conflict {number}", kind="niac", ucdp_conflict_id=str(number)),
        actor=actor,
        m2m={"countries": [country]},
    )
    create_record(
        SituationParty(situation=situation, bearer=bearer, name=bearer.name, side="b"),
        actor=actor,
    )
    event = create_record(
        ContextEvent(
            source="ucdp_ged",
            source_id=f"E{number}",
            kind="state-based",
            occurred_on=datetime.date(2024, 1, number),
            country=country,
            admin_area=area,
            latitude=Decimal("34.5"),
            longitude=Decimal("69.25"),
            deaths=number,
            situation=situation,
        ),
        actor=actor,
    )
    create_record(
        ContextEventActor(event=event, name=bearer.name, side="a", bearer=bearer), actor=actor
    )
    create_record(
        PopulationFigure(area=area, year=2000 + number, group="total", value=1000 * number),
        actor=actor,
    )
    return situation


@pytest.fixture
def area(world: World) -> AdminArea:
    country = Country.objects.get(iso2="AF")
    return do_create_admin_area(actor=world.alice, country=country, pcode="AF01", name="Kabul")


def test_lists_filters_pages_and_records(
    world: World, varnia: Varnia, area: AdminArea, alice_api: ApiClient
) -> None:
    first = add_context(world.alice, varnia.army, 1, area)
    second = add_context(world.alice, varnia.army, 2, area)
    for path in PATHS:
        rows = alice_api.get(f"/{path}/").json()["items"]
        assert len(rows) == 2, path
        assert alice_api.get(f"/{path}/{rows[0]['id']}/").json() == rows[0]
        page = alice_api.get(f"/{path}/", limit=1).json()
        assert len(page["items"]) == 1 and page["next_offset"] == 1
    assert ids_of(alice_api.get("/situations/", q="Conflict 2")) == [str(second.pk)]
    parties = alice_api.get("/situation-parties/", situation=str(first.pk)).json()["items"]
    assert [p["situation"] for p in parties] == [str(first.pk)]
    assert parties[0]["bearer"] == str(varnia.army.pk)
    events = alice_api.get("/context-events/", date_from="2024-01-02").json()["items"]
    assert [e["situation"] for e in events] == [str(second.pk)]
    assert events[0]["latitude"] == 34.5 and events[0]["deaths"] == 2
    assert len(ids_of(alice_api.get("/context-events/", bearer=str(varnia.army.pk)))) == 2
    figures = alice_api.get("/population-figures/", year=2001).json()["items"]
    assert [(f["area"], f["value"]) for f in figures] == [(str(area.pk), 1000)]


def test_they_are_read_only(world: World, varnia: Varnia, area: AdminArea) -> None:
    add_context(world.alice, varnia.army, 1, area)
    head = ApiClient(world.carol)
    for path in PATHS:
        record = head.get(f"/{path}/").json()["items"][0]
        assert head.post(f"/{path}/", {"name": "x"}).status_code == 405
        assert head.patch(f"/{path}/{record['id']}/", {"version": 1}).status_code == 405
        assert head.delete(f"/{path}/{record['id']}/", version=1).status_code == 405
    assert head.get(f"/situations/{uuid.uuid4()}/").status_code == 404


def test_a_party_or_actor_that_is_a_hidden_bearer_is_left_out(
    world: World, varnia: Varnia, area: AdminArea, alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    add_context(world.carol, hidden, 1, area)
    carol_api = ApiClient(world.carol)
    for path in ("situation-parties", "context-event-actors"):
        assert ids_of(alice_api.get(f"/{path}/")) == []
        record = carol_api.get(f"/{path}/").json()["items"][0]
        assert record["bearer"] == str(hidden.pk)
        assert alice_api.get(f"/{path}/{record['id']}/").json() == {"detail": "Not found."}
    assert ids_of(alice_api.get("/context-events/", bearer=str(hidden.pk))) == []
    assert len(ids_of(alice_api.get("/situations/"))) == 1  # the conflict itself is public


# 3 to know the caller, 1 for the rows, 1 for the named users; a situation's countries 1.
QUERIES = dict.fromkeys(PATHS, 5) | {"situations": 6}


@pytest.mark.parametrize("path", PATHS)
def test_a_list_and_a_detail_cost_a_fixed_number_of_queries(
    path: str,
    world: World,
    varnia: Varnia,
    area: AdminArea,
    alice_api: ApiClient,
    django_assert_num_queries: Any,
) -> None:
    add_context(world.alice, varnia.army, 1, area)
    alice_api.get("/topics/")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as few:
        alice_api.get(f"/{path}/")
    for number in range(2, 6):
        add_context(world.alice, varnia.army, number, area)
    with django_assert_num_queries(QUERIES[path]):
        rows = ids_of(alice_api.get(f"/{path}/"))
    assert len(rows) == 5 and len(few.captured_queries) == QUERIES[path]
    with django_assert_num_queries(QUERIES[path]):
        assert alice_api.get(f"/{path}/{rows[0]}/").status_code == 200


# --- the outline of an administrative area ----------------------------------------------

CAR_BOUNDARIES = Path(__file__).parents[2] / "exchange/tests/data/caf_admin1.geojson"


def test_an_area_s_outline_is_its_own_operation_and_lists_stay_light(
    world: World, area: AdminArea, django_assert_num_queries: Any
) -> None:
    run = run_import(
        "ocha-boundaries", CAR_BOUNDARIES.read_bytes(), CAR_BOUNDARIES.name, actor=world.alice
    )
    assert run.status == "completed", run.report
    bangui = AdminArea.objects.get(pcode="CF71")
    dave_api = ApiClient(world.dave)
    dave_api.get("/topics/")  # the token's first use is noted once

    # 3 to know the caller, 1 for the area with its outline.
    with django_assert_num_queries(4):
        feature = dave_api.get(f"/admin-areas/{bangui.pk}/boundary/").json()
    assert (feature["type"], feature["id"]) == ("Feature", str(bangui.pk))
    outline = shape(feature["geometry"])
    assert outline.geom_type in ("Polygon", "MultiPolygon") and outline.is_valid
    assert outline.contains(shapely.Point(18.56, 4.37))  # Bangui lies in Bangui
    assert feature["properties"] == {
        "pcode": "CF71",
        "name": bangui.name,
        "level": 1,
        "country": str(bangui.country_id),
        "boundary_sha256": hashlib.sha256(bangui.boundary.encode()).hexdigest(),
    }
    # An area without an outline has a null geometry; a missing one is a 404.
    empty = dave_api.get(f"/admin-areas/{area.pk}/boundary/").json()
    assert empty["geometry"] is None and empty["properties"]["boundary_sha256"] == ""
    missing = dave_api.get(f"/admin-areas/{uuid.uuid4()}/boundary/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}

    # The list and the record neither send the outline nor read it.
    with CaptureQueriesContext(connection) as listing:
        rows = dave_api.get("/admin-areas/", country=str(bangui.country_id)).json()["items"]
    assert len(rows) == 17
    assert all("boundary" not in row and "geometry" not in row for row in rows)
    assert not any(
        '"boundary",' in q["sql"] or '"boundary" FROM' in q["sql"] for q in listing.captured_queries
    )
    record = dave_api.get(f"/admin-areas/{bangui.pk}/").json()
    assert record["pcode"] == "CF71" and "boundary" not in record

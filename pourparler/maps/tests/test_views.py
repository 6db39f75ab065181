"""Who sees which areas of control, on the map page, the bearer's map, the GeoJSON
endpoints and an area's page; the figures count only what the viewer may see; the
number of queries does not grow with the number of areas or points."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from pourparler.access.services import do_record_incident, do_record_passage
from pourparler.bearers.choices import BearerKind
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.core.services import create_record
from pourparler.geo.models import ContextEvent
from pourparler.maps.population import PopulationBasis, estimate_union
from pourparler.maps.reading import areas_visible_to
from pourparler.maps.tests.helpers import box, days_ago, draw, import_car
from pourparler.testing.http import page_body, sign_in
from pourparler.testing.personas import build_world, make_bearer

pytestmark = pytest.mark.django_db

# Areas each persona may see (keys of the ``shared`` fixture's areas).
SEES = {
    "alice": {"varnia", "restricted"},
    "bob": {"varnia", "hidden_bearer"},
    "carol": {"varnia"},
    "dave": {"kestria"},
    "hana": {"varnia", "kestria"},
    "audrey": set(),
}


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Any]:
    """Two compartments' areas, a restricted area and an area of a restricted bearer."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        import_car(world.alice)
        front = make_bearer(world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP)
        hidden = make_bearer(
            world.bob,
            "Hidden Brigade",
            kind=BearerKind.NON_STATE_ARMED_GROUP,
            restricted=True,
            restricted_to=[world.bob],
        )
        areas = {
            "varnia": draw(world.alice, world.varnia, front, box(18.4, 4.3, 20.1, 6.6)),
            "kestria": draw(world.dave, world.kestria, front, box(16.0, 5.0, 17.0, 6.0)),
            "restricted": draw(
                world.alice,
                world.varnia,
                front,
                box(21.0, 5.0, 22.0, 6.0),
                restricted=True,
                control="influence",
            ),
            "hidden_bearer": draw(world.bob, world.varnia, hidden, box(15.0, 4.0, 16.0, 5.0)),
        }
        yield world, {"front": front, "hidden": hidden}, areas
        transaction.set_rollback(True)


def client_for(world: Any, who: str) -> Client:
    client = Client()
    sign_in(client, world.users[who])
    return client


def ids_in(response: Any) -> set[str]:
    return {feature["properties"]["id"] for feature in response.json()["features"]}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_persona_sees_exactly_the_areas_it_may(shared: Any, who: str) -> None:
    world, _bearers, areas = shared
    client = client_for(world, who)
    expected = {str(areas[key].pk) for key in SEES[who]}
    assert ids_in(client.get(reverse("map_areas_json"))) == expected
    page = client.get(reverse("map")).content.decode()
    for key, area in areas.items():
        assert (reverse("area_detail", args=[area.pk]) in page) == (key in SEES[who]), key
    # The figure under the map counts the visible areas only.
    user = world.users[who]
    visible = list(areas_visible_to(user).filter(pk__in=[a.pk for a in areas.values()]))
    overall = estimate_union(visible, PopulationBasis(user, {a.country_id for a in visible}))
    assert f'<p class="big-figure">{overall.shown}</p>' in page
    if not visible:
        assert overall.shown == "—"


def test_a_forbidden_area_answers_like_a_missing_one(shared: Any) -> None:
    world, bearers, areas = shared
    dave = client_for(world, "dave")
    missing = uuid.uuid4()
    for name in ("area_detail", "area_edit"):
        forbidden = dave.get(reverse(name, args=[areas["varnia"].pk]))
        nothing = dave.get(reverse(name, args=[missing]))
        assert forbidden.status_code == nothing.status_code == 404
        assert page_body(forbidden.content) == page_body(nothing.content)
    deleted = dave.post(reverse("area_delete", args=[areas["varnia"].pk]), {"version": 1})
    assert deleted.status_code == 404
    # The bearer hidden from alice hides its areas and its map.
    alice = client_for(world, "alice")
    assert alice.get(reverse("area_detail", args=[areas["hidden_bearer"].pk])).status_code == 404
    assert alice.get(reverse("bearer_map", args=[bearers["hidden"].pk])).status_code == 404
    asked = alice.get(reverse("map_areas_json"), {"bearer": str(bearers["hidden"].pk)})
    assert asked.json()["features"] == []
    # The head of delegation reads the area but may change it (same compartment).
    carol = client_for(world, "carol")
    assert carol.get(reverse("area_edit", args=[areas["varnia"].pk])).status_code == 200
    # The analyst reads every delegation's areas but changes none.
    hana = client_for(world, "hana")
    assert hana.get(reverse("area_detail", args=[areas["kestria"].pk])).status_code == 200
    assert hana.get(reverse("area_edit", args=[areas["kestria"].pk])).status_code == 403


def test_the_bearer_map_shows_its_areas_and_the_period_filters(shared: Any) -> None:
    world, bearers, areas = shared
    bob = client_for(world, "bob")
    page = bob.get(reverse("bearer_map", args=[bearers["hidden"].pk])).content.decode()
    assert "Hidden Brigade" in page
    assert reverse("area_detail", args=[areas["hidden_bearer"].pk]) in page
    assert reverse("area_detail", args=[areas["varnia"].pk]) not in page
    # Areas drawn 100 days ago are not in force in a period that ended before.
    before = {"since": days_ago(400).isoformat(), "until": days_ago(200).isoformat()}
    assert ids_in(bob.get(reverse("map_areas_json"), before)) == set()
    assert ids_in(bob.get(reverse("map_areas_json"), {"until": days_ago(100).isoformat()}))


def _points(world: Any, bearer: Any, how_many: int, first: int = 0) -> None:
    """Passages, incidents and context events with coordinates, in Varnia's compartment."""
    for number in range(first, first + how_many):
        when = timezone.now() - datetime.timedelta(days=number + 1)
        where = {"latitude": Decimal("4.4") + number, "longitude": Decimal("18.5")}
        do_record_passage(
            actor=world.alice,
            compartment=world.varnia,
            bearer=bearer,
            place_name=f"Checkpoint {number}",
            outcome="passed",
            occurred_at=when,
            **where,
        )
        do_record_incident(
            actor=world.alice,
            compartment=world.varnia,
            kind="threat",
            description="Threatened at gunpoint.",
            occurred_at=when,
            bearers=[bearer],
            **where,
        )
        create_record(
            ContextEvent(
                source="ucdp_ged",
                source_id=f"test-{number}",
                kind="state-based",
                occurred_on=when.date(),
                place=f"Village {number}",
                **where,
            ),
            actor=world.alice,
        )


# Queries of each page: the session, the user and the device (3), the clearance
# (postings and grants), the records, the population basis (areas, figures), the
# bearers of the filter, and the audit append (3).
QUERIES = {
    "map": 12,
    "map_areas_json": 11,
    "map_passages_json": 9,
    "map_incidents_json": 10,
    "map_events_json": 9,
}


def test_pages_and_endpoints_cost_a_fixed_number_of_queries(
    shared: Any, django_assert_num_queries: Any
) -> None:
    world, bearers, areas = shared
    _points(world, bearers["front"], 2)
    alice = client_for(world, "alice")
    alice.get(reverse("map"))  # warm the caches of the first request
    for name, count in QUERIES.items():
        with django_assert_num_queries(count):
            assert alice.get(reverse(name)).status_code == 200
    # Five more areas and points cost nothing more.
    for number in range(5):
        draw(
            world.alice,
            world.varnia,
            bearers["front"],
            box(17 + number / 10, 3.9, 17.05 + number / 10, 4.0),
        )
    _points(world, bearers["front"], 5, first=2)
    for name, count in QUERIES.items():
        with django_assert_num_queries(count):
            response = alice.get(reverse(name))
        if name != "map":
            assert len(response.json()["features"]) >= 7
    # The detail adds its read event, whether alice may change it, and no basis query more.
    with django_assert_num_queries(12):
        assert alice.get(reverse("area_detail", args=[areas["varnia"].pk])).status_code == 200


def test_the_endpoints_are_audited_like_lists(shared: Any) -> None:
    world, bearers, areas = shared
    _points(world, bearers["front"], 1)
    alice = client_for(world, "alice")
    for name, model in (
        ("map_areas_json", "areaofcontrol"),
        ("map_passages_json", "checkpointpassage"),
        ("map_incidents_json", "securityincident"),
        ("map_events_json", "contextevent"),
    ):
        features = alice.get(reverse(name)).json()["features"]
        event = AuditEvent.objects.filter(kind=AuditKind.LIST).order_by("-seq").first()
        assert event is not None and event.content_type is not None
        assert event.content_type.model == model
        assert event.actor_id == world.alice.pk
        assert event.detail["count"] == len(features) >= 1
    event = AuditEvent.objects.filter(kind=AuditKind.LIST).order_by("-seq")[3]
    assert set(event.detail["ids"]) == {str(areas[k].pk) for k in SEES["alice"]}


def test_the_page_names_each_area_with_its_people_in_an_accessible_table(shared: Any) -> None:
    world, _bearers, _areas = shared
    page = client_for(world, "carol").get(reverse("map")).content.decode()
    assert "<caption>1 area of control, with the people living there</caption>" in page
    assert '<th scope="col" class="num">People living there</th>' in page
    assert '<script id="map-config" type="application/json">' in page
    assert "<script>" not in page and "style=" not in page
    assert "General Census of Population and Housing" in page


def test_the_bearer_profile_shows_the_areas_held_today_and_their_people(shared: Any) -> None:
    world, bearers, areas = shared
    page = client_for(world, "carol").get(reverse("bearer_detail", args=[bearers["front"].pk]))
    body = page.content.decode()
    assert "1 area in force today." in body
    assert reverse("area_detail", args=[areas["varnia"].pk]) in body
    assert reverse("area_detail", args=[areas["restricted"].pk]) not in body
    assert reverse("bearer_map", args=[bearers["front"].pk]) in body
    user = world.carol
    visible = list(areas_visible_to(user).filter(bearer=bearers["front"]))
    people = estimate_union(visible, PopulationBasis(user, {a.country_id for a in visible}))
    assert f"<strong>{people.shown}</strong>" in body and people.people


def test_a_tile_server_is_allowed_on_the_map_pages_only(shared: Any, settings: Any) -> None:
    world, _bearers, areas = shared
    alice = client_for(world, "alice")
    offline = alice.get(reverse("map"))
    assert "tiles.example.org" not in offline["Content-Security-Policy"]
    assert '"tiles": ""' in offline.content.decode()
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    for page in (reverse("map"), reverse("area_detail", args=[areas["varnia"].pk])):
        policy = alice.get(page)["Content-Security-Policy"]
        img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
        assert "https://*.tiles.example.org" in img_src.split()
        assert "connect-src 'self'" in policy
    assert "example.org" not in alice.get(reverse("home"))["Content-Security-Policy"]


def test_the_areas_export_as_geojson_holds_what_the_viewer_may_see(shared: Any) -> None:
    world, _bearers, areas = shared
    for who in ("alice", "dave"):
        client = client_for(world, who)
        response = client.get(
            reverse("export_list", args=["areas-of-control"]), {"format": "geojson"}
        )
        assert response.status_code == 200
        document = json.loads(
            b"".join(response.streaming_content) if response.streaming else response.content
        )
        assert {f["id"] for f in document["features"]} == {str(areas[k].pk) for k in SEES[who]}
        assert {f["geometry"]["type"] for f in document["features"]} == {"Polygon"}
        event = AuditEvent.objects.filter(kind=AuditKind.EXPORT).order_by("-seq").first()
        assert event is not None and event.actor_id == world.users[who].pk
        assert "notes" not in document["features"][0]["properties"]

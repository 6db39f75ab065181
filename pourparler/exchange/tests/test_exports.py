"""Exports of lists, tested through HTTP: every format parses back with the rows the user
may see, confidential columns only when asked by a head of delegation, every export
audited, formulas neutralised, query counts constant in the row count."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pourparler.access.choices import ConstraintCategory
from pourparler.access.services import (
    do_record_constraint,
    do_record_incident,
    do_record_passage,
)
from pourparler.commitments.choices import Instrument
from pourparler.commitments.services import do_register_commitment
from pourparler.concerns.services import do_open_concern
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.dialogue.models import Interaction, Topic
from pourparler.testing.http import count_queries, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person
from pourparler.training.services import do_record_session

pytestmark = pytest.mark.django_db

CATEGORY = ConstraintCategory.values[0]


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def export(user: User, name: str, **params: str) -> Any:
    return client_for(user).get(reverse("export_list", args=[name]), params)


def body(response: Any) -> bytes:
    assert isinstance(response, (HttpResponse, StreamingHttpResponse))
    return bytes(response.getvalue())


def rows_of(response: Any) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditKind.EXPORT).order_by("seq"))


@pytest.fixture
def contacts(world: World) -> list[Interaction]:
    army = make_bearer(world.alice)
    return [
        make_interaction(
            world.alice,
            world.varnia,
            bearers=[army],
            summary='=HYPERLINK("http://evil")',
            place_name="Orun",
            latitude=decimal.Decimal("4.36120"),
            longitude=decimal.Decimal("18.55500"),
        ),
        make_interaction(world.alice, world.varnia, summary="Water trucks", place_name="+Bria"),
    ]


def test_csv_holds_the_visible_rows_without_confidential_columns(
    world: World, contacts: list[Interaction]
) -> None:
    make_interaction(world.dave, world.kestria, summary="Kestrian meeting")
    response = export(world.alice, "interactions", format="csv")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="pourparler-interactions-{today}.csv"'
    )
    rows = rows_of(response)
    header, data = rows[0], rows[1:]
    assert "summary" not in header and "notes" not in header
    assert sorted(row[0] for row in data) == sorted(str(i.pk) for i in contacts)
    assert b"Kestrian" not in body(response)


def test_dave_sees_only_kestria(world: World, contacts: list[Interaction]) -> None:
    kestrian = make_interaction(world.dave, world.kestria, summary="Kestrian meeting")
    data = rows_of(export(world.dave, "interactions", format="csv"))[1:]
    assert [row[0] for row in data] == [str(kestrian.pk)]


def test_a_restricted_bearer_is_exported_only_to_its_members(world: World) -> None:
    make_bearer(world.alice, name="Open Army")
    make_bearer(world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol])
    names_alice = [row[1] for row in rows_of(export(world.alice, "bearers"))[1:]]
    names_carol = [row[1] for row in rows_of(export(world.carol, "bearers"))[1:]]
    assert names_alice == ["Open Army"]
    assert names_carol == ["Open Army", "Shadow Brigade"]


def test_filters_of_the_list_page_apply(world: World, contacts: list[Interaction]) -> None:
    bearer = contacts[0].bearers.get()
    data = rows_of(export(world.alice, "interactions", bearer=str(bearer.pk)))[1:]
    assert [row[0] for row in data] == [str(contacts[0].pk)]
    [event] = exports()
    assert event.detail["filters"] == {"bearer": str(bearer.pk)}


def test_the_head_of_delegation_asks_for_confidential_columns(
    world: World, contacts: list[Interaction]
) -> None:
    rows = rows_of(export(world.carol, "interactions", format="csv", confidential="1"))
    header = rows[0]
    summaries = {row[header.index("summary")] for row in rows[1:]}
    assert summaries == {'\'=HYPERLINK("http://evil")', "Water trucks"}
    [event] = exports()
    assert event.detail["confidential"] is True


def test_confidential_columns_are_refused_to_a_delegate(
    world: World, contacts: list[Interaction]
) -> None:
    response = export(world.alice, "interactions", format="csv", confidential="1")
    assert response.status_code == 403
    assert b"Only a head of delegation may export them" in response.content
    assert exports() == []


def test_every_export_is_audited_with_its_ids(world: World, contacts: list[Interaction]) -> None:
    export(world.alice, "interactions", format="json")
    [event] = exports()
    assert event.actor == world.alice
    assert sorted(event.detail["ids"]) == sorted(str(i.pk) for i in contacts)
    assert event.detail["format"] == "json"
    assert event.detail["list"] == "interactions"
    assert event.detail["confidential"] is False


def test_formulas_are_neutralised_in_csv(world: World, contacts: list[Interaction]) -> None:
    rows = rows_of(export(world.alice, "interactions", format="csv"))
    places = {row[rows[0].index("place")] for row in rows[1:]}
    assert places == {"Orun", "'+Bria"}


def test_hxl_has_the_hashtag_row(world: World, contacts: list[Interaction]) -> None:
    rows = rows_of(export(world.alice, "interactions", format="hxl"))
    assert rows[1][:2] == ["#activity+id", "#date+occurred"]
    assert "#geo+lat" in rows[1] and "#geo+lon" in rows[1]
    assert len(rows) == 2 + len(contacts)


def test_json_is_a_list_of_objects(world: World, contacts: list[Interaction]) -> None:
    response = export(world.carol, "interactions", format="json", confidential="1")
    assert response["Content-Type"] == "application/json"
    objects = json.loads(body(response))
    by_id = {item["id"]: item for item in objects}
    assert set(by_id) == {str(i.pk) for i in contacts}
    assert by_id[str(contacts[1].pk)]["summary"] == "Water trucks"
    assert by_id[str(contacts[1].pk)]["place"] == "+Bria"


def test_xlsx_has_a_bold_header_and_dates_as_dates(
    world: World, contacts: list[Interaction]
) -> None:
    response = export(world.alice, "interactions", format="xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and sheet["A1"].font.bold
    assert len(rows) == 1 + len(contacts)
    occurred = rows[0].index("occurred")
    assert all(isinstance(row[occurred], datetime.datetime) for row in rows[1:])
    places = {row[rows[0].index("place")] for row in rows[1:]}
    assert places == {"Orun", "'+Bria"}


def test_geojson_has_the_rows_with_coordinates(world: World, contacts: list[Interaction]) -> None:
    document = json.loads(body(export(world.alice, "interactions", format="geojson")))
    assert document["type"] == "FeatureCollection"
    [feature] = document["features"]
    assert feature["id"] == str(contacts[0].pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [18.555, 4.3612]}
    assert document["properties"]["rows_without_coordinates"] == 1


def test_geojson_is_not_offered_for_a_list_without_places(world: World) -> None:
    assert export(world.alice, "bearers", format="geojson").status_code == 404
    assert export(world.alice, "no-such-list").status_code == 404


def test_people_names_are_confidential(world: World) -> None:
    make_person(world.alice, world.varnia, full_name="Col. Idris Maren")
    plain = body(export(world.alice, "people", format="csv"))
    assert b"Idris" not in plain
    full = body(export(world.carol, "people", format="csv", confidential="1"))
    assert b"Col. Idris Maren" in full


def test_the_list_page_offers_the_export(world: World, contacts: list[Interaction]) -> None:
    client = client_for(world.alice)
    page = client.get(reverse("interaction_list"), {"kind": "bilateral_meeting", "page": "1"})
    assert reverse("export_list", args=["interactions"]).encode() in page.content
    assert b'name="kind" value="bilateral_meeting"' in page.content
    assert b'name="confidential"' not in page.content
    page = client_for(world.carol).get(reverse("interaction_list"))
    assert b'name="confidential"' in page.content


def add_rows(world: World, count: int) -> None:
    """Record ``count`` more rows of every list, each with its links."""
    for n in range(count):
        army = make_bearer(world.alice, name=f"Army {n} {len(exports())}")
        make_person(world.alice, world.varnia, full_name=f"Person {n}")
        make_interaction(world.alice, world.varnia, bearers=[army])
        point = {"latitude": decimal.Decimal(n), "longitude": decimal.Decimal(n)}
        passage(world.alice, world, army, **point)
        do_open_concern(
            actor=world.alice,
            compartment=world.varnia,
            summary=f"Concern {n}",
            description="Two shells hit the market at noon.",
            occurred_on=datetime.date(2026, 1, 3),
            opened_on=datetime.date(2026, 1, 5),
            bearers=[army],
            category=Topic.objects.get(code="conduct-of-hostilities"),
        )
        do_register_commitment(
            actor=world.alice,
            compartment=world.varnia,
            instrument=Instrument.SAFE_PASSAGE,
            title=f"Commitment {n}",
            scope="Medical teams cross on notice.",
            bearers=[army],
            made_on=datetime.date(2026, 1, 5),
        )
        do_record_constraint(
            actor=world.alice,
            compartment=world.varnia,
            category=CATEGORY,
            description=f"Constraint {n}",
            bearer=army,
            **point,
        )
        do_record_incident(
            actor=world.alice,
            compartment=world.varnia,
            kind="threat",
            description=f"Incident {n}",
            bearers=[army],
        )
        do_record_session(
            actor=world.alice,
            compartment=world.varnia,
            bearer=army,
            kind="briefing",
            language="en",
            level="tactical",
            held_on=datetime.date(2026, 3, 2),
            participants=20,
        )


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("interactions", "csv"),
        ("interactions", "xlsx"),
        ("interactions", "geojson"),
        ("bearers", "json"),
        ("people", "hxl"),
        ("passages", "geojson"),
        ("concerns", "csv"),
        ("commitments", "csv"),
        ("sessions", "xlsx"),
        ("constraints", "geojson"),
        ("incidents", "json"),
    ],
)
def test_queries_are_constant_in_the_row_count(world: World, name: str, fmt: str) -> None:
    client = client_for(world.carol)
    url = reverse("export_list", args=[name])

    def run() -> None:
        body(client.get(url, {"format": fmt, "confidential": "1"}))

    add_rows(world, 2)
    few = count_queries(run)
    add_rows(world, 5)
    many = count_queries(run)
    assert few == many


# --- the other lists ------------------------------------------------------------------


def passage(actor: User, world: World, bearer: Any, **fields: Any) -> Any:
    fields.setdefault("place_name", "Kessel Ford bridge")
    fields.setdefault("outcome", "passed")
    return do_record_passage(actor=actor, compartment=world.varnia, bearer=bearer, **fields)


def test_passages_as_geojson_leave_out_hidden_checkpoints(world: World) -> None:
    army = make_bearer(world.alice)
    shadow = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    mapped = passage(
        world.alice,
        world,
        army,
        latitude=decimal.Decimal("4.5"),
        longitude=decimal.Decimal("18.25"),
        note="Searched the ambulance",
    )
    passage(world.alice, world, army, outcome="turned_back")
    passage(
        world.carol, world, shadow, latitude=decimal.Decimal("4"), longitude=decimal.Decimal("18")
    )

    document = json.loads(body(export(world.alice, "passages", format="geojson")))
    assert [f["id"] for f in document["features"]] == [str(mapped.pk)]
    assert document["properties"]["rows_without_coordinates"] == 1
    assert "note" not in document["features"][0]["properties"]
    assert json.loads(body(export(world.dave, "passages", format="geojson")))["features"] == []
    carol = json.loads(body(export(world.carol, "passages", format="geojson", confidential="1")))
    notes = {f["properties"]["note"] for f in carol["features"]}
    assert notes == {"Searched the ambulance", ""}
    stopped = rows_of(export(world.alice, "passages", outcome="stopped"))[1:]
    assert [
        row[rows_of(export(world.alice, "passages"))[0].index("outcome")] for row in stopped
    ] == ["Turned back"]


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("concerns", "summary"),
        ("commitments", "title"),
        ("sessions", "external facilitators"),
        ("constraints", "description"),
        ("incidents", "description"),
    ],
)
def test_the_other_registers_export_their_visible_rows(
    world: World, name: str, secret: str
) -> None:
    army = make_bearer(world.alice)
    made = {
        "concerns": lambda who, where: do_open_concern(
            actor=who,
            compartment=where,
            summary="Shelling of the market",
            description="Two shells hit the market at noon.",
            occurred_on=datetime.date(2026, 1, 3),
            opened_on=datetime.date(2026, 1, 5),
            bearers=[army],
            category=Topic.objects.get(code="conduct-of-hostilities"),
        ),
        "commitments": lambda who, where: do_register_commitment(
            actor=who,
            compartment=where,
            instrument=Instrument.SAFE_PASSAGE,
            title="Safe passage on the bridge road",
            scope="Medical teams cross on notice.",
            bearers=[army],
            made_on=datetime.date(2026, 1, 5),
        ),
        "sessions": lambda who, where: do_record_session(
            actor=who,
            compartment=where,
            bearer=army,
            kind="briefing",
            language="en",
            level="tactical",
            held_on=datetime.date(2026, 3, 2),
            participants=20,
            external_facilitators="Maj. Olu Ben",
        ),
        "constraints": lambda who, where: do_record_constraint(
            actor=who,
            compartment=where,
            category=CATEGORY,
            description="Road closed by the army",
            bearer=army,
        ),
        "incidents": lambda who, where: do_record_incident(
            actor=who,
            compartment=where,
            kind="threat",
            description="A driver was threatened",
            bearers=[army],
        ),
    }[name]
    ours = made(world.alice, world.varnia)
    made(world.dave, world.kestria)

    rows = rows_of(export(world.alice, name, format="hxl"))
    assert secret not in rows[0]
    assert rows[1][0].startswith("#")
    assert [row[0] for row in rows[2:]] == [str(ours.pk)]
    full = rows_of(export(world.carol, name, format="csv", confidential="1"))
    assert full[1][full[0].index(secret)] != ""
    assert export(world.bob, name, confidential="1").status_code == 403
    assert exports()[-1].detail["ids"] == [str(ours.pk)]

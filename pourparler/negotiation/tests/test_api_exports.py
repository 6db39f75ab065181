"""The negotiation files export (``/exchange/export/negotiation-files/``): the rows of the
list page the user may see, figures counting only what they may see, the confidential
columns (title, objective, counterparts' names) only for a head of delegation who asks,
every export audited with its ids before the first byte, queries constant in the rows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.exchange.tests.helpers import client_for
from pourparler.negotiation.models import NegotiationFile, RedLine
from pourparler.negotiation.services import (
    do_add_to_file,
    do_open_file,
    do_sign_off_red_line,
    do_update_file,
)
from pourparler.negotiation.tests.helpers import open_file
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_bearer, make_person

pytestmark = pytest.mark.django_db

URL = reverse("export_list", args=["negotiation-files"])


def content(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, (HttpResponse, StreamingHttpResponse))
    return bytes(response.getvalue())


def table(response: Any) -> list[dict[str, str]]:
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditKind.EXPORT).order_by("seq"))


def files_of(world: World) -> tuple[NegotiationFile, NegotiationFile, NegotiationFile]:
    """A shared Varnian file with a hidden counterpart and two red lines (one signed off),
    one restricted to alice, and one of Kestria's."""
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, full_name="Col. Idris Maren", bearer=army)
    shared = open_file(world, bearer=army, counterpart=colonel, title="=Orun detainees")
    informant = make_person(world.carol, world.varnia, full_name="Sheikh Amal", restricted=True)
    do_update_file(
        shared,
        actor=world.carol,
        expected_version=shared.version,
        changes={},
        links={"counterparts": [colonel, informant]},
    )
    first = do_add_to_file(shared, RedLine, actor=world.alice, text="No armed escort")
    do_add_to_file(shared, RedLine, actor=world.alice, text="No names given")
    do_sign_off_red_line(first, actor=world.carol, expected_version=1)
    closed = open_file(
        world, bearer=army, counterpart=colonel, restricted=True, restricted_to=[world.alice]
    )
    kestrian = make_person(world.dave, world.kestria, full_name="Maj. Tomas Vell")
    theirs = do_open_file(
        actor=world.dave,
        compartment=world.kestria,
        bearer=army,
        title="Kestrian file",
        counterparts=[kestrian],
    )
    return shared, closed, theirs


def test_the_export_holds_the_visible_files_and_confidential_columns_only_when_allowed(
    world: World,
) -> None:
    shared, closed, theirs = files_of(world)
    bob = client_for(world.bob)
    response = bob.get(URL, {"format": "hxl"})
    assert "no-store" in response["Cache-Control"]
    text = content(response).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header, tags, data = rows[0], rows[1], rows[2:]
    assert tags[0] == "#meta+id" and all(tag.startswith("#") for tag in tags)
    assert {"title", "objective", "counterpart names"}.isdisjoint(header)
    assert [row[0] for row in data] == [str(shared.pk)]
    row = dict(zip(header, data[0], strict=True))
    assert row["counterparts"] == "1"  # the informant is hidden from bob
    assert (row["red lines"], row["red lines not signed off"]) == ("2", "1")
    assert row["bearer"] == "Varnian Armed Forces" and row["holder"] == "Alice"
    for secret in ("Orun", "Sheikh", "Kestria", str(closed.pk), str(theirs.pk)):
        assert secret not in text
    [event] = exports()
    assert event.actor == world.bob and event.detail["ids"] == [str(shared.pk)]
    assert event.detail["list"] == "negotiation-files" and event.detail["confidential"] is False

    # Confidential columns: refused to a delegate who asks (nothing given, nothing audited).
    refused = bob.get(URL, {"format": "csv", "confidential": "1"})
    assert refused.status_code == 403
    assert len(exports()) == 1

    carol = client_for(world.carol)
    full = table(carol.get(URL, {"format": "csv", "confidential": "1"}))
    assert [r["id"] for r in full] == [str(shared.pk)]
    assert full[0]["title"] == "'=Orun detainees"  # a formula is neutralised
    assert full[0]["objective"] == "Access to the detainees held at Orun camp."
    assert set(full[0]["counterpart names"].split("; ")) == {"Col. Idris Maren", "Sheikh Amal"}
    assert exports()[-1].detail["confidential"] is True

    dave = client_for(world.dave)
    assert [r["id"] for r in json.loads(content(dave.get(URL, {"format": "json"})))] == [
        str(theirs.pk)
    ]
    # The list page offers the export.
    assert URL.encode() in bob.get(reverse("negotiation_file_list")).content


def test_the_export_is_audited_before_its_first_byte_and_reads_as_a_spreadsheet(
    world: World,
) -> None:
    shared, closed, _theirs = files_of(world)
    alice = client_for(world.alice)
    streamed = alice.get(URL, {"format": "csv"})
    assert isinstance(streamed, StreamingHttpResponse)
    [event] = exports()  # before a byte of the file is read
    assert sorted(event.detail["ids"]) == sorted([str(shared.pk), str(closed.pk)])
    assert len(table(streamed)) == 2
    sheet = load_workbook(io.BytesIO(content(alice.get(URL, {"format": "xlsx"})))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and sheet["A1"].font.bold and len(rows) == 3
    assert exports()[-1].detail["format"] == "xlsx"
    assert alice.get(URL, {"format": "geojson"}).status_code == 404


def test_the_export_costs_the_same_for_few_files_or_many(world: World) -> None:
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, bearer=army)
    carol: Client = client_for(world.carol)

    def add(count: int) -> None:
        for n in range(count):
            file = open_file(world, bearer=army, counterpart=colonel, title=f"File {n}")
            do_add_to_file(file, RedLine, actor=world.alice, text=f"Line {n}")

    def run() -> None:
        content(carol.get(URL, {"format": "csv", "confidential": "1"}))

    add(2)
    few = count_queries(run)
    add(4)
    assert count_queries(run) == few
    assert len(exports()[-1].detail["ids"]) == 6

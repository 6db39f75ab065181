"""The handovers export (``/exchange/export/handovers/``): the handovers of the list page
the user may see, what each passed, the advice note only for a head of delegation who
asks, every export audited with its ids before the first byte, queries constant in the
rows."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.exchange.tests.helpers import client_for
from pourparler.handover.models import Handover
from pourparler.handover.services import do_hand_over, do_prepare_handover
from pourparler.people.services import do_create_relationship
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_person

pytestmark = pytest.mark.django_db

URL = reverse("export_list", args=["handovers"])


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


def prepare(world: World, days: int, note: str = "See the colonel first.") -> Handover:
    return do_prepare_handover(
        actor=world.carol,
        delegation=world.varnia,
        outgoing=world.alice,
        successor=world.bob,
        effective_on=timezone.localdate() + datetime.timedelta(days=days),
        note=note,
    )


def test_the_export_holds_the_visible_handovers_and_the_advice_only_when_allowed(
    world: World,
) -> None:
    colonel = make_person(world.alice, world.varnia)
    do_create_relationship(colonel, actor=world.alice, holder=world.alice)
    done = prepare(world, 20, note="=Trust the colonel")
    done = do_hand_over(done, actor=world.carol, expected_version=1)
    draft = prepare(world, 10)
    bob = client_for(world.bob)
    streamed = bob.get(URL, {"format": "csv"})
    assert isinstance(streamed, StreamingHttpResponse)
    [event] = exports()  # audited before a byte of the file is read
    assert set(event.detail["ids"]) == {str(done.pk), str(draft.pk)}
    rows = table(streamed)
    assert [r["id"] for r in rows] == [str(done.pk), str(draft.pk)]  # latest date first
    assert "advice for the successor" not in rows[0]
    assert (rows[0]["state"], rows[1]["state"]) == ("Done", "Draft")
    assert "relationships: 1" in rows[0]["passed"] and rows[1]["passed"] == ""
    assert (rows[0]["outgoing"], rows[0]["successor"]) == ("Alice", "Bob")
    assert bob.get(URL, {"format": "json", "confidential": "1"}).status_code == 403
    assert len(exports()) == 1

    carol = client_for(world.carol)
    full = json.loads(content(carol.get(URL, {"format": "json", "confidential": "1"})))
    assert [r["advice for the successor"] for r in full] == [
        "=Trust the colonel",  # JSON keeps the text as written; CSV and XLSX neutralise it
        "See the colonel first.",
    ]
    assert exports()[-1].detail["confidential"] is True
    assert table(carol.get(URL, {"confidential": "1"}))[0]["advice for the successor"] == (
        "'=Trust the colonel"
    )

    dave = client_for(world.dave)
    assert table(dave.get(URL)) == []
    assert exports()[-1].detail["ids"] == []
    # The list page offers the export.
    assert URL.encode() in carol.get(reverse("handover_list")).content


def test_the_export_costs_the_same_for_few_handovers_or_many(world: World) -> None:
    carol = client_for(world.carol)

    def run() -> None:
        content(carol.get(URL, {"format": "xlsx", "confidential": "1"}))

    for days in (10, 11):
        prepare(world, days)
    few = count_queries(run)
    for days in range(12, 16):
        prepare(world, days)
    assert count_queries(run) == few
    assert len(exports()[-1].detail["ids"]) == 6

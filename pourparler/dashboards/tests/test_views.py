"""The dashboard pages, who may open them, their exports and their query counts."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from pourparler.core.models import AuditEvent
from pourparler.dashboards.tests.conftest import ago, assess, client_of, passage, session
from pourparler.testing.http import page_body
from pourparler.testing.pdf import pdf_text
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

Shared = tuple[World, dict[str, Any]]
DELEGATION = reverse("dashboard")
HEADQUARTERS = reverse("dashboard_headquarters")
CHARTS = ("coverage", "concerns", "commitments", "access-time", "access-bearer", "reach")
# Session, user, device, postings, grants (5); the delegations (1); one query per chart (7),
# but coverage, concerns and the two access charts read kept figures (kept.py: the kept
# rows and the changes since, 2), add what is not kept (two queries each: records
# restricted to the viewer, records in no compartment) and look up the bearers' kinds and
# names (2), the access charts one more each (passages at bearers or units not plain);
# the handover app's continuity (5). Once the kept figures are fresh: after a change, the
# first view counts the changed delegations again.
PAGE_QUERIES = 28
# Sign-in and clearance (5), one per chart (7), continuity by delegation (6), global (5:
# contacts, bearers trained, reach, concerns, areas of control; 3 more for the population
# once there is an area of control, whatever their number); the kept figures as on the
# delegation's page (2, and the delegations read in full, 1), what is not kept as there
# (interactions and concerns in place of their own query), the bearers' kinds and names.
HEADQUARTERS_QUERIES = 32
# Sign-in and clearance (5), the delegations (1), one chart (coverage: the kept figures
# and the changes since, 2, what is not kept, 2, the bearers' kinds, 1), the audit append
# (3: lock the head, insert the event, move the head).
EXPORT_QUERIES = 14


def export(key: str, fmt: str, headquarters: bool = False) -> str:
    if headquarters:
        return reverse("dashboard_headquarters_export", args=[key, fmt])
    return reverse("dashboard_export", args=[key, fmt]) + "?delegation=varnia"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_delegation_dashboard_shows_every_chart_with_its_table(shared: Shared) -> None:
    world, _w = shared
    body = client_of(world.alice).get(DELEGATION).content.decode()
    assert "Dashboard — Varnia" in body
    for key in (*CHARTS, "integration", "continuity"):
        section = body.split(f'id="chart-{key}"')[1].split("</section>")[0]
        assert re.search(r'<svg [^>]*role="img"', section), key
        assert f'<title id="{key}-svg-title">' in section and "<desc " in section
        assert "<caption>" in section and '<th scope="col">' in section
        assert '<th scope="row">' in section
        for fmt in ("csv", "pdf", "png"):
            assert f"/dashboards/export/{key}.{fmt}?delegation=varnia" in section
    assert "Hidden Front" not in body
    assert "Kestrian" not in body
    assert 'id="chart-global"' not in body
    # Alice is no head of delegation: no headquarters link.
    assert HEADQUARTERS not in body


def test_the_headquarters_dashboard_is_for_analysts_and_heads(shared: Shared) -> None:
    world, _w = shared
    hana = client_of(world.hana).get(HEADQUARTERS)
    assert hana.status_code == 200
    body = hana.content.decode()
    assert "Headquarters dashboard" in body and 'id="chart-global"' in body
    assert "Armed groups we are in contact with" in body
    assert "Kestrian National Police" in body and "Hidden Front" not in body
    assert client_of(world.carol).get(HEADQUARTERS).status_code == 200
    for who in ("alice", "dave", "audrey"):
        client = client_of(world.users[who])
        response = client.get(HEADQUARTERS)
        assert response.status_code == 404
        assert page_body(response.content) == page_body(client.get("/dashboards/nowhere/").content)


def test_a_delegation_one_may_not_read_is_a_404_like_a_missing_one(shared: Shared) -> None:
    world, _w = shared
    dave = client_of(world.dave)
    forbidden = dave.get(DELEGATION, {"delegation": "varnia"})
    missing = dave.get(DELEGATION, {"delegation": "atlantis"})
    assert forbidden.status_code == missing.status_code == 404
    assert page_body(forbidden.content) == page_body(missing.content)
    assert dave.get(export("coverage", "csv")).status_code == 404
    assert dave.get(DELEGATION).content.decode().count("Dashboard — Kestria") == 1
    # An analyst chooses among every delegation.
    body = client_of(world.hana).get(DELEGATION, {"delegation": "kestria"}).content.decode()
    assert "Dashboard — Kestria" in body and '<option value="varnia"' in body
    # An auditor reads no compartment: a page that says so, no figures.
    body = client_of(world.audrey).get(DELEGATION).content.decode()
    assert "no delegation dashboard to show" in body and "<svg" not in body


def test_an_unknown_chart_or_format_is_a_404(shared: Shared) -> None:
    world, _w = shared
    alice = client_of(world.alice)
    assert alice.get(export("nonsense", "csv")).status_code == 404
    assert alice.get(export("coverage", "exe")).status_code == 404
    assert alice.get(export("global", "csv")).status_code == 404  # headquarters only


def test_csv_export_is_the_table_and_is_audited(shared: Shared) -> None:
    world, _w = shared
    alice = client_of(world.alice)
    before = AuditEvent.objects.filter(kind="export").count()
    response = alice.get(export("access-bearer", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert re.match(
        r'attachment; filename="pourparler-dashboard-varnia-access-bearer-\d{4}-\d\d-\d\d\.csv"',
        response["Content-Disposition"],
    )
    assert response.content.startswith("\ufeff".encode())
    assert csv_rows(response.content) == [
        ["Bearer", "Passed", "Delayed", "Turned back", "Incident", "Passages"],
        ["Varnian Armed Forces", "1", "1", "1", "0", "3"],
        ["Varnian National Police", "1", "0", "0", "0", "1"],
    ]
    events = AuditEvent.objects.filter(kind="export").order_by("seq")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None
    assert event.actor_id == world.alice.pk and event.compartment_id == world.varnia.pk
    assert event.detail["list"] == "dashboard:access-bearer"
    detail = event.detail
    assert (detail["format"], detail["scope"], detail["rows"]) == ("csv", "varnia", 2)


def test_a_bearer_name_that_looks_like_a_formula_is_neutralised(shared: Shared) -> None:
    world, _w = shared
    odd = make_bearer(world.alice, name="=HYPERLINK(1)")
    passage(world.alice, world.varnia, odd, "passed", "2026-03-01")
    rows = csv_rows(client_of(world.alice).get(export("access-bearer", "csv")).content)
    assert ["'=HYPERLINK(1)", "1", "0", "0", "0", "1"] in rows


def test_pdf_export_holds_the_chart_and_its_table(shared: Shared) -> None:
    world, _w = shared
    response = client_of(world.hana).get(export("integration", "pdf", headquarters=True))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Integration of the law: heat map of the five pillars" in text
    assert "Every delegation you may see" in text
    assert "Bearers at each level of integration" in text
    assert "Doctrine" in text and "Sanctions" in text
    event = AuditEvent.objects.filter(kind="export").order_by("seq").last()
    assert event is not None
    assert (event.detail["format"], event.detail["scope"]) == ("pdf", "headquarters")


def test_png_export_is_a_picture_of_sensible_size(shared: Shared) -> None:
    world, _w = shared
    response = client_of(world.alice).get(export("coverage", "png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content))
    assert 800 <= image.width <= 1600
    assert 300 <= image.height <= 3000
    # Not blank: the picture has dark ink (labels) and colour (bars).
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20
    event = AuditEvent.objects.filter(kind="export").order_by("seq").last()
    assert event is not None and event.detail["format"] == "png"


def add_more(world: World, w: dict[str, Any]) -> None:
    """More records of every kind, so a query count that grows with rows would show."""
    alice, varnia = world.alice, world.varnia
    extra = make_bearer(alice, name="Second Front", kind="non_state_armed_group")
    for days in (4, 40, 140):
        make_interaction(alice, varnia, bearers=[extra, w["police"]], occurred_at=ago(days))
    passage(alice, varnia, extra, "turned_back", "2026-05-05")
    session(alice, varnia, extra, "2026-05-06", 12, 3)
    assess(alice, varnia, extra, "training", 2, "2026-05-07")


def test_query_counts_are_pinned_and_do_not_grow_with_the_records(
    shared: Shared, django_assert_num_queries: Any
) -> None:
    world, w = shared
    alice, hana = client_of(world.alice), client_of(world.hana)
    alice.get(DELEGATION)
    hana.get(HEADQUARTERS)
    with django_assert_num_queries(PAGE_QUERIES):
        alice.get(DELEGATION)
    with django_assert_num_queries(HEADQUARTERS_QUERIES):
        hana.get(HEADQUARTERS)
    with django_assert_num_queries(EXPORT_QUERIES):
        alice.get(export("coverage", "csv"))
    add_more(world, w)
    alice.get(DELEGATION)
    hana.get(HEADQUARTERS)
    with django_assert_num_queries(PAGE_QUERIES):
        alice.get(DELEGATION)
    with django_assert_num_queries(HEADQUARTERS_QUERIES):
        hana.get(HEADQUARTERS)
    with django_assert_num_queries(EXPORT_QUERIES):
        alice.get(export("coverage", "csv"))

"""In a real headless Chromium: export the interactions the page lists, as CSV."""

from __future__ import annotations

import csv
import decimal
import io
import shutil
from pathlib import Path

import pytest

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.testing.personas import build_world, make_bearer, make_interaction
from pourparler.ui.tests.test_browser import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_export_the_filtered_interactions_as_csv(live_server: object, browser: object) -> None:
    world = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        place_name="Orun",
        latitude=decimal.Decimal("4.36"),
        longitude=decimal.Decimal("18.55"),
    )
    make_interaction(world.alice, world.varnia, bearers=[police], place_name="Bria")
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, base, world.carol)
    page.goto(f"{base}/interactions/?bearer={army.pk}")
    page.click("details.export-control summary")
    page.screenshot(path=str(ARTIFACTS / "exchange-export.png"), full_page=True)
    page.check("input[name=confidential]")
    with page.expect_download() as info:
        page.click("details.export-control button[type=submit]")
    download = info.value
    assert download.suggested_filename.startswith("pourparler-interactions-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[rows[0].index("place")] for row in rows[1:]] == ["Orun"]
    assert "summary" in rows[0]
    context.close()
    [event] = AuditEvent.objects.filter(kind=AuditKind.EXPORT)
    assert event.detail["confidential"] is True
    if SCREENSHOTS.is_dir():
        shutil.copy(ARTIFACTS / "exchange-export.png", SCREENSHOTS / "exchange-export.png")

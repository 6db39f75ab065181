"""In a real headless Chromium: record a passage, see it counted and drawn, with no CSP breach."""

from __future__ import annotations

import re

import pytest

from pourparler.access.models import CheckpointPassage
from pourparler.access.tests.conftest import assessment
from pourparler.testing.personas import build_world, make_bearer
from pourparler.ui.tests.test_browser import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_passage_and_see_it_on_the_overview_and_the_profile(
    live_server: object, browser: object
) -> None:
    world = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    assessment(world.alice, world.varnia, army, "refused", "2025-01-10")
    assessment(world.alice, world.varnia, army, "accepted", "2025-09-01")
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(page, base, world.alice)

    page.click("nav[aria-label=Main] >> text=Access")
    page.click("text=Record a passage")
    page.fill("#id_place_name", "Kessel Ford bridge")
    page.select_option("#id_bearer", label="Varnian Armed Forces")
    page.select_option("#id_outcome", "delayed")
    page.click("button:has-text('Record checkpoint passage')")
    # No delay given: the form says so and keeps what was typed.
    assert "Say how many minutes the team was held." in page.content()
    page.fill("#id_delay_minutes", "45")
    page.click("button:has-text('Record checkpoint passage')")
    page.wait_for_url(re.compile(r".*/access/passages/[0-9a-f-]{36}/$"))
    assert "held 45 minutes" in page.content()

    page.click("text=Overview")
    stopped = page.locator("#stopped-h + table")
    assert "Kessel Ford bridge (Varnian Armed Forces)" in stopped.inner_text()
    assert page.locator("svg[aria-labelledby=month-h] rect").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "access-overview.png"), full_page=True)

    page.click("#acc-h ~ table >> text=Varnian Armed Forces")
    page.wait_for_url(re.compile(r".*/bearers/[0-9a-f-]{36}/$"))
    panel = page.locator("section.access-panel")
    assert panel.locator("svg[role=img] rect[fill]").count() >= 2
    assert "Checkpoint: delayed" in page.locator("#timeline-h + ol").inner_text()
    page.screenshot(path=str(ARTIFACTS / "access-bearer-panel.png"), full_page=True)
    context.close()

    assert CheckpointPassage.objects.get().delay_minutes == 45
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]

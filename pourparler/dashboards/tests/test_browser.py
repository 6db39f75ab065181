"""In a real headless Chromium: the head of delegation opens her delegation's dashboard,
a headquarters analyst the headquarters dashboard; each page is saved as a screenshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pourparler.dashboards.tests.conftest import populate
from pourparler.testing.personas import build_world
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def open_page(browser: Any, base: str, user: Any, path: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, base, user)
    page.goto(f"{base}{path}")
    return context, page, console


def test_the_delegation_and_headquarters_dashboards_in_a_browser(
    live_server: Any, browser: Any
) -> None:
    world = build_world()
    populate(world)
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context, page, console = open_page(browser, base, world.carol, "/")
    page.click("nav >> text=Dashboards")
    assert page.locator("h1").inner_text() == "Dashboard — Varnia"
    charts = page.locator("section.dashboard-chart")
    assert charts.count() == 8
    assert page.locator("section.dashboard-chart svg[role=img]").count() == 8
    assert page.locator("section.dashboard-chart table caption").count() == 8
    # The picture is drawn at a readable size, its table under it.
    box = page.locator("#chart-coverage svg").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    # The index of charts and the download links are reachable from the keyboard.
    page.focus("nav.chart-index a >> nth=0")
    page.keyboard.press("Enter")
    assert page.url.endswith("#chart-coverage")
    assert page.get_by_role("link", name="Access outcomes by bearer as PNG").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "dashboards-delegation.png"), full_page=True)
    # The PNG link gives the picture as a file (kept beside the screenshots for the docs).
    link = page.get_by_role(
        "link",
        name="Coverage: bearers by kind, level of contact and age of the last contact as PNG",
    )
    download = page.request.get(f"{base}{link.get_attribute('href')}")
    assert download.ok and download.headers["content-type"] == "image/png"
    (SCREENSHOTS / "dashboards-export-coverage.png").write_bytes(download.body())
    assert not [line for line in console if "Content Security Policy" in line], console
    context.close()

    context, page, console = open_page(browser, base, world.hana, "/dashboards/headquarters/")
    assert page.locator("h1").inner_text() == "Headquarters dashboard"
    figures = page.locator("#chart-global dl.global-figures")
    assert "Armed groups we are in contact with" in figures.inner_text()
    assert page.locator("section.dashboard-chart").count() == 9
    assert "Kestria" in page.locator("#continuity-table").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboards-headquarters.png"), full_page=True)
    assert not [line for line in console if "Content Security Policy" in line], console
    context.close()

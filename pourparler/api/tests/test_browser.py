"""The interactive API docs in a real headless Chromium, under the project's CSP: the page
draws from local files only, breaks no CSP rule, and its "Try it out" calls the API with
the session of the user signed in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pourparler.testing.personas import World, build_world, make_bearer
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_the_docs_page_works_under_the_csp(live_server: Any, browser: Any) -> None:
    world: World = build_world()
    make_bearer(world.alice, name="Varnian Armed Forces")
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, base, world.alice)

    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector("text=Pourparler API")
    page.wait_for_selector("#operations-bearers-list_bearers")
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))

    # Try one operation from the page, with the session.
    page.click("#operations-bearers-list_bearers .opblock-summary")
    page.click("button:has-text('Try it out')")
    page.click("button:has-text('Execute')")
    live = "#operations-bearers-list_bearers .live-responses-table"
    page.wait_for_selector(f"{live} .response-col_status")
    body = page.locator(live).inner_text()
    assert re.search(r"\b200\b", body), body
    assert "Varnian Armed Forces" in body
    page.screenshot(path=str(SCREENSHOTS / "api-docs-try.png"), full_page=False)

    assert all(url.startswith((base, "data:")) for url in requested), requested
    refused = [text for text in console if "Content Security Policy" in text or "Refused" in text]
    assert refused == []
    context.close()

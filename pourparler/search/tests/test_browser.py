"""In a real headless Chromium: searching from the search page, in English and Arabic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pourparler.bearers.services import do_add_bearer_name
from pourparler.people.services import do_add_person_name
from pourparler.testing.personas import build_world, make_bearer, make_interaction, make_person
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_searching_from_the_search_page(live_server: Any, browser: Any) -> None:
    world = build_world()
    army = make_bearer(world.alice, name="Forces armées de Varnia")
    do_add_bearer_name(army, actor=world.alice, name="القوات المسلحة الفارنية", kind="alias")
    colonel = make_person(world.alice, world.varnia, "Col. Idris Maren", bearer=army)
    do_add_person_name(colonel, actor=world.alice, name="العقيد إدريس مارين", language="ar")
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        summary="Réunion avec le colonel Maren sur les ambulances au poste de Kalvo.",
        notes="Il promet un couloir sûr vers l'hôpital de Kalvo.",
        place_name="Kalvo",
    )
    make_interaction(world.dave, world.kestria, summary="Kalvo vu depuis Kestria.")

    page = browser.new_page()
    log_in(page, live_server.url, world.bob)
    page.get_by_role("link", name="Search").first.click()
    page.fill("input[name=q]", "kalvo hopital")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    interactions = page.locator("section", has=page.locator("#found-interactions"))
    assert "ambulances" in interactions.inner_text()
    assert "Kestria" not in page.locator("main").inner_text()
    page.fill("input[name=q]", "maren")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Col. Idris Maren" in page.locator("#found-people ~ ul").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    page.goto(f"{live_server.url}/search/?q=" + "الْمُسَلَّحَة")
    page.click("form.languages button[lang=ar]")
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "Forces armées de Varnia" in page.locator("#found-bearers ~ ul").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "search-ar.png"), full_page=True)
    page.close()

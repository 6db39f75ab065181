"""The language switcher in a real headless Chromium: one page in each of the four
languages, chosen through the switcher in the header; Arabic reads right to left.
Each language leaves a screenshot in docs/screenshots/i18n-<lang>.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pourparler.testing.personas import build_world, make_bearer, make_person
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


# What the navigation and the page heading say in each language (the bearer list).
EXPECTED = {
    "fr": ("Français", "Mon travail", "Porteurs d'armes"),
    "es": ("Español", "Mi trabajo", "Portadores de armas"),
    "ar": ("العربيّة", "عملي", "حاملو السلاح"),
    "en": ("English", "My work", "Weapon bearers"),
}


def test_each_language_through_the_switcher(live_server: Any, browser: Any) -> None:
    world = build_world()
    army = make_bearer(
        world.alice,
        name="Forces armées varniennes",
        names=[
            {
                "name": "القوات المسلحة الفارنية",
                "kind": "translation",
                "language": "ar",
                "script": "Arab",
                "transliteration": "al-Quwwat al-Musallaha al-Farniya",
            }
        ],
    )
    make_person(world.alice, world.varnia, full_name="Maj. Ines Korro", bearer=army)
    make_bearer(world.alice, name="Jaysh al-Fath", kind="non_state_armed_group")
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 760})
    page = context.new_page()
    log_in(page, base, world.alice)
    page.goto(f"{base}/bearers/")
    for lang, (name, my_work, heading) in EXPECTED.items():
        page.click(f"form.languages button[lang={lang}]")
        page.wait_for_selector(f"html[lang={lang}]")
        assert page.url == f"{base}/bearers/"
        html = page.locator("html")
        assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        nav = page.locator("nav[aria-label] ul").first.inner_text()
        assert my_work in nav
        assert page.locator("h1").inner_text() == heading
        current = page.locator("form.languages button[aria-current=true]")
        assert current.inner_text() == name
        if lang == "ar":
            # The header mirrors: the brand sits at the right edge, the switcher at the left.
            brand = page.locator(".brand").bounding_box()
            switcher = page.locator("form.languages").bounding_box()
            assert brand is not None and switcher is not None
            assert brand["x"] > switcher["x"]
            assert "My work" not in nav and "Bearers" not in nav
        page.screenshot(path=str(SCREENSHOTS / f"i18n-{lang}.png"))
    # A profile in Arabic: cards, lists and the name in its own script mirror too.
    page.click("form.languages button[lang=ar]")
    page.wait_for_selector("html[lang=ar]")
    page.click("text=Forces armées varniennes")
    page.wait_for_url(re.compile(r".*/bearers/[0-9a-f-]{36}/$"))
    assert page.locator("#levels-h").inner_text() == "الأشخاص حسب المستوى"
    page.screenshot(path=str(SCREENSHOTS / "i18n-ar-bearer.png"), full_page=True)
    context.close()


def test_the_sign_in_page_switches_before_signing_in(live_server: Any, browser: Any) -> None:
    base = live_server.url
    page = browser.new_page()
    page.goto(f"{base}/login/")
    page.click("form.languages button[lang=ar]")
    page.wait_for_selector("html[lang=ar][dir=rtl]")
    assert re.search(r"/login/", page.url)
    assert page.locator("h1").inner_text() == "تسجيل الدخول"
    page.screenshot(path=str(SCREENSHOTS / "i18n-sign-in-ar.png"))
    page.close()

"""In a real headless Chromium: the heat maps are coloured by their own stylesheet, with
the number in each cell, and the CSP blocks nothing on the way."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from pourparler.integration.choices import Pillar
from pourparler.integration.tests.conftest import assess
from pourparler.testing.http import give_totp_device, totp_code
from pourparler.testing.personas import PASSWORD, build_world, make_bearer
from pourparler.training.services import do_record_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def background(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor"))


def test_heat_maps_are_coloured_and_numbered_without_csp_violations(
    live_server: Any, browser: Any
) -> None:
    world = build_world()
    army = make_bearer(world.bob, name="Varnian Armed Forces")
    assess(world.bob, world.varnia, army, Pillar.TRAINING, 3, datetime.date(2026, 3, 1))
    assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, datetime.date(2026, 3, 1))
    do_record_session(
        actor=world.bob,
        compartment=world.varnia,
        kind="course",
        bearer=army,
        held_on=datetime.date(2026, 2, 2),
        participants=28,
        women=3,
        language="fr",
    )
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    device = give_totp_device(world.bob)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/login/verify/.*"))
    page.fill("#id_code", totp_code(device))
    page.click("button:has-text('Verify')")
    page.wait_for_url(f"{base}/")

    page.click("nav >> text=Integration")
    page.wait_for_url(f"{base}/integration/")
    assert background(page, "td.heat-3") == "rgb(26, 118, 166)"
    assert background(page, "td.heat-1") == "rgb(199, 233, 180)"
    assert page.inner_text("td.heat-3 .heat-number") == "3"
    assert page.locator("td.heat-none").count() == 3

    page.click("th[scope=row] >> text=Varnian Armed Forces")
    page.wait_for_url(re.compile(r".*/integration/bearers/[0-9a-f-]{36}/$"))
    page.goto(f"{base}/bearers/{army.pk}/")
    # The panel brings its own stylesheet into the shared profile page.
    assert background(page, "#integration-h ~ table td.heat-3") == "rgb(26, 118, 166)"
    assert "28" in page.inner_text("#reached-h ~ table")

    page.goto(f"{base}/training/figures/")
    assert page.inner_text("dl.totals").count("28") >= 1
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert csp == []

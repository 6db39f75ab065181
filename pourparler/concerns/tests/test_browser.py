"""End to end in a real headless Chromium: a delegate opens a concern, records a
representation and the bearer's response, and sees the response rate change; a delegate
of another delegation gets the same 404 as for a missing page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pourparler.concerns.models import Concern
from pourparler.testing.personas import World, build_world, make_bearer, make_person
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def response_rate(page: Any) -> str:
    """The response rate the figures page shows for all concerns."""
    box = page.locator("#overall div:has(> dt:text-is('Response rate')) > dd")
    return str(box.inner_text()).splitlines()[0].strip()


def test_a_delegate_opens_a_concern_raises_it_and_sees_the_figures_change(
    live_server: Any, browser: Any
) -> None:
    world: World = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    make_person(
        world.alice, world.varnia, full_name="Col. Ines Korro", bearer=army, level="operational"
    )
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate().isoformat()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, base, world.alice)

    # Open the concern from the list.
    page.click("nav >> text=Concerns")
    page.click("text=Open a concern")
    page.fill("#id_summary", "Shelling of the Orun market")
    page.fill("#id_occurred_on", today)
    page.select_option("#id_bearers", label="Varnian Armed Forces")
    page.check("label:has-text('Conduct of hostilities') input")
    page.select_option("#id_legal_framework", "ihl")
    page.fill("#id_rule", "Rule 14: proportionality")
    page.fill("#id_place_name", "Orun market")
    page.fill("#id_description", "Three shells hit the market at noon; four traders killed.")
    page.select_option("#id_src-0-kind", "witness")
    page.select_option("#id_src-0-reliability", "B")
    page.select_option("#id_src-0-credibility", "2")
    page.click("button:has-text('Open the concern')")
    page.wait_for_url(re.compile(r".*/concerns/[0-9a-f-]{36}/$"))
    detail_url = page.url
    assert "Concern opened." in page.content()

    # Before any representation, nothing is raised: no response rate to speak of.
    page.goto(f"{base}/concerns/figures/")
    assert response_rate(page) == "—"

    # Raise it with the brigade commander.
    page.goto(detail_url)
    page.click("text=Record a representation")
    page.select_option("#id_level", "operational")
    page.select_option("#id_to_person", label="Col. Ines Korro")
    page.fill("#id_content", "Raised the shelling with the brigade commander; recalled Rule 14.")
    page.click("button:has-text('Record the representation')")
    page.wait_for_url(detail_url)
    assert "Representation recorded." in page.content()
    page.goto(f"{base}/concerns/figures/")
    assert response_rate(page) == "0 %"

    # The bearer answers: the response rate moves to 100 %.
    page.goto(detail_url)
    page.click("text=Record a response")
    page.select_option("#id_kind", "investigation")
    page.fill("#id_content", "A board of inquiry was appointed.")
    page.click("button:has-text('Record the response')")
    page.wait_for_url(detail_url)
    assert "Responded" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "concerns-workflow-detail.png"), full_page=True)
    page.goto(f"{base}/concerns/figures/")
    assert response_rate(page) == "100 %"
    page.screenshot(path=str(SCREENSHOTS / "concerns-workflow-figures.png"), full_page=True)
    assert not [line for line in console if "Content Security Policy" in line], console
    context.close()

    concern = Concern.objects.get()
    assert (concern.status, concern.raised_level) == ("responded", "operational")

    other = browser.new_context()
    page = other.new_page()
    log_in(page, base, world.dave)
    response = page.goto(detail_url)
    assert response is not None and response.status == 404
    assert "Orun" not in page.content()
    page.goto(f"{base}/concerns/figures/")
    assert response_rate(page) == "—"
    other.close()

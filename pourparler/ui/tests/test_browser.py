"""End to end in a real headless Chromium: record an interaction, see it, and not from Kestria."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pourparler.core.models import User
from pourparler.dialogue.models import Interaction
from pourparler.testing.http import give_totp_device, totp_code
from pourparler.testing.personas import PASSWORD, World, build_world, make_bearer, make_person

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("POURPARLER_ARTIFACTS", "test-artifacts"))


def log_in(page: Page, base: str, user: User) -> None:
    """Password, then the code the user's authenticator app would show, on /login/verify/."""
    device = give_totp_device(user)
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/login/verify/\?next=/$"))
    page.fill("#id_code", totp_code(device))
    page.click("button:has-text('Verify')")
    page.wait_for_url(f"{base}/")


def test_record_an_interaction_and_see_it_on_the_timeline(
    live_server: object, browser: object
) -> None:
    world: World = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    make_person(
        world.alice, world.varnia, full_name="Maj. Ines Korro", bearer=army, level="tactical"
    )
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, world.alice)
    page.click("text=Record an interaction")
    page.select_option("#id_kind", "checkpoint")
    page.select_option("#id_level", "tactical")
    page.select_option("#id_bearers", label="Varnian Armed Forces")
    page.select_option("#id_their_participants", label="Maj. Ines Korro")
    page.check("label:has-text('Humanitarian access') input")
    page.select_option("#id_situation", "niac")
    page.select_option("#id_legal_framework", "ihl")
    page.fill("#id_place_name", "Checkpoint 7, river bridge")
    page.fill("#id_summary", "Convoy passed after forty minutes; the major asked for a briefing.")
    page.fill("#id_fu-0-action", "Offer a briefing on the rules for checkpoints")
    page.screenshot(path=str(ARTIFACTS / "quick-entry.png"), full_page=True)
    page.click("button:has-text('Record interaction')")
    page.wait_for_url(re.compile(r".*/interactions/[0-9a-f-]{36}/$"))
    detail_url = page.url
    assert "Interaction recorded." in page.content()

    page.click("text=Varnian Armed Forces")
    page.wait_for_url(re.compile(r".*/bearers/[0-9a-f-]{36}/$"))
    timeline = page.locator("#timeline-h + ol")
    assert "Checkpoint 7, river bridge" in timeline.inner_text()
    page.screenshot(path=str(ARTIFACTS / "bearer-profile.png"), full_page=True)
    context.close()

    interaction = Interaction.objects.get(place_name="Checkpoint 7, river bridge")
    assert interaction.follow_ups.count() == 1

    other = browser.new_context()
    page = other.new_page()
    log_in(page, base, world.dave)
    response = page.goto(detail_url)
    assert response is not None and response.status == 404
    assert "Not found" in page.content()
    assert "Checkpoint 7" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "kestria-404.png"))
    other.close()

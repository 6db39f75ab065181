"""Two-factor enrolment in a real headless Chromium, with no Content-Security-Policy
violation on the way."""

from __future__ import annotations

import re

import pytest

from pourparler.core.models import AuthenticatorDevice
from pourparler.testing.http import totp_code
from pourparler.testing.personas import PASSWORD, World, build_world
from pourparler.ui.tests.test_browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrol_an_authenticator_then_sign_in_with_it(
    live_server: object,
    browser: object,
) -> None:
    world: World = build_world()
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{base}/interactions/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r".*/account/two-factor/\?next=/interactions/$"))
    assert page.locator("svg.qr").is_visible()
    assert "Interactions" not in page.locator("header").inner_text()
    page.screenshot(path=str(ARTIFACTS / "two-factor-enrolment.png"), full_page=True)
    device = AuthenticatorDevice.objects.get(user=world.alice, confirmed=False)
    page.fill("#id_code", totp_code(device))
    page.click("button:has-text('Confirm')")
    page.wait_for_url(f"{base}/interactions/")
    assert "Two-factor sign-in is set up." in page.content()

    page.click("button:has-text('Sign out')")
    page.wait_for_url(re.compile(r".*/login/$"))
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r".*/login/verify/\?next=/$"))
    page.fill("#id_code", totp_code(device))
    page.click("button:has-text('Verify')")
    page.wait_for_url(f"{base}/")
    context.close()
    assert not [line for line in console if "Content Security Policy" in line], console

"""Helpers for tests that go through HTTP, as a user would."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP, hotp

from pourparler.core.models import AuthenticatorDevice, User
from pourparler.core.twofactor import confirmed_device, do_confirm_totp_device, do_enrol_totp_device

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def page_body(content: bytes) -> bytes:
    """Return a page without its per-request CSRF token, to compare two pages."""
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', content)


def count_queries(action: Callable[[], object]) -> int:
    """Run an action and return how many SQL queries it issued."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def totp_code(device: AuthenticatorDevice) -> str:
    """Return the code the device's authenticator app would show, as the server accepts it now.

    Computed from the device's seed (decrypted in memory, as the server does) with the
    same algorithm as an app. The server takes each time step once only: after a code
    of this step was used, this is the next step's code (within the device's tolerance),
    as from a phone whose clock runs a little ahead; if no step is left in the window,
    it waits for the next one.
    """
    device.refresh_from_db()
    seed = device.seed
    for _ in range(2):
        now = TOTP(seed, device.step, device.t0, device.digits, device.drift).t()
        for step in range(now, now + device.tolerance + 1):
            if step > device.last_t:
                return f"{hotp(seed, step, digits=device.digits):0{device.digits}d}"
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
    raise AssertionError("No TOTP time step is free for this device.")


def give_totp_device(user: User) -> AuthenticatorDevice:
    """Return the user's confirmed authenticator, enrolled through the services if needed."""
    device = confirmed_device(user)
    if device is None:
        device = do_enrol_totp_device(actor=user)
        result = do_confirm_totp_device(device, totp_code(device), actor=user)
        assert result.accepted, result
    return device


def sign_in(client: Client, user: User) -> AuthenticatorDevice:
    """Sign a user in with both factors, as the login pages would: the password step
    (``force_login``), then a right code posted to the second-factor page. Returns the
    user's authenticator (enrolled through the services on first use)."""
    device = give_totp_device(user)
    client.force_login(user)
    response = client.post(reverse("login_verify"), {"code": totp_code(device)})
    assert response.status_code == 302, response.content.decode()
    return device

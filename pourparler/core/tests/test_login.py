"""Strong sign-in: lockout, the second factor, session timeouts, CSP and security headers,
and `check --deploy` with production settings."""

from __future__ import annotations

import base64
import datetime
import importlib
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from pourparler.core import audit
from pourparler.core.choices import AuditKind, Role
from pourparler.core.crypto import DecryptionError
from pourparler.core.fields import EncryptedFieldError
from pourparler.core.middleware import LAST_SEEN, SIGNED_IN_AT
from pourparler.core.models import AuditEvent, AuthenticatorDevice, ChangeLogEntry, User
from pourparler.core.services import do_create_user, do_post_member
from pourparler.core.twofactor import (
    check_code,
    do_confirm_totp_device,
    do_enrol_totp_device,
    do_remove_totp_devices,
)
from pourparler.testing.http import give_totp_device, page_body, sign_in, totp_code
from pourparler.testing.personas import PASSWORD, World, make_interaction

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
CONTENT_PAGES = ("/", "/interactions/", "/bearers/")


def _fail(client: Client, username: str, times: int) -> list[int]:
    return [
        client.post("/login/", {"username": username, "password": "not-the-password"}).status_code
        for _ in range(times)
    ]


# Lockout (django-axes)


def test_the_failure_limit_and_cool_off_have_their_defaults() -> None:
    assert LIMIT == 5
    assert datetime.timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert "username" in settings.AXES_LOCKOUT_PARAMETERS


def test_wrong_passwords_lock_the_account_and_a_right_one_is_then_refused(
    client: Client, world: World
) -> None:
    assert _fail(client, "alice", LIMIT - 1) == [200] * (LIMIT - 1)
    locked = client.post("/login/", {"username": "alice", "password": "still-wrong"})
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(30 * 60)
    assert b"Sign-in paused" in locked.content and b"30 minutes" in locked.content
    assert b"administrator" in locked.content

    right = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert right.status_code == 429
    assert client.get("/")["Location"].startswith("/login/")

    # From another address too: the user name itself is paused.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429


def test_the_lock_lifts_after_the_cool_off(client: Client, world: World) -> None:
    _fail(client, "alice", LIMIT)
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=31)
    )
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_pourparler_axes_reset_lifts_the_lock(client: Client, world: World) -> None:
    _fail(client, "alice", LIMIT)
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    call_command("axes_reset")
    assert AccessAttempt.objects.count() == 0
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_the_lockout_page_does_not_say_whether_the_user_exists(world: World) -> None:
    pages = []
    for username in ("alice", "nobody-by-this-name"):
        client = Client()
        statuses = _fail(client, username, LIMIT)
        assert statuses == [200] * (LIMIT - 1) + [429]
        locked = client.post("/login/", {"username": username, "password": "x"})
        pages.append(page_body(locked.content))
    assert pages[0] == pages[1]
    assert b"alice" not in pages[0]


def test_a_success_resets_the_count(client: Client, world: World) -> None:
    _fail(client, "alice", LIMIT - 1)
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    assert _fail(client, "alice", LIMIT - 1) == [200] * (LIMIT - 1)


# The second factor


def test_the_second_factor_is_required_by_default() -> None:
    assert settings.REQUIRE_SECOND_FACTOR is True
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0


@pytest.mark.parametrize("role", [*Role.values, None])
def test_no_role_reaches_a_page_on_its_password_alone(world: World, role: str | None) -> None:
    user = do_create_user(actor=None, username=f"u-{role}", password=PASSWORD)
    if role is not None:
        do_post_member(actor=None, user=user, delegation=world.varnia, role=role)
    client = Client()
    login = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    for path in CONTENT_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/?next=")
    give_totp_device(user)
    for path in CONTENT_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/login/verify/?next={path}"


def test_the_wall_leaves_sign_in_pages_health_and_static_files_open(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/two-factor/").status_code == 200
    assert client.get("/static/ui/pourparler.css").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_a_confirmed_device_is_asked_for_its_code(client: Client, world: World) -> None:
    device = give_totp_device(world.alice)
    client.force_login(world.alice)
    page = client.get("/login/verify/?next=/bearers/")
    assert page.status_code == 200 and b'autocomplete="one-time-code"' in page.content
    assert b'aria-label="Main"' not in page.content  # no navigation before the second factor
    wrong = client.post("/login/verify/?next=/bearers/", {"code": "000000"})
    assert wrong.status_code == 200 and b"did not match" in wrong.content
    assert client.get("/bearers/").status_code == 302
    # The wrong code is throttled: even the right code waits.
    throttled = client.post("/login/verify/?next=/bearers/", {"code": totp_code(device)})
    assert b"Too many wrong codes" in throttled.content
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=datetime.datetime.now(tz=datetime.UTC)
        - datetime.timedelta(seconds=5)
    )
    session_before = client.session.session_key
    right = client.post("/login/verify/?next=/bearers/", {"code": totp_code(device)})
    assert right.status_code == 302 and right["Location"] == "/bearers/"
    assert client.session.session_key != session_before
    assert client.get("/bearers/").status_code == 200


def test_a_code_is_accepted_once_only(client: Client, world: World) -> None:
    device = give_totp_device(world.alice)
    code = totp_code(device)
    client.force_login(world.alice)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    replay = Client()
    replay.force_login(world.alice)
    assert b"did not match" in replay.post("/login/verify/", {"code": code}).content


def test_verify_sends_anonymous_visitors_and_offsite_next_to_safe_places(
    client: Client, world: World
) -> None:
    assert client.get("/login/verify/")["Location"].startswith("/login/")
    device = give_totp_device(world.alice)
    client.force_login(world.alice)
    response = client.post("/login/verify/?next=https://evil.example/", {"code": totp_code(device)})
    assert response["Location"] == "/"


def test_enrolment_shows_a_qr_code_and_confirms_with_a_right_code(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get("/")["Location"] == "/account/two-factor/?next=/"
    page = client.get("/account/two-factor/?next=/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]  # the page shows the seed: not to be cached
    body = page.content.decode()
    assert '<svg width="' in body and 'class="qr"' in body
    device = AuthenticatorDevice.objects.get(user=world.alice)
    assert not device.confirmed
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', body)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32
    # Reloading the page shows the same pending device.
    client.get("/account/two-factor/")
    assert AuthenticatorDevice.objects.filter(user=world.alice).count() == 1

    response = client.post("/account/two-factor/?next=/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    status = client.get("/account/two-factor/")
    assert b"is set up" in status.content and b"<svg" not in status.content
    logged = ChangeLogEntry.objects.filter(object_id=world.alice.pk, after__has_key="second_factor")
    assert sorted(e.after["second_factor"] for e in logged) == ["confirmed", "pending"]


def test_enrolment_refuses_a_wrong_code(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.get("/account/two-factor/")
    device = AuthenticatorDevice.objects.get(user=world.alice)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for bad in (wrong, "12ab56", "123"):
        response = client.post("/account/two-factor/", {"code": bad})
        assert response.status_code == 200
        assert b"errorlist" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"].startswith("/account/two-factor/")


def test_device_services_log_and_remove(world: World) -> None:
    device = do_enrol_totp_device(actor=world.bob)
    assert do_enrol_totp_device(actor=world.bob) == device
    assert do_confirm_totp_device(device, totp_code(device), actor=world.bob).accepted
    with pytest.raises(PermissionError):
        do_confirm_totp_device(device, "123456", actor=world.alice)
    assert do_remove_totp_devices(world.bob, actor=world.adam) == 1
    assert not AuthenticatorDevice.objects.filter(user=world.bob).exists()
    entries = ChangeLogEntry.objects.filter(object_id=world.bob.pk, after__has_key="second_factor")
    assert sorted(e.after["second_factor"] for e in entries) == ["confirmed", "none", "pending"]


def test_second_factor_changes_and_codes_are_in_the_audit_chain(
    client: Client, world: World
) -> None:
    device = give_totp_device(world.alice)  # enrolled and confirmed: two change-log entries
    client.force_login(world.alice)
    client.post("/login/verify/", {"code": "000000"})
    AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    client.post("/login/verify/", {"code": totp_code(device)})
    events = AuditEvent.objects.filter(actor=world.alice, detail__factor="totp")
    assert sorted(events.values_list("kind", flat=True)) == [
        AuditKind.LOGIN_FAILED,
        AuditKind.LOGIN_SUCCEEDED,
    ]
    seed_forms = (device.seed.hex(), base64.b32encode(device.seed).decode().rstrip("="))
    assert not [e for e in AuditEvent.objects.all() for f in seed_forms if f in str(e.detail)]
    result = audit.verify_database()
    assert result.ok, result.summary()


def test_reset_second_factor_command(world: World) -> None:
    give_totp_device(world.carol)
    call_command("reset_second_factor", "carol")
    assert not AuthenticatorDevice.objects.filter(user=world.carol).exists()


@override_settings(DEMO_MODE=True, REQUIRE_SECOND_FACTOR=False)
def test_demo_mode_lets_a_password_in_and_says_so(client: Client, world: World) -> None:
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    for path in CONTENT_PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert b"second factor not required" in response.content


# The second factor's seed, encrypted at rest (core.AuthenticatorDevice)


def _code(seed: bytes, step: int) -> str:
    """Return the six-digit code of one time step, as an authenticator app computes it."""
    return f"{hotp(seed, step):06d}"


def _seed_forms(seed: bytes) -> list[str]:
    """Return the text forms a seed could be stored or logged in: hex both cases, base32
    both cases, and base32 in the groups of four the enrolment page shows."""
    b32 = base64.b32encode(seed).decode().rstrip("=")
    grouped = " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))
    return [seed.hex(), seed.hex().upper(), b32, b32.lower(), grouped]


def _standalone(code: str) -> re.Pattern[str]:
    """Match a code standing alone: not inside a longer number or identifier, nor after a
    full stop (the microseconds of a timestamp are six digits too)."""
    return re.compile(rf"(?<![0-9A-Za-z.]){code}(?![0-9A-Za-z])")


def _pinned_clock(device: AuthenticatorDevice, step: int = 10) -> AuthenticatorDevice:
    """Move the device's step 0 back so that its step ``step`` has just begun (the test
    has some 29 seconds before the clock moves on); clear last_t, drift and the throttle."""
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        t0=int(time.time()) - step * device.step,
        last_t=-1,
        drift=0,
        throttling_failure_count=0,
        throttling_failure_timestamp=None,
    )
    device.refresh_from_db()
    return device


def _back_date_failure(device: AuthenticatorDevice, seconds: float) -> None:
    AuthenticatorDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=datetime.datetime.now(tz=datetime.UTC)
        - datetime.timedelta(seconds=seconds)
    )


def test_the_seed_is_stored_encrypted_and_bound_to_its_row_and_owner(world: World) -> None:
    device = give_totp_device(world.alice)
    other = give_totp_device(world.bob)
    forms = _seed_forms(device.seed) + _seed_forms(other.seed)
    stored = AuthenticatorDevice.objects.filter(pk=device.pk).values_list("secret", flat=True)
    token = str(stored.get())
    assert token.startswith("pp1:")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_authenticatordevice")
        rows = str(cursor.fetchall())
    assert rows.count("pp1:") == 2
    assert not [f for f in forms if f in rows]
    # A ciphertext copied into another device's row does not decrypt there.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_authenticatordevice SET secret = %s WHERE id = %s", [token, other.pk]
        )
    with pytest.raises(DecryptionError):
        bytes(AuthenticatorDevice.objects.get(pk=other.pk).seed)
    # A row handed to another account in the database gives that account no second factor.
    AuthenticatorDevice.objects.filter(pk=device.pk).update(user=world.bob)
    with pytest.raises(DecryptionError, match="another account"):
        bytes(AuthenticatorDevice.objects.get(pk=device.pk).seed)
    with pytest.raises(EncryptedFieldError):
        AuthenticatorDevice.objects.filter(secret=token).exists()


def test_codes_are_checked_in_a_window_that_follows_the_drift_and_each_step_counts_once(
    world: World, settings: Settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # here a wrong code must not hold up the next one
    device = _pinned_clock(give_totp_device(world.alice))
    seed = device.seed

    def check(step: int) -> tuple[bool, int, int]:
        accepted = check_code(device, _code(seed, step)).accepted
        return accepted, device.last_t, device.drift

    assert check(12) == (False, -1, 0)  # two steps ahead: outside the window
    assert check(8) == (False, -1, 0)  # two steps behind
    assert check(9) == (True, 9, -1)  # one step behind: accepted, and the drift learnt
    assert check(9) == (False, 9, -1)  # the same code again
    assert check(8) == (False, 9, -1)  # in the window, but not after the last step used
    assert check(10) == (True, 10, 0)
    assert check(11) == (True, 11, 1)
    assert check(12) == (True, 12, 2)  # the window has followed the drift
    device.refresh_from_db()
    assert device.last_used_at is not None and device.throttling_failure_count == 0

    settings.OTP_TOTP_SYNC = False
    device = _pinned_clock(device)
    assert check(11) == (True, 11, 0)  # accepted, drift left alone


def test_codes_are_judged_as_django_otp_judges_them(world: World, settings: Settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _pinned_clock(give_totp_device(world.alice))
    seed = device.seed
    # django-otp's plaintext model as the reference, with the same seed and clock.
    reference = TOTPDevice.objects.create(
        user=world.alice, name="reference", key=seed.hex(), t0=device.t0
    )
    ours, theirs = [], []
    for step in (12, 9, 9, 8, 11, 10, 11, 13, 12, 13, 40, 14):
        code = _code(seed, step)
        ours.append((check_code(device, code).accepted, device.last_t, device.drift))
        theirs_now = TOTPDevice.objects.get(pk=reference.pk)
        theirs.append((theirs_now.verify_token(code), theirs_now.last_t, theirs_now.drift))
    assert ours == theirs
    assert sum(accepted for accepted, _, _ in ours) == 6
    reference.delete()


def test_only_a_code_of_exactly_six_ascii_digits_is_checked(
    world: World, settings: Settings
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _pinned_clock(give_totp_device(world.alice))
    right = _code(device.seed, 10)
    arabic_indic = right.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    malformed = [arabic_indic, f" {right}", right[:5], f"{right}0", f"{right[:3]}_{right[3:]}", ""]
    for code in malformed:
        assert not check_code(device, code).accepted, code
    device.refresh_from_db()
    assert (device.throttling_failure_count, device.last_t) == (len(malformed), -1)
    assert check_code(device, right).accepted


def test_each_wrong_code_doubles_the_wait_and_a_right_one_clears_it(world: World) -> None:
    assert settings.OTP_TOTP_THROTTLE_FACTOR == 1
    device = _pinned_clock(give_totp_device(world.alice))
    right, wrong = _code(device.seed, 10), _code(device.seed, 40)
    assert not check_code(device, wrong).accepted
    held = check_code(device, right)
    assert (held.accepted, held.wait_seconds) == (False, 1)
    _back_date_failure(device, 1.5)
    assert not check_code(device, wrong).accepted
    assert check_code(device, right).wait_seconds == 2
    device.refresh_from_db()
    assert (device.throttling_failure_count, device.last_t) == (2, -1)
    _back_date_failure(device, 2.5)
    assert check_code(device, right).accepted
    device.refresh_from_db()
    assert (device.throttling_failure_count, device.throttling_failure_timestamp) == (0, None)


def _scalars(params: Any) -> list[Any]:
    """Flatten query parameters (a sequence, a mapping, or executemany's list of them)."""
    if isinstance(params, dict):
        params = list(params.values())
    if isinstance(params, list | tuple):
        return [value for item in params for value in _scalars(item)]
    return [] if params is None else [params]


def test_no_seed_or_code_reaches_the_database_the_logs_or_the_audit_chain(
    client: Client, world: World, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    caplog.set_level(logging.DEBUG)
    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    codes: list[str] = []

    def wrong_for(right: str) -> str:
        return f"{(int(right) + 1) % 1_000_000:06d}"

    with connection.execute_wrapper(record):
        client.force_login(world.alice)
        page = client.get("/account/two-factor/").content.decode()
        device = AuthenticatorDevice.objects.get(user=world.alice)
        right = totp_code(device)
        codes += [wrong_for(right), right]
        assert b"did not match" in client.post("/account/two-factor/", {"code": codes[0]}).content
        assert client.post("/account/two-factor/", {"code": right}).status_code == 302
        again = Client()
        again.force_login(world.alice)
        right = totp_code(device)
        codes += [wrong_for(right), right]
        assert b"did not match" in again.post("/login/verify/", {"code": codes[2]}).content
        assert again.post("/login/verify/", {"code": right}).status_code == 302
        replay = Client()
        replay.force_login(world.alice)
        assert b"did not match" in replay.post("/login/verify/", {"code": right}).content

    seed = device.seed
    forms = _seed_forms(seed)
    assert forms[-1] in page  # the enrolment page showed the seed: the forms are the right ones
    assert statements and len(set(codes)) == 4

    for sql, params in statements:
        text = f"{sql} {params!r}"
        assert not [f for f in forms if f in text], sql
        for value in _scalars(params):
            assert str(value) not in codes, sql
            if isinstance(value, bytes | memoryview):
                assert seed not in bytes(value), sql

    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert caplog.records  # the scan reads something: axes logs each sign-in at DEBUG
    sessions = json.dumps([s.get_decoded() for s in Session.objects.all()], default=str)
    audited = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    changes = json.dumps(list(ChangeLogEntry.objects.values_list("before", "after")))
    assert (
        AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED, detail__factor="totp").count() == 3
    )
    for where, text in (("logs", logged), ("sessions", sessions), ("audit", audited)):
        assert not [f for f in forms if f in text], where
        assert not [c for c in codes if _standalone(c).search(text)], where
    assert not [f for f in forms if f in changes]
    assert not [c for c in codes if _standalone(c).search(changes)]


def _migration() -> Any:
    return importlib.import_module("pourparler.core.migrations.0006_authenticator_device")


def test_the_migration_moves_a_legacy_device_with_its_seed_and_state(
    client: Client, world: World
) -> None:
    seed = secrets.token_bytes(20)
    created = datetime.datetime(2024, 5, 1, 9, 30, tzinfo=datetime.UTC)
    legacy = TOTPDevice.objects.create(
        user=world.alice, name="Old phone", key=seed.hex(), drift=1, last_t=123
    )
    TOTPDevice.objects.filter(pk=legacy.pk).update(created_at=created, throttling_failure_count=2)

    assert _migration().move_legacy_rows(django_apps) == 1
    assert not TOTPDevice.objects.exists()
    device = AuthenticatorDevice.objects.get(user=world.alice)
    assert device.seed == seed
    assert (device.name, device.confirmed, device.drift, device.last_t) == (
        "Old phone",
        True,
        1,
        123,
    )
    assert (device.throttling_failure_count, device.created_at) == (2, created)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM core_authenticatordevice")
        (stored,) = cursor.fetchone()
    assert stored.startswith("pp1:") and not [f for f in _seed_forms(seed) if f in stored]

    # The moved device signs in with the codes the same app shows.
    AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert sign_in(client, world.alice) == device
    assert client.get("/").status_code == 200

    # Backwards (a rollback) puts the plaintext key back where django-otp reads it; forwards
    # again encrypts it anew.
    assert _migration().move_rows_back(django_apps) == 1
    assert TOTPDevice.objects.get(user=world.alice).key == seed.hex()
    assert not AuthenticatorDevice.objects.exists()
    assert _migration().move_legacy_rows(django_apps) == 1
    assert AuthenticatorDevice.objects.get(user=world.alice).seed == seed


def test_the_migration_refuses_a_legacy_key_that_is_not_hex(world: World) -> None:
    TOTPDevice.objects.create(user=world.alice, name="Broken", key="not hex at all")
    with pytest.raises(ValueError, match="not hex"), transaction.atomic():
        _migration().move_legacy_rows(django_apps)
    assert TOTPDevice.objects.count() == 1
    assert not AuthenticatorDevice.objects.exists()


def test_no_code_outside_migrations_and_tests_uses_the_plaintext_totp_model(
    client: Client, world: World
) -> None:
    # otp_totp stays installed for migration 0006 only: nothing may write its table again.
    sign_in(client, world.alice)
    do_remove_totp_devices(world.alice, actor=None)
    do_enrol_totp_device(actor=world.alice)
    assert not TOTPDevice.objects.exists()
    sources = [
        path
        for path in Path(settings.BASE_DIR, "pourparler").rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    ]
    assert len(sources) > 50
    users = [
        path
        for path in sources
        if re.search(r"otp_totp\.models|get_model\(\s*['\"]otp_totp", path.read_text())
    ]
    assert users == []


# Sessions


def _age_session(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_idle_sessions_are_signed_out(client: Client, world: World) -> None:
    sign_in(client, world.alice)
    assert client.get("/").status_code == 200
    _age_session(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/bearers/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/bearers/"
    page = client.get(response["Location"])
    assert b"Signed out after 30 minutes without activity." in page.content
    assert client.get("/")["Location"].startswith("/login/")


def test_activity_keeps_a_session_alive(client: Client, world: World) -> None:
    sign_in(client, world.alice)
    _age_session(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS - 120)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_sessions_end_at_the_absolute_limit_whatever_the_activity(
    client: Client, world: World
) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    sign_in(client, world.alice)
    signed_in_at = client.session[SIGNED_IN_AT]
    expiry = client.session.get_expiry_date()
    assert abs(expiry.timestamp() - (signed_in_at + settings.SESSION_COOKIE_AGE)) < 2
    # Activity does not move the expiry.
    _age_session(client, LAST_SEEN, 120)
    client.get("/")
    assert client.session.get_expiry_date() == expiry
    _age_session(client, SIGNED_IN_AT, settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/")
    assert response["Location"] == "/login/?next=/"
    assert b"a session lasts at most 8 hours" in client.get("/login/").content


def test_session_cookie_flags(client: Client, world: World) -> None:
    device = give_totp_device(world.alice)
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    verified = client.post("/login/verify/", {"code": totp_code(device)})
    assert int(verified.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) <= int(cookie["max-age"])


# Content-Security-Policy and headers

TEMPLATES = sorted(Path(settings.BASE_DIR, "pourparler").glob("*/templates/**/*.html"))


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_page_sends_the_policy_without_unsafe_inline(client: Client, world: World) -> None:
    anonymous = [client.get(u) for u in ("/login/", "/healthz", "/static/ui/pourparler.css")]
    sign_in(client, world.alice)
    signed = [client.get(u) for u in (*CONTENT_PAGES, "/people/", "/account/two-factor/")]
    signed.append(client.get("/bearers/not-a-uuid/"))
    for response in anonymous + signed:
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        assert _directives(header) == {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
        }
    for response in signed:
        assert b"style=" not in response.content and b"<style" not in response.content


def test_the_enrolment_page_has_no_inline_style(client: Client, world: World) -> None:
    client.force_login(world.alice)
    body = client.get("/account/two-factor/").content
    assert b"<svg" in body and b"style=" not in body and b"<style" not in body


def test_no_template_has_inline_script_or_style() -> None:
    assert TEMPLATES
    for path in TEMPLATES:
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle\s*=", text), path
        assert "<style" not in text, path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_security_headers(client: Client, world: World) -> None:
    for response in (client.get("/login/"), client.get("/healthz")):
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


# Production settings


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run `pourparler check --deploy` as a server would be configured: no debug, demo or
    test mode, a long random secret key, keys kept outside the data directory."""
    data, keys = tmp_path / "data", tmp_path / "keys"
    data.mkdir()
    keys.mkdir(mode=0o700)
    signing_key = keys / "audit-signing.key"
    fd = os.open(signing_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(Ed25519PrivateKey.generate().private_bytes_raw())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "POURPARLER_", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pourparler.settings",
            "POURPARLER_SECRET_KEY": secrets.token_urlsafe(50),
            "POURPARLER_DATA_DIR": str(data),
            "POURPARLER_SECURE_COOKIES": "1",
            "POURPARLER_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "POURPARLER_AUDIT_SIGNING_KEY_FILE": str(signing_key),
            "DATABASE_URL": f"sqlite:///{data / 'pourparler.sqlite3'}",
            **extra,
        }
    )
    command = Path(sys.executable).with_name("pourparler")
    args = [str(command)] if command.exists() else [sys.executable, "-m", "pourparler.cli"]
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [*args, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.own_database
def test_check_deploy_reports_nothing_with_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues (0 silenced)." in output


@pytest.mark.own_database
def test_check_deploy_would_notice_a_weakened_setting(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, POURPARLER_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_users_are_hashed_with_argon2(world: World) -> None:
    user = User.objects.get(username="alice")
    assert user.has_usable_password()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user.set_password("a long enough passphrase")
        assert user.password.startswith("argon2$argon2id$")


def test_pages_for_signed_in_users_are_never_stored_and_messages_stay_on_the_server(
    client: Client, world: World
) -> None:
    sign_in(client, world.alice)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    interaction = make_interaction(
        world.alice,
        world.varnia,
        follow_ups=[{"action": "Call Colonel Maren back", "owner": world.alice}],
    )
    follow_up = interaction.follow_ups.get()
    client.post(f"/interactions/follow-ups/{follow_up.pk}/done/", {"version": follow_up.version})
    assert "messages" not in client.cookies

"""The second factor: authenticator devices (TOTP), the rule that requires them, enrolment.

Every account must prove a second factor after its password unless
``settings.REQUIRE_SECOND_FACTOR`` is off (demo mode turns it off and says so on every
page). A member of staff has one authenticator app: enrolment makes a pending device,
shows its key as a QR code, and confirms the device once the app gives a right code.
Device writes go through ``do_enrol_totp_device``, ``do_confirm_totp_device`` and
``do_remove_totp_devices``; each writes a change-log entry on the user's account
(``second_factor``: none, pending, confirmed) and its event in the audit chain, in the
same transaction. Every code checked at sign-in or enrolment is an audit event too
(``login_succeeded`` / ``login_failed`` with ``factor: totp``). Wrong codes are
throttled (django-otp's ThrottlingMixin: the wait doubles after each one).

A device is a ``core.AuthenticatorDevice`` (a django-otp device, so OTPMiddleware and
``django_otp.login`` work with it) whose seed is encrypted at rest like any confidential
text. The seed is decrypted in memory only, to check a code or draw the enrolment QR
code; neither the seed nor a code typed is ever logged, stored or put in an audit event.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from pourparler.core import audit
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.context import current_request_id
from pourparler.core.models import AuthenticatorDevice, ChangeLogEntry, User
from pourparler.core.services import write_service

DEVICE_NAME = "Authenticator app"
CODE_DIGITS = 6


class AlreadyEnrolled(Exception):
    """The user already has a confirmed authenticator; an administrator must remove it."""


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: accepted, or refused (and how long to wait)."""

    accepted: bool
    wait_seconds: int = 0

    @property
    def throttled(self) -> bool:
        """Say whether the code was not even checked because of earlier wrong codes."""
        return self.wait_seconds > 0


def second_factor_required() -> bool:
    """Say whether signed-in users must prove a second factor (off only in demo mode)."""
    return bool(settings.REQUIRE_SECOND_FACTOR)


def is_verified(user: Any) -> bool:
    """Say whether this request's user proved a second factor (django-otp's OTPMiddleware)."""
    return getattr(user, "otp_device", None) is not None


def fully_signed_in(user: Any) -> bool:
    """Say whether the user is signed in with every factor the server requires."""
    if user is None or not user.is_authenticated:
        return False
    return is_verified(user) or not second_factor_required()


def confirmed_device(user: User) -> AuthenticatorDevice | None:
    """Return the user's confirmed authenticator, if any."""
    devices = AuthenticatorDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("created_at", "id").first()


def pending_device(user: User) -> AuthenticatorDevice | None:
    """Return the authenticator being set up (shown but not yet confirmed), if any."""
    devices = AuthenticatorDevice.objects.filter(user=user, confirmed=False)
    return devices.order_by("created_at", "id").first()


def check_code(device: AuthenticatorDevice, code: str) -> CodeCheck:
    """Check a code against a device, honouring (and feeding) django-otp's throttling.

    Runs in its own transaction with the device row locked, so two requests cannot both
    use the same code, and a wrong code's throttle increment is kept.
    """
    with transaction.atomic():
        locked = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            until = (info or {}).get("locked_until")
            wait = (until - timezone.now()).total_seconds() if until else 1
            return CodeCheck(accepted=False, wait_seconds=max(1, math.ceil(wait)))
        accepted = bool(locked.verify_token(code))
    device.refresh_from_db()
    return CodeCheck(accepted=accepted)


@write_service
def do_enrol_totp_device(*, actor: User) -> AuthenticatorDevice:
    """Start setting up the actor's authenticator: return the pending device, made if needed.

    The new device gets a random seed, encrypted before it reaches the database.

    Raises ``AlreadyEnrolled`` if the actor already has a confirmed device.
    """
    if confirmed_device(actor) is not None:
        raise AlreadyEnrolled(actor.get_username())
    device = pending_device(actor)
    if device is not None:
        return device
    device = AuthenticatorDevice(user=actor, name=DEVICE_NAME, confirmed=False)
    device.new_seed()
    device.save(force_insert=True)
    _log_second_factor(actor, actor, before="none", after="pending", device=device)
    return device


@write_service
def do_confirm_totp_device(device: AuthenticatorDevice, code: str, *, actor: User) -> CodeCheck:
    """Confirm a pending authenticator with a code from it; a wrong code changes nothing.

    Only the device's owner may confirm it.
    """
    if device.user_id != actor.pk:
        raise PermissionError("A device can only be confirmed by its owner.")
    result = check_code(device, code)
    if result.accepted:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        AuthenticatorDevice.objects.filter(user=actor, confirmed=False).delete()
        _log_second_factor(actor, actor, before="pending", after="confirmed", device=device)
    else:
        _audit_code(actor, device, result, step="enrolment")
    return result


@write_service
def do_remove_totp_devices(user: User, *, actor: User | None) -> int:
    """Remove every authenticator of a user (a lost phone); the next sign-in enrols anew."""
    devices = list(AuthenticatorDevice.objects.filter(user=user).only("pk", "confirmed"))
    if not devices:
        return 0
    before = "confirmed" if any(d.confirmed for d in devices) else "pending"
    AuthenticatorDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
    _log_second_factor(user, actor, before=before, after="none", device=None)
    return len(devices)


def record_verification(user: User, device: AuthenticatorDevice, result: CodeCheck) -> None:
    """Record a second-factor sign-in attempt, accepted or refused, in the audit log."""
    with transaction.atomic():
        _audit_code(user, device, result, step="sign-in")


def _audit_code(user: User, device: AuthenticatorDevice, result: CodeCheck, *, step: str) -> None:
    detail = {"factor": "totp", "step": step, "device": device.persistent_id}
    if result.accepted:
        audit.append_event(AuditKind.LOGIN_SUCCEEDED, actor=user, detail=detail)
    else:
        audit.append_event(
            AuditKind.LOGIN_FAILED,
            actor=user,
            detail={**detail, "username": user.get_username(), "throttled": result.throttled},
        )


def _log_second_factor(
    user: User,
    actor: User | None,
    *,
    before: str,
    after: str,
    device: AuthenticatorDevice | None,
) -> None:
    """Write the change-log entry on the user's account, and its audit event."""
    entry = ChangeLogEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        request_id=current_request_id(),
        action=ChangeAction.UPDATE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        object_version=1,
        compartment_id=None,
        before={"second_factor": before, "device": device.persistent_id if device else None},
        after={"second_factor": after, "device": device.persistent_id if device else None},
    )
    audit.record_change(entry)


def qr_svg(device: AuthenticatorDevice) -> SafeString:
    """Return the device's otpauth:// link as an inline SVG QR code (no style attributes).

    The link holds the seed: it lives in memory and in this one response only.
    """
    qr = segno.make(device.provisioning_uri, error="m")
    svg = qr.svg_inline(scale=4, border=2, svgclass="qr", lineclass=None, title=_qr_title())
    # segno writes the markup itself from a fixed title and the encoded link: nothing a
    # user typed reaches it unescaped.
    return mark_safe(svg)  # noqa: S308


def _qr_title() -> str:
    return f"QR code to add {settings.OTP_TOTP_ISSUER} to an authenticator app"


def manual_key(device: AuthenticatorDevice) -> str:
    """Return the device seed in base32, in groups of four, for typing into an app by hand."""
    encoded = base64.b32encode(device.seed).decode("ascii").rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))

"""The base every record stands on, the compartments that decide who sees it, and the change log."""

from __future__ import annotations

import base64
import datetime
import re
import secrets
import time
import uuid
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from pourparler.core.access import RestrictedManager
from pourparler.core.choices import AccessScope, AuditKind, ChangeAction, GrantAccess, Role
from pourparler.core.crypto import DecryptionError
from pourparler.core.fields import EncryptedTextField
from pourparler.core.ids import uuid7


class User(AbstractUser):
    """A member of staff who signs in: a delegate, a specialist, an analyst, an auditor."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        """Return the name staff know this colleague by."""
        return self.get_full_name() or self.username


class Record(models.Model):
    """Abstract base of every domain record.

    It brings a UUID made where the record is born, who created and last changed it and
    when, a version for optimistic concurrency, a soft-delete tombstone, the compartment
    (delegation) that holds it and an optional restriction to named members.
    Writes go through ``pourparler.core.services``; reads through ``visible_to(user)``.
    """

    # Whether rows of this model are reference data shared across the organisation
    # or belong to a delegation's compartment.
    access_scope: ClassVar[str] = AccessScope.COMPARTMENT
    # Foreign keys whose target must also be visible for this row to be visible
    # (a position is only visible if its person and bearer are).
    access_via: ClassVar[tuple[str, ...]] = ()
    # Fields left out of change-log snapshots (derived data such as search folds).
    changelog_exclude: ClassVar[tuple[str, ...]] = ()
    # For organisation-wide models: the roles that may change them (None: content roles).
    change_roles: ClassVar[frozenset[str] | None] = None
    # For organisation-wide models: the roles that may tombstone them (None: the roles in
    # ``change_roles`` if set, else the registry stewards of core.choices).
    delete_roles: ClassVar[frozenset[str] | None] = None
    # The link to bearers (a foreign key or a many-to-many) through which a bearer grant
    # opens this record (non-restricted rows only).
    access_bearer_link: ClassVar[str | None] = None

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    compartment = models.ForeignKey(
        "core.Delegation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The delegation whose compartment holds this record."),
    )
    restricted = models.BooleanField(
        default=False,
        help_text=_("Only the named members may see this record."),
    )
    restricted_to = models.ManyToManyField("core.User", blank=True, related_name="+")

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        """Say whether this record carries a tombstone."""
        return self.deleted_at is not None


class Delegation(Record):
    """Our office covering one or more countries; each delegation is a compartment.

    Headquarters is a delegation too (``is_headquarters``): it holds what the
    headquarters unit records itself.
    """

    access_scope = AccessScope.ORGANISATION
    change_roles = frozenset({Role.ADMINISTRATOR})

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    countries = models.ManyToManyField("geo.Country", blank=True, related_name="delegations")
    is_headquarters = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(Record):
    """A posting of a member of staff to a delegation with a role, from a date to a date.

    Staff rotate every one to two years: a membership that has ended no longer opens the
    compartment.
    """

    access_scope = AccessScope.ORGANISATION
    change_roles = frozenset({Role.ADMINISTRATOR})

    user = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="memberships")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    starts_on = models.DateField(default=datetime.date.today)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["delegation__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.delegation}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        """Say whether the posting is in force on the given day."""
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class ChangeLogEntry(models.Model):
    """One create, update, delete or refused edit, written in the same transaction as the change."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "core.User", null=True, on_delete=models.PROTECT, related_name="changes_made"
    )
    # The user name as it was, so the entry stays readable after a rename.
    actor_name = models.CharField(max_length=150)
    request_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=16, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.UUIDField(db_index=True)
    object_version = models.PositiveIntegerField()
    compartment = models.ForeignKey(
        Delegation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name_plural = _("change log entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_id}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """List (field, before, after) for every field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Grant(Record):
    """A need-to-know grant: a user or a group may read (or write) one bearer, one
    delegation's compartment or one record, for a stated reason, until it expires.

    Expired grants stop working by themselves; a revoked grant carries a tombstone.
    A grant is visible to its grantee and to the colleague who made it; the audit log
    shows every grant to auditors.
    """

    access_scope = AccessScope.ORGANISATION
    change_roles = frozenset({Role.ADMINISTRATOR, Role.HEAD_OF_DELEGATION})

    grantee = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    grantee_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    access = models.CharField(max_length=8, choices=GrantAccess.choices)
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField(help_text=_("Why this person needs to know."))
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-expires_at"]
        constraints = [
            models.CheckConstraint(
                name="core_grant_one_grantee",
                condition=(
                    models.Q(grantee__isnull=False, grantee_group__isnull=True)
                    | models.Q(grantee__isnull=True, grantee_group__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="core_grant_one_target",
                condition=(
                    models.Q(bearer__isnull=False, delegation__isnull=True, record_id__isnull=True)
                    | models.Q(
                        bearer__isnull=True, delegation__isnull=False, record_id__isnull=True
                    )
                    | models.Q(
                        bearer__isnull=True,
                        delegation__isnull=True,
                        record_id__isnull=False,
                        record_type__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_access_display()} grant until {self.expires_at:%Y-%m-%d}"


# --- The tamper-evident audit log (core/audit.py) -----------------------------------------

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One link of the hash-chained audit log: a change, a read, a sign-in, an export...

    ``hash`` is the SHA-256 of every other field in a canonical form, ``prev_hash`` included,
    so each event commits to the whole log before it. Written only by
    ``pourparler.core.audit``; never holds confidential text (see ``detail``).
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "core.User", null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # The user name as it was (or "system", "anonymous"), frozen into the hash.
    actor_name = models.CharField(max_length=150)
    request_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=AuditKind.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.UUIDField(null=True, db_index=True)
    compartment = models.ForeignKey(
        Delegation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Metadata only: ids, versions, digests, counts, addresses. Never confidential text.
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.kind}"


class AuditHead(models.Model):
    """The single row naming the last event of the chain; updated with every append.

    Appends lock it (``select_for_update``), so they are serialised; a chain whose tail
    was cut off no longer ends where the head says.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditCheckpoint(models.Model):
    """An Ed25519 signature over (seq, hash, at) of the chain at one point.

    The signing key lives outside the database, so whoever can write the database alone
    cannot rewrite the chain up to a checkpoint without the forgery showing.
    """

    seq = models.BigIntegerField(db_index=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    signature = models.CharField(max_length=128)
    public_key_id = models.CharField(max_length=32)

    class Meta:
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} ({self.public_key_id})"


class DataKey(models.Model):
    """A data key that encrypts the confidential text of one compartment (or, with no
    compartment, of organisation-wide records), stored wrapped by the master key.

    The master key never sits in the database; ``master_key_id`` says which one wrapped
    this key. A retired key encrypts nothing new; after a data-key rotation its wrapped
    bytes are destroyed. See ``core/crypto.py``.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    compartment = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # base64(nonce | AES-GCM ciphertext of the key), AAD bound to id and compartment.
    wrapped_key = models.TextField(blank=True)
    master_key_id = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["compartment"],
                condition=models.Q(retired_at__isnull=True),
                name="core_datakey_one_active_per_compartment",
            )
        ]

    def __str__(self) -> str:
        scope = self.compartment_id or "organisation"
        state = "retired" if self.retired_at else "active"
        return f"data key {self.pk} ({scope}, {state}, master {self.master_key_id})"


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def random_device_id() -> int:
    """Return a random positive 63-bit id for a new authenticator device.

    django-otp names a device ``<app>.<model>/<integer id>`` (its persistent id, kept in
    the session), so the id must be an integer; and the encrypted secret's AAD names the
    row, so the id must be known before the first INSERT. A random id is both.
    """
    return secrets.randbelow(2**63 - 1) + 1


class AuthenticatorDeviceManager(DeviceManager, models.Manager["AuthenticatorDevice"]):
    """django-otp's device manager (``devices_for_user``), typed for our model."""


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):
    """An authenticator app (TOTP, RFC 6238) whose seed the database holds only encrypted.

    Takes the place of django-otp's ``TOTPDevice``, which keeps the seed as plaintext hex.
    ``secret`` is an ``EncryptedTextField``: AES-256-GCM under the organisation-wide data
    key, bound (AAD) to this row, re-encrypted by ``pourparler keys rotate``. Inside the
    ciphertext the seed is also bound to its owner (``<user id>:<seed in hex>``), so a
    row handed to another account in the database does not give that account a second
    factor: reading the seed fails loudly. The seed is decrypted in memory only, to check
    a code or to show the enrolment QR code; it is never logged.

    Codes are checked as django-otp's TOTP device does: a window of ``tolerance`` steps
    either side of the current one (shifted by the known ``drift``, learnt from each
    accepted code unless ``OTP_TOTP_SYNC`` is off), each step accepted once only
    (``last_t``), and every wrong code doubling the wait before the next is checked
    (``ThrottlingMixin``, ``OTP_TOTP_THROTTLE_FACTOR``).
    """

    SEED_BYTES = 20

    id = models.BigIntegerField(primary_key=True, default=random_device_id, editable=False)
    # Declared here (django-otp's Device declares it too) for a named reverse accessor.
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="authenticator_devices",
        help_text="The user this authenticator belongs to.",
    )
    secret = EncryptedTextField(
        editable=False, help_text="The seed, bound to its owner; encrypted at rest."
    )
    step = models.PositiveSmallIntegerField(default=30, help_text="Seconds per time step.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time at which step 0 begins.")
    digits = models.PositiveSmallIntegerField(
        choices=[(6, "6"), (8, "8")], default=6, help_text="Digits in a code."
    )
    tolerance = models.PositiveSmallIntegerField(
        default=1, help_text="Steps either side of the current one that are still accepted."
    )
    drift = models.SmallIntegerField(
        default=0, help_text="Steps the authenticator's clock is known to be off by."
    )
    last_t = models.BigIntegerField(
        default=-1, help_text="The step of the last accepted code; later steps only."
    )

    objects = AuthenticatorDeviceManager()

    class Meta:
        verbose_name = _("authenticator device")

    def __str__(self) -> str:
        return f"{self.name} (authenticator {self.pk} of user {self.user_id})"

    # ---- the seed (plaintext in memory only) -------------------------------------------------

    @property
    def seed(self) -> bytes:
        """Decrypt and return the seed, after checking that it belongs to this row's user."""
        owner, _, hex_seed = str(self.secret or "").rpartition(":")
        owner_id = _as_uuid(owner)
        if not hex_seed or owner_id is None or owner_id != _as_uuid(self.user_id):
            raise DecryptionError(
                f"The secret of authenticator {self.pk} is missing or belongs to another account."
            )
        return bytes.fromhex(hex_seed)

    @seed.setter
    def seed(self, value: bytes) -> None:
        if self.user_id is None:
            raise ValueError("Give the device its user before its seed.")
        self.secret = f"{uuid.UUID(str(self.user_id))}:{bytes(value).hex()}"

    def new_seed(self) -> None:
        """Give the device a fresh random seed (before it is first saved)."""
        self.seed = secrets.token_bytes(self.SEED_BYTES)

    @property
    def provisioning_uri(self) -> str:
        """Return the ``otpauth://totp/`` link an authenticator app reads from a QR code.

        It carries the seed: build it for the enrolment page only, never store or log it.
        """
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        account = str(self.user.get_username())
        label = f"{issuer}:{account}" if issuer else account
        params: dict[str, str | int] = {
            "secret": base64.b32encode(self.seed).decode("ascii").rstrip("="),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        if issuer:
            params["issuer"] = issuer
        return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"

    # ---- checking a code ---------------------------------------------------------------------

    def get_throttle_factor(self) -> int:
        """Seconds to wait after the first wrong code (doubling after each further one)."""
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """Say whether ``token`` is a right code not used before, and record the outcome.

        A right code moves ``last_t`` to its step (and ``drift`` to where it was found),
        and clears the throttle; a wrong or malformed one feeds the throttle. While the
        throttle holds, no code is checked at all. Call it on a row locked for update.
        """
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        found = self._find_step(token)
        if found is None:
            self.throttle_increment(commit=False)
            self.save(update_fields=["throttling_failure_timestamp", "throttling_failure_count"])
            return False
        self.last_t, drift = found
        if getattr(settings, "OTP_TOTP_SYNC", True):
            self.drift = drift
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save(
            update_fields=[
                "last_t",
                "drift",
                "throttling_failure_timestamp",
                "throttling_failure_count",
                "last_used_at",
            ]
        )
        return True

    def _find_step(self, token: Any) -> tuple[int, int] | None:
        """Return (step, drift) of the window step whose code ``token`` is, if any is
        later than ``last_t``; None for a wrong, replayed or malformed code."""
        text = token if isinstance(token, str) else ""
        if not re.fullmatch(rf"[0-9]{{{self.digits}}}", text):
            return None
        clock = TOTP(self.seed, self.step, self.t0, self.digits, self.drift)
        clock.time = time.time()  # fixed, so the step found and the step returned agree
        if not clock.verify(int(text), tolerance=self.tolerance, min_t=self.last_t + 1):
            return None
        return clock.t(), clock.drift

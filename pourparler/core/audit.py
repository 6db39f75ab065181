"""The tamper-evident audit log: a hash chain of events with signed checkpoints.

Every change-log entry, every read or listing of confidential records, every export,
sign-in, grant or permission change and key operation is appended here as an
``AuditEvent``. Each event's ``hash`` is the SHA-256 of a canonical serialisation of all
its other fields, ``seq`` and ``prev_hash`` included, so altering, removing, reordering or
inserting an event breaks the chain from that point. The ``AuditHead`` row names the last
event (a cut-off tail no longer ends where the head says) and ``AuditCheckpoint`` rows
carry Ed25519 signatures made with a key kept outside the database.

Appends run inside the caller's transaction (a rolled-back change leaves no event, and a
failed append rolls the change back) and cost three queries: lock the head, insert the
event, move the head. The head lock serialises appenders (SQLite's IMMEDIATE transactions
do the same there), so ``seq`` has no gaps.

Events hold metadata only: who, when, what kind, which record, which compartment, and
for a change the change-log entry's id, action, version and a digest of its before/after
snapshots, never the confidential text itself.

``verify_events`` checks an in-memory chain (a pure function); ``verify_database`` walks
the stored chain in batches and also checks that every change-log entry is the one that
was audited. ``pourparler audit verify`` and ``pourparler audit checkpoint`` wrap them.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
import os
import stat
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext

from pourparler.core.access import clearance_for
from pourparler.core.choices import AuditKind, Role
from pourparler.core.context import current_request_id
from pourparler.core.models import (
    GENESIS_HASH,
    AuditCheckpoint,
    AuditEvent,
    AuditHead,
    ChangeLogEntry,
    User,
)

logger = logging.getLogger(__name__)

__all__ = [
    "GENESIS_HASH",
    "AuditChainBroken",
    "AuditKeyError",
    "ChainVerifier",
    "Problem",
    "VerifyResult",
    "append_event",
    "changelog_digest",
    "event_hash",
    "record_change",
    "record_changelog_redaction",
    "record_changelog_redactions",
    "record_changes",
    "record_export",
    "record_grant_change",
    "record_key_operation",
    "record_list",
    "record_lists",
    "record_permission_change",
    "record_read",
    "record_retention",
    "verify_database",
    "verify_events",
    "write_checkpoint",
]

# Bump the tag if the canonical form ever changes; old events keep verifying under theirs.
_EVENT_TAG = b"pourparler-audit-event/v1\n"
_CHECKPOINT_TAG = "pourparler-audit-checkpoint/v1"
# The fields an event's hash covers: every stored field except the hash itself.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "request_id",
    "kind",
    "content_type_id",
    "object_id",
    "compartment_id",
    "detail",
    "prev_hash",
)
EVENT_FIELDS = (*HASHED_FIELDS, "hash")
_HEAD_PK = 1


class AuditChainBroken(Exception):
    """The chain cannot be extended safely (its head row is gone while events remain)."""


class AuditKeyError(ImproperlyConfigured):
    """The checkpoint signing or verification key is missing, unreadable or misplaced."""


# --- The canonical form ---------------------------------------------------------------


def _timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return _timestamp(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _dumps(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_event(event: Mapping[str, Any]) -> bytes:
    """Return the bytes an event's hash is taken over: sorted-keys JSON of every field
    but ``hash``, with times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` and ids as text."""
    payload = {name: _jsonable(event.get(name)) for name in HASHED_FIELDS}
    return _EVENT_TAG + _dumps(payload).encode()


def event_hash(event: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) an event with these fields must carry."""
    return hashlib.sha256(canonical_event(event)).hexdigest()


def hash_of_canonical_json(body: str) -> str:
    """Return the hash of an event whose canonical JSON (``canonical_event`` without its
    tag) a bulk writer made itself: ``pourparler generate``."""
    return hashlib.sha256(_EVENT_TAG + body.encode()).hexdigest()


def changelog_digest(before: Any, after: Any) -> str:
    """Return the SHA-256 (hex) of a change-log entry's before/after snapshots."""
    body = json.dumps(
        {"before": before, "after": after},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _plain_json(value: Any) -> Any:
    """Return value as it will come back from a JSON column (UUIDs, dates as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def checkpoint_message(seq: int, hash_: str, at: datetime.datetime, key_id: str) -> bytes:
    """Return the bytes a checkpoint's signature covers."""
    return f"{_CHECKPOINT_TAG}\nseq={seq}\nhash={hash_}\nat={_timestamp(at)}\nkey={key_id}".encode()


# --- Keys ---------------------------------------------------------------------------------


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Return a short, stable name for a public key (16 hex digits of its SHA-256)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _forbidden_key_dirs() -> list[Path]:
    dirs = [Path(settings.DATA_DIR)]
    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    if "sqlite" in database.get("ENGINE", "") and name and not name.startswith(("file:", ":")):
        dirs.append(Path(name).parent)
    return [d.resolve() for d in dirs]


def check_key_location(path: Path) -> None:
    """Refuse a signing key kept in the data directory or beside the SQLite database."""
    resolved = path.expanduser().resolve()
    for directory in _forbidden_key_dirs():
        if resolved.is_relative_to(directory):
            raise AuditKeyError(
                f"The audit signing key {path} is inside {directory}, beside the database: "
                "whoever copies the data would hold the key that vouches for it. Keep it "
                "elsewhere (POURPARLER_AUDIT_SIGNING_KEY_FILE)."
            )


def _read_private_key(path: Path) -> Ed25519PrivateKey:
    check_key_location(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as error:
        raise AuditKeyError(f"Cannot read the audit signing key {path}: {error}") from error
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditKeyError(f"The audit signing key {path} is readable by others: chmod 600 it.")
    if len(data) == 32:
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise AuditKeyError(
            f"The audit signing key {path} is neither PEM nor 32 raw bytes."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"The audit signing key {path} is not an Ed25519 key.")
    return key


@functools.cache
def _private_key_from_file(path: str) -> Ed25519PrivateKey:
    return _read_private_key(Path(path))


@functools.cache
def _process_key() -> Ed25519PrivateKey:
    """The key tests sign with: made once per process, never written anywhere."""
    return Ed25519PrivateKey.generate()


def demo_key_path() -> Path:
    """Where demo mode keeps its signing key: $XDG_CONFIG_HOME/pourparler/ (~/.config)."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else Path.home() / ".config"
    return base / "pourparler" / "demo-audit-signing.key"


def _write_new_key(path: Path) -> Ed25519PrivateKey:
    """Write a fresh key as PEM, mode 0600; FileExistsError if the file exists."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def write_signing_key(path: Path) -> Path:
    """Write a new signing key at ``path`` (refused beside the data) and its public key
    at ``path.pub``; return the public key's path."""
    check_key_location(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = _write_new_key(path)
    public = path.with_name(path.name + ".pub")
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public


def _ensure_demo_key(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        _write_new_key(path)
    except FileExistsError:
        return  # another process made it first
    logger.warning("Made a demo audit signing key at %s", path)


def signing_key() -> Ed25519PrivateKey:
    """Return the checkpoint signing key (see settings.AUDIT_SIGNING_KEY_FILE)."""
    configured = settings.AUDIT_SIGNING_KEY_FILE
    if configured:
        return _private_key_from_file(str(Path(configured).expanduser()))
    if settings.TESTING:
        return _process_key()
    if settings.DEMO_MODE:
        path = demo_key_path()
        _ensure_demo_key(path)
        return _private_key_from_file(str(path))
    raise AuditKeyError(
        "No audit signing key: set POURPARLER_AUDIT_SIGNING_KEY_FILE to an Ed25519 key "
        "kept outside the data directory."
    )


def load_public_keys(data: bytes) -> list[Ed25519PublicKey]:
    """Read one or more Ed25519 public keys: PEM blocks, or 32 raw bytes."""
    if len(data) == 32:
        return [Ed25519PublicKey.from_public_bytes(data)]
    keys: list[Ed25519PublicKey] = []
    marker = b"-----BEGIN"
    for chunk in data.split(marker)[1:]:
        key = serialization.load_pem_public_key(marker + chunk)
        if not isinstance(key, Ed25519PublicKey):
            raise AuditKeyError("An audit public key is not an Ed25519 key.")
        keys.append(key)
    if not keys:
        raise AuditKeyError("No Ed25519 public key found (PEM or 32 raw bytes expected).")
    return keys


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """Return the public keys checkpoints are checked with, by key id.

    From settings.AUDIT_PUBLIC_KEY_FILE when set (a verifier then needs no private key;
    the file may list old keys too), else derived from the signing key.
    """
    configured = settings.AUDIT_PUBLIC_KEY_FILE
    if configured:
        path = Path(configured).expanduser()
        try:
            keys = load_public_keys(path.read_bytes())
        except (OSError, ValueError) as error:
            raise AuditKeyError(f"Cannot read the audit public key {path}: {error}") from error
    else:
        keys = [signing_key().public_key()]
    return {key_id_of(key): key for key in keys}


def check_audit_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: a configured signing key must be readable, private and kept away
    from the data; a server must have one."""
    if settings.AUDIT_SIGNING_KEY_FILE:
        try:
            _read_private_key(Path(settings.AUDIT_SIGNING_KEY_FILE).expanduser())
        except AuditKeyError as error:
            return [checks.Error(str(error), id="pourparler.E101")]
    return []


def check_audit_keys_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Deployment check: a server signs its audit checkpoints with a key of its own."""
    if settings.AUDIT_SIGNING_KEY_FILE or settings.DEMO_MODE or settings.TESTING:
        return []
    return [
        checks.Warning(
            "No audit signing key: checkpoints of the audit log are not signed.",
            hint="Set POURPARLER_AUDIT_SIGNING_KEY_FILE to an Ed25519 key (PEM or 32 raw "
            "bytes, mode 600) outside the data directory.",
            id="pourparler.W101",
        )
    ]


# --- Appending ------------------------------------------------------------------------------


def _lock_head() -> AuditHead:
    try:
        return AuditHead.objects.select_for_update().get(pk=_HEAD_PK)
    except AuditHead.DoesNotExist:
        # The migration makes the head; only an emptied database (a test flush) lacks it.
        if AuditEvent.objects.exists():
            raise AuditChainBroken(
                "The audit head row is missing while events remain: run `pourparler audit verify`."
            ) from None
        return AuditHead.objects.create(pk=_HEAD_PK, seq=0, hash=GENESIS_HASH)


def _actor_fields(actor: Any, actor_name: str | None) -> dict[str, Any]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor_id": actor.pk, "actor_name": actor_name or actor.get_username()}
    return {"actor_id": None, "actor_name": actor_name or "system"}


def _content_type_id(model: type[models.Model] | None) -> int | None:
    if model is None:
        return None
    return ContentType.objects.get_for_model(model).pk


def _row(
    kind: str,
    *,
    actor: Any,
    actor_name: str | None = None,
    content_type_id: int | None = None,
    object_id: Any = None,
    compartment_id: Any = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    if kind not in AuditKind.values:
        raise ValueError(f"Unknown audit event kind {kind!r}.")
    detail = dict(detail or {})
    if object_id is not None and not isinstance(object_id, uuid.UUID):
        try:
            object_id = uuid.UUID(str(object_id))
        except ValueError:
            detail["object_pk"], object_id = str(object_id), None
    return {
        "kind": kind,
        **_actor_fields(actor, actor_name),
        "request_id": current_request_id()[:64],
        "content_type_id": content_type_id,
        "object_id": object_id,
        "compartment_id": None if compartment_id is None else uuid.UUID(str(compartment_id)),
        "detail": _plain_json(detail),
    }


def _append_rows(rows: Sequence[dict[str, Any]]) -> list[AuditEvent]:
    """Chain the rows onto the log, in the caller's transaction: lock, insert, move head."""
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        start_seq = head.seq
        seq, prev = head.seq, head.hash
        now = datetime.datetime.now(tz=datetime.UTC)
        events = []
        for row in rows:
            seq += 1
            event = AuditEvent(seq=seq, at=now, prev_hash=prev, **row)
            event.hash = prev = event_hash(_fields_of(event))
            events.append(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=500)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
        every = max(1, int(settings.AUDIT_CHECKPOINT_EVERY))
        if seq // every > start_seq // every:
            try:
                _sign_checkpoint(seq, prev)
            except AuditKeyError:
                logger.exception("Audit checkpoint at seq %s not signed", seq)
    return events


def _fields_of(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def append_event(
    kind: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    compartment: Any = None,
    detail: Mapping[str, Any] | None = None,
    actor_name: str | None = None,
    model: type[models.Model] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    ``obj`` names the record concerned (its compartment is taken unless ``compartment``
    is given); ``model`` names a kind of record when no single one is concerned.
    ``detail`` is metadata only: never put confidential text in it.
    """
    if compartment is None and obj is not None:
        compartment_id = getattr(obj, "compartment_id", None)
    else:
        compartment_id = getattr(compartment, "pk", compartment)
    [event] = _append_rows(
        [
            _row(
                kind,
                actor=actor,
                actor_name=actor_name,
                content_type_id=_content_type_id(type(obj) if obj is not None else model),
                object_id=obj.pk if obj is not None else None,
                compartment_id=compartment_id,
                detail=detail,
            )
        ]
    )
    return event


def _change_row(entry: ChangeLogEntry) -> dict[str, Any]:
    return _row(
        AuditKind.CHANGE,
        actor=entry.actor,
        actor_name=entry.actor_name,
        content_type_id=entry.content_type_id,
        object_id=entry.object_id,
        compartment_id=entry.compartment_id,
        detail={
            "entry": str(entry.pk),
            "action": entry.action,
            "version": entry.object_version,
            "digest": changelog_digest(entry.before, entry.after),
        },
    )


def record_change(entry: ChangeLogEntry) -> AuditEvent:
    """Chain a change-log entry (its id, action, version and a digest of before/after)."""
    [event] = _append_rows([_change_row(entry)])
    return event


def record_changes(entries: Iterable[ChangeLogEntry]) -> list[AuditEvent]:
    """Chain many change-log entries with one head lock and one bulk insert."""
    return _append_rows([_change_row(entry) for entry in entries])


def _user_of(request_or_user: Any) -> Any:
    if isinstance(request_or_user, HttpRequest):
        return request_or_user.user
    return request_or_user


def record_read(request_or_user: Any, obj: models.Model) -> AuditEvent:
    """Record that a user opened a confidential record (a detail page)."""
    detail = {"version": obj.version} if hasattr(obj, "version") else {}
    return append_event(AuditKind.READ, actor=_user_of(request_or_user), obj=obj, detail=detail)


def _ids(records: Iterable[Any]) -> list[str]:
    return [str(getattr(record, "pk", record)) for record in records]


def record_list(
    request_or_user: Any,
    model: type[models.Model],
    ids: Iterable[Any],
    *,
    filters: Mapping[str, str] | None = None,
) -> AuditEvent:
    """Record that a user was shown a page listing these records (ids or records)."""
    shown = _ids(ids)
    detail: dict[str, Any] = {"ids": shown, "count": len(shown)}
    if filters:
        detail["filters"] = {str(k): str(v)[:100] for k, v in filters.items()}
    return append_event(AuditKind.LIST, actor=_user_of(request_or_user), model=model, detail=detail)


def record_lists(
    request_or_user: Any, shown: Mapping[type[models.Model], Iterable[Any]]
) -> list[AuditEvent]:
    """Record a page that shows several kinds of records, with one lock and one insert.

    Each kind gets its own list event, even when none of its records was shown, so an
    auditor sees every page that was opened and the query count of a page stays fixed.
    """
    actor = _user_of(request_or_user)
    rows = []
    for model, records in shown.items():
        ids = _ids(records)
        rows.append(
            _row(
                AuditKind.LIST,
                actor=actor,
                content_type_id=_content_type_id(model),
                detail={"ids": ids, "count": len(ids)},
            )
        )
    return _append_rows(rows)


def record_export(
    request_or_user: Any,
    model: type[models.Model],
    ids: Iterable[Any],
    *,
    export_format: str,
    compartment: Any = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record an export (a file, a PDF, a subject-access bundle) and the records in it."""
    shown = _ids(ids)
    return append_event(
        AuditKind.EXPORT,
        actor=_user_of(request_or_user),
        model=model,
        compartment=compartment,
        detail={**(detail or {}), "ids": shown, "count": len(shown), "format": export_format},
    )


def record_key_operation(
    actor: Any,
    operation: str,
    *,
    compartment: Any = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record a key operation (a data key made, a master key rotated...): never key bytes."""
    return append_event(
        AuditKind.KEY_OPERATION,
        actor=actor,
        compartment=compartment,
        detail={**(detail or {}), "operation": operation},
    )


def record_retention(
    actor: Any,
    *,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record what a retention run deleted or anonymised (ids and counts, not content)."""
    return append_event(AuditKind.RETENTION, actor=actor, obj=obj, model=model, detail=detail)


def record_changelog_redaction(entry: ChangeLogEntry, *, actor: Any, reason: str) -> AuditEvent:
    """Record that retention rewrote (or, if unsaved, deleted) a change-log entry.

    ``audit verify`` then accepts the entry's new contents (or its absence) instead of
    reporting it as altered. Call it in the transaction that rewrites the entry.
    """
    alive = ChangeLogEntry.objects.filter(pk=entry.pk).exists()
    return append_event(
        AuditKind.RETENTION,
        actor=actor,
        detail={
            "entry": str(entry.pk),
            "digest": changelog_digest(entry.before, entry.after) if alive else None,
            "reason": reason[:200],
        },
    )


def record_changelog_redactions(
    entries: Iterable[ChangeLogEntry], *, actor: Any, reason: str, per_event: int = 500
) -> list[AuditEvent]:
    """Record many rewritten change-log entries (a key rotation, a retention run) in a few
    ``retention`` events, each naming up to ``per_event`` entries with their new digests.
    Call it in the transaction that rewrote them, with the entries as saved."""
    digests = {str(e.pk): changelog_digest(e.before, e.after) for e in entries}
    ids = sorted(digests)
    rows = [
        _row(
            AuditKind.RETENTION,
            actor=actor,
            detail={
                "entries": {i: digests[i] for i in ids[start : start + per_event]},
                "reason": reason[:200],
            },
        )
        for start in range(0, len(ids), per_event)
    ]
    return _append_rows(rows)


def record_grant_change(grant: Any, action: str, *, actor: Any) -> AuditEvent:
    """Record a need-to-know grant made or revoked (never its reason, which may tell much)."""
    return append_event(
        AuditKind.GRANT_CHANGED,
        actor=actor,
        obj=grant,
        compartment=getattr(grant, "delegation_id", None),
        detail={
            "action": action,
            "access": grant.access,
            "grantee": grant.grantee_id and str(grant.grantee_id),
            "grantee_group": grant.grantee_group_id,
            "bearer": grant.bearer_id and str(grant.bearer_id),
            "delegation": grant.delegation_id and str(grant.delegation_id),
            "record_type": grant.record_type_id,
            "record": grant.record_id and str(grant.record_id),
            "expires_at": grant.expires_at,
            "version": grant.version,
        },
    )


def record_permission_change(membership: Any, action: str, *, actor: Any) -> AuditEvent:
    """Record a posting (a role in a delegation) given, changed or ended."""
    return append_event(
        AuditKind.PERMISSION_CHANGED,
        actor=actor,
        obj=membership,
        compartment=membership.delegation_id,
        detail={
            "action": action,
            "user": str(membership.user_id),
            "delegation": str(membership.delegation_id),
            "role": membership.role,
            "starts_on": membership.starts_on,
            "ends_on": membership.ends_on,
            "version": membership.version,
        },
    )


def _client_ip(request: Any) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client says it is.
    meta = getattr(request, "META", None) or {}
    address = meta.get("REMOTE_ADDR")
    return str(address)[:64] if address else None


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signal handler: a successful sign-in (the password step)."""
    append_event(AuditKind.LOGIN_SUCCEEDED, actor=user, detail={"ip": _client_ip(request)})


def on_user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signal handler: a sign-out (user is None when the session was anonymous)."""
    append_event(
        AuditKind.LOGOUT,
        actor=user,
        actor_name=None if user is not None else "anonymous",
        detail={"ip": _client_ip(request)},
    )


def on_user_login_failed(
    sender: Any, credentials: Mapping[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Signal handler: a failed sign-in, with the user name tried and the address."""
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    append_event(
        AuditKind.LOGIN_FAILED,
        actor=None,
        actor_name="anonymous",
        detail={"username": str(username)[:150], "ip": _client_ip(request)},
    )


# --- Checkpoints ----------------------------------------------------------------------------


def _sign_checkpoint(seq: int, hash_: str) -> AuditCheckpoint:
    key = signing_key()
    key_id = key_id_of(key.public_key())
    at = datetime.datetime.now(tz=datetime.UTC)
    signature = key.sign(checkpoint_message(seq, hash_, at, key_id)).hex()
    return AuditCheckpoint.objects.create(
        seq=seq, hash=hash_, at=at, signature=signature, public_key_id=key_id
    )


def write_checkpoint(*, actor: Any = None) -> AuditCheckpoint:
    """Sign the chain as it stands now, and chain a ``checkpoint`` event saying so."""
    with transaction.atomic():
        head = _lock_head()
        if head.seq == 0:
            raise AuditChainBroken("The audit log is empty: there is nothing to sign.")
        checkpoint = _sign_checkpoint(head.seq, head.hash)
        append_event(
            AuditKind.CHECKPOINT,
            actor=actor,
            detail={
                "checkpoint_seq": checkpoint.seq,
                "hash": checkpoint.hash,
                "key_id": checkpoint.public_key_id,
            },
        )
    return checkpoint


# --- Verifying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong, and where."""

    seq: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.seq is None else f"seq {self.seq}: {self.message}"


@dataclass
class VerifyResult:
    """What a verification walked, and the first problem if any."""

    events: int
    checkpoints: int
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """Say whether the chain verified."""
        return self.problem is None

    def summary(self) -> str:
        """Say it in one line: "OK: N events, M checkpoints" or the first problem."""
        if self.problem is None:
            return f"OK: {self.events} events, {self.checkpoints} checkpoints"
        return f"FAILED at {self.problem}"


@dataclass
class ChainVerifier:
    """Walk a chain one event at a time (constant memory but for the checkpoints).

    Feed it events in stored order, then ``finish`` with the head row. It stops at the
    first problem.
    """

    checkpoints: Iterable[Mapping[str, Any]]
    public_keys: Mapping[str, Ed25519PublicKey]
    events: int = 0
    checked_checkpoints: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problem: Problem | None = None
    _pending: dict[Any, list[Mapping[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pending: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
        for checkpoint in self.checkpoints:
            pending[checkpoint.get("seq")].append(checkpoint)
        self._pending = dict(pending)

    def feed(self, event: Mapping[str, Any]) -> Problem | None:
        """Check the next event; return (and keep) the first problem found."""
        if self.problem is not None:
            return self.problem
        self.problem = self._check(event)
        return self.problem

    def _check(self, event: Mapping[str, Any]) -> Problem | None:
        seq = event.get("seq")
        expected = self.last_seq + 1
        if seq != expected:
            if isinstance(seq, int) and seq > expected:
                return Problem(expected, f"missing: the next event found is seq {seq}")
            return Problem(expected, f"out of order: the event found here is seq {seq!r}")
        if event.get("prev_hash") != self.last_hash:
            return Problem(seq, "prev_hash does not match the previous event's hash")
        try:
            digest = event_hash(event)
        except (TypeError, ValueError):
            return Problem(seq, "the event cannot be serialised: a field was altered")
        if digest != event.get("hash"):
            return Problem(seq, "hash does not match the event's contents: it was altered")
        for checkpoint in self._pending.pop(seq, []):
            problem = self._check_checkpoint(checkpoint, digest)
            if problem is not None:
                return problem
        self.events += 1
        self.last_seq, self.last_hash = seq, digest
        return None

    def _check_checkpoint(self, checkpoint: Mapping[str, Any], digest: str) -> Problem | None:
        seq = checkpoint.get("seq")
        if checkpoint.get("hash") != digest:
            return Problem(seq, "a signed checkpoint names another hash here: rewritten chain")
        key_id = str(checkpoint.get("public_key_id"))
        key = self.public_keys.get(key_id)
        if key is None:
            return Problem(seq, f"checkpoint signed with an unknown key ({key_id})")
        at = checkpoint.get("at")
        try:
            assert isinstance(seq, int) and isinstance(at, datetime.datetime)
            key.verify(
                bytes.fromhex(str(checkpoint.get("signature"))),
                checkpoint_message(seq, digest, at, key_id),
            )
        except (AssertionError, InvalidSignature, ValueError):
            return Problem(seq, "the checkpoint's signature does not verify")
        self.checked_checkpoints += 1
        return None

    def finish(self, head: Mapping[str, Any] | None) -> Problem | None:
        """Check the end of the chain against the checkpoints and the head row."""
        if self.problem is not None:
            return self.problem
        beyond = sorted(s for s in self._pending if isinstance(s, int) and s > self.last_seq)
        if beyond:
            self.problem = Problem(
                self.last_seq + 1,
                f"a signed checkpoint covers seq {beyond[0]} but the chain ends at seq "
                f"{self.last_seq}: events were cut off",
            )
        elif self._pending:
            seq = next(iter(self._pending))
            self.problem = Problem(None, f"a checkpoint names seq {seq!r}, not in the chain")
        elif head is None:
            if self.events:
                self.problem = Problem(None, "the audit head row is missing")
        elif head.get("seq") != self.last_seq:
            head_seq = head.get("seq")
            if isinstance(head_seq, int) and head_seq > self.last_seq:
                self.problem = Problem(
                    self.last_seq + 1,
                    f"the head row says the chain ends at seq {head_seq} but it ends at seq "
                    f"{self.last_seq}: events were cut off",
                )
            else:
                self.problem = Problem(
                    self.last_seq,
                    f"the chain runs past the head row (seq {head_seq}): events were added "
                    "around the log",
                )
        elif head.get("hash") != self.last_hash:
            self.problem = Problem(
                self.last_seq, "the head row names another hash for the last event"
            )
        return self.problem

    def result(self) -> VerifyResult:
        """Return what was walked and the first problem."""
        return VerifyResult(self.events, self.checked_checkpoints, self.problem)


def verify_events(
    events: Iterable[Mapping[str, Any]],
    *,
    head: Mapping[str, Any] | None,
    checkpoints: Iterable[Mapping[str, Any]] = (),
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
) -> VerifyResult:
    """Verify a chain held as event dicts (a pure function: no database)."""
    verifier = ChainVerifier(checkpoints, public_keys or {})
    for event in events:
        if verifier.feed(event) is not None:
            break
    verifier.finish(head)
    return verifier.result()


_CHECKPOINT_FIELDS = ("seq", "hash", "at", "signature", "public_key_id")


def _batches(upto: int | None, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """Yield the stored events in seq order, a batch at a time (keyset paging)."""
    after = 0
    while True:
        rows = AuditEvent.objects.filter(seq__gt=after)
        if upto is not None:
            rows = rows.filter(seq__lte=upto)
        batch = list(rows.order_by("seq").values(*EVENT_FIELDS)[:batch_size])
        if not batch:
            return
        yield batch
        after = batch[-1]["seq"]


@dataclass
class _ChangeLogCheck:
    """Check that each change event's entry still holds what was audited."""

    excused_missing: int = 0

    def first_problem(self, events: list[dict[str, Any]]) -> Problem | None:
        changes = [e for e in events if e["kind"] == AuditKind.CHANGE]
        if not changes:
            return None
        ids = [e["detail"].get("entry") for e in changes]
        stored = {
            str(row["id"]): row
            for row in ChangeLogEntry.objects.filter(pk__in=ids).values("id", "before", "after")
        }
        mismatched = []
        for event in changes:
            entry_id = event["detail"].get("entry")
            row = stored.get(entry_id)
            digest = None if row is None else changelog_digest(row["before"], row["after"])
            if digest != event["detail"].get("digest"):
                mismatched.append((event["seq"], entry_id, digest))
        if not mismatched:
            return None
        recorded = self._recorded_rewrites(mismatched[0][0], [m[1] for m in mismatched])
        for seq, entry_id, digest in mismatched:
            if any(at > seq and d == digest for at, d in recorded.get(entry_id, ())):
                if digest is None:
                    self.excused_missing += 1
                continue
            what = "was deleted" if digest is None else "was altered"
            return Problem(seq, f"the change-log entry {entry_id} it records {what}")
        return None

    @staticmethod
    def _recorded_rewrites(after: int, ids: list[str]) -> dict[str, list[tuple[int, Any]]]:
        """Return, per entry id, the (seq, digest) of the retention events that rewrote it."""
        found: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        later = AuditEvent.objects.filter(kind=AuditKind.RETENTION, seq__gt=after).filter(
            Q(detail__entry__in=ids) | Q(detail__entries__has_any_keys=ids)
        )
        for seq, detail in later.values_list("seq", "detail"):
            if not isinstance(detail, dict):
                continue
            if "entry" in detail:
                found[str(detail["entry"])].append((seq, detail.get("digest")))
            entries = detail.get("entries")
            if isinstance(entries, dict):
                for entry_id, digest in entries.items():
                    found[entry_id].append((seq, digest))
        return found


def _head() -> dict[str, Any] | None:
    row = AuditHead.objects.filter(pk=_HEAD_PK).values("seq", "hash").first()
    return None if row is None else {"seq": row["seq"], "hash": row["hash"]}


def _unaudited_entries(excused_missing: int) -> Problem | None:
    """Compare change-log entries with change events while no write lands in between."""
    for _ in range(5):
        before = _head()
        upto = before["seq"] if before else 0
        audited = AuditEvent.objects.filter(kind=AuditKind.CHANGE, seq__lte=upto).count()
        entries = ChangeLogEntry.objects.count()
        if _head() != before:
            continue  # a write landed meanwhile; count again
        extra = entries - (audited - excused_missing)
        if extra > 0:
            return Problem(
                None,
                f"{extra} change-log entries have no change event: written around the audit "
                f"log (first: {_first_unaudited_entry()})",
            )
        return None
    logger.warning("The change log kept moving; its entries were not counted.")
    return None


def _first_unaudited_entry(batch_size: int = 1000) -> str | None:
    after: tuple[Any, Any] | None = None
    while True:
        rows = ChangeLogEntry.objects.order_by("at", "id")
        if after is not None:
            rows = rows.filter(Q(at__gt=after[0]) | Q(at=after[0], id__gt=after[1]))
        batch = list(rows.values_list("at", "id", "object_id")[:batch_size])
        if not batch:
            return None
        # The events about the same records, matched on the entry id in Python.
        details = AuditEvent.objects.filter(
            kind=AuditKind.CHANGE, object_id__in={object_id for _, _, object_id in batch}
        ).values_list("detail", flat=True)
        audited = {detail.get("entry") for detail in details if isinstance(detail, dict)}
        for _, entry_id, _ in batch:
            if str(entry_id) not in audited:
                return str(entry_id)
        after = batch[-1][0], batch[-1][1]


def verify_database(
    *,
    batch_size: int = 2000,
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
    check_changelog: bool = True,
) -> VerifyResult:
    """Verify the stored chain, its head, every checkpoint and (by default) that every
    change-log entry is exactly the one that was audited. Reads in batches.

    The head is read first and the walk stops there, so appends made meanwhile are left
    for the next run; checkpoints are read before the head, so a head moved back over a
    cut-off tail still shows against them.
    """
    checkpoints = list(AuditCheckpoint.objects.order_by("seq").values(*_CHECKPOINT_FIELDS))
    keys = public_keys if public_keys is not None else verification_keys()
    head = _head()
    verifier = ChainVerifier(checkpoints, keys)
    changelog = _ChangeLogCheck()
    for batch in _batches(head["seq"] if head else None, batch_size):
        sound = []
        for event in batch:
            if verifier.feed(event) is not None:
                break
            sound.append(event)
        # Only events whose hash verified are trusted to name their change-log entry.
        if check_changelog:
            log_problem = changelog.first_problem(sound)
            if log_problem is not None:
                verifier.problem = log_problem
                return verifier.result()
        if verifier.problem is not None:
            return verifier.result()
    if verifier.finish(head) is None and head is not None:
        verifier.problem = _past_the_head(head["seq"])
    if verifier.problem is None and check_changelog:
        verifier.problem = _unaudited_entries(changelog.excused_missing)
    return verifier.result()


def _past_the_head(head_seq: int) -> Problem | None:
    """Events beyond the head are fine only if the head has moved on to them meanwhile."""
    beyond = AuditEvent.objects.filter(seq__gt=head_seq).order_by("-seq").first()
    if beyond is None:
        return None
    now = _head()
    if now is not None and now["seq"] >= beyond.seq:
        return None
    return Problem(
        beyond.seq, f"the event lies past the head row (seq {head_seq}): added around the log"
    )


# --- The auditor's view -----------------------------------------------------------------------


def is_auditor(user: Any) -> bool:
    """Say whether the user holds the auditor role in a posting in force."""
    clearance = clearance_for(user)
    return clearance is not None and Role.AUDITOR in clearance.roles


def events_for_auditor(
    user: Any,
    *,
    username: str = "",
    record: str = "",
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> models.QuerySet[AuditEvent]:
    """Return the audit events an auditor asked for, newest first; 404 for anyone else.

    ``record`` matches the record an event concerns and the records a list showed.
    """
    if not is_auditor(user):
        raise Http404("No such page.")
    events = AuditEvent.objects.select_related("content_type", "compartment").order_by("-seq")
    if username:
        events = events.filter(
            Q(actor__username=username)
            | Q(actor_name=username)
            | Q(kind=AuditKind.LOGIN_FAILED, detail__username=username)
        )
    if record:
        in_lists = Q(kind__in=[AuditKind.LIST, AuditKind.EXPORT])
        try:
            record_id = uuid.UUID(record)
        except ValueError:
            events = events.filter(in_lists, detail__ids__icontains=f'"{record[:64]}"')
        else:
            events = events.filter(
                Q(object_id=record_id) | Q(in_lists, detail__ids__icontains=f'"{record_id}"')
            )
    if kind in AuditKind.values:
        events = events.filter(kind=kind)
    zone = datetime.UTC
    if since:
        events = events.filter(at__gte=datetime.datetime.combine(since, datetime.time.min, zone))
    if until:
        end = until + datetime.timedelta(days=1)
        events = events.filter(at__lt=datetime.datetime.combine(end, datetime.time.min, zone))
    return events


_SHOWN_DETAIL = ("action", "version", "count", "format", "operation", "role", "access", "ip")


def describe(event: AuditEvent) -> str:
    """Summarise an event's metadata for the auditor's page (never confidential text)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    parts = []
    if event.kind == AuditKind.LOGIN_FAILED:
        parts.append(gettext("user name tried: %(name)s") % {"name": detail.get("username", "")})
    if event.kind == AuditKind.CHECKPOINT:
        parts.append(gettext("signed seq %(seq)s") % {"seq": detail.get("checkpoint_seq")})
    for key in _SHOWN_DETAIL:
        value = detail.get(key)
        if value not in (None, "", []):
            parts.append(f"{key} {value}")
    return "; ".join(parts)

"""Key operations over the whole database: rotate, re-encrypt, verify, report.

One code path re-encrypts stored values (``reseal``): the master-key rotation with fresh
data keys uses it, and so do the migrations that encrypted values written in plaintext
before encryption at rest existed. Every function here runs inside the caller's
transaction or its own; a rotation is all or nothing.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from pourparler.core.crypto import (
    CryptoError,
    DataKeyHandle,
    MasterKey,
    changelog_aad,
    clear_key_cache,
    create_data_key,
    current_data_key,
    decrypt_token,
    encrypt,
    encrypted_fields,
    encrypted_models,
    is_token,
    master_key,
    record_aad,
    unwrap_data_key,
    using_master_key,
    wrap_data_key,
)
from pourparler.core.crypto import EncryptedToken as Token

BATCH = 500

# A transform gets a stored value, its AAD and the row's compartment; it returns the
# value to store instead, or None to leave it.
Transform = Callable[[str, str, Any], Token | None]

# Derived indexes keyed by the master key (the people's search tokens), rebuilt after a
# rotation. Apps register theirs in AppConfig.ready.
_blind_indexes: dict[str, Callable[[], int]] = {}


def register_blind_index(name: str, rebuild: Callable[[], int]) -> None:
    """Name a rebuild function for an index derived from the master key."""
    _blind_indexes[name] = rebuild


class Progress:
    """A one-line progress report on a stream (stderr), rewritten in place."""

    def __init__(self, stream: TextIO | None, label: str, total: int) -> None:
        self.stream, self.label, self.total, self.done = stream, label, total, 0
        self._show()

    def advance(self, count: int) -> None:
        self.done += count
        self._show()

    def finish(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()

    def _show(self) -> None:
        if self.stream is not None:
            self.stream.write(f"\r  {self.label}: {self.done}/{self.total}")
            self.stream.flush()


# ---- the one re-encryption path -----------------------------------------------------------


def _has_compartment(model: type[models.Model]) -> bool:
    return any(f.name == "compartment" for f in model._meta.concrete_fields)


def reseal_rows(
    model: type[models.Model], transform: Transform, *, stream: TextIO | None = None
) -> int:
    """Pass every stored value of a model's encrypted fields through ``transform`` and
    store what it returns, in batches. Tombstoned rows too. Return the values changed."""
    fields = encrypted_fields(model)
    label = fields[0].model._meta.label
    manager = model._base_manager
    columns = ["pk", "compartment_id" if _has_compartment(model) else "pk"]
    columns += [f.attname for f in fields]
    progress = Progress(stream, label, manager.count())
    changed = 0
    last = None
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list(*columns)[:BATCH])
        if not batch:
            break
        for pk, compartment_id, *values in batch:
            compartment_id = compartment_id if columns[1] != "pk" else None
            updates: dict[str, Token] = {}
            for f, value in zip(fields, values, strict=True):
                if value is None or value == "":
                    continue
                new = transform(str(value), record_aad(label, f.name, pk), compartment_id)
                if new is not None:
                    updates[f.attname] = Token(new)
            if updates:
                manager.filter(pk=pk).update(**updates)
                changed += len(updates)
        progress.advance(len(batch))
        last = batch[-1][0]
    progress.finish()
    return changed


def reseal_changelog(
    transform: Transform,
    *,
    entry_model: type[models.Model] | None = None,
    content_type_model: type[models.Model] | None = None,
    models_: Iterable[type[models.Model]] | None = None,
    stream: TextIO | None = None,
    reason: str,
) -> int:
    """Pass the logged copies of encrypted fields through ``transform`` (see reseal_rows).

    Each rewritten entry is noted in the audit chain, so ``audit verify`` accepts it.
    Migrations pass their historical models.
    """
    from pourparler.core import audit

    entry_model = entry_model or apps.get_model("core", "ChangeLogEntry")
    content_type_model = content_type_model or apps.get_model("contenttypes", "ContentType")
    secret: dict[int, tuple[str, dict[str, str]]] = {}
    for model in models_ if models_ is not None else encrypted_models():
        fields = encrypted_fields(model)
        content_type = content_type_model._base_manager.filter(
            app_label=model._meta.app_label, model=model._meta.model_name
        ).first()
        if content_type is not None and fields:
            label = fields[0].model._meta.label
            secret[content_type.pk] = (label, {f.attname: f.name for f in fields})
    entries = entry_model._base_manager.filter(content_type_id__in=list(secret))
    progress = Progress(stream, "change log", entries.count())
    changed = 0
    last = None
    while True:
        rows = entries.order_by("pk") if last is None else entries.filter(pk__gt=last)
        batch: list[Any] = list(
            rows.order_by("pk").only(
                "pk", "content_type_id", "object_id", "compartment_id", "before", "after"
            )[:BATCH]
        )
        if not batch:
            break
        for entry in batch:
            label, attnames = secret[entry.content_type_id]
            touched = False
            for side in ("before", "after"):
                data = getattr(entry, side)
                if not isinstance(data, dict):
                    continue
                for attname, name in attnames.items():
                    value = data.get(attname)
                    if value is None or value == "" or not isinstance(value, str):
                        continue
                    aad = changelog_aad(label, name, entry.object_id)
                    new = transform(value, aad, entry.compartment_id)
                    if new is not None:
                        data[attname] = str(new)
                        touched = True
                        changed += 1
            if touched:
                entry_model._base_manager.filter(pk=entry.pk).update(
                    before=entry.before,
                    after=entry.after,
                )
                audit.record_changelog_redaction(entry, actor=None, reason=reason)
        progress.advance(len(batch))
        last = batch[-1].pk
    progress.finish()
    return changed


# ---- values written before encryption at rest ---------------------------------------------


def encrypt_plaintext_values(
    models_: Iterable[type[models.Model]],
    *,
    entry_model: type[models.Model],
    content_type_model: type[models.Model],
    stream: TextIO | None = None,
) -> int:
    """Encrypt values stored in plaintext (a database from before encryption at rest), in
    the records and in the change log. Values already encrypted are left alone."""
    keys: dict[Any, DataKeyHandle] = {}

    def seal(value: str, aad: str, compartment_id: Any) -> Token | None:
        if is_token(value):
            return None
        if compartment_id not in keys:
            keys[compartment_id] = current_data_key(compartment_id)
        return encrypt(value, aad=aad, key=keys[compartment_id])

    models_ = list(models_)
    changed = sum(reseal_rows(model, seal, stream=stream) for model in models_)
    changed += reseal_changelog(
        seal,
        entry_model=entry_model,
        content_type_model=content_type_model,
        models_=models_,
        stream=stream,
        reason="encryption at rest: plaintext values encrypted",
    )
    return changed


def decrypt_to_plaintext(
    models_: Iterable[type[models.Model]],
    *,
    entry_model: type[models.Model],
    content_type_model: type[models.Model],
) -> int:
    """Undo ``encrypt_plaintext_values`` (a migration run backwards): store plaintext."""

    def unseal(value: str, aad: str, compartment_id: Any) -> Token | None:
        return Token(decrypt_token(value, aad=aad)) if is_token(value) else None

    models_ = list(models_)
    changed = sum(reseal_rows(model, unseal) for model in models_)
    changed += reseal_changelog(
        unseal,
        entry_model=entry_model,
        content_type_model=content_type_model,
        models_=models_,
        reason="encryption at rest undone by a migration",
    )
    return changed


def scrub_sqlite(using: Any = None) -> bool:
    """On SQLite, rewrite the file (VACUUM) and empty the WAL, so text replaced by
    ciphertext does not linger in free pages. Needs no open transaction."""
    using = using or connection
    if using.vendor != "sqlite" or using.in_atomic_block:
        return False
    with using.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True


# ---- rotation -----------------------------------------------------------------------------


@dataclass
class RotationReport:
    """What a rotation did."""

    old_master_key_id: str
    new_master_key_id: str
    rewrapped: int = 0
    new_data_keys: int = 0
    retired_data_keys: int = 0
    values: int = 0
    logged_values: int = 0
    indexed: dict[str, int] = field(default_factory=dict)
    scrubbed: bool = False


def _datakey_model() -> Any:
    return apps.get_model("core", "DataKey")


def rotate(
    new_key: bytes, *, data_keys: bool, stream: TextIO | None = sys.stderr
) -> RotationReport:
    """Move every data key under a new master key, all or nothing.

    With ``data_keys``, also make a fresh data key per compartment, re-encrypt every
    stored and logged value under it, and retire and destroy the old data keys. The blind
    indexes derive from the master key, so they are rebuilt either way. The application
    must be stopped meanwhile; afterwards it must be started with the new key.
    """
    old = master_key()
    new = MasterKey(new_key, "new key")
    if new.key_id == old.key_id:
        raise CryptoError("The new master key is the key in use: make a new one.")
    report = RotationReport(old.key_id, new.key_id)
    model = _datakey_model()
    try:
        with transaction.atomic():
            rows = list(model._base_manager.select_for_update().order_by("created_at"))
            old_keys = {row.pk: unwrap_data_key(old, row) for row in rows if row.wrapped_key}
            if data_keys:
                _replace_data_keys(rows, old_keys, new, report, stream)
            else:
                for row in rows:
                    if row.pk in old_keys:
                        row.wrapped_key = wrap_data_key(
                            new.key, row.pk, row.compartment_id, old_keys[row.pk]
                        )
                        row.master_key_id = new.key_id
                        row.save(update_fields=["wrapped_key", "master_key_id"])
                        report.rewrapped += 1
            with using_master_key(new.key, new.source):
                for name, rebuild in _blind_indexes.items():
                    report.indexed[name] = rebuild()
            from pourparler.core import audit

            audit.record_key_operation(
                None,
                "master_key_rotated",
                detail={
                    "old_master_key_id": old.key_id,
                    "new_master_key_id": new.key_id,
                    "data_keys": data_keys,
                    "values": report.values,
                    "logged_values": report.logged_values,
                },
            )
    finally:
        clear_key_cache()
    report.scrubbed = scrub_sqlite()
    return report


def _replace_data_keys(
    rows: list[Any],
    old_keys: dict[uuid.UUID, bytes],
    new: MasterKey,
    report: RotationReport,
    stream: TextIO | None,
) -> None:
    model = _datakey_model()
    old_ciphers = {pk: AESGCM(key) for pk, key in old_keys.items()}
    active = [row for row in rows if row.retired_at is None]
    model._base_manager.filter(pk__in=[row.pk for row in active]).update(retired_at=timezone.now())
    fresh: dict[Any, DataKeyHandle] = {}

    def key_for(compartment_id: Any) -> DataKeyHandle:
        if compartment_id not in fresh:
            fresh[compartment_id] = create_data_key(compartment_id, master=new)
        return fresh[compartment_id]

    for row in active:
        key_for(row.compartment_id)

    def reseal(value: str, aad: str, compartment_id: Any) -> Token:
        plain = decrypt_token(value, aad=aad, ciphers=old_ciphers)
        return encrypt(plain, aad=aad, key=key_for(compartment_id))

    for encrypted in encrypted_models():
        report.values += reseal_rows(encrypted, reseal, stream=stream)
    report.logged_values = reseal_changelog(
        reseal, stream=stream, reason="key rotation: re-encrypted under new data keys"
    )
    # Nothing refers to the old keys any more: destroy them, so the old master key, if
    # it leaked, opens nothing in this database.
    report.retired_data_keys = model._base_manager.filter(pk__in=list(old_keys)).update(
        wrapped_key=""
    )
    report.new_data_keys = len(fresh)


# ---- verification and status --------------------------------------------------------------


@dataclass
class VerifyReport:
    """What ``verify`` read and what failed."""

    data_keys: int = 0
    values: int = 0
    logged_values: int = 0
    failures: list[str] = field(default_factory=list)


def verify(*, stream: TextIO | None = sys.stderr) -> VerifyReport:
    """Unwrap every live data key and decrypt every stored and logged value; list failures."""
    report = VerifyReport()
    master = master_key()
    ciphers: dict[uuid.UUID, AESGCM] = {}
    for row in _datakey_model()._base_manager.order_by("created_at"):
        if not row.wrapped_key:
            continue
        try:
            ciphers[row.pk] = AESGCM(unwrap_data_key(master, row))
            report.data_keys += 1
        except CryptoError as error:
            report.failures.append(f"data key {row.pk}: {error}")

    def check(where: str) -> Transform:
        def attempt(value: str, aad: str, compartment_id: Any) -> None:
            try:
                decrypt_token(value, aad=aad, ciphers=ciphers)
            except CryptoError as error:
                report.failures.append(f"{where} ({aad}): {error}")

        return attempt

    counter: dict[str, int] = {"values": 0, "logged": 0}

    def counted(inner: Transform, key: str) -> Transform:
        def wrapper(value: str, aad: str, compartment_id: Any) -> None:
            counter[key] += 1
            inner(value, aad, compartment_id)

        return wrapper

    for model in encrypted_models():
        reseal_rows(model, counted(check(model._meta.label), "values"), stream=stream)
    reseal_changelog(counted(check("change log"), "logged"), stream=stream, reason="")
    report.values, report.logged_values = counter["values"], counter["logged"]
    return report


@dataclass
class KeyStatus:
    """The master key in use and the data keys in the database."""

    master: MasterKey
    data_keys: list[dict[str, Any]]


def status() -> KeyStatus:
    """Describe the master key in use and every data key (never key bytes)."""
    master = master_key()
    rows = []
    for row in _datakey_model()._base_manager.select_related("compartment").order_by("created_at"):
        rows.append(
            {
                "id": row.pk,
                "compartment": row.compartment.code if row.compartment else "(organisation)",
                "master_key_id": row.master_key_id,
                "created_at": row.created_at,
                "retired_at": row.retired_at,
                "destroyed": not row.wrapped_key,
                "usable": bool(row.wrapped_key) and row.master_key_id == master.key_id,
            }
        )
    return KeyStatus(master, rows)

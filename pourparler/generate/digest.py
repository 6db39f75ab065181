"""A digest of what a run wrote, to show that the same seed gives the same world.

Ciphertexts differ between runs (fresh nonces, fresh data keys), so encrypted fields
are digested as plaintext; the audit chain's hashes depend on the data-key events made
on the way, so events are digested by their contents, not their hashes. Password
hashes carry a random salt and are left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

from pourparler.core.choices import AuditKind
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import AuditEvent, User
from pourparler.generate.world import GENERATED_MODELS
from pourparler.geo.models import Country

_SKIPPED = {"password"}
_EVENT_FIELDS = ("seq", "at", "actor_id", "kind", "content_type_id", "object_id", "detail")


def _rows(model: type[models.Model]) -> list[list[Any]]:
    fields = [f for f in model._meta.concrete_fields if f.attname not in _SKIPPED]
    if any(isinstance(f, EncryptedTextField) for f in fields):
        return [
            [getattr(obj, f.attname) for f in fields] for obj in model._base_manager.order_by("pk")
        ]
    names = [f.attname for f in fields]
    return [list(row) for row in model._base_manager.order_by("pk").values_list(*names)]


def _links(model: type[models.Model]) -> list[list[Any]]:
    out = []
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        assert through is not None
        source, target = m2m.m2m_field_name() + "_id", m2m.m2m_reverse_field_name() + "_id"
        rows = through._base_manager.order_by(source, target).values_list(source, target)
        out.append([m2m.name, *[list(r) for r in rows]])
    return out


def world_digest() -> str:
    """SHA-256 over every generated row, in a stable order."""
    sha = hashlib.sha256()
    kinds: tuple[type[models.Model], ...] = (Country, User, *GENERATED_MODELS)
    for model in kinds:
        body = {"rows": _rows(model), "links": _links(model)}
        sha.update(model._meta.label.encode())
        sha.update(json.dumps(body, default=str, ensure_ascii=False).encode())
    events = (
        AuditEvent.objects.exclude(kind=AuditKind.KEY_OPERATION)
        .order_by("seq")
        .values_list(*_EVENT_FIELDS)
    )
    for event in events.iterator(chunk_size=5000):
        sha.update(json.dumps(list(event), default=str, sort_keys=True).encode())
    return sha.hexdigest()

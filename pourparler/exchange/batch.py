"""The write path in bulk, for imports: ``create_record`` for thousands of rows at once.

``core.services.create_record`` costs about fifteen queries a record (validation of
every foreign key, the permission check, the change log, the audit chain), so a file of
1,725 actors with their names, identifiers and provenance would take minutes.
``create_in_bulk`` keeps every guarantee of the one write path and pays for them per
batch instead of per row:

* bookkeeping set by the service layer (authors, times, version 1), never by the caller;
* ``clean_fields`` and ``clean`` on every record before anything is written (foreign
  keys and unique constraints are left to the database, which checks them in the same
  transaction: a violation rolls the whole import back);
* the permission check *after* the write: every row must be reachable by the actor for
  ``change`` through ``visible_to``, or everything is rolled back;
* one change-log entry per record with the same snapshot ``create_record`` writes, and
  the entries chained onto the audit log with one head lock (``audit.record_changes``).

Only organisation-wide reference records without restriction go this way (imports
write nothing else); anything else is refused. It runs inside the import's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from pourparler.core import audit
from pourparler.core.choices import AccessScope, ChangeAction
from pourparler.core.context import current_request_id
from pourparler.core.crypto import encrypted_fields
from pourparler.core.models import ChangeLogEntry, Record, User
from pourparler.search import index as search_index

BATCH = 500


def foreign_key_names(model: type[models.Model]) -> list[str]:
    """Return the model's foreign keys, whose targets the database checks itself."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def validate_new(obj: Record) -> None:
    """Validate a record's own fields as ``full_clean`` would, without a query per key."""
    obj.clean_fields(exclude=foreign_key_names(type(obj)))
    obj.clean()


def new_record_snapshot(
    obj: Record, m2m: Mapping[str, Iterable[Any]] | None = None
) -> dict[str, Any]:
    """Return what ``core.services.snapshot`` returns for a record just created with ``m2m``.

    The same fields, names and JSON form, without a query per many-to-many field: a new
    record's links are exactly the ones it is being created with.
    """
    exclude = set(getattr(obj, "changelog_exclude", ()))
    data: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in exclude:
            continue
        data[model_field.attname] = model_field.value_from_object(obj)
    links = m2m or {}
    for model_field in obj._meta.many_to_many:
        if model_field.name in exclude:
            continue
        data[model_field.name] = sorted(
            str(getattr(v, "pk", v)) for v in links.get(model_field.name, ())
        )
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def _check_model(model: type[Record]) -> None:
    if model.access_scope != AccessScope.ORGANISATION:
        raise ValueError(f"{model._meta.label} is not organisation-wide: use create_record.")
    if encrypted_fields(model):
        raise ValueError(f"{model._meta.label} has encrypted fields: use create_record.")


def create_in_bulk(
    objs: Sequence[Record],
    *,
    actor: User,
    m2m: Mapping[Any, Mapping[str, Iterable[Any]]] | None = None,
    validated: bool = False,
) -> None:
    """Insert new organisation-wide records of one model, logged and audited.

    ``m2m`` maps a record's primary key to its many-to-many links. ``validated`` says
    the caller already ran ``validate_new`` on every record (imports do, to name the
    row and column of a problem).
    """
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise ValueError("create_in_bulk takes records of one model at a time.")
    _check_model(model)
    links = m2m or {}
    now = timezone.now()
    with transaction.atomic():
        for obj in objs:
            if obj.restricted:
                raise ValueError("Restricted records are created one by one (create_record).")
            obj.created_by = obj.updated_by = actor
            obj.created_at = obj.updated_at = now
            obj.version = 1
            if not validated:
                validate_new(obj)
        for start in range(0, len(objs), BATCH):
            model.objects.bulk_create(objs[start : start + BATCH])
        _add_links(model, objs, links)
        _ensure_changeable(model, [obj.pk for obj in objs], actor)
        content_type = ContentType.objects.get_for_model(model)
        request_id = current_request_id()
        entries = [
            ChangeLogEntry(
                actor=actor,
                actor_name=actor.get_username(),
                request_id=request_id,
                action=ChangeAction.CREATE,
                content_type=content_type,
                object_id=obj.pk,
                object_version=1,
                compartment_id=None,
                before=None,
                after=new_record_snapshot(obj, links.get(obj.pk)),
            )
            for obj in objs
        ]
        for start in range(0, len(entries), BATCH):
            ChangeLogEntry.objects.bulk_create(entries[start : start + BATCH])
        audit.record_changes(entries)
        # bulk_create sends no post_save: the search index is refreshed here.
        search_index.refresh_written(objs)


def _add_links(
    model: type[Record], objs: Sequence[Record], links: Mapping[Any, Mapping[str, Iterable[Any]]]
) -> None:
    for m2m_field in model._meta.many_to_many:
        through: Any = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        target = m2m_field.m2m_reverse_field_name()
        rows = [
            through(**{f"{source}_id": obj.pk, f"{target}_id": getattr(value, "pk", value)})
            for obj in objs
            for value in links.get(obj.pk, {}).get(m2m_field.name, ())
        ]
        if rows:
            through.objects.bulk_create(rows, batch_size=BATCH)


def _ensure_changeable(model: type[Record], ids: list[Any], actor: User) -> None:
    """Refuse (and so roll back) unless the actor may change every row just written."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        reachable = model.objects.visible_to(actor, "change").filter(pk__in=chunk).count()
        if reachable != len(chunk):
            raise PermissionDenied("You may not add to this register.")

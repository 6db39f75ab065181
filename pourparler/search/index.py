"""Keeping the search index in step with the records it is made of.

Every save of a searchable record (and of one of its other names) refreshes its entry in
the same transaction (signals connected in apps.py); a deleted or tombstoned record loses
its entry, so its words find nothing any more. Bulk writes that bypass ``save`` (imports'
batches, ``pourparler generate``) call ``refresh`` themselves, and ``pourparler search
rebuild`` remakes every entry from the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from pourparler.core import crypto
from pourparler.core.text import fold
from pourparler.search.models import SearchEntry
from pourparler.search.registry import SEARCHABLE, Document, Searchable, searchable

BATCH = 500


def entry_values(record: Any, document: Document) -> dict[str, Any]:
    """The entry's columns: folded plaintext, and blind tokens made with the record's key."""
    compartment_id = getattr(record, "compartment_id", None)
    plain = " ".join(fold(text) for text in document.plain if text)
    tokens: set[str] = set()
    if document.names:
        tokens.update(crypto.search_tokens(compartment_id, document.names).split())
    if document.texts:
        tokens.update(crypto.word_tokens(compartment_id, document.texts))
    return {"compartment_id": compartment_id, "plain": plain, "blind": " ".join(sorted(tokens))}


def refresh(records: Sequence[Any]) -> int:
    """Make or remake the entries of some records of one kind; drop those of deleted ones."""
    if not records:
        return 0
    kind = searchable(type(records[0]))
    if kind is None:
        return 0
    content_type = ContentType.objects.get_for_model(kind.model)
    alive = [r for r in records if r.deleted_at is None]
    gone = [r.pk for r in records if r.deleted_at is not None]
    with transaction.atomic():
        if gone:
            SearchEntry.objects.filter(content_type=content_type, object_id__in=gone).delete()
        if alive:
            _write(kind, content_type, alive)
    return len(alive)


def refresh_written(records: Sequence[Any]) -> None:
    """After a bulk write of one model: refresh the entries of the records written, or of
    the records they are other names of (imports write names in bulk)."""
    if not records:
        return
    model = type(records[0])
    kind = searchable(model)
    if kind is not None:
        ids = [r.pk for r in records]
    else:
        owner = _owner_of(model)
        if owner is None:
            return
        kind, attribute = owner
        ids = list({getattr(r, f"{attribute}_id") for r in records})
    rows = kind.model._base_manager.filter(pk__in=ids)
    if kind.prefetch:
        rows = rows.prefetch_related(*kind.prefetch)
    refresh(list(rows))


def _owner_of(model: type[Any]) -> tuple[Searchable, str] | None:
    label = model._meta.label
    for kind in SEARCHABLE:
        for child, attribute in kind.parents:
            if child == label:
                return kind, attribute
    return None


def _write(kind: Searchable, content_type: ContentType, records: list[Any]) -> None:
    stored = dict(
        SearchEntry.objects.filter(
            content_type=content_type, object_id__in=[r.pk for r in records]
        ).values_list("object_id", "id")
    )
    new, changed = [], []
    for record in records:
        values = entry_values(record, kind.document(record))
        if record.pk in stored:
            changed.append(SearchEntry(id=stored[record.pk], **values))
        else:
            new.append(SearchEntry(content_type=content_type, object_id=record.pk, **values))
    SearchEntry.objects.bulk_create(new, batch_size=BATCH)
    SearchEntry.objects.bulk_update(changed, ["compartment_id", "plain", "blind"], batch_size=BATCH)


def _batches(kind: Searchable) -> Iterator[list[Any]]:
    rows = kind.model._base_manager.filter(deleted_at__isnull=True).order_by("pk")
    if kind.prefetch:
        rows = rows.prefetch_related(*kind.prefetch)
    batch: list[Any] = []
    for record in rows.iterator(chunk_size=BATCH):
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(
    kinds: Iterable[Searchable] = SEARCHABLE, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Remake every entry of some kinds from their records (the index starts empty)."""
    counts = {}
    for kind in kinds:
        content_type = ContentType.objects.get_for_model(kind.model)
        done = 0
        with transaction.atomic():
            SearchEntry.objects.filter(content_type=content_type).delete()
            for batch in _batches(kind):
                _write(kind, content_type, batch)
                done += len(batch)
                if progress:
                    progress(kind.label, done)
        counts[kind.label] = done
    return counts


def on_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """post_save of a searchable record: refresh its entry (not while loading fixtures)."""
    if not raw:
        refresh([instance])


def on_child_save(attribute: str) -> Callable[..., None]:
    """post_save of another name of a record: refresh the record it belongs to."""

    def handler(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return
        parent = getattr(instance, attribute)
        kind = searchable(type(parent))
        if kind is not None and kind.prefetch:
            parent = type(parent)._base_manager.prefetch_related(*kind.prefetch).get(pk=parent.pk)
        refresh([parent])

    return handler

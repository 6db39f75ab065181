"""How every import runs: read, check every row, then write all or nothing.

``services.run_import(kind, data, file_name, actor=..., dry_run=...)``:

1. refuses a user who may not add to the registers (a content role is needed);
2. reads the file (``reader.read_table``: encoding, headers, HXL) and lets the kind's
   importer check every row, collecting every problem (file, row, column, reason);
   one problem and the file is refused whole: nothing is written;
3. in one transaction opens an ``ImportRun``, lets the importer write through the
   services (and ``batch.create_in_bulk``), records provenance for every fact it
   creates or updates, and closes the run with its counts. A fact changed by hand since
   the last import is not overwritten: it is a conflict, listed in the report;
4. a dry run does all of that and then rolls it back, so its list of creates, updates
   and conflicts is exactly what the real run would do; the run itself is then recorded
   with what it would have done. A refused or failed run is recorded the same way.

The run, every fact written and every provenance row go through the change log and the
audit chain, under the importing user's name.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_noop
from tqdm import tqdm

from pourparler.core.models import Record, User
from pourparler.core.services import create_record, update_record
from pourparler.exchange.batch import create_in_bulk, validate_new
from pourparler.exchange.choices import ReviewStatus
from pourparler.exchange.models import ImportRun, Provenance, ReviewItem
from pourparler.exchange.reader import Problem, RowError, Table, problem, read_table

logger = logging.getLogger(__name__)

# How many changes a run's report lists one by one (the counts cover them all).
REPORT_LIMIT = 2000
# Records written at a time (one audit append each), so the progress bar moves.
FLUSH_BATCH = 1000

_T = TypeVar("_T")
_R = TypeVar("_R", bound=Record)


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


@dataclass
class Counts:
    """What a run did to one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0


@dataclass
class ImportContext:
    """What an importer writes through: it counts, keeps provenance and lists changes."""

    run: ImportRun
    actor: User
    source: str
    file_name: str
    show_progress: bool = False
    errors: list[RowError] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    conflict_list: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    queued: int = 0
    # Rows left alone because their identifier is held by a bearer the user may not see.
    skipped: int = 0
    _pending: dict[type[Record], list[Record]] = field(default_factory=dict)
    _pending_m2m: dict[Any, Mapping[str, Iterable[Any]]] = field(default_factory=dict)
    _rows: dict[Any, int] = field(default_factory=dict)
    _provenance: list[Provenance] = field(default_factory=list)
    _content_types: dict[type[models.Model], ContentType] = field(default_factory=dict)
    _after_flush: list[Callable[[], None]] = field(default_factory=list)
    _imported: dict[type[Record], set[Any]] = field(default_factory=dict)

    # -- reporting ---------------------------------------------------------------------

    def error(self, row: int, column: str, reason: Problem | str) -> None:
        """Note a problem in a row; the run will be refused and roll back."""
        self.errors.append(RowError(self.file_name, row, column, Problem.of(reason)))

    def note(self, text: Problem | str) -> None:
        """Note something a person should know that does not stop the import."""
        if len(self.notes) < REPORT_LIMIT:
            self.notes.append(Problem.of(text).as_dict())

    def _change(self, action: str, obj: Record, row: int, what: str, **extra: Any) -> None:
        entry = {"action": action, "model": _label(type(obj)), "row": row, "what": what, **extra}
        if action == "conflict":
            self.conflict_list.append(entry)
        if len(self.changes) < REPORT_LIMIT:
            self.changes.append(entry)

    def progress(self, items: Sequence[_T], description: str, unit: str = "row") -> Iterator[_T]:
        """Iterate, with a progress bar on the console for long files."""
        if not self.show_progress:
            yield from items
            return
        with tqdm(
            total=len(items), desc=description, unit=unit, file=sys.stderr, leave=False
        ) as bar:
            for item in items:
                yield item
                bar.update(1)

    # -- writes --------------------------------------------------------------------------

    def content_type(self, model: type[models.Model]) -> ContentType:
        """Return (and remember) a model's content type."""
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    def create(
        self,
        obj: _R,
        *,
        row: int,
        what: str = "",
        columns: Mapping[str, str] | None = None,
        m2m: Mapping[str, Iterable[Any]] | None = None,
    ) -> _R:
        """Queue a new fact; it is validated now and written with its kind at ``flush``.

        ``columns`` maps the record's fields to the file's columns, so a value the
        record refuses is reported against the column it came from.
        """
        try:
            validate_new(obj)
        except ValidationError as invalid:
            for name, errors in invalid.error_dict.items():
                column = (columns or {}).get(name, name)
                for error in errors:
                    self.error(row, column, _validation_problem(error))
            return obj
        self._pending.setdefault(type(obj), []).append(obj)
        if m2m:
            self._pending_m2m[obj.pk] = {k: list(v) for k, v in m2m.items()}
        self._rows[obj.pk] = row
        self.counts[_label(type(obj))].created += 1
        self._change("create", obj, row, what or str(obj))
        return obj

    def is_pending(self, obj: Record) -> bool:
        """Say whether the fact is one this run is creating (queued, not yet written)."""
        return obj.pk in self._rows

    def unchanged(self, obj: Record) -> None:
        """Count a fact the file repeats as it is stored."""
        self.count_unchanged(type(obj))

    def count_unchanged(self, model: type[Record]) -> None:
        """Count a fact of a kind that the file repeats as it is stored."""
        self.counts[_label(model)].unchanged += 1

    def update(
        self,
        obj: _R,
        *,
        row: int,
        changes: Mapping[str, Any],
        what: str = "",
        m2m: Mapping[str, Iterable[Any]] | None = None,
    ) -> _R:
        """Bring a stored fact to what the file says, unless someone changed it by hand.

        A fact the last import left untouched is updated (through ``update_record``,
        with its version: a concurrent edit is an ``EditConflict``). A fact edited since,
        or never imported, is left as it is and reported as a conflict.
        """
        differing = {k: v for k, v in changes.items() if getattr(obj, k) != v}
        links = {
            name: sorted({getattr(v, "pk", v) for v in values}, key=str)
            for name, values in (m2m or {}).items()
        }
        stored_links = {
            # .all() uses links prefetched by the importer, if it prefetched them.
            name: sorted((linked.pk for linked in getattr(obj, name).all()), key=str)
            for name in links
        }
        changed_links = {n: v for n, v in links.items() if v != stored_links[n]}
        if not differing and not changed_links:
            self.unchanged(obj)
            return obj
        fields = {
            name: [_shown(getattr(obj, name)), _shown(value)] for name, value in differing.items()
        }
        fields.update({n: [len(stored_links[n]), len(v)] for n, v in changed_links.items()})
        if self.last_import_version(obj) != obj.version:
            self.counts[_label(type(obj))].conflicts += 1
            self._change("conflict", obj, row, what or str(obj), fields=fields)
            return obj
        updated = update_record(
            obj,
            actor=self.actor,
            expected_version=obj.version,
            changes=differing,
            m2m=changed_links or None,
        )
        self._provenance.append(self._provenance_for(updated, row))
        self.counts[_label(type(obj))].updated += 1
        self._change("update", obj, row, what or str(obj), fields=fields)
        return updated

    def fill(self, obj: _R, *, row: int, changes: Mapping[str, Any], what: str = "") -> _R:
        """Fill fields a stored fact leaves empty; never change one that holds a value.

        For facts registered by hand: the import adds what is missing and nothing else.
        """
        blanks = {k: v for k, v in changes.items() if getattr(obj, k) in ("", None) and v}
        if not blanks:
            self.unchanged(obj)
            return obj
        filled = update_record(obj, actor=self.actor, expected_version=obj.version, changes=blanks)
        self._provenance.append(self._provenance_for(filled, row))
        self.counts[_label(type(obj))].updated += 1
        fields = {name: ["", _shown(value)] for name, value in blanks.items()}
        self._change("update", obj, row, what or str(obj), fields=fields)
        return filled

    def created_by_import(self, obj: Record) -> bool:
        """Say whether an import registered this fact (rather than a person)."""
        model = type(obj)
        if model not in self._imported:
            self._imported[model] = set(
                Provenance.objects.filter(
                    content_type=self.content_type(model),
                    object_version=1,
                    deleted_at__isnull=True,
                ).values_list("object_id", flat=True)
            )
        return obj.pk in self._imported[model]

    def last_import_version(self, obj: Record) -> int | None:
        """Return the version of a fact the last import left, None if never imported."""
        found: int | None = Provenance.objects.filter(
            content_type=self.content_type(type(obj)), object_id=obj.pk, deleted_at__isnull=True
        ).aggregate(v=Max("object_version"))["v"]
        return found

    def queue_review(
        self,
        *,
        subject: str,
        name: str,
        scheme: str,
        key: str,
        row: int,
        candidates: list[dict[str, Any]],
        payload: Mapping[str, Any] | None = None,
    ) -> ReviewItem:
        """Put a name a person must decide on in the review queue (once per name)."""
        existing = ReviewItem.objects.alive().filter(
            scheme=scheme, key=key, status=ReviewStatus.PENDING
        )
        item = existing.first()
        if item is not None:
            return item
        item = ReviewItem(
            subject=subject,
            name=name[:300],
            scheme=scheme,
            key=key[:300],
            source=self.source,
            file_name=self.file_name[:255],
            row_number=row,
            run=self.run,
            candidates=candidates,
            payload=dict(payload or {}),
        )
        create_record(item, actor=self.actor)
        self.queued += 1
        self.note(
            problem(
                gettext_noop("Row %(row)s: “%(name)s” waits in the review queue."),
                row=row,
                name=name,
            )
        )
        return item

    def pending(self, model: type[_R]) -> list[_R]:
        """Return the records of a kind queued so far in this run."""
        return [obj for obj in self._pending.get(model, []) if isinstance(obj, model)]

    def _provenance_for(self, obj: Record, row: int) -> Provenance:
        return Provenance(
            run=self.run,
            content_type=self.content_type(type(obj)),
            object_id=obj.pk,
            object_version=obj.version,
            source=self.source[:200],
            file_name=self.file_name[:255],
            row_number=row,
        )

    def after_flush(self, hook: Callable[[], None]) -> None:
        """Run something once the queued facts are written (refresh derived data)."""
        self._after_flush.append(hook)

    def flush(self) -> None:
        """Write every queued fact, a kind after the kinds it points to, then provenance."""
        pending, self._pending = self._pending, {}
        batches: list[list[Record]] = []
        for model in _dependency_order(list(pending)):
            objs = pending[model]
            batches += [objs[i : i + FLUSH_BATCH] for i in range(0, len(objs), FLUSH_BATCH)]
            for obj in objs:
                self._provenance.append(self._provenance_for(obj, self._rows[obj.pk]))
        provenance: list[Record] = list(self._provenance)
        self._provenance = []
        for item in provenance:
            validate_new(item)
        batches += [provenance[i : i + FLUSH_BATCH] for i in range(0, len(provenance), FLUSH_BATCH)]
        for batch in self.progress(batches, "writing", unit="batch"):
            create_in_bulk(
                batch,
                actor=self.actor,
                m2m={obj.pk: self._pending_m2m.get(obj.pk, {}) for obj in batch},
                validated=True,
            )
        hooks, self._after_flush = self._after_flush, []
        for hook in hooks:
            hook()

    def totals(self) -> Counts:
        """Add up the counts of every kind of record."""
        total = Counts()
        for counts in self.counts.values():
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.conflicts += counts.conflicts
        return total

    def report(self) -> dict[str, Any]:
        """Return the run's report: counts by kind, changes, conflicts, notes, errors."""
        if self.skipped:
            self.note(
                problem(
                    gettext_noop(
                        "Rows left alone: %(count)s. The identifier is held by a bearer you "
                        "may not see. Ask its delegation to import them."
                    ),
                    count=self.skipped,
                )
            )
            self.skipped = 0
        return {
            "by_model": {name: vars(c) for name, c in sorted(self.counts.items())},
            "changes": self.changes,
            "conflicts": self.conflict_list[:REPORT_LIMIT],
            "notes": self.notes,
            "errors": [e.as_dict() for e in self.errors[:REPORT_LIMIT]],
        }


def _validation_problem(error: ValidationError) -> Problem:
    """Keep Django's own message id (English is the source language) and its values.

    A message with plural forms has no single id: it is kept as the English sentence.
    """
    template = str(error.message)
    params = dict(error.params or {})
    if template:
        try:
            template % params
        except (KeyError, TypeError, ValueError):
            pass
        else:
            return Problem(template, params)
    return Problem(str(error.messages[0]))


def _dependency_order(models_: list[type[Record]]) -> list[type[Record]]:
    """Order kinds of record so that each comes after the kinds its foreign keys point to."""
    waiting = list(models_)
    done: list[type[Record]] = []
    while waiting:
        for model in waiting:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            }
            if not targets & (set(waiting) - {model}):
                done.append(model)
                waiting.remove(model)
                break
        else:  # a cycle between kinds: the database checks the keys at commit
            done.extend(waiting)
            break
    return done


def _shown(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --------------------------------------------------------------------------------------
# Importers
# --------------------------------------------------------------------------------------


class Importer:
    """One format. ``parse`` checks every row and writes nothing; ``apply`` writes."""

    kind: ClassVar[str]
    source: ClassVar[str]

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options = dict(options or {})

    def read(self, data: bytes, file_name: str, encoding: str | None) -> Table:
        """Read the file into a table (CSV, XLSX or JSON)."""
        return read_table(data, file_name, encoding=encoding)

    def source_of(self, table: Table) -> str:
        """Name the dataset the file comes from (with its version when the file says it)."""
        return self.source

    def parse(self, table: Table, errors: list[RowError]) -> list[Any]:
        """Check every row; return what ``apply`` needs. Append problems to ``errors``."""
        raise NotImplementedError

    def apply(self, items: list[Any], ctx: ImportContext) -> None:
        """Write the items through the context."""
        raise NotImplementedError


IMPORTERS: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Make an importer known by its kind."""
    IMPORTERS[cls.kind] = cls
    return cls


def importer_for(kind: str) -> type[Importer]:
    """Return the importer of a kind (hyphens or underscores); KeyError if unknown."""
    from pourparler.exchange import importers  # noqa: F401  (registers every kind)

    return IMPORTERS[kind.replace("-", "_")]


def kinds() -> list[str]:
    """Return the known kinds as the command line spells them."""
    from pourparler.exchange import importers  # noqa: F401

    return sorted(kind.replace("_", "-") for kind in IMPORTERS)

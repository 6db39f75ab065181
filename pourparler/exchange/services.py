"""Every write of the exchange app: import runs, and the decisions on the review queue.

``run_import(kind, data, file_name, actor=..., dry_run=...)`` is the one way in for every
import (the command line and the upload page call it). See ``engine.py`` for how the
importers write and docs/imports.md for the whole story.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from pourparler.bearers.choices import BearerKind, IdScheme, NameKind
from pourparler.bearers.models import BearerName, ExternalId, WeaponBearer
from pourparler.bearers.services import do_add_bearer_name, do_create_bearer
from pourparler.core.access import clearance_for, may_change_reference
from pourparler.core.models import User
from pourparler.core.retention import system_update
from pourparler.core.services import (
    EditConflict,
    RecordGone,
    create_record,
    ensure_permitted,
    require_visible,
    update_record,
    write_service,
)
from pourparler.core.text import fold
from pourparler.exchange.choices import ReviewStatus, RunStatus
from pourparler.exchange.engine import REPORT_LIMIT, ImportContext, Importer, importer_for
from pourparler.exchange.importers.linking import link_decided
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.reader import ImportRefused, Problem, RowError, problem
from pourparler.geo.lookup import CountryResolver

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


# --------------------------------------------------------------------------------------


def may_import(user: User) -> bool:
    """Say whether a user may add to the organisation-wide registers (a content role)."""
    clearance = clearance_for(user)
    return clearance is not None and may_change_reference(ImportRun, clearance)


class _DryRunDone(Exception):
    def __init__(self, ctx: ImportContext) -> None:
        super().__init__("dry run")
        self.ctx = ctx


@dataclass
class _Attempt:
    kind: str
    source: str
    file_name: str
    sha256: str
    encoding: str
    dry_run: bool
    options: dict[str, Any]
    started_at: Any
    rows: int = 0


def _base_run(attempt: _Attempt, status: str) -> ImportRun:
    return ImportRun(
        kind=attempt.kind,
        source=attempt.source[:200],
        file_name=attempt.file_name[:255],
        sha256=attempt.sha256,
        encoding=attempt.encoding[:32],
        dry_run=attempt.dry_run,
        status=status,
        rows=attempt.rows,
        started_at=attempt.started_at,
        options=attempt.options,
    )


@write_service
def do_record_import_run(
    *,
    actor: User,
    attempt: _Attempt,
    status: str,
    ctx: ImportContext | None = None,
    errors: Sequence[RowError] = (),
    failure: str = "",
    queued: ImportRun | None = None,
) -> ImportRun:
    """Record a run whose work was rolled back: a dry run, a refused or a failed one.

    A run that waited for the worker (``queued``) is closed with the outcome instead.
    """
    run = _base_run(attempt, status)
    run.ended_at = timezone.now()
    report: dict[str, Any] = ctx.report() if ctx else {}
    if ctx is not None:
        total = ctx.totals()
        run.created, run.updated = total.created, total.updated
        run.unchanged, run.conflicts, run.queued = total.unchanged, total.conflicts, ctx.queued
    if errors:
        report["errors"] = [e.as_dict() for e in errors[:REPORT_LIMIT]]
        run.errors = len(errors)
    if failure:
        report["failure"] = failure
    run.report = report
    if queued is None:
        return create_record(run, actor=actor)
    stored = ImportRun.objects.alive().get(pk=queued.pk)
    closing = ("status", "ended_at", "created", "updated", "unchanged", "conflicts", "queued")
    changes = {name: getattr(run, name) for name in closing}
    changes.update(errors=run.errors, encoding=run.encoding, rows=run.rows)
    changes["report"] = {**_job_of(stored), **report}
    return update_record(stored, actor=actor, expected_version=stored.version, changes=changes)


def _job_of(run: ImportRun) -> dict[str, Any]:
    """The id of the job that ran a queued run, kept in its report."""
    report = run.report or {}
    return {"job": report["job"]} if "job" in report else {}


# What a job is told as an import moves on: the step, how many done, out of how many.
ProgressHook = Callable[[str, int, int], None]


@dataclass
class _ReportingContext(ImportContext):
    """An import context that also tells a hook how far each step has gone (for jobs)."""

    hook: ProgressHook | None = None

    def progress(self, items: Sequence[_T], description: str, unit: str = "row") -> Iterator[_T]:
        """Iterate as the engine does, and tell the hook every few percent."""
        hook, total = self.hook, len(items)
        if hook is None:
            yield from super().progress(items, description, unit)
            return
        hook(description, 0, total)
        step = max(1, total // 50)
        for done, item in enumerate(super().progress(items, description, unit), start=1):
            yield item
            if done % step == 0 or done == total:
                hook(description, done, total)


@write_service
def do_import_file(
    *,
    actor: User,
    importer: Importer,
    items: list[Any],
    attempt: _Attempt,
    show_progress: bool,
    queued: ImportRun | None = None,
    progress: ProgressHook | None = None,
) -> ImportRun:
    """Write a checked file in one transaction; a dry run ends by rolling it back.

    A run that waited for the worker (``queued``, already marked running) is the run
    the import writes under, instead of a new one.
    """
    if queued is None:
        run = create_record(_base_run(attempt, RunStatus.RUNNING), actor=actor)
    else:
        run = ImportRun.objects.alive().get(pk=queued.pk)
    ctx = _ReportingContext(
        run=run,
        actor=actor,
        source=attempt.source,
        file_name=attempt.file_name,
        show_progress=show_progress,
        hook=progress,
    )
    importer.apply(items, ctx)
    ctx.flush()
    if ctx.errors:
        raise ImportRefused(ctx.errors)
    if attempt.dry_run:
        raise _DryRunDone(ctx)
    total = ctx.totals()
    return update_record(
        run,
        actor=actor,
        expected_version=run.version,
        changes={
            "status": RunStatus.COMPLETED,
            "source": attempt.source[:200],
            "encoding": attempt.encoding[:32],
            "rows": attempt.rows,
            "ended_at": timezone.now(),
            "created": total.created,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "conflicts": total.conflicts,
            "queued": ctx.queued,
            "report": {**_job_of(run), **ctx.report()},
        },
    )


def run_import(
    kind: str,
    data: bytes,
    file_name: str,
    *,
    actor: User,
    dry_run: bool = False,
    options: Mapping[str, Any] | None = None,
    encoding: str | None = None,
    show_progress: bool = False,
    queued: ImportRun | None = None,
    progress: ProgressHook | None = None,
) -> ImportRun:
    """Import one file of a kind as ``actor``; return the recorded run (see the module).

    ``queued`` is a run that waited for the worker (``pourparler.jobs``): the import is
    recorded on it, whatever the outcome; ``progress`` is told how far each step went.
    """
    if not may_import(actor):
        raise PermissionDenied("Only staff with a content role may import into the registers.")
    importer = importer_for(kind)(options)
    attempt = _Attempt(
        kind=importer.kind,
        source=importer.source,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="",
        dry_run=dry_run,
        options=dict(options or {}),
        started_at=timezone.now(),
    )
    try:
        table = importer.read(data, file_name, encoding)
        attempt.encoding = table.encoding
        attempt.source = importer.source_of(table)
        attempt.rows = len(table.rows)
        errors: list[RowError] = []
        items = importer.parse(table, errors)
        if errors:
            raise ImportRefused(errors)
    except ImportRefused as refused:
        errors = [_named(e, file_name) for e in refused.errors]
        return do_record_import_run(
            actor=actor, attempt=attempt, status=RunStatus.REFUSED, errors=errors, queued=queued
        )
    try:
        return do_import_file(
            actor=actor,
            importer=importer,
            items=items,
            attempt=attempt,
            show_progress=show_progress,
            queued=queued,
            progress=progress,
        )
    except _DryRunDone as done:
        return do_record_import_run(
            actor=actor, attempt=attempt, status=RunStatus.PREVIEWED, ctx=done.ctx
        )
    except ImportRefused as refused:
        return do_record_import_run(
            actor=actor,
            attempt=attempt,
            status=RunStatus.REFUSED,
            errors=refused.errors,
            queued=queued,
        )
    except (
        DatabaseError,
        ValidationError,
        ValueError,
        EditConflict,
        RecordGone,
        PermissionDenied,
    ) as failure:
        logger.warning("Import of %s failed: %s", file_name, failure)
        return do_record_import_run(
            actor=actor,
            attempt=attempt,
            status=RunStatus.FAILED,
            failure=str(failure)[:2000],
            queued=queued,
        )


# --------------------------------------------------------------------------------------
# Imports run by the worker (pourparler/jobs): queued, started, closed
# --------------------------------------------------------------------------------------


# Why a queued import closes without importing (``pourparler/jobs/imports.py``).
JOB_NO_LONGER_ALLOWED = gettext_noop(
    "Not imported: the person who asked may no longer import into the registers."
)
JOB_FILE_GONE = gettext_noop("Not imported: the file was no longer on the server. Upload it again.")
JOB_BROKE_DOWN = gettext_noop(
    "The import stopped on an unexpected error: nothing was written. Upload the file again, "
    "or ask an administrator to look at the worker's log."
)


@write_service
def do_queue_import(preview: ImportRun, *, actor: User, run_id: uuid.UUID, job: str) -> ImportRun:
    """Record the confirmed import of a previewed file as a run waiting for the worker."""
    if not may_import(actor):
        raise PermissionDenied("Only staff with a content role may import into the registers.")
    if preview.status != RunStatus.PREVIEWED or not preview.dry_run:
        raise ValueError("Only a preview can be imported.")
    run = ImportRun(
        id=run_id,
        kind=preview.kind,
        source=preview.source,
        file_name=preview.file_name,
        sha256=preview.sha256,
        encoding=preview.encoding,
        dry_run=False,
        status=RunStatus.QUEUED,
        rows=preview.rows,
        started_at=timezone.now(),
        options=preview.options,
        report={"job": job},
    )
    return create_record(run, actor=actor)


@write_service
def do_start_queued_import(run: ImportRun, *, actor: User) -> ImportRun:
    """Mark a queued run as running, so its page says so while the import works."""
    if run.status != RunStatus.QUEUED:
        raise ValueError("This import is not waiting for the worker.")
    return update_record(
        run,
        actor=actor,
        expected_version=run.version,
        changes={"status": RunStatus.RUNNING, "started_at": timezone.now()},
    )


def close_queued_import(run: ImportRun, reason: Problem) -> ImportRun:
    """Close a queued or running run that cannot be imported, as the system, saying why.

    For a job whose user may no longer import (they could not write the run themselves),
    or whose file is gone: nothing is imported, the run says what happened.
    """
    with transaction.atomic():
        stored = ImportRun.objects.alive().get(pk=run.pk)
        changes = {
            "status": RunStatus.FAILED,
            "ended_at": timezone.now(),
            "report": {**_job_of(stored), "failure": reason.as_dict()},
        }
        return system_update(stored, changes)


def _named(error: RowError, file_name: str) -> RowError:
    if error.file:
        return error
    return RowError(file_name, error.row, error.column, error.problem)


# --------------------------------------------------------------------------------------
# The review queue: a person decides what an imported name designates
# --------------------------------------------------------------------------------------


class NotPending(ValueError):
    """The name was decided already (perhaps by a colleague a moment ago)."""


def _pending(item: ReviewItem) -> None:
    if item.status != ReviewStatus.PENDING:
        raise NotPending("This name was decided already.")


def _add_identity(item: ReviewItem, bearer: WeaponBearer, actor: User) -> None:
    """Give the bearer the imported identifier and names, so the next import links by itself."""
    taken = (
        ExternalId.objects.alive()
        .filter(scheme=item.scheme, value=item.key)
        .exclude(bearer=bearer)
        .exists()
    )
    if taken:
        raise ValueError(problem(gettext_noop("Another bearer already carries this identifier.")))
    has_it = ExternalId.objects.alive().filter(scheme=item.scheme, value=item.key, bearer=bearer)
    if item.scheme in IdScheme.values and not has_it.exists():
        create_record(ExternalId(bearer=bearer, scheme=item.scheme, value=item.key), actor=actor)
    held = {fold(bearer.name)} | {
        fold(n)
        for n in BearerName.objects.alive().filter(bearer=bearer).values_list("name", flat=True)
    }
    wanted = [{"name": item.name, "kind": NameKind.ALIAS}, *item.payload.get("names", [])]
    for fields in wanted:
        if fold(fields["name"]) not in held:
            held.add(fold(fields["name"]))
            do_add_bearer_name(bearer, actor=actor, **fields)
    for hook in LINK_HOOKS:
        hook(item, bearer, actor)


# What a decision must also link: the events and parties that name the same actor.
LINK_HOOKS: list[Any] = [link_decided]


@write_service
def do_link_review_item(
    item: ReviewItem, bearer: WeaponBearer, *, actor: User, expected_version: int, note: str = ""
) -> ReviewItem:
    """Decide that an imported name designates a bearer we know, and link it."""
    _pending(item)
    require_visible(WeaponBearer, [bearer], actor)
    ensure_permitted(item, actor)
    _add_identity(item, bearer, actor)
    return update_record(
        item,
        actor=actor,
        expected_version=expected_version,
        changes={"status": ReviewStatus.LINKED, "bearer": bearer, "note": note},
    )


@write_service
def do_register_review_item(
    item: ReviewItem, *, actor: User, expected_version: int, kind: str = "", note: str = ""
) -> ReviewItem:
    """Decide that an imported name is a bearer we did not know, and register it."""
    _pending(item)
    ensure_permitted(item, actor)
    payload = item.payload
    countries, _left = CountryResolver().resolve_list(payload.get("locations", ""))
    bearer = do_create_bearer(
        actor=actor,
        name=item.name[:200],
        kind=kind or payload.get("kind") or BearerKind.NON_STATE_ARMED_GROUP,
        organisation_level=payload.get("organisation_level", ""),
        countries=countries,
    )
    _add_identity(item, bearer, actor)
    return update_record(
        item,
        actor=actor,
        expected_version=expected_version,
        changes={"status": ReviewStatus.CREATED, "bearer": bearer, "note": note},
    )


@write_service
def do_dismiss_review_item(
    item: ReviewItem, *, actor: User, expected_version: int, note: str = ""
) -> ReviewItem:
    """Decide that an imported name is not a weapon bearer (civilians, protesters…)."""
    _pending(item)
    return update_record(
        item,
        actor=actor,
        expected_version=expected_version,
        changes={"status": ReviewStatus.DISMISSED, "note": note},
    )


@write_service
def do_cancel_preview(run: ImportRun, *, actor: User) -> ImportRun:
    """Record that a previewed file was not imported after all."""
    if run.status != RunStatus.PREVIEWED:
        raise ValueError("Only a preview can be cancelled.")
    return update_record(
        run, actor=actor, expected_version=run.version, changes={"status": RunStatus.CANCELLED}
    )

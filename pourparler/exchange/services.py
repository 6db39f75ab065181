"""Every write of the exchange app: import runs, and the decisions on the review queue.

``run_import(kind, data, file_name, actor=..., dry_run=...)`` is the one way in for every
import (the command line and the upload page call it). See ``engine.py`` for how the
importers write and docs/imports.md for the whole story.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_noop

from pourparler.bearers.choices import BearerKind, IdScheme, NameKind
from pourparler.bearers.models import BearerName, ExternalId, WeaponBearer
from pourparler.bearers.services import do_add_bearer_name, do_create_bearer
from pourparler.core.access import clearance_for, may_change_reference
from pourparler.core.models import User
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
from pourparler.exchange.reader import ImportRefused, RowError, problem
from pourparler.geo.lookup import CountryResolver

logger = logging.getLogger(__name__)


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
) -> ImportRun:
    """Record a run whose work was rolled back: a dry run, a refused or a failed one."""
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
    return create_record(run, actor=actor)


@write_service
def do_import_file(
    *, actor: User, importer: Importer, items: list[Any], attempt: _Attempt, show_progress: bool
) -> ImportRun:
    """Write a checked file in one transaction; a dry run ends by rolling it back."""
    run = create_record(_base_run(attempt, RunStatus.RUNNING), actor=actor)
    ctx = ImportContext(
        run=run,
        actor=actor,
        source=attempt.source,
        file_name=attempt.file_name,
        show_progress=show_progress,
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
            "ended_at": timezone.now(),
            "created": total.created,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "conflicts": total.conflicts,
            "queued": ctx.queued,
            "report": ctx.report(),
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
) -> ImportRun:
    """Import one file of a kind as ``actor``; return the recorded run (see the module)."""
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
            actor=actor, attempt=attempt, status=RunStatus.REFUSED, errors=errors
        )
    try:
        return do_import_file(
            actor=actor,
            importer=importer,
            items=items,
            attempt=attempt,
            show_progress=show_progress,
        )
    except _DryRunDone as done:
        return do_record_import_run(
            actor=actor, attempt=attempt, status=RunStatus.PREVIEWED, ctx=done.ctx
        )
    except ImportRefused as refused:
        return do_record_import_run(
            actor=actor, attempt=attempt, status=RunStatus.REFUSED, errors=refused.errors
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
            actor=actor, attempt=attempt, status=RunStatus.FAILED, failure=str(failure)[:2000]
        )


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

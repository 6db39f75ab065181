"""The API of imports, read only: the runs of ``pourparler import`` and the review queue.

Both are organisation-wide. A run gives its counters (rows read, created, updated,
unchanged, conflicts, errors, names queued for review), not its row-by-row report or
options (read them on the run's page). A review item decided for a bearer the caller
may not see is hidden with it (``access_via``); the matcher's candidates are not given
(the review page shows those the viewer may see). Deciding an item is done on its page.
"""

from __future__ import annotations

import datetime
import uuid

from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import QS, Resource, register
from pourparler.api.schemas import RecordOut
from pourparler.core.models import User
from pourparler.exchange.choices import ImportKind, ReviewStatus, ReviewSubject, RunStatus
from pourparler.exchange.models import ImportRun, ReviewItem

router = Router()


class ImportRunOut(RecordOut):
    """One import of a file, or its preview, and what it did."""

    kind: ImportKind
    source: str
    file_name: str
    encoding: str
    dry_run: bool
    status: RunStatus
    rows: int
    created: int
    updated: int
    unchanged: int
    conflicts: int
    errors: int
    queued: int
    started_at: datetime.datetime
    ended_at: datetime.datetime | None


class ImportRunFilters(Schema):
    """Filters of the import runs."""

    kind: ImportKind | None = None
    status: RunStatus | None = None


def _filter_runs(queryset: QS, filters: ImportRunFilters, user: User) -> QS:
    wanted = {"kind": filters.kind, "status": filters.status}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=ImportRun,
        path="import-runs",
        out=ImportRunOut,
        tag="exchange",
        order=("-started_at", "id"),
        filters=ImportRunFilters,
        filter=_filter_runs,
    ),
)


class ReviewItemOut(RecordOut):
    """An imported name that may designate a bearer we know, and what was decided."""

    subject: ReviewSubject
    status: ReviewStatus
    name: str
    scheme: str
    key: str
    source: str
    file_name: str
    row_number: int
    run: uuid.UUID = Field(validation_alias="run_id")
    bearer: uuid.UUID | None = Field(validation_alias="bearer_id")
    note: str


class ReviewItemFilters(Schema):
    """Filters of the review queue."""

    status: ReviewStatus | None = None
    run: uuid.UUID | None = None


def _filter_items(queryset: QS, filters: ReviewItemFilters, user: User) -> QS:
    wanted = {"status": filters.status, "run_id": filters.run}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=ReviewItem,
        path="review-items",
        out=ReviewItemOut,
        tag="exchange",
        order=("-created_at", "id"),
        filters=ReviewItemFilters,
        filter=_filter_items,
    ),
)

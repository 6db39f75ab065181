"""The API of imports: the runs of ``pourparler import`` and the review queue (read
only), and the decisions on the queue.

Both are organisation-wide. A run gives its counters (rows read, created, updated,
unchanged, conflicts, errors, names queued for review), not its row-by-row report or
options (read them on the run's page). A review item decided for a bearer the caller
may not see is hidden with it (``access_via``); the matcher's candidates are not given
(the review page shows those the viewer may see).

A pending item is decided as on its page, through the same services and by the same
people (those who may change it: staff with a content role; anyone else who may read
it gets a 403): ``POST /review-items/{id}/link/`` (it designates a bearer the caller may
see), ``register/`` (a bearer we did not know: it is registered) or ``dismiss/`` (not a
weapon bearer). Each names the version of the item read; an item decided meanwhile, or
at another version, is a 409 with the item as it now stands.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from pourparler.api.resources import (
    BAD_BODY,
    ERRORS,
    QS,
    Resource,
    _write,
    actor_of,
    linked,
    register,
)
from pourparler.api.schemas import ErrorOut, RecordOut, Text, VersionIn, conflict_of
from pourparler.bearers.choices import BearerKind
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.core.services import EditConflict
from pourparler.exchange.choices import ImportKind, ReviewStatus, ReviewSubject, RunStatus
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.services import (
    NotPending,
    do_dismiss_review_item,
    do_link_review_item,
    do_register_review_item,
)

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


REVIEW_ITEMS = Resource(
    model=ReviewItem,
    path="review-items",
    out=ReviewItemOut,
    tag="exchange",
    order=("-created_at", "id"),
    filters=ReviewItemFilters,
    filter=_filter_items,
)
register(router, REVIEW_ITEMS)

# --- Deciding a review item ---------------------------------------------------------------


class DecisionIn(VersionIn):
    """The version of the item read, and why, for whoever looks at the decision later."""

    note: Text = Field("", max_length=500)


class LinkIn(DecisionIn):
    """The bearer the imported name designates (one you may see)."""

    bearer: uuid.UUID


class RegisterIn(DecisionIn):
    """The kind of the bearer to register (the file's, or a non-State armed group, if
    left out)."""

    kind: BearerKind | None = None


class _Decided(Exception):
    """The item was decided meanwhile (the service's ``NotPending``)."""


DECISION_ANSWERS: dict[int, Any] = {
    200: ReviewItemOut,
    **ERRORS,
    **BAD_BODY,
    404: ErrorOut,
    409: conflict_of(ReviewItemOut),
}


def _decide(
    request: HttpRequest, pk: uuid.UUID, decide: Callable[[ReviewItem, User], ReviewItem]
) -> Any:
    """Decide an item the caller may see and change, as the review page does."""
    user = actor_of(request)
    item = REVIEW_ITEMS.fetch(user, pk)
    if not ReviewItem.objects.visible_to(user, "change").filter(pk=item.pk).exists():
        raise PermissionDenied("You may read the review queue but not decide.")

    def attempt() -> ReviewItem:
        try:
            return decide(item, user)
        except NotPending:
            raise _Decided from None

    try:
        decided = _write(attempt)
    except (EditConflict, _Decided):
        current = REVIEW_ITEMS.fetch(user, pk)
        detail = (
            f"This name was decided or changed since you read it: it is now "
            f"{current.get_status_display().lower()}, at version {current.version}."
        )
        return Status(409, {"detail": detail, "current": current})
    return REVIEW_ITEMS.fetch(user, decided.pk)


@router.post(
    "/review-items/{pk}/link/",
    response=DECISION_ANSWERS,
    summary="Link a review item to a bearer",
    operation_id="link_review_item",
    tags=["exchange"],
)
def link_review_item(request: HttpRequest, pk: uuid.UUID, payload: LinkIn) -> Any:
    """Decide that an imported name designates a bearer we know: it gets the name and the
    identifier, so the next import links it by itself."""
    return _decide(
        request,
        pk,
        lambda item, user: do_link_review_item(
            item,
            linked(WeaponBearer, payload.bearer, user, "bearer"),
            actor=user,
            expected_version=payload.version,
            note=payload.note,
        ),
    )


@router.post(
    "/review-items/{pk}/register/",
    response=DECISION_ANSWERS,
    summary="Register a review item as a new bearer",
    operation_id="register_review_item",
    tags=["exchange"],
)
def register_review_item(request: HttpRequest, pk: uuid.UUID, payload: RegisterIn) -> Any:
    """Decide that an imported name is a bearer we did not know, and register it."""
    return _decide(
        request,
        pk,
        lambda item, user: do_register_review_item(
            item,
            actor=user,
            expected_version=payload.version,
            kind=payload.kind or "",
            note=payload.note,
        ),
    )


@router.post(
    "/review-items/{pk}/dismiss/",
    response=DECISION_ANSWERS,
    summary="Dismiss a review item",
    operation_id="dismiss_review_item",
    tags=["exchange"],
)
def dismiss_review_item(request: HttpRequest, pk: uuid.UUID, payload: DecisionIn) -> Any:
    """Decide that an imported name is not a weapon bearer (civilians, protesters…)."""
    return _decide(
        request,
        pk,
        lambda item, user: do_dismiss_review_item(
            item, actor=user, expected_version=payload.version, note=payload.note
        ),
    )

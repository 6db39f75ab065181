"""The API of handovers on rotation and their joint introductions.

A handover is held in its delegation's compartment (its advice note is encrypted; reads
are audited like the pages). It is prepared as a draft (``POST /handovers/``, the
service's checks: the outgoing delegate or the head of the delegation, a successor
posted there past the effective date), done in one act with
``POST /handovers/{id}/confirm/`` and the version read (a stale one is a 409), or a
draft is dropped (``DELETE``; a handover done stays: 422). It is never edited: a draft
with a wrong date or successor is dropped and prepared again, as on the pages.

``passed`` is what the act passed on, counted by kind, as the handover page shows it;
the ids of the records moved are not served (each is read through its own resource).

Joint introductions link a handover to an interaction where both the outgoing delegate
and the successor were among our participants; they are hidden wherever the handover or
the interaction is.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from pourparler.api.resources import (
    BAD_BODY,
    ERRORS,
    QS,
    Resource,
    _conflict,
    _write,
    actor_of,
    colleague,
    linked,
    maybe_colleague,
    register,
)
from pourparler.api.schemas import (
    LONG_TEXT,
    Day,
    ErrorOut,
    RecordOut,
    Text,
    VersionIn,
    conflict_of,
)
from pourparler.core.audit import record_read
from pourparler.core.models import Delegation, User
from pourparler.core.services import EditConflict
from pourparler.dialogue.models import Interaction
from pourparler.handover.choices import HandoverState
from pourparler.handover.models import Handover, Introduction
from pourparler.handover.services import (
    do_cancel_handover,
    do_hand_over,
    do_link_introduction,
    do_prepare_handover,
    do_unlink_introduction,
)

router = Router()
TAG = "handover"


def _wanted(queryset: QS, wanted: dict[str, Any]) -> QS:
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


# --- Handovers ------------------------------------------------------------------------------


class HandoverOut(RecordOut):
    """The act by which a departing delegate passes their part of the dialogue on."""

    delegation: uuid.UUID = Field(validation_alias="delegation_id")
    outgoing: uuid.UUID = Field(validation_alias="outgoing_id", description="Who leaves.")
    successor: uuid.UUID = Field(validation_alias="successor_id", description="Who takes over.")
    effective_on: datetime.date = Field(description="The outgoing delegate's last day there.")
    note: str = Field(description="Advice for the successor.")
    state: HandoverState
    done_at: datetime.datetime | None = Field(description="When the act was done.")
    passed: dict[str, int] = Field(
        description="What the act passed on, counted by kind (empty for a draft)."
    )


class HandoverFilters(Schema):
    """Filters of the handovers."""

    delegation: uuid.UUID | None = None
    outgoing: uuid.UUID | None = None
    successor: uuid.UUID | None = None
    state: HandoverState | None = None
    date_from: Day | None = Field(None, description="Effective on or after this day.")
    date_to: Day | None = Field(None, description="Effective on or before this day.")


class HandoverIn(Schema):
    """A handover prepared as a draft: who leaves, who takes over, from when."""

    delegation: uuid.UUID
    outgoing: uuid.UUID | None = Field(
        None, description="You if left out; a head of delegation may name a colleague."
    )
    successor: uuid.UUID = Field(
        description="A colleague posted to the delegation past the effective date."
    )
    effective_on: Day = Field(description="The outgoing delegate's last day there.")
    note: Text = Field("", max_length=LONG_TEXT)


def _filter_handovers(queryset: QS, filters: HandoverFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "delegation_id": filters.delegation,
            "outgoing_id": filters.outgoing,
            "successor_id": filters.successor,
            "state": filters.state,
            "effective_on__gte": filters.date_from,
            "effective_on__lte": filters.date_to,
        },
    )


def _prepare(payload: Any, actor: User) -> Handover:
    return do_prepare_handover(
        actor=actor,
        delegation=linked(Delegation, payload.delegation, actor, "delegation"),
        outgoing=maybe_colleague(payload.outgoing, "outgoing") or actor,
        successor=colleague(payload.successor, "successor"),
        effective_on=payload.effective_on,
        note=payload.note,
    )


HANDOVERS = Resource(
    model=Handover,
    path="handovers",
    out=HandoverOut,
    tag=TAG,
    order=("-effective_on", "-created_at", "id"),
    filters=HandoverFilters,
    filter=_filter_handovers,
    create_in=HandoverIn,
    create=_prepare,
    delete=lambda handover, version, actor: do_cancel_handover(
        handover, actor=actor, expected_version=version
    ),
)
register(router, HANDOVERS)


@router.post(
    "/handovers/{pk}/confirm/",
    response={
        200: HandoverOut,
        204: None,
        **ERRORS,
        **BAD_BODY,
        404: ErrorOut,
        409: conflict_of(HandoverOut),
    },
    summary="Do a handover",
    operation_id="confirm_handover",
    tags=[TAG],
)
def confirm_handover(request: HttpRequest, pk: uuid.UUID, payload: VersionIn) -> Any:
    """Do a draft handover in one act, from the version you read: the outgoing delegate's
    relationships, open follow-ups and negotiation files pass to the successor and their
    posting in the delegation ends on the effective date. Only the outgoing delegate or
    the head of the delegation may (403). The answer is the handover as done; 204 if the
    act ended your own access to it (an effective date already past). A stale version is
    a 409 with the handover; one already done or no longer valid a 422 saying why."""
    user = actor_of(request)
    handover = HANDOVERS.fetch(user, pk)
    try:
        _write(lambda: do_hand_over(handover, actor=user, expected_version=payload.version))
    except EditConflict as exc:
        return _conflict(HANDOVERS, user, exc)
    done = HANDOVERS.queryset(user).filter(pk=pk).first()
    if done is None:
        return Status(204, None)
    record_read(user, done)
    return Status(200, done)


# --- Joint introductions --------------------------------------------------------------------


class IntroductionOut(RecordOut):
    """An interaction where the outgoing delegate presented the successor."""

    handover: uuid.UUID = Field(validation_alias="handover_id")
    interaction: uuid.UUID = Field(validation_alias="interaction_id")


class IntroductionFilters(Schema):
    """Filters of the joint introductions."""

    handover: uuid.UUID | None = None
    interaction: uuid.UUID | None = None


class IntroductionIn(Schema):
    """A contact recorded as a joint introduction of a handover."""

    handover: uuid.UUID
    interaction: uuid.UUID = Field(
        description="A contact of the same delegation with both among our participants."
    )


def _filter_introductions(queryset: QS, filters: IntroductionFilters, user: User) -> QS:
    return _wanted(
        queryset, {"handover_id": filters.handover, "interaction_id": filters.interaction}
    )


register(
    router,
    Resource(
        model=Introduction,
        path="handover-introductions",
        out=IntroductionOut,
        tag=TAG,
        order=("created_at", "id"),
        filters=IntroductionFilters,
        filter=_filter_introductions,
        create_in=IntroductionIn,
        create=lambda payload, actor: do_link_introduction(
            linked(Handover, payload.handover, actor, "handover"),
            actor=actor,
            interaction=linked(Interaction, payload.interaction, actor, "interaction"),
        ),
        delete=lambda introduction, version, actor: do_unlink_introduction(
            introduction, actor=actor, expected_version=version
        ),
    ),
)

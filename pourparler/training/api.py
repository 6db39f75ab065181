"""The API of dissemination and training: the sessions we ran for weapon bearers.

A session is held in a delegation's compartment (its external facilitators and notes are
confidential; reads are audited). As on the pages, a session about a bearer the caller
may not see (a restricted one) is listed, its bearer shown as none; its units, topics
and interaction come through the read path too.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch
from ninja import Router, Schema
from pydantic import Field, StrictFloat, StrictInt

from pourparler.api.resources import (
    QS,
    Resource,
    all_linked,
    colleagues,
    given,
    linked,
    maybe_linked,
    register,
)
from pourparler.api.schemas import LONG_TEXT, Day, Flag, RecordOut, Text, changes_of, ids
from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction, Topic
from pourparler.training.choices import SessionKind
from pourparler.training.models import DisseminationSession
from pourparler.training.services import (
    do_delete_session,
    do_record_session,
    do_update_session,
)

router = Router()

Score = Annotated[StrictFloat | StrictInt, Field(ge=0, le=100, description="0 to 100.")]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


def _score(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class SessionOut(RecordOut):
    """A dissemination or training session for members of one weapon bearer."""

    kind: SessionKind
    held_on: datetime.date
    ends_on: datetime.date | None
    place_name: str
    bearer: uuid.UUID | None = Field(
        None, description="The bearer addressed; none if it is one you may not see."
    )
    units: list[uuid.UUID]
    level: Level
    participants: int
    women: int
    topics: list[uuid.UUID]
    language: str
    facilitators: list[uuid.UUID]
    external_facilitators: str
    tested: int | None
    pre_score: float | None
    post_score: float | None
    score_gain: float | None = Field(description="Derived: post-test minus pre-test average.")
    interaction: uuid.UUID | None = None
    notes: str

    @staticmethod
    def resolve_bearer(obj: DisseminationSession) -> uuid.UUID | None:
        return obj.bearer.pk if obj.bearer is not None else None

    @staticmethod
    def resolve_interaction(obj: DisseminationSession) -> uuid.UUID | None:
        return obj.interaction.pk if obj.interaction is not None else None

    @staticmethod
    def resolve_units(obj: DisseminationSession) -> list[uuid.UUID]:
        return ids(obj.units)

    @staticmethod
    def resolve_topics(obj: DisseminationSession) -> list[uuid.UUID]:
        return ids(obj.topics)

    @staticmethod
    def resolve_facilitators(obj: DisseminationSession) -> list[uuid.UUID]:
        return ids(obj.facilitators)

    @staticmethod
    def resolve_pre_score(obj: DisseminationSession) -> float | None:
        return _score(obj.pre_score)

    @staticmethod
    def resolve_post_score(obj: DisseminationSession) -> float | None:
        return _score(obj.post_score)

    @staticmethod
    def resolve_score_gain(obj: DisseminationSession) -> float | None:
        return _score(obj.score_gain)


class SessionFilters(Schema):
    """Filters of the list of sessions."""

    bearer: uuid.UUID | None = Field(None, description="Sessions for this bearer.")
    kind: SessionKind | None = None
    level: Level | None = None
    topic: uuid.UUID | None = None
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    date_from: Day | None = Field(None, description="Held on or after this day.")
    date_to: Day | None = Field(None, description="Held on or before this day.")


class SessionIn(Schema):
    """A session as the recording form takes it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    kind: SessionKind
    held_on: Day
    ends_on: Day | None = None
    place_name: Text = Field("", max_length=200)
    bearer: uuid.UUID
    units: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    level: Level = Level.TACTICAL
    participants: Annotated[StrictInt, Field(ge=1, le=1_000_000)]
    women: Count = 0
    topics: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    language: Text = Field(min_length=2, max_length=3, description="ISO 639 code.")
    facilitators: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    external_facilitators: Text = Field("", max_length=300)
    tested: Count | None = None
    pre_score: Score | None = None
    post_score: Score | None = None
    interaction: uuid.UUID | None = None
    notes: Text = Field("", max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


SESSION_FIELDS = (
    "kind",
    "held_on",
    "ends_on",
    "place_name",
    "level",
    "participants",
    "women",
    "language",
    "external_facilitators",
    "tested",
    "notes",
    "restricted",
)


def _prepare_sessions(queryset: QS, user: User) -> QS:
    return (
        queryset.prefetch_related(
            Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user))
        )
        .prefetch_related(Prefetch("interaction", queryset=Interaction.objects.visible_to(user)))
        .prefetch_related(Prefetch("units", queryset=Unit.objects.visible_to(user)))
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.visible_to(user)))
        .prefetch_related("facilitators")
    )


def _filter_sessions(queryset: QS, filters: SessionFilters, user: User) -> QS:
    if filters.bearer:
        queryset = queryset.filter(
            bearer__in=WeaponBearer.objects.visible_to(user).filter(pk=filters.bearer)
        )
    if filters.topic:
        queryset = queryset.filter(
            topics__in=Topic.objects.visible_to(user).filter(pk=filters.topic)
        )
    wanted = {
        "kind": filters.kind,
        "level": filters.level,
        "compartment_id": filters.delegation,
        "held_on__gte": filters.date_from,
        "held_on__lte": filters.date_to,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _scores(payload: Any) -> dict[str, Any]:
    """The scores sent, as the one-decimal numbers the record keeps."""
    scores: dict[str, Any] = {}
    for name in ("pre_score", "post_score"):
        if name in payload.model_fields_set:
            value = getattr(payload, name)
            scores[name] = None if value is None else round(Decimal(str(value)), 1)
    return scores


def _create_session(payload: Any, actor: User) -> DisseminationSession:
    return do_record_session(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        bearer=linked(WeaponBearer, payload.bearer, actor, "bearer"),
        units=all_linked(Unit, payload.units, actor, "units"),
        topics=all_linked(Topic, payload.topics, actor, "topics"),
        facilitators=colleagues(payload.facilitators, "facilitators"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        interaction=maybe_linked(Interaction, payload.interaction, actor, "interaction"),
        **_scores(payload),
        **{name: getattr(payload, name) for name in SESSION_FIELDS},
    )


def _update_session(
    session: DisseminationSession, payload: Any, actor: User
) -> DisseminationSession:
    sent = payload.model_fields_set
    changes = given(payload, *SESSION_FIELDS) | _scores(payload)
    if "bearer" in sent:
        changes["bearer"] = linked(WeaponBearer, payload.bearer, actor, "bearer")
    if "interaction" in sent:
        changes["interaction"] = maybe_linked(
            Interaction, payload.interaction, actor, "interaction"
        )
    links: dict[str, list[Any]] = {}
    if "units" in sent:
        links["units"] = all_linked(Unit, payload.units or [], actor, "units")
    if "topics" in sent:
        links["topics"] = all_linked(Topic, payload.topics or [], actor, "topics")
    if "facilitators" in sent:
        links["facilitators"] = colleagues(payload.facilitators or [], "facilitators")
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to or [], "restricted_to")
    return do_update_session(
        session, actor=actor, expected_version=payload.version, changes=changes, links=links
    )


register(
    router,
    Resource(
        model=DisseminationSession,
        path="sessions",
        out=SessionOut,
        tag="training",
        order=("-held_on", "-created_at", "id"),
        filters=SessionFilters,
        filter=_filter_sessions,
        prepare=_prepare_sessions,
        create_in=SessionIn,
        create=_create_session,
        update_in=changes_of(SessionIn, exclude=("compartment",)),
        update=_update_session,
        delete=lambda session, version, actor: do_delete_session(
            session, actor=actor, expected_version=version
        ),
    ),
)

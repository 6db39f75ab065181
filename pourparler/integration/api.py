"""The API of integration: how far a weapon bearer has built the law into each pillar.

An assessment is held in a delegation's compartment (its evidence is confidential;
reads are audited). As on the pages, an assessment about a bearer the caller may not see
is out of reach like the bearer itself: not listed, and the 404 of a missing one. The
interactions and sessions it cites come through the read path.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from django.db.models import Prefetch
from ninja import Router, Schema
from pydantic import Field, StrictInt

from pourparler.api.resources import (
    QS,
    Resource,
    all_linked,
    colleagues,
    given,
    linked,
    maybe_colleague,
    register,
)
from pourparler.api.schemas import LONG_TEXT, Day, Flag, RecordOut, Text, changes_of, ids
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction
from pourparler.integration.choices import Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.services import (
    do_delete_assessment,
    do_record_assessment,
    do_update_assessment,
)
from pourparler.training.models import DisseminationSession

router = Router()

LevelNumber = Annotated[
    StrictInt, Field(ge=0, le=4, description="0 (none) to 4 (full), as on the scale.")
]


class AssessmentOut(RecordOut):
    """How far the law is integrated in one pillar of a bearer, on what evidence."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    pillar: Pillar
    level: int = Field(description="0 (none) to 4 (full).")
    assessed_on: datetime.date
    assessed_by: uuid.UUID | None = Field(validation_alias="assessed_by_id")
    evidence: str
    interactions: list[uuid.UUID]
    sessions: list[uuid.UUID]

    @staticmethod
    def resolve_interactions(obj: IntegrationAssessment) -> list[uuid.UUID]:
        return ids(obj.interactions)

    @staticmethod
    def resolve_sessions(obj: IntegrationAssessment) -> list[uuid.UUID]:
        return ids(obj.sessions)


class AssessmentFilters(Schema):
    """Filters of the list of assessments."""

    bearer: uuid.UUID | None = Field(None, description="Assessments of this bearer.")
    pillar: Pillar | None = None
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    date_from: Day | None = Field(None, description="Assessed on or after this day.")
    date_to: Day | None = Field(None, description="Assessed on or before this day.")


class AssessmentIn(Schema):
    """An assessment as the form records it; a new judgement of a pillar is a new record."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    bearer: uuid.UUID
    pillar: Pillar
    level: LevelNumber
    assessed_on: Day | None = Field(None, description="Today if left out.")
    assessed_by: uuid.UUID | None = Field(None, description="You if left out.")
    evidence: Text = Field(min_length=1, max_length=LONG_TEXT)
    interactions: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    sessions: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


ASSESSMENT_FIELDS = ("pillar", "level", "evidence", "restricted")


def _reachable(queryset: QS, user: User) -> QS:
    """Keep the assessments about bearers the user may see, and fetch what they cite."""
    return (
        queryset.filter(bearer__in=WeaponBearer.objects.visible_to(user))
        .prefetch_related(Prefetch("interactions", queryset=Interaction.objects.visible_to(user)))
        .prefetch_related(
            Prefetch("sessions", queryset=DisseminationSession.objects.visible_to(user))
        )
    )


def _filter_assessments(queryset: QS, filters: AssessmentFilters, user: User) -> QS:
    wanted = {
        "bearer_id": filters.bearer,
        "pillar": filters.pillar,
        "compartment_id": filters.delegation,
        "assessed_on__gte": filters.date_from,
        "assessed_on__lte": filters.date_to,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _create_assessment(payload: Any, actor: User) -> IntegrationAssessment:
    extra: dict[str, Any] = {}
    if payload.assessed_on is not None:
        extra["assessed_on"] = payload.assessed_on
    return do_record_assessment(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        bearer=linked(WeaponBearer, payload.bearer, actor, "bearer"),
        assessed_by=maybe_colleague(payload.assessed_by, "assessed_by"),
        interactions=all_linked(Interaction, payload.interactions, actor, "interactions"),
        sessions=all_linked(DisseminationSession, payload.sessions, actor, "sessions"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        **extra,
        **{name: getattr(payload, name) for name in ASSESSMENT_FIELDS},
    )


def _update_assessment(
    assessment: IntegrationAssessment, payload: Any, actor: User
) -> IntegrationAssessment:
    sent = payload.model_fields_set
    changes = given(payload, *ASSESSMENT_FIELDS, "assessed_on")
    if "assessed_by" in sent:
        changes["assessed_by"] = maybe_colleague(payload.assessed_by, "assessed_by")
    links: dict[str, list[Any]] = {}
    if "interactions" in sent:
        links["interactions"] = _kept_or_visible(
            Interaction, assessment.interactions, payload.interactions or [], actor, "interactions"
        )
    if "sessions" in sent:
        links["sessions"] = _kept_or_visible(
            DisseminationSession, assessment.sessions, payload.sessions or [], actor, "sessions"
        )
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to or [], "restricted_to")
    return do_update_assessment(
        assessment, actor=actor, expected_version=payload.version, changes=changes, links=links
    )


def _kept_or_visible(
    model: Any, manager: Any, pks: list[uuid.UUID], actor: User, field: str
) -> list[Any]:
    """The links named: those already on the record stay (the service keeps evidence a
    colleague cited); new ones must be records the caller may see."""
    kept = set(manager.values_list("pk", flat=True))
    new = [pk for pk in pks if pk not in kept]
    return [pk for pk in pks if pk in kept] + all_linked(model, new, actor, field)


register(
    router,
    Resource(
        model=IntegrationAssessment,
        path="integration-assessments",
        out=AssessmentOut,
        tag="integration",
        order=("-assessed_on", "-created_at", "id"),
        filters=AssessmentFilters,
        filter=_filter_assessments,
        prepare=_reachable,
        create_in=AssessmentIn,
        create=_create_assessment,
        update_in=changes_of(AssessmentIn, exclude=("compartment", "bearer")),
        update=_update_assessment,
        delete=lambda assessment, version, actor: do_delete_assessment(
            assessment, actor=actor, expected_version=version
        ),
    ),
)

"""The API of humanitarian access: acceptance of our offer of services, checkpoint
passages, access constraints and security incidents.

Each is held in a delegation's compartment (notes and descriptions are confidential;
reads are audited). Every read goes through ``access.reading``, the read path of the
pages: a record about a bearer or unit the caller may not see, or an incident at a
passage they may not see, is hidden exactly as there (not listed, the 404 of a missing
one), and the bearers of an incident are only those the caller may see.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from ninja import Router, Schema
from pydantic import Field, StrictInt

from pourparler.access.choices import (
    AcceptanceStatus,
    ConstraintCategory,
    ConstraintEffect,
    ConstraintSubcategory,
    IncidentKind,
    PassageOutcome,
    Severity,
)
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import (
    acceptance_visible_to,
    constraints_visible_to,
    incidents_visible_to,
    passages_visible_to,
    with_visible_bearers,
)
from pourparler.access.services import (
    do_delete_acceptance,
    do_delete_constraint,
    do_delete_incident,
    do_delete_passage,
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
    do_update_acceptance,
    do_update_constraint,
    do_update_incident,
    do_update_passage,
)
from pourparler.api.resources import (
    NOT_VISIBLE,
    QS,
    InvalidInput,
    Resource,
    all_linked,
    colleagues,
    given,
    linked,
    maybe_linked,
    register,
)
from pourparler.api.schemas import (
    LONG_TEXT,
    Day,
    Flag,
    Latitude,
    Longitude,
    Moment,
    RecordOut,
    Text,
    changes_of,
    ids,
)
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction
from pourparler.geo.models import AdminArea

router = Router()
TAG = "access"


def _read_through(reader: Callable[[Any], QS]) -> Callable[[QS, User], QS]:
    """Keep only what the pages' read path shows the user."""

    def prepare(queryset: QS, user: User) -> QS:
        return queryset.filter(pk__in=reader(user).values("pk"))

    return prepare


def _wanted(queryset: QS, wanted: dict[str, Any]) -> QS:
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _restricted_to(payload: Any) -> list[User] | None:
    if "restricted_to" not in payload.model_fields_set:
        return None
    return colleagues(payload.restricted_to or [], "restricted_to")


# --- Place (passages, constraints, incidents) ---------------------------------------------


class LocatedOut(RecordOut):
    """Where it happened."""

    place_name: str
    admin_area: uuid.UUID | None = Field(validation_alias="admin_area_id")
    latitude: float | None
    longitude: float | None


class PlaceIn(Schema):
    """Where it happened: a place, its area, coordinates (both or neither)."""

    place_name: Text = Field("", max_length=200)
    admin_area: uuid.UUID | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


def _place(payload: Any, actor: User) -> dict[str, Any]:
    place: dict[str, Any] = {}
    for name in ("latitude", "longitude"):
        if name in payload.model_fields_set:
            value = getattr(payload, name)
            place[name] = None if value is None else round(Decimal(str(value)), 5)
    if "admin_area" in payload.model_fields_set:
        place["admin_area"] = maybe_linked(AdminArea, payload.admin_area, actor, "admin_area")
    if "place_name" in payload.model_fields_set and payload.place_name is not None:
        place["place_name"] = payload.place_name
    return place


def _bearer_and_unit(payload: Any, actor: User, *, optional: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    sent = payload.model_fields_set
    if "bearer" in sent:
        found["bearer"] = (
            maybe_linked(WeaponBearer, payload.bearer, actor, "bearer")
            if optional
            else linked(WeaponBearer, payload.bearer, actor, "bearer")
        )
    if "unit" in sent:
        found["unit"] = maybe_linked(Unit, payload.unit, actor, "unit")
    return found


class CommonFilters(Schema):
    """Filters every access list takes."""

    bearer: uuid.UUID | None = Field(None, description="About this bearer.")
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    date_from: Day | None = Field(None, description="On or after this day.")
    date_to: Day | None = Field(None, description="On or before this day.")


# --- Acceptance ---------------------------------------------------------------------------


class AcceptanceOut(RecordOut):
    """Our reading, on a day, of whether a bearer accepts our offer of services."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    status: AcceptanceStatus
    assessed_on: datetime.date
    interaction: uuid.UUID | None = Field(validation_alias="interaction_id")
    note: str


class AcceptanceFilters(CommonFilters):
    """Filters of the acceptance assessments."""

    status: AcceptanceStatus | None = None


class AcceptanceIn(Schema):
    """An acceptance assessment as the form records it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    bearer: uuid.UUID
    status: AcceptanceStatus
    assessed_on: Day
    interaction: uuid.UUID | None = Field(None, description="The contact that showed it.")
    note: Text = Field("", max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


def _filter_acceptance(queryset: QS, filters: AcceptanceFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "bearer_id": filters.bearer,
            "compartment_id": filters.delegation,
            "assessed_on__gte": filters.date_from,
            "assessed_on__lte": filters.date_to,
            "status": filters.status,
        },
    )


def _acceptance_changes(payload: Any, actor: User) -> dict[str, Any]:
    changes = given(payload, "status", "assessed_on", "note", "restricted")
    changes |= _bearer_and_unit(payload, actor, optional=False)
    if "interaction" in payload.model_fields_set:
        changes["interaction"] = maybe_linked(
            Interaction, payload.interaction, actor, "interaction"
        )
    return changes


register(
    router,
    Resource(
        model=AcceptanceAssessment,
        path="acceptance-assessments",
        out=AcceptanceOut,
        tag=TAG,
        order=("-assessed_on", "-created_at", "id"),
        filters=AcceptanceFilters,
        filter=_filter_acceptance,
        prepare=_read_through(acceptance_visible_to),
        create_in=AcceptanceIn,
        create=lambda payload, actor: do_record_acceptance(
            actor=actor,
            compartment=linked(Delegation, payload.compartment, actor, "compartment"),
            restricted_to=_restricted_to(payload) or [],
            **_acceptance_changes(payload, actor),
        ),
        update_in=changes_of(AcceptanceIn, exclude=("compartment",)),
        update=lambda record, payload, actor: do_update_acceptance(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_acceptance_changes(payload, actor),
            restricted_to=_restricted_to(payload),
        ),
        delete=lambda record, version, actor: do_delete_acceptance(
            record, actor=actor, expected_version=version
        ),
    ),
)

# --- Checkpoint passages ------------------------------------------------------------------


class PassageOut(LocatedOut):
    """One crossing of a checkpoint, or an attempt, and how it went."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    unit: uuid.UUID | None = Field(validation_alias="unit_id")
    occurred_at: datetime.datetime
    outcome: PassageOutcome
    delay_minutes: int | None
    team_size: int
    vehicle_count: int
    note: str


class PassageFilters(CommonFilters):
    """Filters of the checkpoint passages."""

    outcome: PassageOutcome | None = None


class PassageIn(PlaceIn):
    """A checkpoint passage as the form records it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    place_name: Text = Field(min_length=1, max_length=200, description="The checkpoint.")
    bearer: uuid.UUID
    unit: uuid.UUID | None = None
    occurred_at: Moment
    outcome: PassageOutcome
    delay_minutes: Annotated[StrictInt, Field(ge=1, le=7 * 24 * 60)] | None = None
    team_size: Annotated[StrictInt, Field(ge=1, le=500)] = 2
    vehicle_count: Annotated[StrictInt, Field(ge=0, le=200)] = 1
    note: Text = Field("", max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


PASSAGE_FIELDS = (
    "occurred_at",
    "outcome",
    "delay_minutes",
    "team_size",
    "vehicle_count",
    "note",
    "restricted",
)


def _filter_passages(queryset: QS, filters: PassageFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "bearer_id": filters.bearer,
            "compartment_id": filters.delegation,
            "occurred_at__date__gte": filters.date_from,
            "occurred_at__date__lte": filters.date_to,
            "outcome": filters.outcome,
        },
    )


def _passage_changes(payload: Any, actor: User) -> dict[str, Any]:
    return (
        given(payload, *PASSAGE_FIELDS)
        | _place(payload, actor)
        | _bearer_and_unit(payload, actor, optional=False)
    )


register(
    router,
    Resource(
        model=CheckpointPassage,
        path="checkpoint-passages",
        out=PassageOut,
        tag=TAG,
        order=("-occurred_at", "id"),
        filters=PassageFilters,
        filter=_filter_passages,
        prepare=_read_through(passages_visible_to),
        create_in=PassageIn,
        create=lambda payload, actor: do_record_passage(
            actor=actor,
            compartment=linked(Delegation, payload.compartment, actor, "compartment"),
            restricted_to=_restricted_to(payload) or [],
            **_passage_changes(payload, actor),
        ),
        update_in=changes_of(PassageIn, exclude=("compartment",)),
        update=lambda record, payload, actor: do_update_passage(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_passage_changes(payload, actor),
            restricted_to=_restricted_to(payload),
        ),
        delete=lambda record, version, actor: do_delete_passage(
            record, actor=actor, expected_version=version
        ),
    ),
)

# --- Access constraints -------------------------------------------------------------------


class ConstraintOut(LocatedOut):
    """Something that kept us from reaching people in need, or them from reaching us."""

    category: ConstraintCategory
    subcategory: ConstraintSubcategory | None
    occurred_on: datetime.date
    ended_on: datetime.date | None
    bearer: uuid.UUID | None = Field(validation_alias="bearer_id")
    unit: uuid.UUID | None = Field(validation_alias="unit_id")
    effect: ConstraintEffect
    description: str

    @staticmethod
    def resolve_subcategory(obj: AccessConstraint) -> str | None:
        return obj.subcategory or None


class ConstraintFilters(CommonFilters):
    """Filters of the access constraints."""

    category: ConstraintCategory | None = None
    effect: ConstraintEffect | None = None


class ConstraintIn(PlaceIn):
    """An access constraint as the form records it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    category: ConstraintCategory
    subcategory: ConstraintSubcategory | None = None
    occurred_on: Day
    ended_on: Day | None = None
    bearer: uuid.UUID | None = Field(None, description="The bearer responsible, if known.")
    unit: uuid.UUID | None = None
    effect: ConstraintEffect = ConstraintEffect.DELAYED
    description: Text = Field(min_length=1, max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


CONSTRAINT_FIELDS = ("category", "occurred_on", "ended_on", "effect", "description", "restricted")


def _filter_constraints(queryset: QS, filters: ConstraintFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "bearer_id": filters.bearer,
            "compartment_id": filters.delegation,
            "occurred_on__gte": filters.date_from,
            "occurred_on__lte": filters.date_to,
            "category": filters.category,
            "effect": filters.effect,
        },
    )


def _constraint_changes(payload: Any, actor: User) -> dict[str, Any]:
    changes = (
        given(payload, *CONSTRAINT_FIELDS)
        | _place(payload, actor)
        | _bearer_and_unit(payload, actor, optional=True)
    )
    if "subcategory" in payload.model_fields_set:
        changes["subcategory"] = payload.subcategory or ""
    return changes


register(
    router,
    Resource(
        model=AccessConstraint,
        path="access-constraints",
        out=ConstraintOut,
        tag=TAG,
        order=("-occurred_on", "-created_at", "id"),
        filters=ConstraintFilters,
        filter=_filter_constraints,
        prepare=_read_through(constraints_visible_to),
        create_in=ConstraintIn,
        create=lambda payload, actor: do_record_constraint(
            actor=actor,
            compartment=linked(Delegation, payload.compartment, actor, "compartment"),
            restricted_to=_restricted_to(payload) or [],
            **_constraint_changes(payload, actor),
        ),
        update_in=changes_of(ConstraintIn, exclude=("compartment",)),
        update=lambda record, payload, actor: do_update_constraint(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_constraint_changes(payload, actor),
            restricted_to=_restricted_to(payload),
        ),
        delete=lambda record, version, actor: do_delete_constraint(
            record, actor=actor, expected_version=version
        ),
    ),
)

# --- Security incidents -------------------------------------------------------------------


class IncidentOut(LocatedOut):
    """A security incident involving weapon bearers and our staff, vehicles or premises."""

    occurred_at: datetime.datetime
    kind: IncidentKind
    severity: Severity
    bearers: list[uuid.UUID] = Field(description="The bearers involved that you may see.")
    staff_affected: int
    description: str
    passage: uuid.UUID | None = Field(validation_alias="passage_id")

    @staticmethod
    def resolve_bearers(obj: SecurityIncident) -> list[uuid.UUID]:
        return ids(obj.bearers)


class IncidentFilters(CommonFilters):
    """Filters of the security incidents."""

    kind: IncidentKind | None = None
    severity: Severity | None = None


class IncidentIn(PlaceIn):
    """A security incident as the form records it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    occurred_at: Moment
    kind: IncidentKind
    severity: Severity = Severity.MODERATE
    bearers: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    staff_affected: Annotated[StrictInt, Field(ge=0, le=500)] = 0
    description: Text = Field(min_length=1, max_length=LONG_TEXT)
    passage: uuid.UUID | None = Field(None, description="The checkpoint passage it happened at.")
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


INCIDENT_FIELDS = ("occurred_at", "kind", "severity", "staff_affected", "description", "restricted")


def _prepare_incidents(queryset: QS, user: User) -> QS:
    return with_visible_bearers(_read_through(incidents_visible_to)(queryset, user), user)


def _filter_incidents(queryset: QS, filters: IncidentFilters, user: User) -> QS:
    if filters.bearer:
        queryset = queryset.filter(
            bearers__in=WeaponBearer.objects.visible_to(user).filter(pk=filters.bearer)
        )
    return _wanted(
        queryset,
        {
            "compartment_id": filters.delegation,
            "occurred_at__date__gte": filters.date_from,
            "occurred_at__date__lte": filters.date_to,
            "kind": filters.kind,
            "severity": filters.severity,
        },
    )


def _incident_changes(payload: Any, actor: User) -> dict[str, Any]:
    changes = given(payload, *INCIDENT_FIELDS) | _place(payload, actor)
    if "passage" in payload.model_fields_set:
        changes["passage"] = _visible_passage(payload.passage, actor)
    return changes


def _visible_passage(pk: uuid.UUID | None, actor: User) -> CheckpointPassage | None:
    """The passage named, if the pages would show it to the actor (not one at a hidden
    bearer's checkpoint, which ``visible_to`` alone would let through); else a 422."""
    if pk is None:
        return None
    found = passages_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise InvalidInput.of("passage", NOT_VISIBLE)
    return found


def _incident_bearers(payload: Any, actor: User) -> list[WeaponBearer] | None:
    if "bearers" not in payload.model_fields_set:
        return None
    return all_linked(WeaponBearer, payload.bearers or [], actor, "bearers")


register(
    router,
    Resource(
        model=SecurityIncident,
        path="security-incidents",
        out=IncidentOut,
        tag=TAG,
        order=("-occurred_at", "id"),
        filters=IncidentFilters,
        filter=_filter_incidents,
        prepare=_prepare_incidents,
        create_in=IncidentIn,
        create=lambda payload, actor: do_record_incident(
            actor=actor,
            compartment=linked(Delegation, payload.compartment, actor, "compartment"),
            bearers=_incident_bearers(payload, actor) or [],
            restricted_to=_restricted_to(payload) or [],
            **_incident_changes(payload, actor),
        ),
        update_in=changes_of(IncidentIn, exclude=("compartment",)),
        update=lambda record, payload, actor: do_update_incident(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_incident_changes(payload, actor),
            bearers=_incident_bearers(payload, actor),
            restricted_to=_restricted_to(payload),
        ),
        delete=lambda record, version, actor: do_delete_incident(
            record, actor=actor, expected_version=version
        ),
    ),
)

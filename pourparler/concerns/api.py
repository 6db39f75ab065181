"""The API of concerns: alleged violations and humanitarian concerns, their sources, the
representations we make, the bearer's responses, the history of their status, and the
follow-ups they call for.

Every record here is held in the compartment of the delegation that holds the concern
(descriptions, contents and names are confidential, encrypted at rest, plain text for
whoever may read them; reads are audited). The records under a concern name it in
``access_via``: they are hidden wherever it is. Links are read as the concern's page
reads them: a bearer, unit, person or contact the caller may not see is left out (a
concern about a bearer they may not see is listed with that bearer left out, as on the
page), and an edit keeps a bearer a colleague named that the editor may not see.

A concern's status and the dates next to it (``status``, ``status_on``, ``raised_on``,
``raised_level``, ``responded_on``, ``addressed_on``) are read only: a representation
raises the concern, the bearer's first real response moves it to responded, and a
delegate marks it addressed, persisting or closed with
``POST /concerns/{id}/status-changes/`` (the history is ``concern-status-changes/``, read
only). A move the life of a concern does not allow is a 422 saying why.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from pourparler.api.resources import (
    BAD_BODY,
    ERRORS,
    QS,
    InvalidInput,
    Resource,
    _conflict,
    _write,
    actor_of,
    all_linked,
    colleagues,
    given,
    linked,
    maybe_colleague,
    maybe_linked,
    register,
)
from pourparler.api.schemas import (
    LONG_TEXT,
    Day,
    ErrorOut,
    Flag,
    Latitude,
    Longitude,
    RecordOut,
    Text,
    VersionIn,
    changes_of,
    conflict_of,
    ids,
)
from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.concerns.choices import (
    ApplicableLaw,
    ConcernStatus,
    InformationCredibility,
    RepresentationMode,
    ResponseKind,
    SourceKind,
    SourceReliability,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.concerns.services import (
    do_add_concern_source,
    do_change_concern_status,
    do_complete_concern_follow_up,
    do_delete_concern,
    do_delete_concern_follow_up,
    do_delete_representation,
    do_delete_response,
    do_open_concern,
    do_record_representation,
    do_record_response,
    do_remove_concern_source,
    do_schedule_concern_follow_up,
    do_update_concern,
    do_update_concern_follow_up,
    do_update_concern_source,
    do_update_representation,
    do_update_response,
)
from pourparler.core.audit import record_read
from pourparler.core.choices import DatePrecision
from pourparler.core.models import Delegation, User
from pourparler.core.services import EditConflict
from pourparler.dialogue.choices import Confidentiality, FollowUpStatus
from pourparler.dialogue.models import Interaction, Topic
from pourparler.geo.models import AdminArea
from pourparler.people.models import Person

router = Router()
TAG = "concerns"


def _wanted(queryset: QS, wanted: dict[str, Any]) -> QS:
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _not_null(payload: Any, *names: str) -> None:
    """Refuse a change that empties a field the record cannot be without (a 422)."""
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) is None:
            raise InvalidInput.of(name, "This field cannot be emptied.")


def _pk_of(record: Any) -> uuid.UUID | None:
    return None if record is None else record.pk


# --- Concerns -----------------------------------------------------------------------------


class ConcernOut(RecordOut):
    """An alleged violation or humanitarian concern taken up with the bearer."""

    summary: str
    description: str
    occurred_on: datetime.date = Field(description="The first day of the month or year, if so.")
    date_precision: DatePrecision
    place_name: str
    admin_area: uuid.UUID | None = Field(validation_alias="admin_area_id")
    latitude: float | None
    longitude: float | None
    bearers: list[uuid.UUID] = Field(description="The bearers alleged responsible you may see.")
    unit: uuid.UUID | None = Field(
        None, description="The unit alleged responsible, if you may see it."
    )
    category: uuid.UUID = Field(validation_alias="category_id", description="The topic.")
    legal_framework: ApplicableLaw
    rule: str
    confidentiality: Confidentiality
    opened_on: datetime.date
    status: ConcernStatus = Field(description="Read only: follows the life of the concern.")
    status_on: datetime.date
    raised_on: datetime.date | None
    raised_level: Level | None
    responded_on: datetime.date | None
    addressed_on: datetime.date | None

    @staticmethod
    def resolve_bearers(obj: Concern) -> list[uuid.UUID]:
        return ids(obj.bearers)

    @staticmethod
    def resolve_unit(obj: Concern) -> uuid.UUID | None:
        return _pk_of(obj.unit)

    @staticmethod
    def resolve_raised_level(obj: Concern) -> str | None:
        return obj.raised_level or None


class ConcernFilters(Schema):
    """Filters of the list of concerns."""

    status: ConcernStatus | None = None
    bearer: uuid.UUID | None = Field(None, description="About this bearer.")
    category: uuid.UUID | None = Field(None, description="Of this topic.")
    level: Level | None = Field(None, description="First raised at this level.")
    delegation: uuid.UUID | None = Field(None, description="Held by this delegation.")
    date_from: Day | None = Field(None, description="Opened on or after this day.")
    date_to: Day | None = Field(None, description="Opened on or before this day.")


class ConcernIn(Schema):
    """A concern as the form opens it (its sources are added as concern sources)."""

    compartment: uuid.UUID = Field(description="The delegation that holds it.")
    summary: Text = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=LONG_TEXT)
    occurred_on: Day
    date_precision: DatePrecision = DatePrecision.DAY
    opened_on: Day | None = Field(None, description="Today if left out.")
    bearers: list[uuid.UUID] = Field(min_length=1, max_length=50)
    unit: uuid.UUID | None = None
    category: uuid.UUID = Field(description="The topic the concern is mainly about.")
    legal_framework: ApplicableLaw = ApplicableLaw.UNDETERMINED
    rule: Text = Field("", max_length=300)
    place_name: Text = Field("", max_length=200)
    admin_area: uuid.UUID | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    confidentiality: Confidentiality = Confidentiality.CONFIDENTIAL
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


CONCERN_FIELDS = (
    "summary",
    "description",
    "occurred_on",
    "date_precision",
    "opened_on",
    "legal_framework",
    "rule",
    "place_name",
    "confidentiality",
    "restricted",
)


def _prepare_concerns(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user))
    ).prefetch_related(Prefetch("unit", queryset=Unit.objects.visible_to(user)))


def _filter_concerns(queryset: QS, filters: ConcernFilters, user: User) -> QS:
    if filters.bearer:
        queryset = queryset.filter(
            bearers__in=WeaponBearer.objects.visible_to(user).filter(pk=filters.bearer)
        )
    return _wanted(
        queryset,
        {
            "status": filters.status,
            "category_id": filters.category,
            "raised_level": filters.level,
            "compartment_id": filters.delegation,
            "opened_on__gte": filters.date_from,
            "opened_on__lte": filters.date_to,
        },
    )


def _concern_changes(payload: Any, actor: User) -> dict[str, Any]:
    _not_null(payload, *CONCERN_FIELDS, "category", "bearers")
    changes = given(payload, *CONCERN_FIELDS)
    sent = payload.model_fields_set
    for name in ("latitude", "longitude"):
        if name in sent:
            value = getattr(payload, name)
            changes[name] = None if value is None else round(Decimal(str(value)), 5)
    if "category" in sent:
        changes["category"] = linked(Topic, payload.category, actor, "category")
    if "unit" in sent:
        changes["unit"] = maybe_linked(Unit, payload.unit, actor, "unit")
    if "admin_area" in sent:
        changes["admin_area"] = maybe_linked(AdminArea, payload.admin_area, actor, "admin_area")
    return changes


def _create_concern(payload: Any, actor: User) -> Concern:
    if payload.opened_on is None:
        payload.model_fields_set.discard("opened_on")  # today, as if left out
    fields = _concern_changes(payload, actor)
    return do_open_concern(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        summary=fields.pop("summary"),
        description=fields.pop("description"),
        occurred_on=fields.pop("occurred_on"),
        category=linked(Topic, payload.category, actor, "category"),
        bearers=all_linked(WeaponBearer, payload.bearers, actor, "bearers"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        opened_on=fields.pop("opened_on", None),
        **{name: value for name, value in fields.items() if name != "category"},
    )


def _update_concern(concern: Concern, payload: Any, actor: User) -> Concern:
    sent = payload.model_fields_set
    links: dict[str, list[Any]] = {}
    if "bearers" in sent:
        links["bearers"] = all_linked(WeaponBearer, payload.bearers or [], actor, "bearers")
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to or [], "restricted_to")
    return do_update_concern(
        concern,
        actor=actor,
        expected_version=payload.version,
        changes=_concern_changes(payload, actor),
        links=links,
    )


CONCERNS = Resource(
    model=Concern,
    path="concerns",
    out=ConcernOut,
    tag=TAG,
    order=("-opened_on", "-id"),
    filters=ConcernFilters,
    filter=_filter_concerns,
    prepare=_prepare_concerns,
    create_in=ConcernIn,
    create=_create_concern,
    update_in=changes_of(ConcernIn, exclude=("compartment",)),
    update=_update_concern,
    delete=lambda concern, version, actor: do_delete_concern(
        concern, actor=actor, expected_version=version
    ),
)
register(router, CONCERNS)

# --- Status moves -------------------------------------------------------------------------


class StatusChangeOut(RecordOut):
    """One move of a concern from a status to another, with its day and why."""

    concern: uuid.UUID = Field(validation_alias="concern_id")
    from_status: ConcernStatus | None = Field(None, description="None for the opening.")
    to_status: ConcernStatus
    changed_on: datetime.date
    note: str

    @staticmethod
    def resolve_from_status(obj: ConcernStatusChange) -> str | None:
        return obj.from_status or None


class StatusChangeFilters(Schema):
    """Filters of the history of status moves."""

    concern: uuid.UUID | None = None
    to_status: ConcernStatus | None = None


def _filter_status_changes(queryset: QS, filters: StatusChangeFilters, user: User) -> QS:
    return _wanted(queryset, {"concern_id": filters.concern, "to_status": filters.to_status})


register(
    router,
    Resource(
        model=ConcernStatusChange,
        path="concern-status-changes",
        out=StatusChangeOut,
        tag=TAG,
        order=("changed_on", "created_at", "id"),
        filters=StatusChangeFilters,
        filter=_filter_status_changes,
    ),
)


class StatusMoveIn(VersionIn):
    """A move a delegate makes: to addressed, persisting or closed, from a day, and why."""

    status: ConcernStatus = Field(
        description="Addressed, persisting or closed, as the concern's life allows."
    )
    changed_on: Day | None = Field(None, description="Today if left out.")
    note: Text = Field(min_length=1, max_length=LONG_TEXT)


@router.post(
    "/concerns/{pk}/status-changes/",
    response={
        200: ConcernOut,
        **ERRORS,
        **BAD_BODY,
        404: ErrorOut,
        409: conflict_of(ConcernOut),
    },
    summary="Change the status of a concern",
    operation_id="change_concern_status",
    tags=[TAG],
)
def change_concern_status(request: HttpRequest, pk: uuid.UUID, payload: StatusMoveIn) -> Any:
    """Mark a concern addressed, persisting or closed, from a day, saying why; send the
    concern's version. The answer is the concern as it now stands; the move joins its
    history (``concern-status-changes/``). A stale version is a 409 with the concern."""
    user = actor_of(request)
    concern = CONCERNS.fetch(user, pk)
    try:
        _write(
            lambda: do_change_concern_status(
                concern,
                actor=user,
                expected_version=payload.version,
                status=payload.status,
                note=payload.note,
                changed_on=payload.changed_on,
            )
        )
    except EditConflict as exc:
        return _conflict(CONCERNS, user, exc)
    current = CONCERNS.fetch(user, pk)
    record_read(user, current)
    return Status(200, current)


# --- Records under a concern --------------------------------------------------------------


def _concern(payload: Any, actor: User) -> Concern:
    return linked(Concern, payload.concern, actor, "concern")


# Sources


class SourceOut(RecordOut):
    """Where an allegation comes from, graded with the admiralty code."""

    concern: uuid.UUID = Field(validation_alias="concern_id")
    kind: SourceKind
    reliability: SourceReliability
    credibility: InformationCredibility
    description: str
    received_on: datetime.date | None


class SourceFilters(Schema):
    """Filters of the sources."""

    concern: uuid.UUID | None = None
    kind: SourceKind | None = None


class SourceIn(Schema):
    """A source of an allegation and its grading."""

    concern: uuid.UUID
    kind: SourceKind
    reliability: SourceReliability = SourceReliability.F
    credibility: InformationCredibility = InformationCredibility.CANNOT_JUDGE
    description: Text = Field("", max_length=LONG_TEXT)
    received_on: Day | None = None


SOURCE_FIELDS = ("kind", "reliability", "credibility", "description", "received_on")


def _source_changes(payload: Any) -> dict[str, Any]:
    _not_null(payload, "kind", "reliability", "credibility", "description")
    return given(payload, *SOURCE_FIELDS)


register(
    router,
    Resource(
        model=ConcernSource,
        path="concern-sources",
        out=SourceOut,
        tag=TAG,
        order=("created_at", "id"),
        filters=SourceFilters,
        filter=lambda queryset, filters, user: _wanted(
            queryset, {"concern_id": filters.concern, "kind": filters.kind}
        ),
        create_in=SourceIn,
        create=lambda payload, actor: do_add_concern_source(
            _concern(payload, actor), actor=actor, **_source_changes(payload)
        ),
        update_in=changes_of(SourceIn, exclude=("concern",)),
        update=lambda record, payload, actor: do_update_concern_source(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_source_changes(payload),
        ),
        delete=lambda record, version, actor: do_remove_concern_source(
            record, actor=actor, expected_version=version
        ),
    ),
)

# Representations


class RepresentationOut(RecordOut):
    """A representation about a concern, made to the bearer."""

    concern: uuid.UUID = Field(validation_alias="concern_id")
    made_on: datetime.date
    mode: RepresentationMode
    level: Level
    to_person: uuid.UUID | None = Field(None, description="The interlocutor, if you may see them.")
    to_whom: str
    made_by: list[uuid.UUID] = Field(description="Staff who made it.")
    content: str
    interaction: uuid.UUID | None = Field(
        None, description="The contact where it was made, if you may see it."
    )

    @staticmethod
    def resolve_to_person(obj: Representation) -> uuid.UUID | None:
        return _pk_of(obj.to_person)

    @staticmethod
    def resolve_made_by(obj: Representation) -> list[uuid.UUID]:
        return ids(obj.made_by)

    @staticmethod
    def resolve_interaction(obj: Representation) -> uuid.UUID | None:
        return _pk_of(obj.interaction)


class RepresentationFilters(Schema):
    """Filters of the representations."""

    concern: uuid.UUID | None = None
    level: Level | None = None
    mode: RepresentationMode | None = None
    date_from: Day | None = Field(None, description="Made on or after this day.")
    date_to: Day | None = Field(None, description="Made on or before this day.")


class RepresentationIn(Schema):
    """A representation as the concern's page records it."""

    concern: uuid.UUID
    made_on: Day
    mode: RepresentationMode = RepresentationMode.ORAL
    level: Level
    to_person: uuid.UUID | None = None
    to_whom: Text = Field("", max_length=300)
    made_by: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    content: Text = Field(min_length=1, max_length=LONG_TEXT)
    interaction: uuid.UUID | None = None


def _prepare_representations(queryset: QS, user: User) -> QS:
    return (
        queryset.prefetch_related("made_by")
        .prefetch_related(Prefetch("to_person", queryset=Person.objects.visible_to(user)))
        .prefetch_related(Prefetch("interaction", queryset=Interaction.objects.visible_to(user)))
    )


def _representation_changes(payload: Any, actor: User) -> dict[str, Any]:
    _not_null(payload, "made_on", "mode", "level", "to_whom", "content")
    changes = given(payload, "made_on", "mode", "level", "to_whom", "content")
    sent = payload.model_fields_set
    if "to_person" in sent:
        changes["to_person"] = maybe_linked(Person, payload.to_person, actor, "to_person")
    if "interaction" in sent:
        changes["interaction"] = maybe_linked(
            Interaction, payload.interaction, actor, "interaction"
        )
    return changes


def _made_by(payload: Any) -> list[User] | None:
    if "made_by" not in payload.model_fields_set:
        return None
    return colleagues(payload.made_by or [], "made_by")


register(
    router,
    Resource(
        model=Representation,
        path="representations",
        out=RepresentationOut,
        tag=TAG,
        order=("-made_on", "-created_at", "id"),
        filters=RepresentationFilters,
        filter=lambda queryset, filters, user: _wanted(
            queryset,
            {
                "concern_id": filters.concern,
                "level": filters.level,
                "mode": filters.mode,
                "made_on__gte": filters.date_from,
                "made_on__lte": filters.date_to,
            },
        ),
        prepare=_prepare_representations,
        create_in=RepresentationIn,
        create=lambda payload, actor: do_record_representation(
            _concern(payload, actor),
            actor=actor,
            made_by=_made_by(payload) or [],
            **_representation_changes(payload, actor),
        ),
        update_in=changes_of(RepresentationIn, exclude=("concern",)),
        update=lambda record, payload, actor: do_update_representation(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_representation_changes(payload, actor),
            made_by=_made_by(payload),
        ),
        delete=lambda record, version, actor: do_delete_representation(
            record, actor=actor, expected_version=version
        ),
    ),
)

# Responses


class ResponseOut(RecordOut):
    """What the bearer answered about a concern (or silence noted)."""

    concern: uuid.UUID = Field(validation_alias="concern_id")
    representation: uuid.UUID | None = Field(
        validation_alias="representation_id", description="The representation it answers."
    )
    received_on: datetime.date
    kind: ResponseKind
    mode: RepresentationMode
    from_person: uuid.UUID | None = Field(None, description="Who answered, if you may see them.")
    from_whom: str
    content: str

    @staticmethod
    def resolve_from_person(obj: Response) -> uuid.UUID | None:
        return _pk_of(obj.from_person)


class ResponseFilters(Schema):
    """Filters of the responses."""

    concern: uuid.UUID | None = None
    kind: ResponseKind | None = None
    date_from: Day | None = Field(None, description="Received on or after this day.")
    date_to: Day | None = Field(None, description="Received on or before this day.")


class ResponseIn(Schema):
    """A response as the concern's page records it."""

    concern: uuid.UUID
    received_on: Day
    kind: ResponseKind
    mode: RepresentationMode = RepresentationMode.ORAL
    representation: uuid.UUID | None = Field(None, description="One about the same concern.")
    from_person: uuid.UUID | None = None
    from_whom: Text = Field("", max_length=300)
    content: Text = Field("", max_length=LONG_TEXT)


def _response_changes(payload: Any, actor: User) -> dict[str, Any]:
    _not_null(payload, "received_on", "kind", "mode", "from_whom", "content")
    changes = given(payload, "received_on", "kind", "mode", "from_whom", "content")
    sent = payload.model_fields_set
    if "representation" in sent:
        changes["representation"] = maybe_linked(
            Representation, payload.representation, actor, "representation"
        )
    if "from_person" in sent:
        changes["from_person"] = maybe_linked(Person, payload.from_person, actor, "from_person")
    return changes


register(
    router,
    Resource(
        model=Response,
        path="concern-responses",
        out=ResponseOut,
        tag=TAG,
        order=("-received_on", "-created_at", "id"),
        filters=ResponseFilters,
        filter=lambda queryset, filters, user: _wanted(
            queryset,
            {
                "concern_id": filters.concern,
                "kind": filters.kind,
                "received_on__gte": filters.date_from,
                "received_on__lte": filters.date_to,
            },
        ),
        prepare=lambda queryset, user: queryset.prefetch_related(
            Prefetch("from_person", queryset=Person.objects.visible_to(user))
        ),
        create_in=ResponseIn,
        create=lambda payload, actor: do_record_response(
            _concern(payload, actor), actor=actor, **_response_changes(payload, actor)
        ),
        update_in=changes_of(ResponseIn, exclude=("concern",)),
        update=lambda record, payload, actor: do_update_response(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_response_changes(payload, actor),
        ),
        delete=lambda record, version, actor: do_delete_response(
            record, actor=actor, expected_version=version
        ),
    ),
)

# Follow-ups


class ConcernFollowUpOut(RecordOut):
    """Something to do about a concern, by a date."""

    concern: uuid.UUID = Field(validation_alias="concern_id")
    action: str
    owner: uuid.UUID | None = Field(validation_alias="owner_id")
    due_on: datetime.date | None
    status: FollowUpStatus
    done_on: datetime.date | None


class ConcernFollowUpFilters(Schema):
    """Filters of the concerns' follow-ups."""

    concern: uuid.UUID | None = None
    owner: uuid.UUID | None = None
    status: FollowUpStatus | None = None
    due_before: Day | None = Field(None, description="Due on or before this day.")


class ConcernFollowUpIn(Schema):
    """A follow-up as the concern's page schedules it."""

    concern: uuid.UUID
    action: Text = Field(min_length=1, max_length=300)
    owner: uuid.UUID | None = None
    due_on: Day | None = None


class ConcernFollowUpChanges(VersionIn):
    """The version you read, and only the fields to change; done without ``done_on`` is
    done today."""

    action: Text | None = Field(None, min_length=1, max_length=300)
    owner: uuid.UUID | None = None
    due_on: Day | None = None
    status: FollowUpStatus | None = None
    done_on: Day | None = None


def _update_follow_up(follow_up: ConcernFollowUp, payload: Any, actor: User) -> ConcernFollowUp:
    _not_null(payload, "action", "status")
    changes = given(payload, "action", "due_on", "status", "done_on")
    if "owner" in payload.model_fields_set:
        changes["owner"] = maybe_colleague(payload.owner, "owner")
    if changes == {"status": FollowUpStatus.DONE}:
        return do_complete_concern_follow_up(
            follow_up, actor=actor, expected_version=payload.version
        )
    return do_update_concern_follow_up(
        follow_up, actor=actor, expected_version=payload.version, changes=changes
    )


register(
    router,
    Resource(
        model=ConcernFollowUp,
        path="concern-follow-ups",
        out=ConcernFollowUpOut,
        tag=TAG,
        order=("due_on", "created_at", "id"),
        filters=ConcernFollowUpFilters,
        filter=lambda queryset, filters, user: _wanted(
            queryset,
            {
                "concern_id": filters.concern,
                "owner_id": filters.owner,
                "status": filters.status,
                "due_on__lte": filters.due_before,
            },
        ),
        create_in=ConcernFollowUpIn,
        create=lambda payload, actor: do_schedule_concern_follow_up(
            _concern(payload, actor),
            actor=actor,
            action=payload.action,
            owner=maybe_colleague(payload.owner, "owner"),
            due_on=payload.due_on,
        ),
        update_in=ConcernFollowUpChanges,
        update=_update_follow_up,
        delete=lambda record, version, actor: do_delete_concern_follow_up(
            record, actor=actor, expected_version=version
        ),
    ),
)

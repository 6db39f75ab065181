"""The API of the dialogue: topics (read only: the taxonomy is seeded and has no write
service), interactions and their follow-ups (held in a compartment; reads audited).

The interaction rules the quick-entry form adds to the service are kept here too: an
interaction concerns at least one bearer, and the people met belong to the delegation
that records it.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import (
    QS,
    InvalidInput,
    Resource,
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
    Flag,
    Latitude,
    Longitude,
    Moment,
    RecordOut,
    Text,
    changes_of,
    ids,
)
from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.dialogue.choices import (
    Confidentiality,
    FollowUpStatus,
    InteractionKind,
    LegalFramework,
    Situation,
)
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.dialogue.services import (
    do_create_follow_up,
    do_delete_follow_up,
    do_delete_interaction,
    do_record_interaction,
    do_update_follow_up,
    do_update_interaction,
)
from pourparler.geo.models import AdminArea
from pourparler.people.models import Person

router = Router()

# --- Topics ----------------------------------------------------------------------------------


class TopicOut(RecordOut):
    """A subject of the dialogue, from the organisation-wide taxonomy."""

    code: str
    name: str
    description: str
    sort_order: int


register(
    router,
    Resource(
        model=Topic, path="topics", out=TopicOut, tag="dialogue", order=("sort_order", "name", "id")
    ),
)

# --- Interactions ----------------------------------------------------------------------------


class InteractionOut(RecordOut):
    """A dated exchange with one or more weapon bearers."""

    kind: InteractionKind
    occurred_at: datetime.datetime
    level: Level
    place_name: str
    latitude: float | None
    longitude: float | None
    admin_area: uuid.UUID | None = Field(validation_alias="admin_area_id")
    bearers: list[uuid.UUID]
    their_participants: list[uuid.UUID]
    our_participants: list[uuid.UUID]
    topics: list[uuid.UUID]
    situation: Situation | None
    legal_framework: LegalFramework
    confidentiality: Confidentiality
    summary: str
    notes: str
    outcomes: str

    @staticmethod
    def resolve_bearers(obj: Interaction) -> list[uuid.UUID]:
        return ids(obj.bearers)

    @staticmethod
    def resolve_their_participants(obj: Interaction) -> list[uuid.UUID]:
        return ids(obj.their_participants)

    @staticmethod
    def resolve_our_participants(obj: Interaction) -> list[uuid.UUID]:
        return ids(obj.our_participants)

    @staticmethod
    def resolve_topics(obj: Interaction) -> list[uuid.UUID]:
        return ids(obj.topics)

    @staticmethod
    def resolve_situation(obj: Interaction) -> str | None:
        return obj.situation or None


class InteractionFilters(Schema):
    """Filters of the interaction list."""

    bearer: uuid.UUID | None = Field(None, description="Interactions with this bearer.")
    person: uuid.UUID | None = Field(None, description="Interactions this person took part in.")
    kind: InteractionKind | None = None
    level: Level | None = None
    topic: uuid.UUID | None = None
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    date_from: Day | None = Field(None, description="On or after this day (UTC).")
    date_to: Day | None = Field(None, description="On or before this day (UTC).")


class InteractionIn(Schema):
    """A contact with one or more weapon bearers, as the quick-entry form records it."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    kind: InteractionKind
    occurred_at: Moment
    level: Level = Level.TACTICAL
    bearers: list[uuid.UUID] = Field(min_length=1, max_length=50)
    their_participants: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    our_participants: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    topics: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    situation: Situation | None = None
    legal_framework: LegalFramework = LegalFramework.NONE
    place_name: Text = Field("", max_length=200)
    admin_area: uuid.UUID | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    confidentiality: Confidentiality = Confidentiality.CONFIDENTIAL
    summary: Text = Field(min_length=1, max_length=LONG_TEXT)
    notes: Text = Field("", max_length=LONG_TEXT)
    outcomes: Text = Field("", max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


INTERACTION_FIELDS = (
    "kind",
    "occurred_at",
    "level",
    "legal_framework",
    "place_name",
    "confidentiality",
    "summary",
    "notes",
    "outcomes",
    "restricted",
)


def _prepare_interactions(queryset: QS, user: User) -> QS:
    return (
        queryset.prefetch_related(
            Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user))
        )
        .prefetch_related(Prefetch("their_participants", queryset=Person.objects.visible_to(user)))
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.visible_to(user)))
        .prefetch_related("our_participants")
    )


def _filter_interactions(queryset: QS, filters: InteractionFilters, user: User) -> QS:
    if filters.bearer:
        bearers = WeaponBearer.objects.visible_to(user).filter(pk=filters.bearer)
        queryset = queryset.filter(bearers__in=bearers)
    if filters.person:
        people = Person.objects.visible_to(user).filter(pk=filters.person)
        queryset = queryset.filter(their_participants__in=people)
    if filters.topic:
        queryset = queryset.filter(
            topics__in=Topic.objects.visible_to(user).filter(pk=filters.topic)
        )
    wanted = {
        "kind": filters.kind,
        "level": filters.level,
        "compartment_id": filters.delegation,
        "occurred_at__date__gte": filters.date_from,
        "occurred_at__date__lte": filters.date_to,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _place(payload: Any, actor: User) -> dict[str, Any]:
    """The plain fields of the place: coordinates as decimals, the area checked."""
    place: dict[str, Any] = {}
    for name in ("latitude", "longitude"):
        if name in payload.model_fields_set:
            value = getattr(payload, name)
            place[name] = None if value is None else round(Decimal(str(value)), 5)
    if "admin_area" in payload.model_fields_set:
        place["admin_area"] = maybe_linked(AdminArea, payload.admin_area, actor, "admin_area")
    return place


def _their_participants(pks: list[uuid.UUID], compartment_id: Any, actor: User) -> list[Person]:
    people = all_linked(Person, pks, actor, "their_participants")
    if any(person.compartment_id != compartment_id for person in people):
        raise InvalidInput.of(
            "their_participants", "These people belong to another delegation's compartment."
        )
    return people


def _create_interaction(payload: Any, actor: User) -> Interaction:
    compartment = linked(Delegation, payload.compartment, actor, "compartment")
    return do_record_interaction(
        actor=actor,
        compartment=compartment,
        bearers=all_linked(WeaponBearer, payload.bearers, actor, "bearers"),
        their_participants=_their_participants(payload.their_participants, compartment.pk, actor),
        our_participants=colleagues(payload.our_participants, "our_participants"),
        topics=all_linked(Topic, payload.topics, actor, "topics"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        situation=payload.situation or "",
        **_place(payload, actor),
        **{name: getattr(payload, name) for name in INTERACTION_FIELDS},
    )


def _update_interaction(interaction: Interaction, payload: Any, actor: User) -> Interaction:
    sent = payload.model_fields_set
    changes = given(payload, *INTERACTION_FIELDS) | _place(payload, actor)
    if "situation" in sent:
        changes["situation"] = payload.situation or ""
    links: dict[str, list[Any]] = {}
    if "bearers" in sent:
        if not payload.bearers:
            raise InvalidInput.of("bearers", "Name at least one bearer.")
        links["bearers"] = all_linked(WeaponBearer, payload.bearers, actor, "bearers")
    if "their_participants" in sent:
        links["their_participants"] = _their_participants(
            payload.their_participants or [], interaction.compartment_id, actor
        )
    if "our_participants" in sent:
        links["our_participants"] = colleagues(payload.our_participants or [], "our_participants")
    if "topics" in sent:
        links["topics"] = all_linked(Topic, payload.topics or [], actor, "topics")
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to or [], "restricted_to")
    return do_update_interaction(
        interaction,
        actor=actor,
        expected_version=payload.version,
        changes=changes,
        links=links,
    )


register(
    router,
    Resource(
        model=Interaction,
        path="interactions",
        out=InteractionOut,
        tag="dialogue",
        order=("-occurred_at", "-id"),
        filters=InteractionFilters,
        filter=_filter_interactions,
        prepare=_prepare_interactions,
        create_in=InteractionIn,
        create=_create_interaction,
        update_in=changes_of(InteractionIn, exclude=("compartment",)),
        update=_update_interaction,
        delete=lambda interaction, version, actor: do_delete_interaction(
            interaction, actor=actor, expected_version=version
        ),
    ),
)

# --- Follow-ups ------------------------------------------------------------------------------


class FollowUpOut(RecordOut):
    """An action an interaction calls for: who does what, by when."""

    interaction: uuid.UUID | None = Field(validation_alias="interaction_id")
    action: str
    owner: uuid.UUID | None = Field(validation_alias="owner_id")
    due_on: datetime.date | None
    status: FollowUpStatus
    done_on: datetime.date | None


class FollowUpFilters(Schema):
    """Filters of the list of follow-ups."""

    interaction: uuid.UUID | None = None
    owner: uuid.UUID | None = None
    status: FollowUpStatus | None = None
    due_before: Day | None = Field(None, description="Due on or before this day.")


class FollowUpIn(Schema):
    """An action to schedule, arising from an interaction or on its own in a compartment."""

    interaction: uuid.UUID | None = None
    compartment: uuid.UUID | None = Field(
        None, description="Without an interaction: the delegation it belongs to."
    )
    action: Text = Field(min_length=1, max_length=300)
    owner: uuid.UUID | None = None
    due_on: Day | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN
    done_on: Day | None = None


FOLLOW_UP_FIELDS = ("action", "due_on", "status", "done_on")


def _filter_follow_ups(queryset: QS, filters: FollowUpFilters, user: User) -> QS:
    wanted = {
        "interaction_id": filters.interaction,
        "owner_id": filters.owner,
        "status": filters.status,
        "due_on__lte": filters.due_before,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _create_follow_up(payload: Any, actor: User) -> FollowUp:
    interaction = maybe_linked(Interaction, payload.interaction, actor, "interaction")
    compartment = maybe_linked(Delegation, payload.compartment, actor, "compartment")
    if interaction is None and compartment is None:
        raise InvalidInput.of("interaction", "Name the interaction, or else the compartment.")
    return do_create_follow_up(
        interaction,
        actor=actor,
        compartment=compartment,
        owner=maybe_colleague(payload.owner, "owner"),
        **{name: getattr(payload, name) for name in FOLLOW_UP_FIELDS},
    )


def _update_follow_up(follow_up: FollowUp, payload: Any, actor: User) -> FollowUp:
    changes = given(payload, *FOLLOW_UP_FIELDS)
    if "owner" in payload.model_fields_set:
        changes["owner"] = maybe_colleague(payload.owner, "owner")
    return do_update_follow_up(
        follow_up, actor=actor, expected_version=payload.version, changes=changes
    )


register(
    router,
    Resource(
        model=FollowUp,
        path="follow-ups",
        out=FollowUpOut,
        tag="dialogue",
        order=("due_on", "id"),
        filters=FollowUpFilters,
        filter=_filter_follow_ups,
        create_in=FollowUpIn,
        create=_create_follow_up,
        update_in=changes_of(FollowUpIn, exclude=("interaction", "compartment")),
        update=_update_follow_up,
        delete=lambda follow_up, version, actor: do_delete_follow_up(
            follow_up, actor=actor, expected_version=version
        ),
    ),
)

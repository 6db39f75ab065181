"""The API about people we know: persons, their other names, the posts they hold and who on
our side holds the relationship. All held in a delegation's compartment; reads audited.

Names and notes are encrypted at rest and plain text here, for those who may read them.
They cannot be sorted in SQL: lists come in the order people were recorded, and ``q``
searches the blind index of names like the people page.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import (
    QS,
    Resource,
    colleague,
    colleagues,
    given,
    linked,
    maybe_colleague,
    maybe_linked,
    register,
)
from pourparler.api.schemas import LONG_TEXT, Day, Flag, QueryFlag, RecordOut, Text, changes_of
from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.people.choices import LegalBasis, Strength
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.people.search import matching
from pourparler.people.services import (
    do_add_person_name,
    do_add_position,
    do_create_person,
    do_create_relationship,
    do_delete_person,
    do_delete_person_name,
    do_delete_position,
    do_delete_relationship,
    do_update_person,
    do_update_person_name,
    do_update_position,
    do_update_relationship,
)

router = Router()

# --- People ----------------------------------------------------------------------------------


class PersonOut(RecordOut):
    """An interlocutor: a member of a weapon bearer whom our delegates know."""

    full_name: str
    languages: list[str]
    notes: str
    purpose: str = Field(description="Why we hold this person's data.")
    legal_basis: LegalBasis
    anonymised_at: datetime.datetime | None


class PersonFilters(Schema):
    """Filters of the list of people."""

    q: Text | None = Field(
        None, max_length=200, description="Words of any of their names (3 letters or more)."
    )
    bearer: uuid.UUID | None = Field(None, description="People who hold a post in this bearer.")
    delegation: uuid.UUID | None = Field(None, description="People this delegation knows.")


class PersonIn(Schema):
    """A person we know, in a delegation's compartment."""

    compartment: uuid.UUID = Field(description="The delegation that knows this person.")
    full_name: Text = Field(min_length=1, max_length=300)
    languages: list[Text] = Field(default_factory=list, max_length=20)
    notes: Text = Field("", max_length=LONG_TEXT)
    purpose: Text = Field("Humanitarian dialogue with weapon bearers", max_length=300)
    legal_basis: LegalBasis = LegalBasis.PUBLIC_INTEREST
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


PERSON_FIELDS = ("full_name", "languages", "notes", "purpose", "legal_basis", "restricted")


def _filter_people(queryset: QS, filters: PersonFilters, user: User) -> QS:
    if filters.q and filters.q.strip():
        queryset = matching(queryset, filters.q.strip(), user)
    if filters.bearer:
        holding = Position.objects.visible_to(user).filter(bearer_id=filters.bearer)
        queryset = queryset.filter(pk__in=holding.values("person_id"))
    if filters.delegation:
        queryset = queryset.filter(compartment_id=filters.delegation)
    return queryset


def _create_person(payload: Any, actor: User) -> Person:
    return do_create_person(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        **{name: getattr(payload, name) for name in PERSON_FIELDS},
    )


def _update_person(person: Person, payload: Any, actor: User) -> Person:
    named = given(payload, "restricted_to").get("restricted_to")
    return do_update_person(
        person,
        actor=actor,
        expected_version=payload.version,
        changes=given(payload, *PERSON_FIELDS),
        restricted_to=None if named is None else colleagues(named, "restricted_to"),
    )


register(
    router,
    Resource(
        model=Person,
        path="people",
        out=PersonOut,
        tag="people",
        order=("created_at", "id"),
        filters=PersonFilters,
        filter=_filter_people,
        create_in=PersonIn,
        create=_create_person,
        update_in=changes_of(PersonIn, exclude=("compartment",)),
        update=_update_person,
        delete=lambda person, version, actor: do_delete_person(
            person, actor=actor, expected_version=version
        ),
    ),
)

# --- Other names -------------------------------------------------------------------------------


class PersonNameOut(RecordOut):
    """Another name of a person: another script, a nom de guerre, a transliteration."""

    person: uuid.UUID = Field(validation_alias="person_id")
    name: str
    language: str
    script: str
    transliteration: str


class ByPerson(Schema):
    """Filter by the person the rows are about."""

    person: uuid.UUID | None = None


class PersonNameIn(Schema):
    """Another name of a person."""

    person: uuid.UUID
    name: Text = Field(min_length=1, max_length=300)
    language: Text = Field("", max_length=8)
    script: Text = Field("", max_length=4)
    transliteration: Text = Field("", max_length=300)


NAME_FIELDS = ("name", "language", "script", "transliteration")


def _by_person(queryset: QS, filters: ByPerson, user: User) -> QS:
    return queryset.filter(person_id=filters.person) if filters.person else queryset


register(
    router,
    Resource(
        model=PersonName,
        path="person-names",
        out=PersonNameOut,
        tag="people",
        order=("person__created_at", "person_id", "created_at", "id"),
        filters=ByPerson,
        filter=_by_person,
        create_in=PersonNameIn,
        create=lambda payload, actor: do_add_person_name(
            linked(Person, payload.person, actor, "person"),
            actor=actor,
            **{name: getattr(payload, name) for name in NAME_FIELDS},
        ),
        update_in=changes_of(PersonNameIn, exclude=("person",)),
        update=lambda entry, payload, actor: do_update_person_name(
            entry,
            actor=actor,
            expected_version=payload.version,
            changes=given(payload, *NAME_FIELDS),
        ),
        delete=lambda entry, version, actor: do_delete_person_name(
            entry, actor=actor, expected_version=version
        ),
    ),
)

# --- Positions -------------------------------------------------------------------------------


class PositionOut(RecordOut):
    """A post a person holds in a bearer or one of its units, from a date to a date."""

    person: uuid.UUID = Field(validation_alias="person_id")
    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    unit: uuid.UUID | None = Field(validation_alias="unit_id")
    rank: str
    role_title: str
    level: Level
    starts_on: datetime.date | None
    ends_on: datetime.date | None = Field(description="Empty while the post is held.")


class PositionFilters(Schema):
    """Filters of the list of positions."""

    person: uuid.UUID | None = None
    bearer: uuid.UUID | None = None
    unit: uuid.UUID | None = None
    level: Level | None = None
    current: QueryFlag | None = Field(
        None, description="Only posts still held (or only ended ones)."
    )


class PositionIn(Schema):
    """A post a person holds."""

    person: uuid.UUID
    bearer: uuid.UUID
    unit: uuid.UUID | None = None
    rank: Text = Field("", max_length=120)
    role_title: Text = Field("", max_length=200)
    level: Level
    starts_on: Day | None = None
    ends_on: Day | None = None


POSITION_FIELDS = ("rank", "role_title", "level", "starts_on", "ends_on")


def _filter_positions(queryset: QS, filters: PositionFilters, user: User) -> QS:
    wanted = {
        "person_id": filters.person,
        "bearer_id": filters.bearer,
        "unit_id": filters.unit,
        "level": filters.level,
    }
    queryset = queryset.filter(**{k: v for k, v in wanted.items() if v is not None})
    if filters.current is not None:
        queryset = queryset.filter(ends_on__isnull=filters.current)
    return queryset


def _create_position(payload: Any, actor: User) -> Position:
    return do_add_position(
        linked(Person, payload.person, actor, "person"),
        actor=actor,
        bearer=linked(WeaponBearer, payload.bearer, actor, "bearer"),
        unit=maybe_linked(Unit, payload.unit, actor, "unit"),
        **{name: getattr(payload, name) for name in POSITION_FIELDS},
    )


def _update_position(position: Position, payload: Any, actor: User) -> Position:
    changes = given(payload, *POSITION_FIELDS)
    if "unit" in payload.model_fields_set:
        changes["unit"] = maybe_linked(Unit, payload.unit, actor, "unit")
    return do_update_position(
        position, actor=actor, expected_version=payload.version, changes=changes
    )


register(
    router,
    Resource(
        model=Position,
        path="positions",
        out=PositionOut,
        tag="people",
        order=("-starts_on", "id"),
        filters=PositionFilters,
        filter=_filter_positions,
        create_in=PositionIn,
        create=_create_position,
        update_in=changes_of(PositionIn, exclude=("person", "bearer")),
        update=_update_position,
        delete=lambda position, version, actor: do_delete_position(
            position, actor=actor, expected_version=version
        ),
    ),
)

# --- Relationships ---------------------------------------------------------------------------


class RelationshipOut(RecordOut):
    """Which member of our staff holds the relationship with a person, and how strong it is."""

    person: uuid.UUID = Field(validation_alias="person_id")
    holder: uuid.UUID = Field(validation_alias="holder_id")
    since: datetime.date | None
    until: datetime.date | None
    strength: Strength
    notes: str


class RelationshipFilters(Schema):
    """Filters of the list of relationships."""

    person: uuid.UUID | None = None
    holder: uuid.UUID | None = Field(None, description="Relationships this colleague holds.")


class RelationshipIn(Schema):
    """Who on our side holds the relationship with a person."""

    person: uuid.UUID
    holder: uuid.UUID
    since: Day | None = None
    until: Day | None = None
    strength: Strength = Strength.WORKING
    notes: Text = Field("", max_length=LONG_TEXT)


RELATIONSHIP_FIELDS = ("since", "until", "strength", "notes")


def _filter_relationships(queryset: QS, filters: RelationshipFilters, user: User) -> QS:
    wanted = {"person_id": filters.person, "holder_id": filters.holder}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _update_relationship(relationship: Relationship, payload: Any, actor: User) -> Relationship:
    changes = given(payload, *RELATIONSHIP_FIELDS)
    if "holder" in payload.model_fields_set:
        changes["holder"] = maybe_colleague(payload.holder, "holder")
    return do_update_relationship(
        relationship, actor=actor, expected_version=payload.version, changes=changes
    )


register(
    router,
    Resource(
        model=Relationship,
        path="relationships",
        out=RelationshipOut,
        tag="people",
        order=("person__created_at", "person_id", "-since", "id"),
        filters=RelationshipFilters,
        filter=_filter_relationships,
        create_in=RelationshipIn,
        create=lambda payload, actor: do_create_relationship(
            linked(Person, payload.person, actor, "person"),
            actor=actor,
            holder=colleague(payload.holder, "holder"),
            **{name: getattr(payload, name) for name in RELATIONSHIP_FIELDS},
        ),
        update_in=changes_of(RelationshipIn, exclude=("person",)),
        update=_update_relationship,
        delete=lambda relationship, version, actor: do_delete_relationship(
            relationship, actor=actor, expected_version=version
        ),
    ),
)

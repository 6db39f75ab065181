"""The API of the bearer registry: weapon bearers, their names, external ids, relations and
units (organisation-wide reference data; a restricted bearer only for its named members)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Prefetch, Q
from ninja import Router, Schema
from pydantic import Field

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
from pourparler.bearers.choices import (
    BearerKind,
    Echelon,
    IdScheme,
    Level,
    NameKind,
    RelationKind,
    Structure,
    TerritorialControl,
)
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.bearers.services import (
    do_add_bearer_name,
    do_add_external_id,
    do_create_bearer,
    do_create_unit,
    do_delete_bearer,
    do_delete_bearer_name,
    do_delete_bearer_relation,
    do_delete_external_id,
    do_delete_unit,
    do_relate_bearers,
    do_update_bearer,
    do_update_bearer_name,
    do_update_bearer_relation,
    do_update_external_id,
    do_update_unit,
)
from pourparler.core.models import User
from pourparler.core.text import fold
from pourparler.geo.models import AdminArea, Country

router = Router()

# --- Weapon bearers ------------------------------------------------------------------------


class BearerOut(RecordOut):
    """A weapon bearer: an organisation that can use force."""

    name: str
    kind: BearerKind
    countries: list[uuid.UUID]
    description: str
    structure: Structure
    leadership: str
    territorial_control: TerritorialControl
    community_ties: str
    external_support: str

    @staticmethod
    def resolve_countries(obj: WeaponBearer) -> list[uuid.UUID]:
        return ids(obj.countries)


class BearerFilters(Schema):
    """Filters of the bearer list."""

    q: Text | None = Field(None, max_length=200, description="A name or alias, or part of one.")
    kind: BearerKind | None = None
    country: Text | None = Field(
        None, max_length=2, description="ISO 3166-1 alpha-2 code of a country it operates in."
    )


class BearerIn(Schema):
    """A weapon bearer to register."""

    name: Text = Field(min_length=1, max_length=200)
    kind: BearerKind
    countries: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    description: Text = Field("", max_length=LONG_TEXT)
    structure: Structure = Structure.UNKNOWN
    leadership: Text = Field("", max_length=LONG_TEXT)
    territorial_control: TerritorialControl = TerritorialControl.UNKNOWN
    community_ties: Text = Field("", max_length=LONG_TEXT)
    external_support: Text = Field("", max_length=LONG_TEXT)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


BEARER_FIELDS = (
    "name",
    "kind",
    "description",
    "structure",
    "leadership",
    "territorial_control",
    "community_ties",
    "external_support",
)
BearerChanges = changes_of(BearerIn, exclude=("restricted", "restricted_to"))


def _prepare_bearers(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(
        Prefetch("countries", queryset=Country.objects.visible_to(user))
    )


def _filter_bearers(queryset: QS, filters: BearerFilters, user: User) -> QS:
    if filters.q and filters.q.strip():
        queryset = queryset.filter(search_text__contains=fold(filters.q))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.country:
        operating = Country.objects.visible_to(user).filter(iso2=filters.country.upper())
        queryset = queryset.filter(countries__in=operating).distinct()
    return queryset


def _create_bearer(payload: Any, actor: User) -> WeaponBearer:
    return do_create_bearer(
        actor=actor,
        countries=all_linked(Country, payload.countries, actor, "countries"),
        restricted=payload.restricted,
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        **{name: getattr(payload, name) for name in BEARER_FIELDS},
    )


def _update_bearer(bearer: WeaponBearer, payload: Any, actor: User) -> WeaponBearer:
    countries = given(payload, "countries").get("countries")
    return do_update_bearer(
        bearer,
        actor=actor,
        expected_version=payload.version,
        changes=given(payload, *BEARER_FIELDS),
        countries=None if countries is None else all_linked(Country, countries, actor, "countries"),
    )


def _delete_bearer(bearer: WeaponBearer, version: int, actor: User) -> WeaponBearer:
    return do_delete_bearer(bearer, actor=actor, expected_version=version)


register(
    router,
    Resource(
        model=WeaponBearer,
        path="bearers",
        out=BearerOut,
        tag="bearers",
        order=("name", "id"),
        filters=BearerFilters,
        filter=_filter_bearers,
        prepare=_prepare_bearers,
        create_in=BearerIn,
        create=_create_bearer,
        update_in=BearerChanges,
        update=_update_bearer,
        delete=_delete_bearer,
    ),
)

# --- Names -----------------------------------------------------------------------------------


class BearerNameOut(RecordOut):
    """A name of a bearer in a language and script."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    name: str
    kind: NameKind
    language: str
    script: str
    transliteration: str


class ByBearer(Schema):
    """Filter by the bearer the rows belong to."""

    bearer: uuid.UUID | None = None


class BearerNameIn(Schema):
    """A name, alias or transliteration of a bearer."""

    bearer: uuid.UUID
    name: Text = Field(min_length=1, max_length=300)
    kind: NameKind = NameKind.ALIAS
    language: Text = Field("", max_length=8, description="ISO 639 code, for example ar, fr, my.")
    script: Text = Field("", max_length=4, description="ISO 15924 code, for example Arab, Latn.")
    transliteration: Text = Field("", max_length=300)


NAME_FIELDS = ("name", "kind", "language", "script", "transliteration")


def _by_bearer(queryset: QS, filters: ByBearer, user: User) -> QS:
    return queryset.filter(bearer_id=filters.bearer) if filters.bearer else queryset


register(
    router,
    Resource(
        model=BearerName,
        path="bearer-names",
        out=BearerNameOut,
        tag="bearers",
        order=("bearer__name", "kind", "name", "id"),
        filters=ByBearer,
        filter=_by_bearer,
        create_in=BearerNameIn,
        create=lambda payload, actor: do_add_bearer_name(
            linked(WeaponBearer, payload.bearer, actor, "bearer"),
            actor=actor,
            **{name: getattr(payload, name) for name in NAME_FIELDS},
        ),
        update_in=changes_of(BearerNameIn, exclude=("bearer",)),
        update=lambda entry, payload, actor: do_update_bearer_name(
            entry,
            actor=actor,
            expected_version=payload.version,
            changes=given(payload, *NAME_FIELDS),
        ),
        delete=lambda entry, version, actor: do_delete_bearer_name(
            entry, actor=actor, expected_version=version
        ),
    ),
)

# --- External ids ----------------------------------------------------------------------------


class ExternalIdOut(RecordOut):
    """An identifier of a bearer in another registry."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    scheme: IdScheme
    value: str


class ExternalIdIn(Schema):
    """A bearer's identifier in another registry (UCDP, ACLED, Wikidata)."""

    bearer: uuid.UUID
    scheme: IdScheme
    value: Text = Field(min_length=1, max_length=200)


register(
    router,
    Resource(
        model=ExternalId,
        path="external-ids",
        out=ExternalIdOut,
        tag="bearers",
        order=("scheme", "value", "id"),
        filters=ByBearer,
        filter=_by_bearer,
        create_in=ExternalIdIn,
        create=lambda payload, actor: do_add_external_id(
            linked(WeaponBearer, payload.bearer, actor, "bearer"),
            actor=actor,
            scheme=payload.scheme,
            value=payload.value,
        ),
        update_in=changes_of(ExternalIdIn, exclude=("bearer",)),
        update=lambda external_id, payload, actor: do_update_external_id(
            external_id,
            actor=actor,
            expected_version=payload.version,
            changes=given(payload, "scheme", "value"),
        ),
        delete=lambda external_id, version, actor: do_delete_external_id(
            external_id, actor=actor, expected_version=version
        ),
    ),
)

# --- Relations between bearers ---------------------------------------------------------------


class BearerRelationOut(RecordOut):
    """A relation between two bearers over time."""

    subject: uuid.UUID = Field(validation_alias="subject_id")
    kind: RelationKind
    other: uuid.UUID = Field(validation_alias="other_id")
    since: datetime.date | None
    until: datetime.date | None


class BearerRelationFilters(Schema):
    """Filters of the list of relations."""

    bearer: uuid.UUID | None = Field(None, description="Relations of this bearer, either side.")
    kind: RelationKind | None = None


class BearerRelationIn(Schema):
    """That one bearer splintered from, allied with or joined another."""

    subject: uuid.UUID
    kind: RelationKind
    other: uuid.UUID
    since: Day | None = None
    until: Day | None = None


def _filter_relations(queryset: QS, filters: BearerRelationFilters, user: User) -> QS:
    if filters.bearer:
        queryset = queryset.filter(Q(subject_id=filters.bearer) | Q(other_id=filters.bearer))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


register(
    router,
    Resource(
        model=BearerRelation,
        path="bearer-relations",
        out=BearerRelationOut,
        tag="bearers",
        order=("subject__name", "kind", "id"),
        filters=BearerRelationFilters,
        filter=_filter_relations,
        create_in=BearerRelationIn,
        create=lambda payload, actor: do_relate_bearers(
            linked(WeaponBearer, payload.subject, actor, "subject"),
            payload.kind,
            linked(WeaponBearer, payload.other, actor, "other"),
            actor=actor,
            since=payload.since,
            until=payload.until,
        ),
        update_in=changes_of(BearerRelationIn, exclude=("subject", "other")),
        update=lambda relation, payload, actor: do_update_bearer_relation(
            relation,
            actor=actor,
            expected_version=payload.version,
            changes=given(payload, "kind", "since", "until"),
        ),
        delete=lambda relation, version, actor: do_delete_bearer_relation(
            relation, actor=actor, expected_version=version
        ),
    ),
)

# --- Units -----------------------------------------------------------------------------------


class UnitOut(RecordOut):
    """A unit in a bearer's chain of command."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    parent: uuid.UUID | None = Field(validation_alias="parent_id")
    name: str
    echelon: Echelon
    level: Level
    location: str
    admin_area: uuid.UUID | None = Field(validation_alias="admin_area_id")


class UnitFilters(Schema):
    """Filters of the unit list."""

    bearer: uuid.UUID | None = None
    parent: uuid.UUID | None = None
    level: Level | None = None
    echelon: Echelon | None = None


class UnitIn(Schema):
    """A unit to add to a bearer's chain of command."""

    bearer: uuid.UUID
    parent: uuid.UUID | None = None
    name: Text = Field(min_length=1, max_length=200)
    echelon: Echelon = Echelon.OTHER
    level: Level = Level.TACTICAL
    location: Text = Field("", max_length=200)
    admin_area: uuid.UUID | None = None


def _filter_units(queryset: QS, filters: UnitFilters, user: User) -> QS:
    wanted = {
        "bearer_id": filters.bearer,
        "parent_id": filters.parent,
        "level": filters.level,
        "echelon": filters.echelon,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _create_unit(payload: Any, actor: User) -> Unit:
    bearer = linked(WeaponBearer, payload.bearer, actor, "bearer")
    return do_create_unit(
        bearer,
        actor=actor,
        name=payload.name,
        parent=maybe_linked(Unit, payload.parent, actor, "parent"),
        echelon=payload.echelon,
        level=payload.level,
        location=payload.location,
        admin_area=maybe_linked(AdminArea, payload.admin_area, actor, "admin_area"),
    )


def _update_unit(unit: Unit, payload: Any, actor: User) -> Unit:
    changes = given(payload, "name", "echelon", "level", "location")
    links = given(payload, "parent", "admin_area")
    if "parent" in links:
        changes["parent"] = maybe_linked(Unit, links["parent"], actor, "parent")
    if "admin_area" in links:
        changes["admin_area"] = maybe_linked(AdminArea, links["admin_area"], actor, "admin_area")
    return do_update_unit(unit, actor=actor, expected_version=payload.version, changes=changes)


register(
    router,
    Resource(
        model=Unit,
        path="units",
        out=UnitOut,
        tag="bearers",
        order=("bearer__name", "name", "id"),
        filters=UnitFilters,
        filter=_filter_units,
        create_in=UnitIn,
        create=_create_unit,
        update_in=changes_of(UnitIn, exclude=("bearer",)),
        update=_update_unit,
        delete=lambda unit, version, actor: do_delete_unit(
            unit, actor=actor, expected_version=version
        ),
    ),
)

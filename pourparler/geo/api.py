"""The API's places and context: countries and administrative areas, situations of
violence with their parties, context events with their actors, and population figures
(organisation-wide reference data).

Read by everyone signed in; countries and areas are added by staff with a content role
through the geo services. There is no service to change or delete a place (the ISO list
is seeded and areas are keyed by their P-code), so neither is offered here. Situations,
events and population figures are written only by the imports (``exchange``): they are
read-only here. A party or an actor linked to a bearer the caller may not see is left
out, as on the pages (``access_via``).
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, StrictInt

from pourparler.api.resources import (
    ERRORS,
    QS,
    Resource,
    actor_of,
    linked,
    maybe_linked,
    register,
)
from pourparler.api.schemas import (
    Day,
    ErrorOut,
    QueryInt,
    RecordOut,
    Text,
    ValidationErrorOut,
    ids,
)
from pourparler.core.access import get_visible_or_404
from pourparler.core.models import User
from pourparler.geo.models import (
    AdminArea,
    ContextEvent,
    ContextEventActor,
    Country,
    PopulationFigure,
    Situation,
    SituationParty,
)
from pourparler.geo.services import do_create_admin_area, do_create_country

router = Router()


class CountryOut(RecordOut):
    """A country or territory (ISO 3166-1)."""

    iso2: str
    iso3: str
    name: str


class CountryFilters(Schema):
    """Filters of the country list."""

    q: Text | None = Field(None, max_length=120, description="Part of the name or a code.")


class CountryIn(Schema):
    """A country or territory that the ISO 3166-1 list does not hold."""

    iso2: Text = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
    iso3: Text = Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")
    name: Text = Field(min_length=1, max_length=120)


def _filter_countries(queryset: QS, filters: CountryFilters, user: User) -> QS:
    query = (filters.q or "").strip()
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(iso2__iexact=query) | Q(iso3__iexact=query)
        )
    return queryset


def _create_country(payload: CountryIn, actor: User) -> Country:
    return do_create_country(actor=actor, iso2=payload.iso2, iso3=payload.iso3, name=payload.name)


class AdminAreaOut(RecordOut):
    """An administrative area of a country, keyed by its P-code."""

    country: uuid.UUID = Field(validation_alias="country_id")
    pcode: str
    name: str
    level: int
    parent: uuid.UUID | None = Field(validation_alias="parent_id")


class AdminAreaFilters(Schema):
    """Filters of the list of administrative areas."""

    country: uuid.UUID | None = None
    level: QueryInt | None = Field(None, ge=0, le=32)
    parent: uuid.UUID | None = None


class AdminAreaIn(Schema):
    """A province, district... of a country."""

    country: uuid.UUID
    pcode: Text = Field(min_length=1, max_length=32)
    name: Text = Field(min_length=1, max_length=160)
    level: StrictInt = Field(1, ge=1, le=9)
    parent: uuid.UUID | None = None


def _filter_areas(queryset: QS, filters: AdminAreaFilters, user: User) -> QS:
    wanted: dict[str, Any] = {
        "country_id": filters.country,
        "level": filters.level,
        "parent_id": filters.parent,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _create_area(payload: AdminAreaIn, actor: User) -> AdminArea:
    return do_create_admin_area(
        actor=actor,
        country=linked(Country, payload.country, actor, "country"),
        pcode=payload.pcode,
        name=payload.name,
        level=payload.level,
        parent=maybe_linked(AdminArea, payload.parent, actor, "parent"),
    )


register(
    router,
    Resource(
        model=Country,
        path="countries",
        out=CountryOut,
        tag="places",
        order=("name", "id"),
        filters=CountryFilters,
        filter=_filter_countries,
        create_in=CountryIn,
        create=_create_country,
    ),
)


def _without_outline(queryset: QS, user: User) -> QS:
    """Lists and records stay light: the outline is read only by its own operation."""
    return queryset.defer("boundary")


AREAS = Resource(
    model=AdminArea,
    path="admin-areas",
    out=AdminAreaOut,
    tag="places",
    order=("country__name", "level", "name", "id"),
    filters=AdminAreaFilters,
    filter=_filter_areas,
    prepare=_without_outline,
    create_in=AdminAreaIn,
    create=_create_area,
)
register(router, AREAS)


class BoundaryProperties(Schema):
    """What names the outline: the area, and the SHA-256 of the outline as imported."""

    pcode: str
    name: str
    level: int
    country: uuid.UUID
    boundary_sha256: str = Field(description="Blank when the area has no outline.")


class BoundaryOut(Schema):
    """An administrative area's outline as a GeoJSON Feature (RFC 7946, WGS 84)."""

    type: Literal["Feature"] = "Feature"
    id: uuid.UUID
    geometry: dict[str, Any] | None = Field(
        description="A GeoJSON Polygon or MultiPolygon, as imported from OCHA COD-AB and "
        "checked with shapely; null when no outline was imported."
    )
    properties: BoundaryProperties


@router.get(
    "/admin-areas/{pk}/boundary/",
    response={200: BoundaryOut, **ERRORS, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Read the outline of an administrative area",
    operation_id="get_admin_area_boundary",
    tags=["places"],
)
def admin_area_boundary(request: HttpRequest, pk: uuid.UUID) -> dict[str, Any]:
    """Read an area's outline as a GeoJSON Feature, its geometry null if it has none; a
    missing area is a 404. The list and the record of areas leave the outline out."""
    user = actor_of(request)
    area = get_visible_or_404(AdminArea, user, pk)
    return {
        "type": "Feature",
        "id": area.pk,
        "geometry": json.loads(area.boundary) if area.boundary else None,
        "properties": {
            "pcode": area.pcode,
            "name": area.name,
            "level": area.level,
            "country": area.country_id,
            "boundary_sha256": area.boundary_sha256,
        },
    }


# --- Situations, context events, population (written by the imports; read only) -------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class SituationOut(RecordOut):
    """A situation of violence (an armed conflict or other), as UCDP/PRIO or we name it."""

    name: str
    kind: str
    countries: list[uuid.UUID]
    ucdp_conflict_id: str
    ucdp_type: str
    incompatibility: str
    territory: str
    intensity: str
    started_on: datetime.date | None
    start_precision: str
    first_year: int | None
    last_year: int | None

    @staticmethod
    def resolve_countries(obj: Situation) -> list[uuid.UUID]:
        return ids(obj.countries)


class SituationFilters(Schema):
    """Filters of the situations."""

    country: uuid.UUID | None = Field(None, description="Situations in this country.")
    q: Text | None = Field(None, max_length=300, description="Part of the name.")


def _filter_situations(queryset: QS, filters: SituationFilters, user: User) -> QS:
    if filters.country:
        queryset = queryset.filter(countries=filters.country)
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q)
    return queryset


register(
    router,
    Resource(
        model=Situation,
        path="situations",
        out=SituationOut,
        tag="geo",
        order=("name", "id"),
        filters=SituationFilters,
        filter=_filter_situations,
        prepare=lambda queryset, user: queryset.prefetch_related("countries"),
    ),
)


class SituationPartyOut(RecordOut):
    """A party to a situation, as the source names it, and the bearer it is if known."""

    situation: uuid.UUID = Field(validation_alias="situation_id")
    bearer: uuid.UUID | None = Field(validation_alias="bearer_id")
    name: str
    ucdp_actor_id: str
    side: str
    role: str
    first_year: int | None
    last_year: int | None


class PartyFilters(Schema):
    """Filters of the parties."""

    situation: uuid.UUID | None = None
    bearer: uuid.UUID | None = None


def _filter_parties(queryset: QS, filters: PartyFilters, user: User) -> QS:
    wanted = {"situation_id": filters.situation, "bearer_id": filters.bearer}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=SituationParty,
        path="situation-parties",
        out=SituationPartyOut,
        tag="geo",
        order=("situation_id", "side", "name", "id"),
        filters=PartyFilters,
        filter=_filter_parties,
    ),
)


class ContextEventOut(RecordOut):
    """An event of political violence from UCDP GED or ACLED."""

    source: str
    source_id: str
    kind: str
    sub_kind: str
    occurred_on: datetime.date
    ended_on: datetime.date | None
    date_precision: str
    country: uuid.UUID | None = Field(validation_alias="country_id")
    admin1: str
    admin2: str
    admin_area: uuid.UUID | None = Field(validation_alias="admin_area_id")
    place: str
    latitude: float | None
    longitude: float | None
    location_precision: int | None
    deaths: int | None
    deaths_low: int | None
    deaths_high: int | None
    civilian_deaths: int | None
    situation: uuid.UUID | None = Field(validation_alias="situation_id")
    description: str
    reported_by: str

    @staticmethod
    def resolve_latitude(obj: ContextEvent) -> float | None:
        return _number(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: ContextEvent) -> float | None:
        return _number(obj.longitude)


class EventFilters(Schema):
    """Filters of the context events."""

    country: uuid.UUID | None = None
    situation: uuid.UUID | None = None
    admin_area: uuid.UUID | None = None
    bearer: uuid.UUID | None = Field(None, description="Events with this bearer as an actor.")
    date_from: Day | None = Field(None, description="On or after this day.")
    date_to: Day | None = Field(None, description="On or before this day.")


def _filter_events(queryset: QS, filters: EventFilters, user: User) -> QS:
    if filters.bearer:
        actors = ContextEventActor.objects.visible_to(user).filter(bearer_id=filters.bearer)
        queryset = queryset.filter(pk__in=actors.values("event_id"))
    wanted = {
        "country_id": filters.country,
        "situation_id": filters.situation,
        "admin_area_id": filters.admin_area,
        "occurred_on__gte": filters.date_from,
        "occurred_on__lte": filters.date_to,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=ContextEvent,
        path="context-events",
        out=ContextEventOut,
        tag="geo",
        order=("-occurred_on", "id"),
        filters=EventFilters,
        filter=_filter_events,
    ),
)


class ContextEventActorOut(RecordOut):
    """An actor of a context event, as the dataset names it, and the bearer if known."""

    event: uuid.UUID = Field(validation_alias="event_id")
    name: str
    external_id: str
    side: str
    role: str
    bearer: uuid.UUID | None = Field(validation_alias="bearer_id")


class ActorFilters(Schema):
    """Filters of the actors of events."""

    event: uuid.UUID | None = None
    bearer: uuid.UUID | None = None


def _filter_actors(queryset: QS, filters: ActorFilters, user: User) -> QS:
    wanted = {"event_id": filters.event, "bearer_id": filters.bearer}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=ContextEventActor,
        path="context-event-actors",
        out=ContextEventActorOut,
        tag="geo",
        order=("event_id", "name", "id"),
        filters=ActorFilters,
        filter=_filter_actors,
    ),
)


class PopulationFigureOut(RecordOut):
    """How many people live in an area, by year and group, as an office published it."""

    area: uuid.UUID = Field(validation_alias="area_id")
    year: int
    group: str
    sex: str
    age_range: str
    value: int
    source: str


class PopulationFilters(Schema):
    """Filters of the population figures."""

    area: uuid.UUID | None = None
    year: QueryInt | None = Field(None, ge=1800, le=2200)


def _filter_population(queryset: QS, filters: PopulationFilters, user: User) -> QS:
    wanted = {"area_id": filters.area, "year": filters.year}
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


register(
    router,
    Resource(
        model=PopulationFigure,
        path="population-figures",
        out=PopulationFigureOut,
        tag="geo",
        order=("area_id", "-year", "group", "sex", "age_range", "id"),
        filters=PopulationFilters,
        filter=_filter_population,
    ),
)

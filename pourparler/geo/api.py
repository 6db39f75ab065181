"""The API's places: countries and administrative areas (organisation-wide reference data).

Read by everyone signed in; added by staff with a content role through the geo
services. There is no service to change or delete a place (the ISO list is seeded and
areas are keyed by their P-code), so neither is offered here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from ninja import Router, Schema
from pydantic import Field, StrictInt

from pourparler.api.resources import QS, Resource, linked, maybe_linked, register
from pourparler.api.schemas import RecordOut, Text
from pourparler.core.models import User
from pourparler.geo.models import AdminArea, Country
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
    level: int | None = Field(None, ge=0, le=32)
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
register(
    router,
    Resource(
        model=AdminArea,
        path="admin-areas",
        out=AdminAreaOut,
        tag="places",
        order=("country__name", "level", "name", "id"),
        filters=AdminAreaFilters,
        filter=_filter_areas,
        create_in=AdminAreaIn,
        create=_create_area,
    ),
)

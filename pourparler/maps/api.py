"""The API of the maps app: areas of control, read-only (they are drawn or imported on
the map page, ``/maps/areas/new/``).

An area is held in a delegation's compartment (its notes are confidential; reads are
audited). As on the pages (``maps.reading``), an area of a bearer the caller may not see
is out of reach like the bearer itself: not listed, and the 404 of a missing one. The
outline is given as a GeoJSON geometry object.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.db.models import Q
from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import QS, Resource, register
from pourparler.api.schemas import Day, RecordOut
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.maps.choices import ControlType
from pourparler.maps.models import AreaOfControl

router = Router()


class AreaOut(RecordOut):
    """A territory a bearer controls fully, fluidly (contested) or influences, over a period."""

    bearer: uuid.UUID = Field(validation_alias="bearer_id")
    control: ControlType
    name: str
    country: uuid.UUID = Field(validation_alias="country_id")
    starts_on: datetime.date
    ends_on: datetime.date | None = Field(description="Empty while it lasts.")
    outline: dict[str, Any] = Field(
        description="A GeoJSON Polygon or MultiPolygon, longitude then latitude (WGS 84)."
    )
    outline_sha256: str
    source: str
    notes: str

    @staticmethod
    def resolve_outline(obj: AreaOfControl) -> dict[str, Any]:
        outline: dict[str, Any] = json.loads(obj.outline)
        return outline


class AreaFilters(Schema):
    """Filters of the list of areas of control."""

    bearer: uuid.UUID | None = Field(None, description="Areas of this bearer.")
    control: ControlType | None = None
    country: uuid.UUID | None = Field(None, description="Areas in this country.")
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    in_force_on: Day | None = Field(None, description="Areas in force on this day.")


def _reachable(queryset: QS, user: User) -> QS:
    """Keep the areas of bearers the user may see (``maps.reading``)."""
    return queryset.filter(bearer__in=WeaponBearer.objects.visible_to(user).values("pk"))


def _filter_areas(queryset: QS, filters: AreaFilters, user: User) -> QS:
    wanted = {
        "bearer_id": filters.bearer,
        "control": filters.control,
        "country_id": filters.country,
        "compartment_id": filters.delegation,
    }
    queryset = queryset.filter(**{k: v for k, v in wanted.items() if v is not None})
    if filters.in_force_on is not None:
        day = filters.in_force_on
        queryset = queryset.filter(
            Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        )
    return queryset


register(
    router,
    Resource(
        model=AreaOfControl,
        path="areas-of-control",
        out=AreaOut,
        tag="maps",
        order=("-starts_on", "-created_at", "id"),
        filters=AreaFilters,
        filter=_filter_areas,
        prepare=_reachable,
    ),
)

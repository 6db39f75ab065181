"""Areas of control as an export (see ``pourparler/exchange/exports.py``), with GeoJSON.

The rows are the areas the user may see, of bearers they may see (``maps.reading``),
narrowed like the map page (``bearer``, and ``since``–``until``: areas in force at some
time in that period). GeoJSON gives each area's outline, for a GIS program. The people
living there are not a column: they depend on the boundaries and figures the reader may
see, and are on the map page with their sources. The notes are a confidential column.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.exchange.exports import Column, ExportList
from pourparler.maps.models import AreaOfControl
from pourparler.maps.population import area_shape
from pourparler.maps.reading import areas_visible_to, in_force


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def areas(user: Any, params: QueryDict) -> QuerySet[Any]:
    """The areas of the map page for the same filters (all periods when none is given)."""
    rows = areas_visible_to(user).select_related("bearer", "country", "compartment")
    if bearer := params.get("bearer", "").strip():
        try:
            rows = rows.filter(bearer_id=uuid.UUID(bearer))
        except ValueError:
            rows = rows.none()
    since, until = _day(params.get("since", "")), _day(params.get("until", ""))
    if since or until:
        rows = rows.filter(in_force(since, until, "starts_on", "ends_on"))
    return rows.order_by("bearer__name", "-starts_on", "id")


def _km2(area: AreaOfControl) -> float:
    # The projected outline is cached by digest: its surface in m², here in km².
    return round(float(area_shape(area).area) / 1e6, 1)


EXPORTS = [
    ExportList(
        name="areas-of-control",
        label=_("Areas of control"),
        model=AreaOfControl,
        rows=areas,
        geometry=lambda a: json.loads(a.outline),
        columns=[
            Column("id", "#loc+id+area", lambda a: str(a.pk)),
            Column("name", "#loc+name+area", lambda a: a.name),
            Column("bearer", "#org+name+bearer", lambda a: a.bearer.name),
            Column("bearer id", "#org+id+bearer", lambda a: str(a.bearer_id)),
            Column("bearer kind", "#org+type+bearer", lambda a: a.bearer.get_kind_display()),
            Column("control", "#status+control", lambda a: a.get_control_display()),
            Column("country", "#country+name", lambda a: a.country.name),
            Column("country code", "#country+code", lambda a: a.country.iso3),
            Column("from", "#date+start", lambda a: a.starts_on),
            Column("until", "#date+end", lambda a: a.ends_on),
            Column("area km2", "#indicator+area_km2+num", _km2),
            Column("source", "#meta+source", lambda a: a.source),
            Column("delegation", "#org+code+delegation", lambda a: a.compartment.code),
            Column("restricted", "#status+restricted", lambda a: a.restricted),
            Column("notes", "#description+notes", lambda a: a.notes, confidential=True),
        ],
    ),
]

"""Administrative areas as an export, with GeoJSON of their outlines (see
``pourparler/exchange/exports.py``).

Areas are organisation-wide reference data (OCHA COD-AB boundaries keyed by P-code):
everyone signed in may see them, so there is no list page of them, only this export
(``GET /exchange/export/admin-areas/?format=geojson``). Filters: ``country`` (ISO 3166
code, two or three letters), ``level`` (1 for provinces...) and ``parent`` (a P-code).
The GeoJSON carries each area's outline as its geometry (areas without one are counted
in ``rows_without_coordinates``) and, where an OCHA population table was imported, the
latest total population (``T_TL``) with its year and source as properties. The other
formats leave the outline out (too large for a spreadsheet cell) and name its SHA-256.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict

from pourparler.exchange.exports import Column, ExportList
from pourparler.geo.models import AdminArea, PopulationFigure

# The group code of everyone in OCHA's population tables.
TOTAL = "T_TL"


def areas(user: Any, params: QueryDict) -> QuerySet[Any]:
    """The areas the user may see, by country, level and parent, in the registry's order."""
    totals = PopulationFigure.objects.visible_to(user).filter(group=TOTAL).order_by("-year", "id")
    rows = (
        AdminArea.objects.visible_to(user)
        .select_related("country", "parent")
        .prefetch_related(Prefetch("population", queryset=totals, to_attr="totals"))
    )
    if params.get("format") != "geojson":
        rows = rows.defer("boundary")
    if country := params.get("country", "").strip():
        rows = rows.filter(Q(country__iso2__iexact=country) | Q(country__iso3__iexact=country))
    if level := params.get("level", "").strip():
        rows = rows.filter(level=int(level)) if level.isdigit() else rows.none()
    if parent := params.get("parent", "").strip():
        rows = rows.filter(parent__pcode=parent)
    return rows.order_by("country__name", "level", "pcode", "id")


def _total(area: AdminArea) -> PopulationFigure | None:
    """The latest total population of the area, if one was imported."""
    totals: list[PopulationFigure] = getattr(area, "totals", [])
    return totals[0] if totals else None


def _outline(area: AdminArea) -> dict[str, Any] | None:
    """The area's outline as a GeoJSON geometry object, or None."""
    return json.loads(area.boundary) if area.boundary else None


EXPORTS = [
    ExportList(
        name="admin-areas",
        label="Administrative areas",
        model=AdminArea,
        rows=areas,
        columns=[
            Column("id", "#adm+id", lambda a: str(a.pk)),
            Column("p-code", "#adm+code", lambda a: a.pcode),
            Column("name", "#adm+name", lambda a: a.name),
            Column("level", "#adm+level", lambda a: a.level),
            Column("country", "#country+name", lambda a: a.country.name),
            Column("country code", "#country+code", lambda a: a.country.iso3),
            Column("parent p-code", "#adm+code+parent", lambda a: a.parent and a.parent.pcode),
            Column("parent", "#adm+name+parent", lambda a: a.parent and a.parent.name),
            Column("boundary sha256", "#meta+boundary+hash", lambda a: a.boundary_sha256),
            Column("population", "#population+total+num", lambda a: (t := _total(a)) and t.value),
            Column("population year", "#date+year", lambda a: (t := _total(a)) and t.year),
            Column("population source", "#meta+source", lambda a: (t := _total(a)) and t.source),
        ],
        geometry=_outline,
    ),
]

"""The bearer registry as an export (see ``pourparler/exchange/exports.py``).

The list page's filters live inside its view, so the basic ones are read again here:
``q`` (a name or alias), ``kind``, ``country`` (ISO code) and ``delegation`` (code).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import BearerKind
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation
from pourparler.core.text import fold
from pourparler.exchange.exports import Column, ExportList
from pourparler.geo.models import Country


def bearers(user: Any, params: QueryDict) -> QuerySet[WeaponBearer]:
    """The bearers of the list page for the same filters."""
    rows = WeaponBearer.objects.visible_to(user).prefetch_related(
        Prefetch("countries", queryset=Country.objects.visible_to(user).order_by("iso2"))
    )
    query = params.get("q", "").strip()
    kind = params.get("kind", "")
    country = params.get("country", "")
    delegation = params.get("delegation", "")
    if query:
        rows = rows.filter(search_text__contains=fold(query))
    if kind in BearerKind.values:
        rows = rows.filter(kind=kind)
    if country:
        rows = rows.filter(countries__iso2=country.upper())
    if delegation:
        covered = Delegation.objects.visible_to(user).filter(code=delegation).values("countries")
        rows = rows.filter(countries__in=covered)
    return rows.distinct().order_by("name", "id")


def _countries(bearer: WeaponBearer) -> str:
    return " ".join(country.iso2 for country in bearer.countries.all())


EXPORTS = [
    ExportList(
        name="bearers",
        label=_("Weapon bearers"),
        model=WeaponBearer,
        rows=bearers,
        columns=[
            Column("id", "#org+id", lambda b: str(b.pk)),
            Column("name", "#org+name", lambda b: b.name),
            Column("kind", "#org+type", lambda b: b.get_kind_display()),
            Column("countries", "#country+code", _countries),
            Column(
                "organisation level", "#org+level", lambda b: b.get_organisation_level_display()
            ),
            Column("structure", "#org+structure", lambda b: b.get_structure_display()),
            Column(
                "territorial control",
                "#org+territory",
                lambda b: b.get_territorial_control_display(),
            ),
            Column("restricted", "#status+restricted", lambda b: b.restricted),
            Column("recorded", "#date+recorded", lambda b: b.created_at),
        ],
    )
]

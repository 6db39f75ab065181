"""Concerns as an export, with GeoJSON of where the alleged violations took place
(see ``pourparler/exchange/exports.py``).

The rows are those of the list page: the same filters (``views._filtered``) and the same
links fetched through the read path (``views._with_visible_links``). Summaries and
descriptions are confidential columns.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.concerns import views
from pourparler.concerns.models import Concern
from pourparler.exchange.exports import Column, ExportList


def concerns(user: Any, params: QueryDict) -> QuerySet[Concern]:
    """The concerns of the list page for the same filters, newest first."""
    rows, _filters = views._filtered(cast(Any, SimpleNamespace(user=user, GET=params)))
    listed = rows.select_related("compartment", "admin_area").order_by("-opened_on", "-id")
    ordered: QuerySet[Concern] = views._with_visible_links(listed, user)
    return ordered


def _bearers(concern: Concern) -> str:
    return "; ".join(bearer.name for bearer in concern.bearers.all())


EXPORTS = [
    ExportList(
        name="concerns",
        label=_("Concerns"),
        model=Concern,
        rows=concerns,
        columns=[
            Column("id", "#event+id", lambda c: str(c.pk)),
            Column("opened on", "#date+opened", lambda c: c.opened_on),
            Column("occurred on", "#date+occurred", lambda c: c.occurred_on),
            Column("date precision", "#date+precision", lambda c: c.date_precision),
            Column("delegation", "#org+code+delegation", lambda c: c.compartment.code),
            Column("bearers", "#org+name+bearer", _bearers),
            Column("category", "#sector+code", lambda c: c.category and c.category.code),
            Column("law", "#meta+law", lambda c: c.get_legal_framework_display()),
            Column("rule", "#meta+rule", lambda c: c.rule),
            Column("status", "#status", lambda c: c.get_status_display()),
            Column("raised on", "#date+raised", lambda c: c.raised_on),
            Column("raised at level", "#status+level", lambda c: c.get_raised_level_display()),
            Column("place", "#loc+name", lambda c: c.place_name),
            Column("area", "#adm+name", lambda c: c.admin_area and c.admin_area.name),
            Column("area p-code", "#adm+code", lambda c: c.admin_area and c.admin_area.pcode),
            Column("latitude", "#geo+lat", lambda c: c.latitude),
            Column("longitude", "#geo+lon", lambda c: c.longitude),
            Column("summary", "#description+summary", lambda c: c.summary, confidential=True),
            Column("description", "#description+notes", lambda c: c.description, confidential=True),
        ],
        coordinates=lambda c: (c.latitude, c.longitude),
    )
]

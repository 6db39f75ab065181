"""Interactions as an export, with GeoJSON of where they took place
(see ``pourparler/exchange/exports.py``).

The list page's filters live inside its view, so they are read again here the same way:
``kind``, ``level``, ``bearer`` (id), ``topic`` (code), ``delegation`` (code), ``since``
and ``until`` (dates). Summaries, notes and outcomes are confidential columns.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.models import Interaction, Topic
from pourparler.exchange.exports import Column, ExportList


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def interactions(user: Any, params: QueryDict) -> QuerySet[Interaction]:
    """The interactions of the list page for the same filters, newest first."""
    rows: Any = Interaction.objects.visible_to(user).select_related("compartment", "admin_area")
    rows = rows.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user).order_by("name")),
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
    )
    f = {k: params.get(k, "").strip() for k in ("kind", "level", "bearer", "topic", "delegation")}
    if f["kind"] in InteractionKind.values:
        rows = rows.filter(kind=f["kind"])
    if f["level"] in Level.values:
        rows = rows.filter(level=f["level"])
    if f["bearer"]:
        try:
            bearer = WeaponBearer.objects.visible_to(user).get(pk=f["bearer"])
        except (WeaponBearer.DoesNotExist, ValueError):
            rows = rows.none()
        else:
            rows = rows.filter(bearers=bearer)
    if f["topic"]:
        rows = rows.filter(topics__code=f["topic"])
    if f["delegation"]:
        rows = rows.filter(compartment__code=f["delegation"])
    since = _date(params.get("since", "").strip())
    until = _date(params.get("until", "").strip())
    if since:
        rows = rows.filter(occurred_at__date__gte=since)
    if until:
        rows = rows.filter(occurred_at__date__lte=until)
    ordered: QuerySet[Interaction] = rows.order_by("-occurred_at", "id")
    return ordered


def _bearers(interaction: Interaction) -> str:
    return "; ".join(bearer.name for bearer in interaction.bearers.all())


def _topics(interaction: Interaction) -> str:
    return "; ".join(topic.code for topic in interaction.topics.all())


EXPORTS = [
    ExportList(
        name="interactions",
        label=_("Interactions"),
        model=Interaction,
        rows=interactions,
        columns=[
            Column("id", "#activity+id", lambda i: str(i.pk)),
            Column("occurred", "#date+occurred", lambda i: i.occurred_at),
            Column("kind", "#activity+type", lambda i: i.get_kind_display()),
            Column("level", "#activity+level", lambda i: i.get_level_display()),
            Column("delegation", "#org+code+delegation", lambda i: i.compartment.code),
            Column("bearers", "#org+name+bearer", _bearers),
            Column("topics", "#sector+code", _topics),
            Column("place", "#loc+name", lambda i: i.place_name),
            Column("area", "#adm+name", lambda i: i.admin_area and i.admin_area.name),
            Column(
                "area p-code", "#adm+code", lambda i: i.admin_area.pcode if i.admin_area else ""
            ),
            Column("latitude", "#geo+lat", lambda i: i.latitude),
            Column("longitude", "#geo+lon", lambda i: i.longitude),
            Column("summary", "#description+summary", lambda i: i.summary, confidential=True),
            Column("notes", "#description+notes", lambda i: i.notes, confidential=True),
            Column("outcomes", "#description+outcomes", lambda i: i.outcomes, confidential=True),
        ],
        coordinates=lambda i: (i.latitude, i.longitude),
    )
]

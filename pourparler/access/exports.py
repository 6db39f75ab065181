"""Checkpoint passages as an export, with GeoJSON of where they happened
(see ``pourparler/exchange/exports.py``).

The rows come from the same read path and filters as the list page: the kind's
``queryset`` (``access/reading.py``), the shared period, delegation and bearer filters
(``views._filters`` and ``Filters.narrow``), then the outcome and place filters the list
page applies. Notes are a confidential column.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from django.db.models import QuerySet
from django.http import QueryDict

from pourparler.access import views
from pourparler.access.choices import STOPPED_OUTCOMES
from pourparler.access.models import CheckpointPassage
from pourparler.exchange.exports import Column, ExportList


def passages(user: Any, params: QueryDict) -> QuerySet[CheckpointPassage]:
    """The passages of the list page for the same filters, newest first."""
    kind = views.PASSAGE
    request = cast(Any, SimpleNamespace(user=user, GET=params))
    filters = views._filters(request, "outcome", "place")
    rows = filters.narrow(kind.queryset(user), kind.day, kind.bearer_lookup)
    outcome = filters.params["outcome"]
    if outcome == "stopped":
        rows = rows.filter(outcome__in=STOPPED_OUTCOMES)
    elif outcome in dict(kind.choice_filters[0].choices):
        rows = rows.filter(outcome=outcome)
    if filters.params["place"]:
        rows = rows.filter(place_name=filters.params["place"])
    ordered: QuerySet[CheckpointPassage] = rows.order_by("-occurred_at", "id")
    return ordered


EXPORTS = [
    ExportList(
        name="passages",
        label="Checkpoint passages",
        model=CheckpointPassage,
        rows=passages,
        columns=[
            Column("id", "#activity+id", lambda p: str(p.pk)),
            Column("occurred", "#date+occurred", lambda p: p.occurred_at),
            Column("delegation", "#org+code+delegation", lambda p: p.compartment.code),
            Column("place", "#loc+name", lambda p: p.place_name),
            Column("area", "#adm+name", lambda p: p.admin_area and p.admin_area.name),
            Column("area p-code", "#adm+code", lambda p: p.admin_area and p.admin_area.pcode),
            Column("latitude", "#geo+lat", lambda p: p.latitude),
            Column("longitude", "#geo+lon", lambda p: p.longitude),
            Column("bearer", "#org+name+bearer", lambda p: p.bearer and p.bearer.name),
            Column("unit", "#org+name+unit", lambda p: p.unit and p.unit.name),
            Column("outcome", "#status+outcome", lambda p: p.get_outcome_display()),
            Column("delay (minutes)", "#indicator+delay+num", lambda p: p.delay_minutes),
            Column("team size", "#staff+num", lambda p: p.team_size),
            Column("vehicles", "#indicator+vehicles+num", lambda p: p.vehicle_count),
            Column("note", "#description+notes", lambda p: p.note, confidential=True),
        ],
        coordinates=lambda p: (p.latitude, p.longitude),
    )
]

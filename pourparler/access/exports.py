"""Acceptance assessments, checkpoint passages, access constraints and security incidents
as exports, with GeoJSON of where passages, constraints and incidents happened (see
``pourparler/exchange/exports.py``).

The rows come from the same read path and filters as the list pages: the kind's
``queryset`` (``access/reading.py``: nothing at a checkpoint, or by a bearer, the user
may not see), the shared period, delegation and bearer filters (``views._filters`` and
``Filters.narrow``), then the kind's choice filters and the place filter, as ``views._list``
applies them. Notes and descriptions are confidential columns. An assessment names the
interaction that showed it: the assessment is visible only with it (``access_via``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.timezone import localtime

from pourparler.access import views
from pourparler.access.choices import STOPPED_OUTCOMES
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.exchange.exports import Column, ExportList


def rows_of(kind: views.RecordKind) -> Callable[[Any, QueryDict], QuerySet[Any]]:
    """The rows of a kind's list page for the same filters, in the page's order."""

    def rows(user: Any, params: QueryDict) -> QuerySet[Any]:
        request = cast(Any, SimpleNamespace(user=user, GET=params))
        choice_params = [f.param for f in kind.choice_filters]
        filters = views._filters(request, *choice_params, "place")
        records = filters.narrow(kind.queryset(user), kind.day, kind.bearer_lookup)
        for choice in kind.choice_filters:
            value = filters.params[choice.param]
            if value == "stopped" and kind is views.PASSAGE:
                records = records.filter(outcome__in=STOPPED_OUTCOMES)
            elif value in dict(choice.choices):
                records = records.filter(**{choice.field: value})
        if filters.params["place"]:
            records = records.filter(place_name=filters.params["place"])
        return records.order_by(*kind.order, "id")

    return rows


def _place() -> list[Column]:
    """The columns of where a record happened."""
    return [
        Column("place", "#loc+name", lambda r: r.place_name),
        Column("area", "#adm+name", lambda r: r.admin_area and r.admin_area.name),
        Column("area p-code", "#adm+code", lambda r: r.admin_area and r.admin_area.pcode),
        Column("latitude", "#geo+lat", lambda r: r.latitude),
        Column("longitude", "#geo+lon", lambda r: r.longitude),
    ]


def _coordinates(record: Any) -> tuple[Any, Any]:
    return (record.latitude, record.longitude)


def _bearers(incident: SecurityIncident) -> str:
    return "; ".join(bearer.name for bearer in incident.bearers.all())


def _shown_by(assessment: AcceptanceAssessment) -> str:
    """The contact that showed the stance, as the list page names it."""
    interaction = assessment.interaction
    if interaction is None:
        return ""
    return f"{interaction.get_kind_display()}, {localtime(interaction.occurred_at):%Y-%m-%d}"


EXPORTS = [
    ExportList(
        name="acceptance",
        label="Acceptance assessments",
        model=AcceptanceAssessment,
        rows=rows_of(views.ACCEPTANCE),
        columns=[
            Column("id", "#assessment+id", lambda a: str(a.pk)),
            Column("assessed on", "#date+assessed", lambda a: a.assessed_on),
            Column("delegation", "#org+code+delegation", lambda a: a.compartment.code),
            Column("bearer", "#org+name+bearer", lambda a: a.bearer.name),
            Column("bearer id", "#org+id+bearer", lambda a: str(a.bearer_id)),
            Column("status", "#status+acceptance", lambda a: a.get_status_display()),
            Column("shown by", "#activity+type", _shown_by),
            Column(
                "interaction id",
                "#activity+id",
                lambda a: a.interaction_id and str(a.interaction_id),
            ),
            Column("restricted", "#status+restricted", lambda a: a.restricted),
            Column("note", "#description+notes", lambda a: a.note, confidential=True),
        ],
    ),
    ExportList(
        name="passages",
        label="Checkpoint passages",
        model=CheckpointPassage,
        rows=rows_of(views.PASSAGE),
        columns=[
            Column("id", "#activity+id", lambda p: str(p.pk)),
            Column("occurred", "#date+occurred", lambda p: p.occurred_at),
            Column("delegation", "#org+code+delegation", lambda p: p.compartment.code),
            *_place(),
            Column("bearer", "#org+name+bearer", lambda p: p.bearer and p.bearer.name),
            Column("unit", "#org+name+unit", lambda p: p.unit and p.unit.name),
            Column("outcome", "#status+outcome", lambda p: p.get_outcome_display()),
            Column("delay (minutes)", "#indicator+delay+num", lambda p: p.delay_minutes),
            Column("team size", "#staff+num", lambda p: p.team_size),
            Column("vehicles", "#indicator+vehicles+num", lambda p: p.vehicle_count),
            Column("note", "#description+notes", lambda p: p.note, confidential=True),
        ],
        coordinates=_coordinates,
    ),
    ExportList(
        name="constraints",
        label="Access constraints",
        model=AccessConstraint,
        rows=rows_of(views.CONSTRAINT),
        columns=[
            Column("id", "#event+id", lambda c: str(c.pk)),
            Column("from", "#date+start", lambda c: c.occurred_on),
            Column("until", "#date+end", lambda c: c.ended_on),
            Column("delegation", "#org+code+delegation", lambda c: c.compartment.code),
            *_place(),
            Column("category", "#event+type", lambda c: c.get_category_display()),
            Column("subcategory", "#event+type+sub", lambda c: c.get_subcategory_display()),
            Column("bearer", "#org+name+bearer", lambda c: c.bearer and c.bearer.name),
            Column("unit", "#org+name+unit", lambda c: c.unit and c.unit.name),
            Column("effect", "#impact", lambda c: c.get_effect_display()),
            Column("description", "#description", lambda c: c.description, confidential=True),
        ],
        coordinates=_coordinates,
    ),
    ExportList(
        name="incidents",
        label="Security incidents",
        model=SecurityIncident,
        rows=rows_of(views.INCIDENT),
        columns=[
            Column("id", "#event+id", lambda i: str(i.pk)),
            Column("occurred", "#date+occurred", lambda i: i.occurred_at),
            Column("delegation", "#org+code+delegation", lambda i: i.compartment.code),
            *_place(),
            Column("kind", "#event+type", lambda i: i.get_kind_display()),
            Column("severity", "#severity", lambda i: i.get_severity_display()),
            Column("bearers", "#org+name+bearer", _bearers),
            Column("staff affected", "#affected+staff+num", lambda i: i.staff_affected),
            Column("description", "#description", lambda i: i.description, confidential=True),
        ],
        coordinates=_coordinates,
    ),
]

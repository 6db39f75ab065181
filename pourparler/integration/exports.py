"""Integration assessments as an export (see ``pourparler/exchange/exports.py``).

The rows are the assessments the user may see about bearers they may see (the pages'
``_reachable``), narrowed by the heat map's filters (``kind`` of bearer, ``delegation``
that recorded them) and the history page's (``bearer``, ``pillar``); ``current=1`` keeps
only the current assessment of each bearer's pillar, the cells of the heat map. Every
row says whether it is current, among the assessments the user may see
(``figures.latest_only``). The evidence is a confidential column; the interactions and
sessions it cites are named only when the user may see them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import BearerKind
from pourparler.dialogue.models import Interaction
from pourparler.exchange.exports import Column, ExportList
from pourparler.integration.choices import Pillar
from pourparler.integration.figures import latest_only
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.views import _reachable
from pourparler.training.models import DisseminationSession


def assessments(user: Any, params: QueryDict) -> QuerySet[Any]:
    """The assessments of the heat map and history pages for the same filters."""
    current = latest_only(IntegrationAssessment.objects.visible_to(user), user)
    rows = (
        _reachable(user)
        .select_related("compartment", "bearer", "assessed_by")
        .prefetch_related(
            Prefetch("interactions", queryset=Interaction.objects.visible_to(user)),
            Prefetch("sessions", queryset=DisseminationSession.objects.visible_to(user)),
        )
        .annotate(is_current=Exists(current.filter(pk=OuterRef("pk"))))
    )
    kind = params.get("kind", "")
    if kind in BearerKind.values:
        rows = rows.filter(bearer__kind=kind)
    if delegation := params.get("delegation", "").strip():
        rows = rows.filter(compartment__code=delegation)
    if bearer := params.get("bearer", "").strip():
        try:
            rows = rows.filter(bearer_id=uuid.UUID(bearer))
        except ValueError:
            rows = rows.none()
    pillar = params.get("pillar", "")
    if pillar in Pillar.values:
        rows = rows.filter(pillar=pillar)
    if params.get("current") == "1":
        rows = rows.filter(is_current=True)
    return rows.order_by("bearer__name", "bearer_id", "pillar", "-assessed_on", "-created_at", "id")


def _ids(records: Any) -> str:
    return "; ".join(str(record.pk) for record in records.all())


EXPORTS = [
    ExportList(
        name="integration",
        label=_("Integration assessments"),
        model=IntegrationAssessment,
        rows=assessments,
        columns=[
            Column("id", "#assessment+id", lambda a: str(a.pk)),
            Column("bearer", "#org+name+bearer", lambda a: a.bearer.name),
            Column("bearer id", "#org+id+bearer", lambda a: str(a.bearer_id)),
            Column("bearer kind", "#org+type+bearer", lambda a: a.bearer.get_kind_display()),
            Column("pillar", "#indicator+pillar", lambda a: a.get_pillar_display()),
            Column("level", "#indicator+level+num", lambda a: a.level),
            Column("level name", "#indicator+level+name", lambda a: a.get_level_display()),
            Column("assessed on", "#date+assessed", lambda a: a.assessed_on),
            Column("current", "#status+current", lambda a: a.is_current),
            Column("delegation", "#org+code+delegation", lambda a: a.compartment.code),
            Column(
                "assessed by",
                "#contact+name+assessor",
                lambda a: a.assessed_by and a.assessed_by.display_name,
            ),
            Column("interactions", "#activity+id+interaction", lambda a: _ids(a.interactions)),
            Column("sessions", "#activity+id+session", lambda a: _ids(a.sessions)),
            Column("restricted", "#status+restricted", lambda a: a.restricted),
            Column("evidence", "#description+evidence", lambda a: a.evidence, confidential=True),
        ],
    ),
]

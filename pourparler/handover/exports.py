"""The handovers as an export (see ``pourparler/exchange/exports.py``).

The rows are those of the list page (``views.handover_list``): every handover the user
may see, newest first. What a handover passed is its counts by kind, as the page shows
them. The advice note for the successor is encrypted, and so a confidential column.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.exchange.exports import Column, ExportList
from pourparler.handover.models import Handover


def handovers(user: Any, params: QueryDict) -> QuerySet[Handover]:
    """The handovers of the list page, newest first."""
    return (
        Handover.objects.visible_to(user)
        .select_related("outgoing", "successor", "delegation")
        .order_by("-effective_on", "-created_at", "id")
    )


def _passed(handover: Handover) -> str:
    return "; ".join(f"{kind}: {count}" for kind, count in (handover.passed or {}).items())


EXPORTS = [
    ExportList(
        name="handovers",
        label=_("Handovers"),
        model=Handover,
        rows=handovers,
        columns=[
            Column("id", "#meta+id", lambda h: str(h.pk)),
            Column("effective on", "#date+effective", lambda h: h.effective_on),
            Column("delegation", "#org+code+delegation", lambda h: h.delegation.code),
            Column("outgoing", "#contact+name+outgoing", lambda h: h.outgoing.display_name()),
            Column("successor", "#contact+name+successor", lambda h: h.successor.display_name()),
            Column("state", "#status", lambda h: h.get_state_display()),
            Column("done at", "#date+done", lambda h: h.done_at),
            Column("passed", "#indicator+passed", _passed),
            Column(
                "advice for the successor",
                "#description+advice",
                lambda h: h.note,
                confidential=True,
            ),
        ],
    )
]

"""The negotiation files as an export (see ``pourparler/exchange/exports.py``).

The rows are those of the list page (``views.file_list``): every file the user may see,
newest first. The counterparts and red lines come through the read path, so a figure
counts only what the reader may see. Title, objective and the counterparts' names are
encrypted, and so confidential columns.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.exchange.exports import Column, ExportList
from pourparler.negotiation.models import NegotiationFile, RedLine
from pourparler.people.models import Person


def files(user: Any, params: QueryDict) -> QuerySet[NegotiationFile]:
    """The files of the list page, newest first, with what the columns read."""
    return (
        NegotiationFile.objects.visible_to(user)
        .select_related("holder", "compartment")
        .prefetch_related(Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)))
        .prefetch_related(Prefetch("counterparts", queryset=Person.objects.visible_to(user)))
        .prefetch_related(Prefetch("red_lines", queryset=RedLine.objects.visible_to(user)))
        .order_by("-opened_on", "-created_at", "id")
    )


def _bearer(file: NegotiationFile) -> str:
    bearer = file.bearer  # prefetched through the read path
    return bearer.name if bearer is not None else ""


def _counterparts(file: NegotiationFile) -> str:
    return "; ".join(str(person) for person in file.counterparts.all())


def _unsigned(file: NegotiationFile) -> int:
    return sum(1 for line in file.red_lines.all() if not line.is_signed_off)


EXPORTS = [
    ExportList(
        name="negotiation-files",
        label=_("Negotiation files"),
        model=NegotiationFile,
        rows=files,
        columns=[
            Column("id", "#meta+id", lambda f: str(f.pk)),
            Column("opened on", "#date+opened", lambda f: f.opened_on),
            Column("status", "#status", lambda f: f.get_status_display()),
            Column("delegation", "#org+code+delegation", lambda f: f.compartment.code),
            Column("bearer", "#org+name+bearer", _bearer),
            Column("bearer id", "#org+id+bearer", lambda f: str(f.bearer_id)),
            Column("holder", "#contact+name+holder", lambda f: f.holder.display_name()),
            Column("restricted", "#status+restricted", lambda f: f.restricted),
            Column(
                "counterparts", "#indicator+counterparts+num", lambda f: len(f.counterparts.all())
            ),
            Column("red lines", "#indicator+redlines+num", lambda f: len(f.red_lines.all())),
            Column("red lines not signed off", "#indicator+redlines+unsigned+num", _unsigned),
            Column("title", "#meta+title", lambda f: f.title, confidential=True),
            Column("objective", "#description+objective", lambda f: f.objective, confidential=True),
            Column(
                "counterpart names", "#contact+name+counterpart", _counterparts, confidential=True
            ),
        ],
    )
]

"""Dissemination sessions as an export (see ``pourparler/exchange/exports.py``).

The rows are those of the list page: ``filters.visible_sessions`` with the same GET
parameters, the bearer and topics fetched through the read path (a restricted bearer is
left blank, as on the page). Names of external facilitators are a confidential column.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Topic
from pourparler.exchange.exports import Column, ExportList
from pourparler.training.filters import visible_sessions
from pourparler.training.models import DisseminationSession


def sessions(user: Any, params: QueryDict) -> QuerySet[DisseminationSession]:
    """The sessions of the list page for the same filters, newest first."""
    rows: Any = visible_sessions(user, params)[0].select_related("compartment")
    rows = rows.prefetch_related(
        Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
    )
    ordered: QuerySet[DisseminationSession] = rows.order_by("-held_on", "-created_at", "id")
    return ordered


def _bearer(session: DisseminationSession) -> str:
    """The bearer's name, blank for one the user may not see (the prefetch through the
    read path left it out, and the field may not be empty, so reading it raises)."""
    try:
        return session.bearer.name
    except WeaponBearer.DoesNotExist:
        return ""


def _topics(session: DisseminationSession) -> str:
    return "; ".join(topic.code for topic in session.topics.all())


EXPORTS = [
    ExportList(
        name="sessions",
        label=_("Dissemination sessions"),
        model=DisseminationSession,
        rows=sessions,
        columns=[
            Column("id", "#activity+id", lambda s: str(s.pk)),
            Column("held on", "#date+start", lambda s: s.held_on),
            Column("ends on", "#date+end", lambda s: s.ends_on),
            Column("kind", "#activity+type", lambda s: s.get_kind_display()),
            Column("delegation", "#org+code+delegation", lambda s: s.compartment.code),
            Column("place", "#loc+name", lambda s: s.place_name),
            Column("bearer", "#org+name+bearer", _bearer),
            Column("level", "#activity+level", lambda s: s.get_level_display()),
            Column("topics", "#sector+code", _topics),
            Column("language", "#language", lambda s: s.language),
            Column("participants", "#reached+num", lambda s: s.participants),
            Column("women", "#reached+f+num", lambda s: s.women),
            Column("tested", "#reached+tested+num", lambda s: s.tested),
            Column("pre-test score", "#indicator+score+pre", lambda s: s.pre_score),
            Column("post-test score", "#indicator+score+post", lambda s: s.post_score),
            Column(
                "external facilitators",
                "#contact+name+facilitator",
                lambda s: s.external_facilitators,
                confidential=True,
            ),
        ],
    )
]

"""People as an export (see ``pourparler/exchange/exports.py``).

The list's one filter, ``q`` (any of a person's names), is the same search the list page
calls (``people.search.matching``). Names and notes are confidential columns.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pourparler.exchange.exports import Column, ExportList
from pourparler.people.models import Person
from pourparler.people.search import matching


def people(user: Any, params: QueryDict) -> QuerySet[Person]:
    """The people of the list page for the same search."""
    rows = Person.objects.visible_to(user).select_related("compartment")
    query = params.get("q", "").strip()
    if query:
        rows = matching(rows, query, user)
    return rows.order_by("created_at", "id")


EXPORTS = [
    ExportList(
        name="people",
        label=_("People"),
        model=Person,
        rows=people,
        columns=[
            Column("id", "#contact+id", lambda p: str(p.pk)),
            Column("name", "#contact+name", lambda p: p.full_name, confidential=True),
            Column("delegation", "#org+code+delegation", lambda p: p.compartment.code),
            Column("languages", "#language", lambda p: " ".join(p.languages or [])),
            Column("purpose", "#meta+purpose", lambda p: p.purpose),
            Column("legal basis", "#meta+legal", lambda p: p.legal_basis),
            Column("notes", "#description+notes", lambda p: p.notes, confidential=True),
            Column("recorded", "#date+recorded", lambda p: p.created_at),
        ],
    )
]

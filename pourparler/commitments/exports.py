"""The commitments register as an export (see ``pourparler/exchange/exports.py``).

The rows are those of the list page: the same filters (``views._filtered``) and the same
parties fetched through the read path (``views._with_visible_links``). Title, scope,
terms and witness are encrypted, and so confidential columns.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from django.db.models import QuerySet
from django.http import QueryDict

from pourparler.commitments import views
from pourparler.commitments.models import Commitment
from pourparler.exchange.exports import Column, ExportList


def commitments(user: Any, params: QueryDict) -> QuerySet[Commitment]:
    """The commitments of the list page for the same filters, newest first."""
    rows, _filters, _bearer = views._filtered(cast(Any, SimpleNamespace(user=user, GET=params)))
    listed = rows.select_related("compartment").order_by("-made_on", "-id")
    ordered: QuerySet[Commitment] = views._with_visible_links(listed, user)
    return ordered


def _bearers(commitment: Commitment) -> str:
    return "; ".join(bearer.name for bearer in commitment.bearers.all())


EXPORTS = [
    ExportList(
        name="commitments",
        label="Commitments",
        model=Commitment,
        rows=commitments,
        columns=[
            Column("id", "#meta+id", lambda c: str(c.pk)),
            Column("made on", "#date+made", lambda c: c.made_on),
            Column("date precision", "#date+precision", lambda c: c.date_precision),
            Column("instrument", "#meta+instrument", lambda c: c.get_instrument_display()),
            Column("delegation", "#org+code+delegation", lambda c: c.compartment.code),
            Column("parties", "#org+name+bearer", _bearers),
            Column("place", "#loc+name", lambda c: c.place_name),
            Column("disclosure", "#status+disclosure", lambda c: c.get_disclosure_display()),
            Column(
                "compliance", "#status+compliance", lambda c: c.get_current_compliance_display()
            ),
            Column("compliance observed on", "#date+observed", lambda c: c.compliance_observed_on),
            Column("title", "#meta+title", lambda c: c.title, confidential=True),
            Column("scope", "#description+scope", lambda c: c.scope, confidential=True),
            Column("terms", "#description+terms", lambda c: c.terms, confidential=True),
            Column("witness", "#contact+name+witness", lambda c: c.witness, confidential=True),
        ],
    )
]

"""The auditor's page: who saw and changed what, from the tamper-evident audit log."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render

from pourparler.core import audit
from pourparler.core.choices import AuditKind
from pourparler.core.http import AuthedRequest
from pourparler.core.models import AuditEvent
from pourparler.ui.paging import page_of, query_without_page

_FILTERS = ("user", "record", "kind", "since", "until")


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def audit_log(request: AuthedRequest) -> HttpResponse:
    """List audit events newest first, by user, record, kind and dates; auditors only.

    Metadata only (who, when, what kind, which record, compartment, request id). Anyone
    without the auditor role gets the same 404 as a missing page. Reading it is audited.
    """
    user = request.user
    if not audit.is_auditor(user):
        raise Http404("No such page.")
    filters = {key: request.GET.get(key, "").strip() for key in _FILTERS}
    events = audit.events_for_auditor(
        user,
        username=filters["user"],
        record=filters["record"],
        kind=filters["kind"],
        since=_parse_date(filters["since"]),
        until=_parse_date(filters["until"]),
    )
    page = page_of(events, request)
    audit.record_list(
        user,
        AuditEvent,
        [e.seq for e in page.items],
        filters={k: v for k, v in filters.items() if v},
    )
    context = {
        "nav": "audit",
        "page": page,
        "rows": [(event, audit.describe(event)) for event in page.items],
        "pager_query": query_without_page(request),
        "filters": filters,
        "kinds": AuditKind.choices,
    }
    return render(request, "core/audit_log.html", context)

"""The dashboards: a delegation's (``/dashboards/``) and headquarters' (``/dashboards/
headquarters/``), and each chart as CSV, PDF or PNG.

A delegation's dashboard is offered for the delegations whose compartment the viewer
reads (every delegation for a headquarters analyst); headquarters' to headquarters
analysts and heads of delegation, over everything they may see. Anyone else, and any
other delegation, gets the same 404 as a missing page. Every export is recorded in the
audit chain before a byte is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pourparler.core.access import clearance_for
from pourparler.core.audit import record_export
from pourparler.core.choices import Role
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation, User
from pourparler.dashboards import figures, files
from pourparler.dashboards.figures import Chart, Scope

NAV = "dashboards"
HEADQUARTERS_ROLES = frozenset({Role.HQ_ANALYST, Role.HEAD_OF_DELEGATION})
FORMATS: dict[str, tuple[str, Callable[[Chart, Scope, AuthedRequest], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", lambda chart, _scope, _request: files.csv_bytes(chart)),
    "pdf": ("application/pdf", files.pdf_bytes),
    "png": ("image/png", files.png_bytes),
}


def readable_delegations(user: User) -> list[Delegation]:
    """The delegations (not headquarters) whose compartment the user reads."""
    clearance = clearance_for(user)
    if clearance is None or not clearance.has_content_role:
        return []
    delegations = Delegation.objects.visible_to(user).filter(is_headquarters=False)
    if not clearance.reads_every_compartment:
        delegations = delegations.filter(pk__in=clearance.read_compartments)
    return list(delegations.order_by("name"))


def may_see_headquarters(user: User) -> bool:
    """Headquarters analysts and heads of delegation see the headquarters dashboard."""
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.roles & HEADQUARTERS_ROLES)


def _delegation_scope(request: AuthedRequest) -> tuple[Scope | None, list[Delegation]]:
    """The delegation asked for (the first the user reads when none is named), or None
    when the user reads no delegation; one they may not read is a 404."""
    delegations = readable_delegations(request.user)
    chosen = request.GET.get("delegation", "")
    delegation = next((d for d in delegations if d.code == chosen), None)
    if chosen and delegation is None:
        raise Http404(_("No such dashboard."))
    if delegation is None and delegations:
        delegation = delegations[0]
    return (Scope(request.user, delegation) if delegation else None), delegations


def _headquarters_scope(request: AuthedRequest) -> Scope:
    if not may_see_headquarters(request.user):
        raise Http404(_("No such dashboard."))
    return Scope(request.user)


def _page(
    request: AuthedRequest, scope: Scope | None, delegations: list[Delegation]
) -> HttpResponse:
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "nav": NAV,
            "scope": scope,
            "charts": figures.charts(scope) if scope else [],
            "delegations": delegations,
            "headquarters": may_see_headquarters(request.user),
            "formats": list(FORMATS),
        },
    )


def delegation_dashboard(request: AuthedRequest) -> HttpResponse:
    """A delegation's dashboard: coverage, concerns, commitments, access, dissemination,
    integration and continuity, counted over what the viewer may see of it."""
    scope, delegations = _delegation_scope(request)
    return _page(request, scope, delegations)


def headquarters_dashboard(request: AuthedRequest) -> HttpResponse:
    """Headquarters' dashboard: the global figures and every chart over every delegation
    the viewer may see."""
    return _page(request, _headquarters_scope(request), [])


def _export(request: AuthedRequest, scope: Scope, key: str, fmt: str) -> HttpResponse:
    builders = figures.HEADQUARTERS_CHARTS if scope.headquarters else figures.DELEGATION_CHARTS
    if key not in builders or fmt not in FORMATS:
        raise Http404(_("No such chart."))
    chart = builders[key](scope)
    record_export(
        request.user,
        chart.model,
        [],
        export_format=fmt,
        compartment=scope.delegation,
        detail={
            "list": f"dashboard:{key}",
            "scope": "headquarters" if scope.delegation is None else scope.delegation.code,
            "rows": len(chart.table.rows),
            "channel": "web",
        },
    )
    content_type, make = FORMATS[fmt]
    response = HttpResponse(make(chart, scope, request), content_type=content_type)
    where = "headquarters" if scope.delegation is None else scope.delegation.code
    day = timezone.localdate().isoformat()
    name = f"pourparler-dashboard-{where}-{key}-{day}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def delegation_export(request: AuthedRequest, key: str, fmt: str) -> HttpResponse:
    """One chart of a delegation's dashboard as a file."""
    scope, _delegations = _delegation_scope(request)
    if scope is None:
        raise Http404(_("No such dashboard."))
    return _export(request, scope, key, fmt)


def headquarters_export(request: AuthedRequest, key: str, fmt: str) -> HttpResponse:
    """One chart of the headquarters dashboard as a file."""
    return _export(request, _headquarters_scope(request), key, fmt)

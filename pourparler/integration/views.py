"""Pages of integration: the heat map across bearers, a bearer's history per pillar, and
recording, correcting and deleting an assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_POST

from pourparler.bearers.choices import BearerKind
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.dialogue.models import Interaction
from pourparler.integration.choices import Pillar
from pourparler.integration.figures import heat_rows, pillars, scale
from pourparler.integration.forms import AssessmentForm, BearerChoiceForm
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.services import (
    do_delete_assessment,
    do_record_assessment,
    do_update_assessment,
)
from pourparler.training.models import DisseminationSession
from pourparler.ui.editing import delete_or_explain, save_edit
from pourparler.ui.paging import page_of, query_without_page

NAV = "integration"


def _may_record(user: Any) -> bool:
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.write_compartments)


def _reachable(user: Any, action: Any = "view") -> Any:
    """Assessments the user may see, about a bearer they may see: an assessment names its
    bearer, so one about a restricted bearer is out of reach like the bearer itself."""
    return IntegrationAssessment.objects.visible_to(user, action).filter(
        bearer__in=WeaponBearer.objects.visible_to(user)
    )


def _shown(rows: Any) -> list[IntegrationAssessment]:
    return [cell.assessment for row in rows for cell in row.cells if cell.assessment is not None]


def _with_visible_evidence(queryset: Any, user: Any) -> Any:
    """Prefetch the evidence through the read path, so nothing the user may not see shows."""
    return queryset.prefetch_related(
        Prefetch("interactions", queryset=Interaction.objects.visible_to(user)),
        Prefetch("sessions", queryset=DisseminationSession.objects.visible_to(user)),
    )


def integration_overview(request: AuthedRequest) -> HttpResponse:
    """Show the heat map: bearers (rows) by pillars (columns), each cell the current level."""
    user = request.user
    assessments = IntegrationAssessment.objects.visible_to(user)
    bearers = WeaponBearer.objects.visible_to(user)
    kind = request.GET.get("kind", "")
    delegation = request.GET.get("delegation", "")
    show_all = request.GET.get("all") == "1"
    if kind in BearerKind.values:
        bearers = bearers.filter(kind=kind)
    if delegation:
        assessments = assessments.filter(compartment__code=delegation)
        covered = Delegation.objects.visible_to(user).filter(code=delegation).values("countries")
        bearers = bearers.filter(countries__in=covered)
    if not show_all:
        bearers = bearers.filter(pk__in=assessments.values("bearer"))
    page = page_of(bearers.distinct().order_by("name"), request)
    rows = heat_rows(user, page.items)
    record_list(user, IntegrationAssessment, _shown(rows))
    context = {
        "nav": NAV,
        "page": page,
        "rows": rows,
        "pager_query": query_without_page(request),
        "pillars": pillars(),
        "scale": scale(),
        "kinds": BearerKind.choices,
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
        "filters": {"kind": kind, "delegation": delegation, "all": show_all},
        "may_record": _may_record(user),
    }
    return render(request, "integration/overview.html", context)


def assessment_history(request: AuthedRequest, bearer_pk: str, pillar: str = "") -> HttpResponse:
    """Show a bearer's pillars: the current level of each and every earlier assessment."""
    user = request.user
    bearer = get_visible_or_404(WeaponBearer, user, bearer_pk)
    if pillar and pillar not in Pillar.values:
        raise Http404(gettext("No such pillar."))
    history = (
        IntegrationAssessment.objects.visible_to(user)
        .filter(bearer=bearer)
        .select_related("assessed_by", "compartment")
        .order_by("-assessed_on", "-created_at", "-id")
    )
    if pillar:
        history = history.filter(pillar=pillar)
    shown = list(history)
    record_list(user, IntegrationAssessment, shown)
    by_pillar: dict[str, list[IntegrationAssessment]] = {value: [] for value in Pillar.values}
    for assessment in shown:
        by_pillar[assessment.pillar].append(assessment)
    sections = [
        {**info, "assessments": by_pillar[info["value"]]}
        for info in pillars()
        if not pillar or info["value"] == pillar
    ]
    context = {
        "nav": NAV,
        "bearer": bearer,
        "pillar": pillar,
        "pillar_label": Pillar(pillar).label if pillar else "",
        "sections": sections,
        "row": heat_rows(user, [bearer])[0],
        "scale": scale(),
        "may_record": _may_record(user),
    }
    return render(request, "integration/history.html", context)


def assessment_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one assessment with its evidence, or the same 404 as a missing one."""
    user = request.user
    visible = _reachable(user).select_related("bearer", "assessed_by", "compartment")
    assessment = get_visible_or_404(
        _with_visible_evidence(visible, user),
        user,
        pk,
    )
    record_read(user, assessment)
    context = {
        "nav": NAV,
        "assessment": assessment,
        "can_change": _reachable(user, "change").filter(pk=assessment.pk).exists(),
    }
    return render(request, "integration/assessment_detail.html", context)


def assessment_create(request: AuthedRequest) -> HttpResponse:
    """Record an assessment: first the bearer (and pillar), then the level and evidence."""
    user = request.user
    if not _may_record(user):
        raise PermissionDenied(gettext("Your role does not record assessments."))
    chooser = BearerChoiceForm(request.GET or None, user=user)
    if not chooser.is_valid():
        context = {"nav": NAV, "chooser": chooser}
        return render(request, "integration/assessment_choose.html", context)
    bearer = chooser.cleaned_data["bearer"]
    initial = {"pillar": chooser.cleaned_data.get("pillar") or None}
    form = AssessmentForm(request.POST or None, user=user, bearer=bearer, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = do_record_assessment(
            actor=user, bearer=bearer, **form.field_values(), **form.link_values()
        )
        messages.success(request, gettext("Assessment recorded."))
        return redirect("assessment_detail", pk=assessment.pk)
    context = {"nav": NAV, "form": form, "bearer": bearer, "creating": True}
    return render(request, "integration/assessment_form.html", context)


def _conflict_rows(form: AssessmentForm, current: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor submitted."""
    rows = []
    for name in form.field_values():
        theirs = getattr(current, name)
        yours = form.cleaned_data.get(name)
        if (theirs if theirs is not None else "") == (yours if yours is not None else ""):
            continue
        if name == "level":
            theirs, yours = current.get_level_display(), dict(form.fields[name].choices)[yours]  # type: ignore[attr-defined]
        label = form.fields[name].label or name
        rows.append(
            {
                "label": str(label),
                "theirs": "—" if theirs in (None, "") else str(theirs),
                "yours": "—" if yours in (None, "") else str(yours),
            }
        )
    return rows


def assessment_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct an assessment; a stale edit is refused and both versions are shown."""
    user = request.user
    assessment = get_visible_or_404(_reachable(user).select_related("bearer"), user, pk)
    if not _reachable(user, "change").filter(pk=pk).exists():
        raise PermissionDenied(gettext("You may read this assessment but not change it."))
    form = AssessmentForm(
        request.POST or None, instance=assessment, user=user, bearer=assessment.bearer
    )
    if request.method == "GET":
        # The form shows the confidential evidence: opening it is a read.
        record_read(user, assessment)
    edit = save_edit(
        request,
        form,
        record=assessment,
        save=lambda version: do_update_assessment(
            assessment,
            actor=user,
            expected_version=version,
            changes=form.field_values(),
            links=form.link_values(),
        ),
        compare=lambda current: _conflict_rows(form, current),
        what=pgettext("named in a message", "assessment"),
        saved=gettext("Assessment saved."),
        saved_to=reverse("assessment_detail", args=[assessment.pk]),
        gone_to=reverse("integration_overview"),
    )
    if edit.done is not None:
        return edit.done
    context = {
        "nav": NAV,
        "form": form,
        "assessment": assessment,
        "bearer": assessment.bearer,
        "creating": False,
        **edit.context(),
    }
    return render(request, "integration/assessment_form.html", context, status=edit.status)


@require_POST
def assessment_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on an assessment; the pillar's status falls back to the one before."""
    user = request.user
    assessment = get_visible_or_404(_reachable(user), user, pk)
    return delete_or_explain(
        request,
        delete=lambda version: do_delete_assessment(
            assessment, actor=user, expected_version=version
        ),
        what=pgettext("named in a message", "assessment"),
        deleted=gettext("Assessment deleted. An administrator can restore it."),
        stale_to=reverse("assessment_detail", args=[assessment.pk]),
        done_to=reverse(
            "assessment_history_pillar", args=[assessment.bearer_id, assessment.pillar]
        ),
    )

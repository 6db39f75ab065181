"""Pages of the handover app: the delegation's handovers, preparing one with its preview,
doing it, joint introductions, the handover brief (HTML and PDF) and continuity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pourparler.briefs.pdf import pdf_response, render_pdf
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_lists, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation, User
from pourparler.core.services import EditConflict, RecordGone
from pourparler.dialogue.models import Interaction
from pourparler.handover import reading
from pourparler.handover.forms import HandoverForm
from pourparler.handover.models import Handover
from pourparler.handover.services import (
    HandoverRefused,
    do_cancel_handover,
    do_hand_over,
    do_link_introduction,
    do_prepare_handover,
    may_hand_over,
)
from pourparler.people.models import Person, Relationship
from pourparler.ui.paging import page_of

NAV = "handover"


def _handovers(user: User) -> Any:
    return Handover.objects.visible_to(user).select_related("outgoing", "successor", "delegation")


def handover_list(request: AuthedRequest) -> HttpResponse:
    """List the handovers of the delegations the user may see, newest first."""
    user = request.user
    page = page_of(_handovers(user).order_by("-effective_on", "-created_at"), request)
    record_list(request, Handover, page.items)
    clearance = clearance_for(user)
    return render(
        request,
        "handover/handover_list.html",
        {
            "nav": NAV,
            "page": page,
            "may_prepare": bool(clearance and clearance.write_compartments),
        },
    )


def handover_create(request: AuthedRequest) -> HttpResponse:
    """Choose the successor and the effective date; the next page previews what passes."""
    user = request.user
    form = HandoverForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = do_prepare_handover(
                actor=user,
                delegation=data["delegation"],
                outgoing=data["outgoing"],
                successor=data["successor"],
                effective_on=data["effective_on"],
                note=data["note"],
            )
        except (HandoverRefused, PermissionDenied) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.info(request, gettext("Check what will pass, then confirm the handover."))
            return redirect("handover_detail", pk=handover.pk)
    return render(request, "handover/handover_form.html", {"nav": NAV, "form": form})


def _detail_context(user: User, handover: Handover) -> dict[str, Any]:
    brief = reading.brief_of(user, handover)
    candidates = reading.candidate_introductions(user, handover)
    shown = brief.shown()
    shown[Interaction] = [*shown[Interaction], *candidates]
    record_read(user, handover)
    record_lists(user, shown)
    may_change = Handover.objects.visible_to(user, "change").filter(pk=handover.pk).exists()
    return {
        "nav": NAV,
        "handover": handover,
        "brief": brief,
        "candidates": candidates,
        "may_act": (
            not handover.is_done and may_hand_over(user, handover.outgoing, handover.delegation_id)
        ),
        "may_link": may_change,
    }


def handover_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a handover: the preview of a draft, or what a done one passed, and the
    joint introductions."""
    handover = get_visible_or_404(_handovers(request.user), request.user, pk)
    return render(request, "handover/handover_detail.html", _detail_context(request.user, handover))


@require_POST
def handover_confirm(request: AuthedRequest, pk: str) -> HttpResponse:
    """Do the handover (from the version the preview showed)."""
    user = request.user
    handover = get_visible_or_404(_handovers(user), user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        do_hand_over(handover, actor=user, expected_version=version)
    except EditConflict:
        messages.error(
            request,
            gettext(
                "The handover changed since you opened it; nothing was passed. Check it again."
            ),
        )
        context = _detail_context(user, get_visible_or_404(_handovers(user), user, handover.pk))
        return render(request, "handover/handover_detail.html", context, status=409)
    except HandoverRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("handover_detail", pk=handover.pk)
    messages.success(request, gettext("Handover done."))
    if Handover.objects.visible_to(user).filter(pk=handover.pk).exists():
        return redirect("handover_detail", pk=handover.pk)
    return redirect("handover_list")


@require_POST
def handover_cancel(request: AuthedRequest, pk: str) -> HttpResponse:
    """Drop a draft handover."""
    user = request.user
    handover = get_visible_or_404(_handovers(user), user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        do_cancel_handover(handover, actor=user, expected_version=version)
    except (EditConflict, RecordGone, HandoverRefused):
        messages.error(request, gettext("The handover changed since you opened it; it was kept."))
        return redirect("handover_detail", pk=handover.pk)
    messages.success(request, gettext("Draft handover dropped."))
    return redirect("handover_list")


@require_POST
def introduction_link(request: AuthedRequest, pk: str) -> HttpResponse:
    """Record one contact as a joint introduction."""
    user = request.user
    handover = get_visible_or_404(_handovers(user), user, pk, "change")
    interaction = get_visible_or_404(Interaction, user, request.POST.get("interaction"))
    try:
        do_link_introduction(handover, actor=user, interaction=interaction)
    except HandoverRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, gettext("Introduction recorded."))
    return redirect("handover_detail", pk=handover.pk)


def _brief_context(request: AuthedRequest, pk: str) -> dict[str, Any]:
    user = request.user
    handover = get_visible_or_404(_handovers(user), user, pk)
    brief = reading.brief_of(user, handover)
    record_read(user, handover)
    record_lists(user, brief.shown())
    return {"handover": handover, "brief": brief}


def handover_brief(request: AuthedRequest, pk: str) -> HttpResponse:
    """The handover brief of the departing delegate, to read or print."""
    return render(request, "handover/handover_brief.html", _brief_context(request, pk))


def handover_brief_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    """The handover brief as a PDF."""
    context = {**_brief_context(request, pk), "for_pdf": True}
    pdf = render_pdf("handover/handover_brief.html", context, request)
    return pdf_response(pdf, "handover-brief")


def _readable_delegations(user: User) -> list[Delegation]:
    clearance = clearance_for(user)
    if clearance is None:
        return []
    delegations = Delegation.objects.visible_to(user).filter(is_headquarters=False)
    if not clearance.reads_every_compartment:
        delegations = delegations.filter(pk__in=clearance.read_compartments)
    return list(delegations.order_by("name"))


def continuity(request: AuthedRequest) -> HttpResponse:
    """Continuity indicators of a delegation: relationships nobody posted there holds,
    bearers without contact for 90 days, bearers never met at a level."""
    user = request.user
    delegations = _readable_delegations(user)
    chosen = request.GET.get("delegation", "")
    delegation = next((d for d in delegations if d.code == chosen), None)
    if chosen and delegation is None:
        raise Http404("No such delegation.")
    if delegation is None and delegations:
        delegation = delegations[0]
    indicators = reading.continuity_of(user, delegation) if delegation else None
    orphaned = indicators.orphaned if indicators else []
    record_lists(user, {Relationship: orphaned, Person: [r.person for r in orphaned]})
    return render(
        request,
        "handover/continuity.html",
        {
            "nav": NAV,
            "delegations": delegations,
            "delegation": delegation,
            "c": indicators,
        },
    )

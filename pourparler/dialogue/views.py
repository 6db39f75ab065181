"""Pages of the dialogue: the interaction list, detail, quick entry, edit and follow-ups."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.core.services import EditConflict, RecordGone
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.forms import FollowUpFormSet, InteractionForm, staff_of
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.dialogue.services import (
    do_complete_follow_up,
    do_delete_interaction,
    do_record_interaction,
    do_update_interaction,
)
from pourparler.people.models import Person
from pourparler.ui import extensions
from pourparler.ui.paging import page_of, query_without_page


def _with_visible_links(queryset: Any, user: Any) -> Any:
    """Prefetch an interaction's links through the read path, so nothing hidden shows."""
    return queryset.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
    )


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def interaction_list(request: AuthedRequest) -> HttpResponse:
    """List the interactions the user may see, newest first, with filters."""
    user = request.user
    interactions = Interaction.objects.visible_to(user).select_related("compartment")
    params = request.GET
    filters = {
        key: params.get(key, "").strip()
        for key in ("kind", "level", "bearer", "topic", "delegation", "since", "until")
    }
    if filters["kind"] in InteractionKind.values:
        interactions = interactions.filter(kind=filters["kind"])
    if filters["level"] in Level.values:
        interactions = interactions.filter(level=filters["level"])
    if filters["bearer"]:
        try:
            bearer = WeaponBearer.objects.visible_to(user).get(pk=filters["bearer"])
        except (WeaponBearer.DoesNotExist, ValueError):
            interactions = interactions.none()
        else:
            interactions = interactions.filter(bearers=bearer)
    if filters["topic"]:
        interactions = interactions.filter(topics__code=filters["topic"])
    if filters["delegation"]:
        interactions = interactions.filter(compartment__code=filters["delegation"])
    since = _parse_date(filters["since"])
    until = _parse_date(filters["until"])
    if since:
        interactions = interactions.filter(occurred_at__date__gte=since)
    if until:
        interactions = interactions.filter(occurred_at__date__lte=until)
    interactions = _with_visible_links(interactions.order_by("-occurred_at"), user)
    page = page_of(interactions, request)
    record_list(user, Interaction, page.items)
    context = {
        "nav": "interactions",
        "page": page,
        "pager_query": query_without_page(request),
        "filters": filters,
        "kinds": InteractionKind.choices,
        "levels": Level.choices,
        "topics": Topic.objects.visible_to(user),
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
    }
    return render(request, "dialogue/interaction_list.html", context)


def interaction_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one interaction, or the same 404 as a missing one if the user may not see it."""
    user = request.user
    visible = Interaction.objects.visible_to(user).select_related("compartment", "admin_area")
    interaction = get_visible_or_404(_with_visible_links(visible, user), user, pk)
    record_read(user, interaction)
    came_of_it = extensions.interaction_links(user, interaction)
    panels = extensions.interaction_panels(user, interaction)
    extensions.audit_shown(user, came_of_it, panels)
    context = {
        "nav": "interactions",
        "interaction": interaction,
        "came_of_it": came_of_it,
        "panels": panels,
        "their_participants": Person.objects.visible_to(user).filter(interactions=interaction),
        "our_participants": interaction.our_participants.all(),
        "follow_ups": FollowUp.objects.visible_to(user)
        .filter(interaction=interaction)
        .select_related("owner"),
        "can_change": Interaction.objects.visible_to(user, "change")
        .filter(pk=interaction.pk)
        .exists(),
    }
    return render(request, "dialogue/interaction_detail.html", context)


def _writable_staff(user: Any) -> Any:
    clearance = clearance_for(user)
    return staff_of(clearance.write_compartments if clearance else [])


def interaction_create(request: AuthedRequest) -> HttpResponse:
    """Quick entry: an interaction with its participants, topics and follow-ups in one go."""
    user = request.user
    clearance = clearance_for(user)
    if clearance is None or not clearance.write_compartments:
        raise PermissionDenied(gettext("Your role does not record interactions."))
    staff = _writable_staff(user)
    form = InteractionForm(request.POST or None, user=user)
    follow_ups = FollowUpFormSet(request.POST or None, prefix="fu", form_kwargs={"staff": staff})
    if request.method == "POST" and form.is_valid() and follow_ups.is_valid():
        entries = [f.cleaned_data for f in follow_ups if f.cleaned_data.get("action")]
        interaction = do_record_interaction(
            actor=user,
            follow_ups=[
                {"action": e["action"], "owner": e.get("owner"), "due_on": e.get("due_on")}
                for e in entries
            ],
            **form.field_values(),
            **form.link_values(),
        )
        messages.success(request, gettext("Interaction recorded."))
        return redirect("interaction_detail", pk=interaction.pk)
    context = {"nav": "interactions", "form": form, "follow_ups": follow_ups, "creating": True}
    return render(request, "dialogue/interaction_form.html", context)


def _conflict_rows(form: InteractionForm, current: Interaction, user: Any) -> list[dict[str, Any]]:
    """List the fields where the stored version differs from what the editor submitted."""
    rows = []
    current_form = InteractionForm(instance=current, user=user)
    for name in form.Meta.fields:
        field = form.fields[name]
        theirs = current_form.initial.get(name)
        yours = form.cleaned_data.get(name)
        if yours is not None and (hasattr(yours, "all") or isinstance(yours, list | tuple)):
            yours_keys = sorted(str(getattr(v, "pk", v)) for v in yours)
            theirs_keys = sorted(str(getattr(v, "pk", v)) for v in (theirs or []))
            if yours_keys == theirs_keys:
                continue
            theirs_text = ", ".join(str(v) for v in getattr(current, name).all())
            yours_text = ", ".join(str(v) for v in yours)
        else:
            theirs_value = getattr(current, name, theirs)
            if _same(theirs_value, yours):
                continue
            theirs_text, yours_text = _display(theirs_value), _display(yours)
        rows.append({"label": str(field.label or name), "theirs": theirs_text, "yours": yours_text})
    return rows


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)
    return (a if a is not None else "") == (b if b is not None else "")


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def interaction_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Edit an interaction; a stale edit is refused and both versions are shown."""
    user = request.user
    interaction = get_visible_or_404(Interaction, user, pk)
    if not Interaction.objects.visible_to(user, "change").filter(pk=interaction.pk).exists():
        raise PermissionDenied(gettext("You may read this interaction but not change it."))
    form = InteractionForm(request.POST or None, instance=interaction, user=user)
    if request.method == "GET":
        # The form shows the confidential text: opening it is a read.
        record_read(user, interaction)
    version = interaction.version
    conflict_rows: list[dict[str, Any]] = []
    conflict: EditConflict | None = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        if form.is_valid():
            try:
                do_update_interaction(
                    interaction,
                    actor=user,
                    expected_version=version,
                    changes=form.field_values(),
                    links=form.link_values(),
                )
            except EditConflict as exc:
                conflict = exc
                conflict_rows = _conflict_rows(form, cast(Interaction, exc.current), user)
                version = exc.current.version
            except RecordGone:
                messages.error(
                    request, gettext("This interaction was deleted while you were editing it.")
                )
                return redirect("interaction_list")
            else:
                messages.success(request, gettext("Interaction saved."))
                return redirect("interaction_detail", pk=interaction.pk)
    context = {
        "nav": "interactions",
        "form": form,
        "interaction": interaction,
        "version": version,
        "conflict": conflict,
        "conflict_rows": conflict_rows,
        "creating": False,
    }
    return render(
        request, "dialogue/interaction_form.html", context, status=409 if conflict else 200
    )


@require_POST
def interaction_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on an interaction (nothing is erased; the deletion is logged)."""
    user = request.user
    interaction = get_visible_or_404(Interaction, user, pk)
    try:
        version = int(request.POST.get("version", ""))
        do_delete_interaction(interaction, actor=user, expected_version=version)
    except (ValueError, EditConflict):
        messages.error(
            request,
            gettext(
                "Someone changed this interaction since you opened it; review it before deleting."
            ),
        )
        return redirect("interaction_detail", pk=interaction.pk)
    messages.success(request, gettext("Interaction deleted. An administrator can restore it."))
    return redirect("interaction_list")


@require_POST
def follow_up_complete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Mark a follow-up done."""
    user = request.user
    follow_up = get_visible_or_404(FollowUp, user, pk)
    try:
        version = int(request.POST.get("version", ""))
        do_complete_follow_up(follow_up, actor=user, expected_version=version)
    except (ValueError, EditConflict):
        messages.error(
            request, gettext("This follow-up changed since you loaded the page; try again.")
        )
    else:
        messages.success(request, gettext("Done: %(action)s") % {"action": follow_up.action})
    next_url = request.POST.get("next") or reverse("home")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("home")
    return HttpResponseRedirect(next_url)

"""Pages of dissemination and training: the session list, detail, record, edit, delete and
the figures of people reached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_POST

from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.dialogue.models import Interaction, Topic
from pourparler.training.choices import SessionKind
from pourparler.training.figures import figures
from pourparler.training.filters import visible_sessions
from pourparler.training.forms import SessionForm
from pourparler.training.models import DisseminationSession
from pourparler.training.services import do_delete_session, do_record_session, do_update_session
from pourparler.ui.editing import delete_or_explain, save_edit
from pourparler.ui.paging import page_of, query_without_page

NAV = "training"


def _with_visible_links(queryset: Any, user: Any) -> Any:
    """Fetch a session's bearer and topics through the read path: a bearer the user may not
    see (a restricted one) comes back as None rather than named."""
    return queryset.select_related("compartment").prefetch_related(
        Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
    )


def _filter_options(user: Any) -> dict[str, Any]:
    return {
        "kinds": SessionKind.choices,
        "levels": Level.choices,
        "topics": Topic.objects.visible_to(user),
        "bearers": WeaponBearer.objects.visible_to(user).filter(
            pk__in=DisseminationSession.objects.visible_to(user).values("bearer")
        ),
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
    }


def _may_record(user: Any) -> bool:
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.write_compartments)


def session_list(request: AuthedRequest) -> HttpResponse:
    """List the sessions the user may see, newest first, with filters."""
    user = request.user
    sessions, filters = visible_sessions(user, request.GET)
    page = page_of(_with_visible_links(sessions.order_by("-held_on", "-created_at"), user), request)
    record_list(user, DisseminationSession, page.items)
    context = {
        "nav": NAV,
        "page": page,
        "pager_query": query_without_page(request),
        "filters": filters,
        "may_record": _may_record(user),
        **_filter_options(user),
    }
    return render(request, "training/session_list.html", context)


def session_figures(request: AuthedRequest) -> HttpResponse:
    """Show people reached by bearer, level, topic and year, with the list's filters."""
    user = request.user
    sessions, filters = visible_sessions(user, request.GET)
    context = {
        "nav": NAV,
        "figures": figures(sessions, user),
        "filters": filters,
        "filter_query": query_without_page(request),
        **_filter_options(user),
    }
    return render(request, "training/session_figures.html", context)


def session_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one session, or the same 404 as a missing one if the user may not see it."""
    user = request.user
    visible = _with_visible_links(DisseminationSession.objects.visible_to(user), user)
    session = get_visible_or_404(
        visible.prefetch_related(
            Prefetch("units", queryset=Unit.objects.visible_to(user).order_by("name")),
            Prefetch("interaction", queryset=Interaction.objects.visible_to(user)),
        ),
        user,
        pk,
    )
    record_read(user, session)
    context = {
        "nav": NAV,
        "session": session,
        "facilitators": session.facilitators.order_by("last_name", "first_name", "username"),
        "can_change": DisseminationSession.objects.visible_to(user, "change")
        .filter(pk=session.pk)
        .exists(),
    }
    return render(request, "training/session_detail.html", context)


def session_create(request: AuthedRequest) -> HttpResponse:
    """Record a session: kind, audience, topics, facilitators and test scores."""
    user = request.user
    if not _may_record(user):
        raise PermissionDenied(gettext("Your role does not record sessions."))
    form = SessionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        session = do_record_session(actor=user, **form.field_values(), **form.link_values())
        messages.success(request, gettext("Session recorded."))
        return redirect("session_detail", pk=session.pk)
    context = {"nav": NAV, "form": form, "creating": True}
    return render(request, "training/session_form.html", context)


def _conflict_rows(form: SessionForm, current: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor submitted."""
    rows = []
    for name in form.Meta.fields:
        if name not in form.fields:
            continue
        yours = form.cleaned_data.get(name)
        field = DisseminationSession._meta.get_field(name)
        if field.many_to_many:
            theirs_list = list(getattr(current, name).all())
            yours_list = list(yours or [])
            if {o.pk for o in theirs_list} == {o.pk for o in yours_list}:
                continue
            theirs_text = ", ".join(sorted(str(o) for o in theirs_list)) or "—"
            yours_text = ", ".join(sorted(str(o) for o in yours_list)) or "—"
        else:
            theirs = getattr(current, name)
            if (theirs if theirs is not None else "") == (yours if yours is not None else ""):
                continue
            theirs_text = "—" if theirs in (None, "") else str(theirs)
            yours_text = "—" if yours in (None, "") else str(yours)
        label = form.fields[name].label or name
        rows.append({"label": str(label), "theirs": theirs_text, "yours": yours_text})
    return rows


def session_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Edit a session; a stale edit is refused and both versions are shown."""
    user = request.user
    session = get_visible_or_404(DisseminationSession, user, pk)
    if not DisseminationSession.objects.visible_to(user, "change").filter(pk=session.pk).exists():
        raise PermissionDenied(gettext("You may read this session but not change it."))
    form = SessionForm(request.POST or None, instance=session, user=user)
    if request.method == "GET":
        # The form shows the confidential notes: opening it is a read.
        record_read(user, session)
    edit = save_edit(
        request,
        form,
        record=session,
        save=lambda version: do_update_session(
            session,
            actor=user,
            expected_version=version,
            changes=form.field_values(),
            links=form.link_values(),
        ),
        compare=lambda current: _conflict_rows(form, current),
        what=pgettext("dissemination", "session"),
        saved=gettext("Session saved."),
        saved_to=reverse("session_detail", args=[session.pk]),
        gone_to=reverse("session_list"),
    )
    if edit.done is not None:
        return edit.done
    context = {"nav": NAV, "form": form, "session": session, "creating": False, **edit.context()}
    return render(request, "training/session_form.html", context, status=edit.status)


@require_POST
def session_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a session (nothing is erased; the deletion is logged)."""
    user = request.user
    session = get_visible_or_404(DisseminationSession, user, pk)
    return delete_or_explain(
        request,
        delete=lambda version: do_delete_session(session, actor=user, expected_version=version),
        what=pgettext("dissemination", "session"),
        deleted=gettext("Session deleted. An administrator can restore it."),
        stale_to=reverse("session_detail", args=[session.pk]),
        done_to=reverse("session_list"),
    )

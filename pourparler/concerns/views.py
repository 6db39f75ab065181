"""Pages about concerns: the list with its figures box, the concern page, opening and
editing a concern, recording representations and responses, moving the status, sources,
follow-ups, and the outcome figures.

Every read starts from ``visible_to(request.user)``; a concern the user may not see is
the same 404 as a missing one, and one they may read but not change is a 403 on every
page that writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.concerns import figures as outcome_figures
from pourparler.concerns.choices import ConcernStatus
from pourparler.concerns.forms import (
    ConcernFollowUpForm,
    ConcernForm,
    RepresentationForm,
    ResponseForm,
    SourceForm,
    SourceFormSet,
    StatusForm,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.concerns.services import (
    MANUAL_MOVES,
    do_add_concern_source,
    do_change_concern_status,
    do_complete_concern_follow_up,
    do_delete_concern,
    do_delete_representation,
    do_delete_response,
    do_open_concern,
    do_record_representation,
    do_record_response,
    do_remove_concern_source,
    do_schedule_concern_follow_up,
    do_update_concern,
    do_update_representation,
    do_update_response,
)
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.core.services import EditConflict, RecordGone
from pourparler.dialogue.models import Interaction, Topic
from pourparler.people.models import Person
from pourparler.ui.paging import page_of, query_without_page

NAV = "concerns"


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _version(request: AuthedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _with_visible_links(queryset: Any, user: Any) -> Any:
    """Prefetch a concern's links through the read path, so nothing hidden shows."""
    return queryset.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("category", queryset=Topic.objects.visible_to(user)),
    )


def _may_change(user: Any, concern: Concern) -> bool:
    return Concern.objects.visible_to(user, "change").filter(pk=concern.pk).exists()


def _changeable(request: AuthedRequest, pk: Any) -> Concern:
    """The concern the user may change: 404 if they may not see it, 403 if only read it."""
    concern = get_visible_or_404(Concern, request.user, pk)
    if not _may_change(request.user, concern):
        raise PermissionDenied(gettext("You may read this concern but not change it."))
    return concern


# --------------------------------------------------------------------------------------
# Filters shared by the list and the figures page
# --------------------------------------------------------------------------------------

FILTER_NAMES = ("status", "bearer", "category", "level", "delegation", "since", "until")


def _filtered(request: AuthedRequest) -> tuple[Any, dict[str, str]]:
    """Return the visible concerns narrowed by the request's filters, and the filters."""
    user = request.user
    concerns = Concern.objects.visible_to(user)
    params = request.GET
    filters = {key: params.get(key, "").strip() for key in FILTER_NAMES}
    if filters["status"] == "active":
        concerns = concerns.exclude(status__in=[ConcernStatus.ADDRESSED, ConcernStatus.CLOSED])
    elif filters["status"] in ConcernStatus.values:
        concerns = concerns.filter(status=filters["status"])
    if filters["bearer"]:
        try:
            bearer = WeaponBearer.objects.visible_to(user).get(pk=filters["bearer"])
        except (WeaponBearer.DoesNotExist, ValueError, ValidationError):
            concerns = concerns.none()
        else:
            concerns = concerns.filter(bearers=bearer)
    if filters["category"]:
        concerns = concerns.filter(category__code=filters["category"])
    if filters["level"] in Level.values:
        concerns = concerns.filter(raised_level=filters["level"])
    elif filters["level"] == outcome_figures.NOT_RAISED:
        concerns = concerns.filter(raised_on__isnull=True)
    if filters["delegation"]:
        concerns = concerns.filter(compartment__code=filters["delegation"])
    since = _parse_date(filters["since"])
    until = _parse_date(filters["until"])
    if since:
        concerns = concerns.filter(opened_on__gte=since)
    if until:
        concerns = concerns.filter(opened_on__lte=until)
    return concerns, filters


def _filter_choices(user: Any) -> dict[str, Any]:
    return {
        "bearers": WeaponBearer.objects.visible_to(user)
        .filter(concerns__in=Concern.objects.visible_to(user).values("pk"))
        .distinct()
        .order_by("name"),
        "statuses": ConcernStatus.choices,
        "levels": Level.choices,
        "topics": Topic.objects.visible_to(user),
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
    }


def _bearer_named(user: Any, pk: str) -> WeaponBearer | None:
    if not pk:
        return None
    try:
        return WeaponBearer.objects.visible_to(user).get(pk=pk)
    except (WeaponBearer.DoesNotExist, ValueError, ValidationError):
        return None


# --------------------------------------------------------------------------------------
# The list and the figures
# --------------------------------------------------------------------------------------


def concern_list(request: AuthedRequest) -> HttpResponse:
    """List the concerns the user may see, newest first, with filters and their figures."""
    user = request.user
    concerns, filters = _filtered(request)
    listed = _with_visible_links(
        concerns.select_related("compartment").order_by("-opened_on", "-id"), user
    )
    page = page_of(listed, request)
    record_list(user, Concern, page.items)
    clearance = clearance_for(user)
    context = {
        "nav": NAV,
        "page": page,
        "pager_query": query_without_page(request),
        "filters": filters,
        "bearer": _bearer_named(user, filters["bearer"]),
        "outcome": outcome_figures.outcome(user, concerns, label=gettext("These concerns")),
        "may_open": bool(clearance and clearance.write_compartments),
        **_filter_choices(user),
    }
    return render(request, "concerns/concern_list.html", context)


def concern_figures(request: AuthedRequest) -> HttpResponse:
    """Show the outcome figures of the concerns the user may see, by group, with filters."""
    user = request.user
    concerns, filters = _filtered(request)
    period = request.GET.get("period", "quarter")
    figures = outcome_figures.outcome_figures(user, concerns, period=period)
    context = {
        "nav": NAV,
        "figures": figures,
        "filters": filters,
        "period": figures.period,
        "periods": outcome_figures.PERIODS,
        "explanations": outcome_figures.EXPLANATIONS,
        "bearer": _bearer_named(user, filters["bearer"]),
        "list_query": query_without_page(request),
        **_filter_choices(user),
    }
    return render(request, "concerns/concern_figures.html", context)


# --------------------------------------------------------------------------------------
# One concern
# --------------------------------------------------------------------------------------


def concern_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one concern with its sources, representations, responses and history."""
    user = request.user
    visible = Concern.objects.visible_to(user).select_related("compartment", "admin_area")
    visible = _with_visible_links(visible, user).prefetch_related(
        Prefetch("unit", queryset=Unit.objects.visible_to(user))
    )
    concern = get_visible_or_404(visible, user, pk)
    record_read(user, concern)
    people = Person.objects.visible_to(user)
    visible_representations: Any = Representation.objects.visible_to(user)
    representations = list(
        visible_representations.filter(concern=concern).prefetch_related(
            "made_by",
            Prefetch("to_person", queryset=people),
            Prefetch("interaction", queryset=Interaction.objects.visible_to(user)),
        )
    )
    responses = list(
        Response.objects.visible_to(user)
        .filter(concern=concern)
        .prefetch_related(Prefetch("from_person", queryset=people))
    )
    # Merge both into one exchange, oldest first (responses come after the day's
    # representations); each response names the representation it answers.
    by_id = {r.pk: r for r in representations}
    exchange: list[dict[str, Any]] = [
        {"when": r.made_on, "order": 0, "kind": "representation", "record": r}
        for r in representations
    ]
    exchange += [
        {
            "when": r.received_on,
            "order": 1,
            "kind": "response",
            "record": r,
            "answers": by_id.get(r.representation_id) if r.representation_id else None,
        }
        for r in responses
    ]
    exchange.sort(key=lambda e: (e["when"], e["order"], e["record"].created_at))
    can_change = _may_change(user, concern)
    moves = MANUAL_MOVES[concern.status]
    context = {
        "nav": NAV,
        "concern": concern,
        "exchange": exchange,
        "sources": ConcernSource.objects.visible_to(user).filter(concern=concern),
        "history": ConcernStatusChange.objects.visible_to(user)
        .filter(concern=concern)
        .select_related("created_by"),
        "follow_ups": ConcernFollowUp.objects.visible_to(user)
        .filter(concern=concern)
        .select_related("owner"),
        "can_change": can_change,
        "moves": _either(
            [str(label).lower() for value, label in ConcernStatus.choices if value in moves]
        ),
    }
    return render(request, "concerns/concern_detail.html", context)


def _either(words: list[str]) -> str:
    """Write choices as a reader would: "a", "a or b", "a, b or c"."""
    if len(words) < 2:
        return "".join(words)
    separator = pgettext("between the items of a list", ", ")
    return gettext("%(some)s or %(last)s") % {
        "some": separator.join(words[:-1]),
        "last": words[-1],
    }


def concern_create(request: AuthedRequest) -> HttpResponse:
    """Open a concern, with the sources of the allegation, in one go."""
    user = request.user
    clearance = clearance_for(user)
    if clearance is None or not clearance.write_compartments:
        raise PermissionDenied(gettext("Your role does not open concerns."))
    form = ConcernForm(request.POST or None, user=user)
    sources = SourceFormSet(request.POST or None, prefix="src")
    if request.method == "POST" and form.is_valid() and sources.is_valid():
        entries = [s.cleaned_data for s in sources if s.cleaned_data.get("kind")]
        try:
            concern = do_open_concern(
                actor=user,
                sources=[
                    {
                        "kind": e["kind"],
                        "reliability": e["reliability"],
                        "credibility": e["credibility"],
                        "description": e.get("description", ""),
                    }
                    for e in entries
                ],
                **form.field_values(),
                **form.link_values(),
            )
        except ValidationError as error:
            form.show_service_error(error)
        else:
            messages.success(request, gettext("Concern opened."))
            return redirect("concern_detail", pk=concern.pk)
    context = {"nav": NAV, "form": form, "sources": sources, "creating": True}
    return render(request, "concerns/concern_form.html", context)


def _conflict_rows(form: Any, current: Any, fresh_form: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor sent."""
    rows = []
    for name, field in form.fields.items():
        if name not in form.cleaned_data:
            continue
        yours = form.cleaned_data.get(name)
        theirs = fresh_form.initial.get(name)
        if hasattr(yours, "all") or isinstance(yours, list | tuple):
            mine = sorted(str(getattr(v, "pk", v)) for v in yours)
            stored = sorted(str(getattr(v, "pk", v)) for v in theirs or [])
            if mine == stored:
                continue
            yours_text = ", ".join(str(v) for v in yours) or "—"
            theirs_text = ", ".join(str(v) for v in getattr(current, name).all()) or "—"
        else:
            stored_value = getattr(current, name, theirs)
            if _display(stored_value) == _display(yours):
                continue
            theirs_text, yours_text = _display(stored_value), _display(yours)
        rows.append({"label": str(field.label or name), "theirs": theirs_text, "yours": yours_text})
    return rows


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def concern_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Edit a concern; a stale edit is refused and both versions are shown."""
    user = request.user
    concern = _changeable(request, pk)
    form = ConcernForm(request.POST or None, instance=concern, user=user)
    if request.method == "GET":
        # The form shows the confidential text: opening it is a read.
        record_read(user, concern)
    version = concern.version
    conflict: EditConflict | None = None
    conflict_rows: list[dict[str, str]] = []
    if request.method == "POST":
        version = _version(request)
        if form.is_valid():
            try:
                do_update_concern(
                    concern,
                    actor=user,
                    expected_version=version,
                    changes=form.field_values(),
                    links=form.link_values(),
                )
            except EditConflict as exc:
                conflict = exc
                current = exc.current
                fresh = ConcernForm(instance=current, user=user)
                conflict_rows = _conflict_rows(form, current, fresh)
                version = current.version
            except RecordGone:
                messages.error(
                    request, gettext("This concern was deleted while you were editing it.")
                )
                return redirect("concern_list")
            except ValidationError as error:
                form.show_service_error(error)
            else:
                messages.success(request, gettext("Concern saved."))
                return redirect("concern_detail", pk=concern.pk)
    context = {
        "nav": NAV,
        "form": form,
        "concern": concern,
        "version": version,
        "conflict": conflict,
        "conflict_rows": conflict_rows,
        "creating": False,
    }
    return render(request, "concerns/concern_form.html", context, status=409 if conflict else 200)


@require_POST
def concern_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a concern (nothing is erased; the deletion is logged)."""
    concern = _changeable(request, pk)
    try:
        do_delete_concern(concern, actor=request.user, expected_version=_version(request))
    except EditConflict:
        messages.error(
            request,
            gettext("Someone changed this concern since you opened it; review it before deleting."),
        )
        return redirect("concern_detail", pk=concern.pk)
    messages.success(request, gettext("Concern deleted. An administrator can restore it."))
    return redirect("concern_list")


def concern_status(request: AuthedRequest, pk: str) -> HttpResponse:
    """Mark a concern addressed, persisting or closed, with a date and a note."""
    user = request.user
    concern = _changeable(request, pk)
    form = StatusForm(request.POST or None, concern=concern)
    version = concern.version
    conflict = None
    if request.method == "POST":
        version = _version(request)
        if form.is_valid():
            try:
                do_change_concern_status(
                    concern,
                    actor=user,
                    expected_version=version,
                    status=form.cleaned_data["status"],
                    changed_on=form.cleaned_data["changed_on"],
                    note=form.cleaned_data["note"],
                )
            except EditConflict as exc:
                conflict = exc
                version = exc.current.version
            except ValidationError as error:
                form.show_service_error(error)
            else:
                messages.success(request, gettext("Status changed."))
                return redirect("concern_detail", pk=concern.pk)
    context = {
        "nav": NAV,
        "concern": concern,
        "form": form,
        "version": version,
        "conflict": conflict,
        "title": gettext("Change the status"),
        "submit": gettext("Change the status"),
        "allowed": bool(MANUAL_MOVES[concern.status]),
    }
    return render(request, "concerns/child_form.html", context, status=409 if conflict else 200)


# --------------------------------------------------------------------------------------
# Records under a concern: representations, responses, sources, follow-ups
# --------------------------------------------------------------------------------------


def _child_form_page(
    request: AuthedRequest,
    concern: Concern,
    form: Any,
    *,
    title: str,
    submit: str,
    save: Callable[[], Any],
    saved: str,
    record: Any = None,
) -> HttpResponse:
    """Show a form for a record under a concern; save it through ``save`` on a valid POST.

    ``save`` calls one service. A refused write (``ValidationError``) is shown on the
    form; a stale edit (``EditConflict``) is a 409 showing both versions.
    """
    conflict: EditConflict | None = None
    conflict_rows: list[dict[str, str]] = []
    version = record.version if record is not None else None
    if request.method == "POST":
        if record is not None:
            version = _version(request)
        if form.is_valid():
            try:
                save()
            except EditConflict as exc:
                conflict = exc
                current = exc.current
                fresh = type(form)(instance=current, user=request.user, concern=concern)
                conflict_rows = _conflict_rows(form, current, fresh)
                version = current.version
            except RecordGone:
                messages.error(
                    request, gettext("This record was deleted while you were editing it.")
                )
                return redirect("concern_detail", pk=concern.pk)
            except ValidationError as error:
                form.show_service_error(error)
            else:
                messages.success(request, saved)
                return redirect("concern_detail", pk=concern.pk)
    context = {
        "nav": NAV,
        "concern": concern,
        "form": form,
        "record": record,
        "version": version,
        "conflict": conflict,
        "conflict_rows": conflict_rows,
        "title": title,
        "submit": submit,
        "allowed": True,
    }
    return render(request, "concerns/child_form.html", context, status=409 if conflict else 200)


def representation_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Record a representation made to the bearer about a concern."""
    user = request.user
    concern = _changeable(request, pk)
    form = RepresentationForm(request.POST or None, user=user, concern=concern)

    def save() -> Any:
        return do_record_representation(
            concern,
            actor=user,
            made_by=form.cleaned_data.get("made_by") or [],
            **form.field_values(),
        )

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Record a representation"),
        submit=gettext("Record the representation"),
        save=save,
        saved=gettext("Representation recorded."),
    )


def _child_of_changeable(request: AuthedRequest, model: Any, pk: str) -> tuple[Any, Concern]:
    """A record under a concern the user may change: 404 if hidden, 403 if read only."""
    record = get_visible_or_404(model, request.user, pk)
    return record, _changeable(request, record.concern_id)


def representation_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct a representation; the concern's dates follow."""
    user = request.user
    representation, concern = _child_of_changeable(request, Representation, pk)
    if request.method == "GET":
        record_read(user, representation)
    form = RepresentationForm(
        request.POST or None, instance=representation, user=user, concern=concern
    )

    def save() -> Any:
        return do_update_representation(
            representation,
            actor=user,
            expected_version=_version(request),
            changes=form.field_values(),
            made_by=form.cleaned_data.get("made_by") or [],
        )

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Correct a representation"),
        submit=gettext("Save"),
        save=save,
        saved=gettext("Representation saved."),
        record=representation,
    )


def response_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Record what the bearer answered."""
    user = request.user
    concern = _changeable(request, pk)
    form = ResponseForm(request.POST or None, user=user, concern=concern)

    def save() -> Any:
        return do_record_response(concern, actor=user, **form.cleaned_data)

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Record the bearer's response"),
        submit=gettext("Record the response"),
        save=save,
        saved=gettext("Response recorded."),
    )


def response_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct a response; the concern's dates follow."""
    user = request.user
    response, concern = _child_of_changeable(request, Response, pk)
    if request.method == "GET":
        record_read(user, response)
    form = ResponseForm(request.POST or None, instance=response, user=user, concern=concern)

    def save() -> Any:
        return do_update_response(
            response, actor=user, expected_version=_version(request), changes=form.cleaned_data
        )

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Correct a response"),
        submit=gettext("Save"),
        save=save,
        saved=gettext("Response saved."),
        record=response,
    )


def source_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Add a graded source to a concern."""
    user = request.user
    concern = _changeable(request, pk)
    form = SourceForm(request.POST or None)

    def save() -> Any:
        return do_add_concern_source(concern, actor=user, **form.cleaned_data)

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Add a source"),
        submit=gettext("Add the source"),
        save=save,
        saved=gettext("Source added."),
    )


def follow_up_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Schedule something to do about a concern."""
    user = request.user
    concern = _changeable(request, pk)
    form = ConcernFollowUpForm(request.POST or None, concern=concern)

    def save() -> Any:
        return do_schedule_concern_follow_up(concern, actor=user, **form.cleaned_data)

    return _child_form_page(
        request,
        concern,
        form,
        title=gettext("Schedule a follow-up"),
        submit=gettext("Schedule"),
        save=save,
        saved=gettext("Follow-up scheduled."),
    )


_CHILD_MESSAGES = {
    "representation": (
        _("This representation changed since you opened the page; review it first."),
        _("The representation was deleted. An administrator can restore it."),
    ),
    "response": (
        _("This response changed since you opened the page; review it first."),
        _("The response was deleted. An administrator can restore it."),
    ),
    "source": (
        _("This source changed since you opened the page; review it first."),
        _("The source was deleted. An administrator can restore it."),
    ),
}


def _delete_child(
    request: AuthedRequest, model: Any, pk: str, service: Callable[..., Any], what: str
) -> HttpResponse:
    record, concern = _child_of_changeable(request, model, pk)
    try:
        service(record, actor=request.user, expected_version=_version(request))
    except EditConflict:
        messages.error(request, str(_CHILD_MESSAGES[what][0]))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(_CHILD_MESSAGES[what][1]))
    return redirect("concern_detail", pk=concern.pk)


@require_POST
def representation_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a representation."""
    return _delete_child(request, Representation, pk, do_delete_representation, "representation")


@require_POST
def response_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a response."""
    return _delete_child(request, Response, pk, do_delete_response, "response")


@require_POST
def source_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a source."""
    return _delete_child(request, ConcernSource, pk, do_remove_concern_source, "source")


@require_POST
def follow_up_done(request: AuthedRequest, pk: str) -> HttpResponse:
    """Mark a concern's follow-up done."""
    follow_up, concern = _child_of_changeable(request, ConcernFollowUp, pk)
    try:
        do_complete_concern_follow_up(
            follow_up, actor=request.user, expected_version=_version(request)
        )
    except EditConflict:
        messages.error(
            request, gettext("This follow-up changed since you loaded the page; try again.")
        )
    else:
        messages.success(request, gettext("Done: %(action)s") % {"action": follow_up.action})
    return redirect(reverse("concern_detail", args=[concern.pk]))

"""Pages of the commitments register: the list with its figures box, the figures page,
the commitment page with its signatories and compliance over time, and the forms that
register and edit commitments, signatories and observations.

Every read starts from ``visible_to(request.user)``; a commitment the user may not see is
the same 404 as a missing one, and one they may read but not change is a 403 on every
page that writes. Linked records (bearers, contacts, people, evidence) are fetched
through the read path too, so nothing hidden shows, and hidden ones are not counted.
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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments import figures as register_figures
from pourparler.commitments.choices import (
    NOT_OBSERVED,
    NOT_OBSERVED_LABEL,
    Compliance,
    Instrument,
)
from pourparler.commitments.forms import (
    CommitmentForm,
    ComplianceForm,
    SignatoryForm,
    SignatoryFormSet,
    signatory_entries,
)
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import (
    do_add_signatory,
    do_delete_commitment,
    do_delete_compliance,
    do_record_compliance,
    do_register_commitment,
    do_remove_signatory,
    do_update_commitment,
    do_update_compliance,
    do_update_signatory,
    visible_evidence,
)
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.core.services import EditConflict, RecordGone
from pourparler.dialogue.models import Interaction
from pourparler.ui.paging import page_of, query_without_page

NAV = "commitments"


def _version(request: AuthedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _with_visible_links(queryset: Any, user: Any) -> Any:
    """Prefetch a commitment's parties through the read path, so nothing hidden shows."""
    return queryset.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user).order_by("name"))
    )


def _may_change(user: Any, commitment: Commitment) -> bool:
    return Commitment.objects.visible_to(user, "change").filter(pk=commitment.pk).exists()


def _changeable(request: AuthedRequest, pk: Any) -> Commitment:
    """The commitment the user may change: 404 if they may not see it, 403 if only read it."""
    commitment = get_visible_or_404(Commitment, request.user, pk)
    if not _may_change(request.user, commitment):
        raise PermissionDenied("You may read this commitment but not change it.")
    return commitment


def _may_register(user: Any) -> bool:
    clearance = clearance_for(user)
    return bool(clearance and clearance.write_compartments)


# --------------------------------------------------------------------------------------
# Filters shared by the list and the figures page
# --------------------------------------------------------------------------------------

FILTER_NAMES = ("bearer", "instrument", "compliance", "year", "delegation")


def _bearer_named(user: Any, pk: str) -> WeaponBearer | None:
    if not pk:
        return None
    try:
        return WeaponBearer.objects.visible_to(user).get(pk=pk)
    except (WeaponBearer.DoesNotExist, ValueError, ValidationError):
        return None


def _filtered(request: AuthedRequest) -> tuple[Any, dict[str, str], WeaponBearer | None]:
    """Return the visible commitments narrowed by the request's filters, the filters, and
    the bearer filtered on (if the user may see it)."""
    user = request.user
    commitments = Commitment.objects.visible_to(user)
    filters = {key: request.GET.get(key, "").strip() for key in FILTER_NAMES}
    bearer = _bearer_named(user, filters["bearer"])
    if filters["bearer"]:
        commitments = commitments.filter(bearers=bearer) if bearer else commitments.none()
    if filters["instrument"] in Instrument.values:
        commitments = commitments.filter(instrument=filters["instrument"])
    if filters["compliance"] in Compliance.values:
        commitments = commitments.filter(current_compliance=filters["compliance"])
    elif filters["compliance"] == NOT_OBSERVED:
        commitments = commitments.filter(current_compliance="")
    if filters["year"].isdigit():
        commitments = commitments.filter(made_on__year=int(filters["year"]))
    if filters["delegation"]:
        commitments = commitments.filter(compartment__code=filters["delegation"])
    return commitments, filters, bearer


def _filter_choices(user: Any) -> dict[str, Any]:
    visible = Commitment.objects.visible_to(user)
    return {
        "bearers": WeaponBearer.objects.visible_to(user)
        .filter(commitments__in=visible.values("pk"))
        .distinct()
        .order_by("name"),
        "instruments": Instrument.choices,
        "compliances": [*Compliance.choices, (NOT_OBSERVED, NOT_OBSERVED_LABEL)],
        "years": sorted({day.year for day in visible.dates("made_on", "year")}, reverse=True),
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
    }


# --------------------------------------------------------------------------------------
# The list and the figures
# --------------------------------------------------------------------------------------


def commitment_list(request: AuthedRequest) -> HttpResponse:
    """List the commitments the user may see, newest first, with filters and figures."""
    user = request.user
    commitments, filters, bearer = _filtered(request)
    listed = _with_visible_links(
        commitments.select_related("compartment").order_by("-made_on", "-id"), user
    )
    page = page_of(listed, request)
    record_list(user, Commitment, page.items)
    context = {
        "nav": NAV,
        "page": page,
        "pager_query": query_without_page(request),
        "filters": filters,
        "bearer": bearer,
        "tally": register_figures.tally(user, commitments, label=gettext("These commitments")),
        "may_register": _may_register(user),
        **_filter_choices(user),
    }
    return render(request, "commitments/commitment_list.html", context)


def commitment_figures(request: AuthedRequest) -> HttpResponse:
    """Show the figures of the commitments the user may see, by group, with filters."""
    user = request.user
    commitments, filters, bearer = _filtered(request)
    context = {
        "nav": NAV,
        "figures": register_figures.compliance_figures(user, commitments),
        "groups": register_figures.GROUPS,
        "explanations": register_figures.EXPLANATIONS,
        "filters": filters,
        "bearer": bearer,
        "list_query": query_without_page(request),
        **_filter_choices(user),
    }
    return render(request, "commitments/commitment_figures.html", context)


# --------------------------------------------------------------------------------------
# One commitment
# --------------------------------------------------------------------------------------


def _with_visible_evidence(observations: Any, user: Any) -> Any:
    """Prefetch each observation's evidence, only what the user may see."""
    return observations.prefetch_related(
        *(
            Prefetch(name, queryset=visible_evidence(name, user))
            for name in ("concerns", "incidents", "passages")
        )
    )


def commitment_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show one commitment with its signatories, contacts and compliance over time."""
    user = request.user
    visible = _with_visible_links(
        Commitment.objects.visible_to(user).select_related("compartment"), user
    ).prefetch_related(
        Prefetch(
            "interactions",
            queryset=Interaction.objects.visible_to(user).order_by("occurred_at"),
        )
    )
    commitment = get_visible_or_404(visible, user, pk)
    record_read(user, commitment)
    # A signatory is visible only with its person and its bearer (``access_via``), so
    # joining them shows nothing the read path would hide.
    signatories = (
        Signatory.objects.visible_to(user)
        .filter(commitment=commitment)
        .select_related("person", "bearer")
    )
    observations = _with_visible_evidence(
        ComplianceObservation.objects.visible_to(user)
        .filter(commitment=commitment)
        .select_related("created_by")
        .order_by("-observed_on", "-created_at"),
        user,
    )
    context = {
        "nav": NAV,
        "commitment": commitment,
        "signatories": signatories,
        "observations": observations,
        "can_change": _may_change(user, commitment),
    }
    return render(request, "commitments/commitment_detail.html", context)


def commitment_create(request: AuthedRequest) -> HttpResponse:
    """Register a commitment, with the people who signed it, in one go."""
    user = request.user
    if not _may_register(user):
        raise PermissionDenied("Your role does not register commitments.")
    initial: dict[str, Any] = {}
    bearer = _bearer_named(user, request.GET.get("bearer", ""))
    if bearer is not None:
        initial["bearers"] = [bearer.pk]
    form = CommitmentForm(request.POST or None, user=user, initial=initial)
    signatories = SignatoryFormSet(request.POST or None, prefix="sig", form_kwargs={"user": user})
    if request.method == "POST" and form.is_valid() and signatories.is_valid():
        try:
            commitment = do_register_commitment(
                actor=user,
                signatories=signatory_entries(signatories),
                **form.field_values(),
                **form.link_values(),
            )
        except ValidationError as error:
            form.show_service_error(error)
        else:
            messages.success(request, gettext("Commitment registered."))
            return redirect("commitment_detail", pk=commitment.pk)
    context = {"nav": NAV, "form": form, "signatories": signatories, "creating": True}
    return render(request, "commitments/commitment_form.html", context)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _conflict_rows(form: Any, current: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor sent."""
    rows = []
    for name, field in form.fields.items():
        if name not in form.cleaned_data or name == "restricted_to":
            continue
        yours = form.cleaned_data.get(name)
        stored: Any = getattr(current, name, None)
        if hasattr(stored, "all"):
            # Only the links the editor may see: the field's own choices.
            theirs_list = list(field.queryset.filter(pk__in=stored.values("pk")))
            mine = sorted(str(v.pk) for v in yours or [])
            if mine == sorted(str(v.pk) for v in theirs_list):
                continue
            theirs_text = ", ".join(field.label_from_instance(v) for v in theirs_list) or "—"
            yours_text = ", ".join(field.label_from_instance(v) for v in yours or []) or "—"
        else:
            if hasattr(field, "queryset") and stored is not None:
                stored = field.label_from_instance(stored)
                yours = field.label_from_instance(yours) if yours is not None else None
            elif hasattr(field, "choices") and not hasattr(field, "queryset"):
                labels = {str(k): str(v) for k, v in field.choices}
                stored = labels.get(str(stored), stored)
                yours = labels.get(str(yours), yours)
            if _display(stored) == _display(yours):
                continue
            theirs_text, yours_text = _display(stored), _display(yours)
        rows.append({"label": str(field.label or name), "theirs": theirs_text, "yours": yours_text})
    return rows


def commitment_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Edit a commitment; a stale edit is refused (409) and both versions are shown."""
    user = request.user
    commitment = _changeable(request, pk)
    form = CommitmentForm(request.POST or None, instance=commitment, user=user)
    if request.method == "GET":
        # The form shows the confidential text: opening it is a read.
        record_read(user, commitment)
    version = commitment.version
    conflict: EditConflict | None = None
    conflict_rows: list[dict[str, str]] = []
    if request.method == "POST":
        version = _version(request)
        if form.is_valid():
            try:
                do_update_commitment(
                    commitment,
                    actor=user,
                    expected_version=version,
                    changes=form.field_values(),
                    links=form.link_values(),
                )
            except EditConflict as exc:
                conflict = exc
                conflict_rows = _conflict_rows(form, exc.current)
                version = exc.current.version
            except RecordGone:
                messages.error(
                    request, gettext("This commitment was deleted while you were editing it.")
                )
                return redirect("commitment_list")
            except ValidationError as error:
                form.show_service_error(error)
            else:
                messages.success(request, gettext("Commitment saved."))
                return redirect("commitment_detail", pk=commitment.pk)
    context = {
        "nav": NAV,
        "form": form,
        "commitment": commitment,
        "version": version,
        "conflict": conflict,
        "conflict_rows": conflict_rows,
        "creating": False,
    }
    return render(
        request, "commitments/commitment_form.html", context, status=409 if conflict else 200
    )


def commitment_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Ask, then put a tombstone on a commitment (nothing is erased; the deletion is logged)."""
    commitment = _changeable(request, pk)
    if request.method != "POST":
        context = {"nav": NAV, "commitment": commitment}
        return render(request, "commitments/commitment_delete.html", context)
    try:
        do_delete_commitment(commitment, actor=request.user, expected_version=_version(request))
    except EditConflict:
        messages.error(
            request,
            gettext(
                "Someone changed this commitment since you opened it; review it before deleting."
            ),
        )
        return redirect("commitment_detail", pk=commitment.pk)
    except RecordGone:
        messages.error(request, gettext("This commitment was already deleted."))
        return redirect("commitment_list")
    messages.success(request, gettext("Commitment deleted. An administrator can restore it."))
    return redirect("commitment_list")


# --------------------------------------------------------------------------------------
# Records under a commitment: signatories and compliance observations
# --------------------------------------------------------------------------------------


def _child_form_page(
    request: AuthedRequest,
    commitment: Commitment,
    form: Any,
    *,
    title: str,
    submit: str,
    save: Callable[[], Any],
    saved: str,
    record: Any = None,
) -> HttpResponse:
    """Show a form for a record under a commitment; save it through ``save`` on a valid POST.

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
                conflict_rows = _conflict_rows(form, exc.current)
                version = exc.current.version
            except RecordGone:
                messages.error(
                    request, gettext("This record was deleted while you were editing it.")
                )
                return redirect("commitment_detail", pk=commitment.pk)
            except ValidationError as error:
                form.show_service_error(error)
            else:
                messages.success(request, saved)
                return redirect("commitment_detail", pk=commitment.pk)
    context = {
        "nav": NAV,
        "commitment": commitment,
        "form": form,
        "record": record,
        "version": version,
        "conflict": conflict,
        "conflict_rows": conflict_rows,
        "title": title,
        "submit": submit,
    }
    return render(request, "commitments/child_form.html", context, status=409 if conflict else 200)


def _child_of_changeable(request: AuthedRequest, model: Any, pk: str) -> tuple[Any, Commitment]:
    """A record under a commitment the user may change: 404 if hidden, 403 if read only."""
    record = get_visible_or_404(model, request.user, pk)
    return record, _changeable(request, record.commitment_id)


def signatory_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Add someone who signed or gave the commitment."""
    user = request.user
    commitment = _changeable(request, pk)
    form = SignatoryForm(request.POST or None, user=user, commitment=commitment)

    def save() -> Any:
        return do_add_signatory(commitment, actor=user, **form.cleaned_data)

    return _child_form_page(
        request,
        commitment,
        form,
        title=gettext("Add a signatory"),
        submit=gettext("Add the signatory"),
        save=save,
        saved=gettext("Signatory added."),
    )


def signatory_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct a signatory."""
    user = request.user
    signatory, commitment = _child_of_changeable(request, Signatory, pk)
    if request.method == "GET":
        record_read(user, signatory)
    form = SignatoryForm(request.POST or None, instance=signatory, user=user, commitment=commitment)

    def save() -> Any:
        return do_update_signatory(
            signatory, actor=user, expected_version=_version(request), changes=form.cleaned_data
        )

    return _child_form_page(
        request,
        commitment,
        form,
        title=gettext("Correct a signatory"),
        submit=gettext("Save"),
        save=save,
        saved=gettext("Signatory saved."),
        record=signatory,
    )


def compliance_create(request: AuthedRequest, pk: str) -> HttpResponse:
    """Record what was seen of the commitment on a day, with the evidence."""
    user = request.user
    commitment = _changeable(request, pk)
    form = ComplianceForm(request.POST or None, user=user, commitment=commitment)

    def save() -> Any:
        values = form.field_values()
        evidence = form.evidence()
        return do_record_compliance(
            commitment,
            actor=user,
            observed_on=values["observed_on"],
            assessment=values["assessment"],
            note=values["note"],
            concerns=evidence["concerns"],
            incidents=evidence["incidents"],
            passages=evidence["passages"],
        )

    return _child_form_page(
        request,
        commitment,
        form,
        title=gettext("Record compliance"),
        submit=gettext("Record the observation"),
        save=save,
        saved=gettext("Observation recorded."),
    )


def compliance_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Correct an observation; the commitment's current compliance follows."""
    user = request.user
    observation, commitment = _child_of_changeable(request, ComplianceObservation, pk)
    if request.method == "GET":
        record_read(user, observation)
    form = ComplianceForm(
        request.POST or None, instance=observation, user=user, commitment=commitment
    )

    def save() -> Any:
        return do_update_compliance(
            observation,
            actor=user,
            expected_version=_version(request),
            changes=form.field_values(),
            evidence=form.evidence(),
        )

    return _child_form_page(
        request,
        commitment,
        form,
        title=gettext("Correct an observation"),
        submit=gettext("Save"),
        save=save,
        saved=gettext("Observation saved."),
        record=observation,
    )


# What the pages say when a signatory or an observation is deleted, or cannot be.
_CHILD_MESSAGES = {
    "signatory": (
        _("This signatory changed since you opened the page; review it first."),
        _("This signatory was already deleted."),
        _("The signatory was deleted. An administrator can restore it."),
    ),
    "observation": (
        _("This observation changed since you opened the page; review it first."),
        _("This observation was already deleted."),
        _("The observation was deleted. An administrator can restore it."),
    ),
}


def _delete_child(
    request: AuthedRequest, model: Any, pk: str, service: Callable[..., Any], what: str
) -> HttpResponse:
    record, commitment = _child_of_changeable(request, model, pk)
    changed, gone, deleted = _CHILD_MESSAGES[what]
    try:
        service(record, actor=request.user, expected_version=_version(request))
    except EditConflict:
        messages.error(request, str(changed))
    except RecordGone:
        messages.error(request, str(gone))
    else:
        messages.success(request, str(deleted))
    return redirect("commitment_detail", pk=commitment.pk)


@require_POST
def signatory_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a signatory."""
    return _delete_child(request, Signatory, pk, do_remove_signatory, "signatory")


@require_POST
def compliance_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on an observation."""
    return _delete_child(request, ComplianceObservation, pk, do_delete_compliance, "observation")

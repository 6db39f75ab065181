"""Pages of the access app: the overview with its figures, and for each kind of record
(acceptance assessments, checkpoint passages, access constraints, security incidents) a
list, a detail, a create, an edit and a delete page.

The four kinds share the same page functions, told apart by a ``RecordKind``: which
model, which read path (``access.reading``), which form, which services. Every read
goes through that read path; every write through ``access.services``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Textarea
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pourparler.access import figures
from pourparler.access.choices import (
    STOPPED_OUTCOMES,
    AcceptanceStatus,
    ConstraintCategory,
    ConstraintEffect,
    IncidentKind,
    PassageOutcome,
    Severity,
)
from pourparler.access.forms import (
    AcceptanceForm,
    AccessRecordForm,
    ConstraintForm,
    IncidentForm,
    PassageForm,
)
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import (
    acceptance_visible_to,
    constraints_visible_to,
    incidents_visible_to,
    passages_visible_to,
    with_visible_bearers,
)
from pourparler.access.services import (
    do_delete_acceptance,
    do_delete_constraint,
    do_delete_incident,
    do_delete_passage,
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
    do_update_acceptance,
    do_update_constraint,
    do_update_incident,
    do_update_passage,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import Action, RestrictedQuerySet, clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_lists, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation, Record
from pourparler.ui.editing import delete_or_explain, save_edit
from pourparler.ui.paging import page_of, query_without_page

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NAV = "access"


@dataclass(frozen=True)
class ChoiceFilter:
    """A list filter on one field with a closed list of values."""

    param: str
    label: StrOrPromise
    field: str
    choices: list[tuple[str, Any]]


@dataclass(frozen=True)
class RecordKind:
    """Everything the shared page functions need to know about one kind of record."""

    model: type[Record]
    name: str  # URL names are <name>_list, <name>_detail, <name>_create…
    template: str  # templates are access/<template>_list.html, access/<template>_detail.html
    # What the pages and messages call it (translated when shown): the label, the list's
    # heading, the buttons and headings of the form, the link back to the list, and the
    # messages once a record is recorded, saved or deleted.
    label: StrOrPromise
    plural: StrOrPromise
    record_label: StrOrPromise
    edit_label: StrOrPromise
    submit_label: StrOrPromise
    all_label: StrOrPromise
    recorded: StrOrPromise
    saved: StrOrPromise
    deleted: StrOrPromise
    visible: Callable[[Any, Action], RestrictedQuerySet[Any]]
    form: type[AccessRecordForm]
    record: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    # The date lookup the period filter applies to, and how the bearer filter reaches it.
    day: str
    bearer_lookup: str = "bearer"
    related: tuple[str, ...] = ("compartment",)
    choice_filters: tuple[ChoiceFilter, ...] = ()
    order: tuple[str, ...] = ()

    def url(self, action: str) -> str:
        """Return the URL name of one of this kind's pages."""
        return f"{self.name}_{action}"

    def queryset(self, user: Any, action: Action = "view") -> RestrictedQuerySet[Any]:
        """Return what the user may see of this kind, with what the pages show beside it."""
        queryset = self.visible(user, action).select_related(*self.related)
        if self.model is SecurityIncident:
            queryset = with_visible_bearers(queryset, user)
        return queryset.order_by(*self.order)


ACCEPTANCE = RecordKind(
    model=AcceptanceAssessment,
    name="acceptance",
    template="acceptance",
    label=_("acceptance assessment"),
    plural=_("Acceptance of the offer of services"),
    record_label=_("Record an acceptance assessment"),
    edit_label=_("Edit acceptance assessment"),
    submit_label=_("Record acceptance assessment"),
    all_label=_("all acceptance of the offer of services"),
    recorded=_("The acceptance assessment is recorded."),
    saved=_("The acceptance assessment is saved."),
    deleted=_("The acceptance assessment is deleted. An administrator can restore it."),
    visible=acceptance_visible_to,
    form=AcceptanceForm,
    record=do_record_acceptance,
    update=do_update_acceptance,
    delete=do_delete_acceptance,
    day="assessed_on",
    related=("compartment", "bearer", "interaction"),
    choice_filters=(ChoiceFilter("status", _("Status"), "status", AcceptanceStatus.choices),),
    order=("-assessed_on", "-created_at"),
)
PASSAGE = RecordKind(
    model=CheckpointPassage,
    name="passage",
    template="passage",
    label=_("checkpoint passage"),
    plural=_("Checkpoint passages"),
    record_label=_("Record a checkpoint passage"),
    edit_label=_("Edit checkpoint passage"),
    submit_label=_("Record checkpoint passage"),
    all_label=_("all checkpoint passages"),
    recorded=_("The checkpoint passage is recorded."),
    saved=_("The checkpoint passage is saved."),
    deleted=_("The checkpoint passage is deleted. An administrator can restore it."),
    visible=passages_visible_to,
    form=PassageForm,
    record=do_record_passage,
    update=do_update_passage,
    delete=do_delete_passage,
    day="occurred_at__date",
    related=("compartment", "bearer", "unit", "admin_area"),
    choice_filters=(
        ChoiceFilter(
            "outcome",
            _("Outcome"),
            "outcome",
            [*PassageOutcome.choices, ("stopped", _("Stopped (any but passed)"))],
        ),
    ),
    order=("-occurred_at",),
)
CONSTRAINT = RecordKind(
    model=AccessConstraint,
    name="access_constraint",
    template="constraint",
    label=_("access constraint"),
    plural=_("Access constraints"),
    record_label=_("Record an access constraint"),
    edit_label=_("Edit access constraint"),
    submit_label=_("Record access constraint"),
    all_label=_("all access constraints"),
    recorded=_("The access constraint is recorded."),
    saved=_("The access constraint is saved."),
    deleted=_("The access constraint is deleted. An administrator can restore it."),
    visible=constraints_visible_to,
    form=ConstraintForm,
    record=do_record_constraint,
    update=do_update_constraint,
    delete=do_delete_constraint,
    day="occurred_on",
    related=("compartment", "bearer", "unit", "admin_area"),
    choice_filters=(
        ChoiceFilter("category", _("Category"), "category", ConstraintCategory.choices),
        ChoiceFilter("effect", _("Effect"), "effect", ConstraintEffect.choices),
    ),
    order=("-occurred_on", "-created_at"),
)
INCIDENT = RecordKind(
    model=SecurityIncident,
    name="security_incident",
    template="incident",
    label=_("security incident"),
    plural=_("Security incidents"),
    record_label=_("Record a security incident"),
    edit_label=_("Edit security incident"),
    submit_label=_("Record security incident"),
    all_label=_("all security incidents"),
    recorded=_("The security incident is recorded."),
    saved=_("The security incident is saved."),
    deleted=_("The security incident is deleted. An administrator can restore it."),
    visible=incidents_visible_to,
    form=IncidentForm,
    record=do_record_incident,
    update=do_update_incident,
    delete=do_delete_incident,
    day="occurred_at__date",
    bearer_lookup="bearers",
    related=("compartment", "admin_area", "passage"),
    choice_filters=(
        ChoiceFilter("kind", _("Kind"), "kind", IncidentKind.choices),
        ChoiceFilter("severity", _("Severity"), "severity", Severity.choices),
    ),
    order=("-occurred_at",),
)


# -- filters -----------------------------------------------------------------------------


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class Filters:
    """The filters of a page as typed (to show them again) and as understood."""

    params: dict[str, str]
    access: figures.AccessFilters
    # A delegation or bearer was asked for that the user may not see (or that is not):
    # the page then shows nothing rather than everything.
    unknown: bool = False

    def narrow(self, queryset: QuerySet[Any], day: str, bearer: str = "bearer") -> QuerySet[Any]:
        """Apply the filters to a queryset."""
        if self.unknown:
            return queryset.none()
        return self.access.apply(queryset, day, bearer)


def _filters(request: AuthedRequest, *extra: str) -> Filters:
    user = request.user
    params = {
        key: request.GET.get(key, "").strip()
        for key in ("delegation", "bearer", "since", "until", *extra)
    }
    unknown = False
    delegation = None
    if params["delegation"]:
        delegation = Delegation.objects.visible_to(user).filter(code=params["delegation"]).first()
        unknown |= delegation is None
    bearer = None
    if params["bearer"]:
        try:
            bearer = WeaponBearer.objects.visible_to(user).filter(pk=params["bearer"]).first()
        except (ValueError, ValidationError):
            bearer = None
        unknown |= bearer is None
    access = figures.AccessFilters(
        delegation=delegation,
        bearer=bearer,
        since=_parse_date(params["since"]),
        until=_parse_date(params["until"]),
    )
    return Filters(params=params, access=access, unknown=unknown)


def _filter_context(user: Any, filters: Filters) -> dict[str, Any]:
    return {
        "filters": filters.params,
        "filter_bearer": filters.access.bearer,
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
        "bearers": WeaponBearer.objects.visible_to(user).only("pk", "name"),
    }


def _may_record(user: Any) -> bool:
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.write_compartments)


# -- the overview ------------------------------------------------------------------------


def access_overview(request: AuthedRequest) -> HttpResponse:
    """Show the access figures the user may see, narrowed by delegation, bearer and period."""
    user = request.user
    filters = _filters(request)
    since, until = filters.access.since, filters.access.until
    passages = filters.narrow(passages_visible_to(user), PASSAGE.day)
    constraints = filters.narrow(constraints_visible_to(user), CONSTRAINT.day)
    incidents = filters.narrow(incidents_visible_to(user), INCIDENT.day, "bearers")
    # The assessment in force when the period opens colours its start: keep earlier ones.
    open_start = dataclasses.replace(
        filters, access=dataclasses.replace(filters.access, since=None)
    )
    assessments = open_start.narrow(acceptance_visible_to(user), ACCEPTANCE.day)
    acceptance = figures.acceptance_figures(assessments, since=since, until=until)
    # The picture shows each assessment's date and status: list them in the audit log.
    record_lists(
        user, {AcceptanceAssessment: [a.pk for r in acceptance.rows for a in r.assessments]}
    )
    context = {
        "nav": NAV,
        "passages": figures.passage_figures(passages, since, until),
        "constraints": figures.constraints_by_category_and_month(constraints, since, until),
        "incidents": figures.incident_figures(incidents, WeaponBearer.objects.visible_to(user)),
        "acceptance": acceptance,
        "outcome_legend": [
            (str(outcome.label), figures.OUTCOME_COLOURS[outcome]) for outcome in PassageOutcome
        ],
        "query": query_without_page(request),
        "may_record": _may_record(user),
        **_filter_context(user, filters),
    }
    return render(request, "access/overview.html", context)


# -- the shared record pages -------------------------------------------------------------


def _list(request: AuthedRequest, kind: RecordKind) -> HttpResponse:
    user = request.user
    choice_params = [f.param for f in kind.choice_filters]
    filters = _filters(request, *choice_params, "place")
    records = filters.narrow(kind.queryset(user), kind.day, kind.bearer_lookup)
    for choice in kind.choice_filters:
        value = filters.params[choice.param]
        if value == "stopped" and kind is PASSAGE:
            records = records.filter(outcome__in=STOPPED_OUTCOMES)
        elif value in dict(choice.choices):
            records = records.filter(**{choice.field: value})
    if filters.params["place"]:
        records = records.filter(place_name=filters.params["place"])
    page = page_of(records, request)
    record_list(
        user, kind.model, page.items, filters={k: v for k, v in filters.params.items() if v}
    )
    context = {
        "nav": NAV,
        "kind": kind,
        "page": page,
        "pager_query": query_without_page(request),
        "choice_filters": [
            {
                "param": f.param,
                "label": f.label,
                "choices": f.choices,
                "value": filters.params[f.param],
            }
            for f in kind.choice_filters
        ],
        "may_record": _may_record(user),
        **_filter_context(user, filters),
    }
    return render(request, f"access/{kind.template}_list.html", context)


def _can_change(kind: RecordKind, user: Any, record: Record) -> bool:
    return kind.visible(user, "change").filter(pk=record.pk).exists()


def _detail(
    request: AuthedRequest,
    kind: RecordKind,
    pk: str,
    extra: Callable[[Any, Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    user = request.user
    record = get_visible_or_404(kind.queryset(user), user, pk)
    record_read(user, record)
    context = {
        "nav": NAV,
        "kind": kind,
        "record": record,
        "can_change": _can_change(kind, user, record),
        **(extra(user, record) if extra else {}),
    }
    return render(request, f"access/{kind.template}_detail.html", context)


def _fieldsets(form: AccessRecordForm) -> list[tuple[StrOrPromise, list[dict[str, Any]]]]:
    """Group a form's fields as it says, long text spanning the whole row."""
    return [
        (
            legend,
            [
                {"field": form[name], "wide": isinstance(form.fields[name].widget, Textarea)}
                for name in names
            ],
        )
        for legend, names in form.fieldsets
    ]


def _initial_from_query(request: AuthedRequest, kind: RecordKind) -> dict[str, Any]:
    """Prefill a new record from the page it was started on (a bearer, a passage)."""
    initial: dict[str, Any] = {}
    bearer = request.GET.get("bearer", "")
    if bearer:
        initial["bearers" if kind is INCIDENT else "bearer"] = (
            [bearer] if kind is INCIDENT else bearer
        )
    passage_id = request.GET.get("passage", "")
    if passage_id and kind is INCIDENT:
        try:
            passage = passages_visible_to(request.user).filter(pk=passage_id).first()
        except (ValueError, ValidationError):
            passage = None
        if passage is not None:
            initial.update(
                passage=passage.pk,
                compartment=passage.compartment_id,
                bearers=[passage.bearer_id],
                occurred_at=passage.occurred_at,
                place_name=passage.place_name,
                admin_area=passage.admin_area_id,
                latitude=passage.latitude,
                longitude=passage.longitude,
            )
    return initial


def _create(request: AuthedRequest, kind: RecordKind) -> HttpResponse:
    user = request.user
    if not _may_record(user):
        raise PermissionDenied("Your role does not record access.")
    form = kind.form(request.POST or None, user=user, initial=_initial_from_query(request, kind))
    if request.method == "POST" and form.is_valid():
        record = kind.record(actor=user, **form.changes(), **form.links())
        messages.success(request, str(kind.recorded))
        return redirect(kind.url("detail"), pk=record.pk)
    context = {
        "nav": NAV,
        "kind": kind,
        "form": form,
        "fieldsets": _fieldsets(form),
        "creating": True,
    }
    return render(request, "access/record_form.html", context)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)
    return (a if a is not None else "") == (b if b is not None else "")


def _stored_links(current: Record, name: str, user: Any) -> list[Any]:
    """The linked records of the stored version, bearers only as far as the user sees them."""
    if name == "bearers":
        return list(WeaponBearer.objects.visible_to(user).filter(security_incidents__pk=current.pk))
    return list(getattr(current, name).all())


def _conflict_rows(form: AccessRecordForm, current: Record, user: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor submitted."""
    rows = []
    for name in form._meta.fields or ():
        field = form.fields[name]
        yours = form.cleaned_data.get(name)
        if name in form.link_fields:
            theirs_set = _stored_links(current, name, user)
            if sorted(str(v.pk) for v in theirs_set) == sorted(str(v.pk) for v in yours or []):
                continue
            rows.append(
                {
                    "label": str(field.label or name),
                    "theirs": ", ".join(str(v) for v in theirs_set) or "—",
                    "yours": ", ".join(str(v) for v in yours or []) or "—",
                }
            )
            continue
        theirs = getattr(current, name)
        if _same(theirs, yours):
            continue
        if hasattr(current, f"get_{name}_display") and theirs:
            choices = dict(getattr(current._meta.get_field(name), "choices", None) or [])
            theirs, yours = choices.get(theirs, theirs), choices.get(yours, yours)
        rows.append(
            {"label": str(field.label or name), "theirs": _shown(theirs), "yours": _shown(yours)}
        )
    return rows


def _edit(request: AuthedRequest, kind: RecordKind, pk: str) -> HttpResponse:
    user = request.user
    record = get_visible_or_404(kind.queryset(user), user, pk)
    if not _can_change(kind, user, record):
        raise PermissionDenied(f"You may read this {kind.name} record but not change it.")
    form = kind.form(request.POST or None, instance=record, user=user)
    if request.method == "GET":
        # The form shows the confidential text: opening it is a read.
        record_read(user, record)
    edit = save_edit(
        request,
        form,
        record=record,
        save=lambda version: kind.update(
            record, actor=user, expected_version=version, changes=form.changes(), **form.links()
        ),
        compare=lambda current: _conflict_rows(form, current, user),
        what=str(kind.label),
        saved=str(kind.saved),
        saved_to=reverse(kind.url("detail"), args=[record.pk]),
        gone_to=reverse(kind.url("list")),
    )
    if edit.done is not None:
        return edit.done
    context = {
        "nav": NAV,
        "kind": kind,
        "form": form,
        "fieldsets": _fieldsets(form),
        "record": record,
        "creating": False,
        **edit.context(),
    }
    return render(request, "access/record_form.html", context, status=edit.status)


@require_POST
def _delete(request: AuthedRequest, kind: RecordKind, pk: str) -> HttpResponse:
    user = request.user
    record = get_visible_or_404(kind.queryset(user), user, pk)
    return delete_or_explain(
        request,
        delete=lambda version: kind.delete(record, actor=user, expected_version=version),
        what=str(kind.label),
        deleted=str(kind.deleted),
        stale_to=reverse(kind.url("detail"), args=[record.pk]),
        done_to=reverse(kind.url("list")),
    )


# -- what each detail page shows besides the record --------------------------------------


def _acceptance_extra(user: Any, assessment: AcceptanceAssessment) -> dict[str, Any]:
    series = acceptance_visible_to(user).filter(bearer_id=assessment.bearer_id)
    chart = figures.acceptance_figures(series)
    shown = [a.pk for row in chart.rows for a in row.assessments if a.pk != assessment.pk]
    record_lists(user, {AcceptanceAssessment: shown})
    return {"chart": chart, "row": chart.rows[0] if chart.rows else None}


def _passage_extra(user: Any, passage: CheckpointPassage) -> dict[str, Any]:
    incidents = list(with_visible_bearers(incidents_visible_to(user).filter(passage=passage), user))
    record_lists(user, {SecurityIncident: [i.pk for i in incidents]})
    return {"incidents": incidents, "may_record": _may_record(user)}


# -- the pages, kind by kind -------------------------------------------------------------


def _pages(
    kind: RecordKind, extra: Callable[[Any, Any], dict[str, Any]] | None = None
) -> tuple[Callable[..., HttpResponse], ...]:
    """Return the list, detail, create, edit and delete pages of one kind of record."""

    def list_page(request: AuthedRequest) -> HttpResponse:
        return _list(request, kind)

    def detail_page(request: AuthedRequest, pk: str) -> HttpResponse:
        return _detail(request, kind, pk, extra)

    def create_page(request: AuthedRequest) -> HttpResponse:
        return _create(request, kind)

    def edit_page(request: AuthedRequest, pk: str) -> HttpResponse:
        return _edit(request, kind, pk)

    def delete_page(request: AuthedRequest, pk: str) -> HttpResponse:
        return _delete(request, kind, pk)

    pages = (list_page, detail_page, create_page, edit_page, delete_page)
    noun = kind.name.replace("_", " ")
    docs = (
        f"List the {noun} records, newest first, with filters.",
        f"Show one {noun} record.",
        f"Record a {noun}.",
        f"Edit a {noun}; a stale edit is refused and both versions are shown.",
        f"Put a tombstone on a {noun} (a POST naming its version).",
    )
    for page, action, doc in zip(
        pages, ("list", "detail", "create", "edit", "delete"), docs, strict=True
    ):
        page.__name__ = page.__qualname__ = kind.url(action)
        page.__doc__ = doc
    return pages


(
    acceptance_list,
    acceptance_detail,
    acceptance_create,
    acceptance_edit,
    acceptance_delete,
) = _pages(ACCEPTANCE, _acceptance_extra)
passage_list, passage_detail, passage_create, passage_edit, passage_delete = _pages(
    PASSAGE, _passage_extra
)
(
    access_constraint_list,
    access_constraint_detail,
    access_constraint_create,
    access_constraint_edit,
    access_constraint_delete,
) = _pages(CONSTRAINT)
(
    security_incident_list,
    security_incident_detail,
    security_incident_create,
    security_incident_edit,
    security_incident_delete,
) = _pages(INCIDENT)


def record_url(record: Record) -> str:
    """Return the address of an access record's detail page (for timelines and links)."""
    for kind in (ACCEPTANCE, PASSAGE, CONSTRAINT, INCIDENT):
        if isinstance(record, kind.model):
            return reverse(kind.url("detail"), args=[record.pk])
    raise ValueError(f"Not an access record: {record!r}")

"""Pages of negotiation files: the list, a file with its tools, the forms, sign-off of red
lines, the versions and their differences, the print page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pourparler.bearers.models import WeaponBearer
from pourparler.briefs.pdf import pdf_response, render_pdf
from pourparler.core.access import clearance_for, get_visible_or_404
from pourparler.core.audit import record_list, record_lists, record_read
from pourparler.core.http import AuthedRequest
from pourparler.core.services import EditConflict, RecordGone
from pourparler.dialogue.models import Interaction
from pourparler.negotiation import forms as nforms
from pourparler.negotiation.choices import IslandKind, Layer, Side
from pourparler.negotiation.graph import centrality, graph_of_files
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.negotiation.services import (
    do_add_to_file,
    do_change_in_file,
    do_delete_file,
    do_open_file,
    do_remove_from_file,
    do_sign_off_red_line,
    do_update_file,
    is_head_of,
)
from pourparler.negotiation.versions import Names, content_of, diff, sections, summary_shown
from pourparler.people.models import Person
from pourparler.ui.editing import delete_or_explain, save_edit
from pourparler.ui.paging import page_of

NAV = "negotiation"


@dataclass(frozen=True)
class Kind:
    """One kind of row a file holds, as the pages name and edit it."""

    model: type[Any]
    form: type[nforms.ItemForm]
    name: Any  # lazily translated, like the sentences below
    anchor: str
    # Whole sentences for each kind, so each language can agree them (gender, article).
    add_title: Any
    edit_title: Any
    added: Any
    saved: Any
    removed: Any


KINDS: dict[str, Kind] = {
    "island": Kind(
        IslandItem,
        nforms.IslandItemForm,
        _("island item"),
        "island",
        _("Add an island item"),
        _("Edit island item"),
        _("The island item is added; a new version of the file is kept."),
        _("The island item is saved; a new version of the file is kept."),
        _("The island item is removed."),
    ),
    "iceberg": Kind(
        IcebergEntry,
        nforms.IcebergEntryForm,
        _("iceberg entry"),
        "iceberg",
        _("Add an iceberg entry"),
        _("Edit iceberg entry"),
        _("The iceberg entry is added; a new version of the file is kept."),
        _("The iceberg entry is saved; a new version of the file is kept."),
        _("The iceberg entry is removed."),
    ),
    "stakeholder": Kind(
        Stakeholder,
        nforms.StakeholderForm,
        _("stakeholder"),
        "network",
        _("Add a stakeholder"),
        _("Edit stakeholder"),
        _("The stakeholder is added; a new version of the file is kept."),
        _("The stakeholder is saved; a new version of the file is kept."),
        _("The stakeholder is removed."),
    ),
    "link": Kind(
        StakeholderLink,
        nforms.StakeholderLinkForm,
        _("link"),
        "network",
        _("Add a link"),
        _("Edit link"),
        _("The link is added; a new version of the file is kept."),
        _("The link is saved; a new version of the file is kept."),
        _("The link is removed."),
    ),
    "red-line": Kind(
        RedLine,
        nforms.RedLineForm,
        _("red line"),
        "lines",
        _("Add a red line"),
        _("Edit red line"),
        _("The red line is added; a new version of the file is kept."),
        _("The red line is saved; a new version of the file is kept."),
        _("The red line is removed."),
    ),
    "bottom-line": Kind(
        BottomLine,
        nforms.BottomLineForm,
        _("bottom line"),
        "lines",
        _("Add a bottom line"),
        _("Edit bottom line"),
        _("The bottom line is added; a new version of the file is kept."),
        _("The bottom line is saved; a new version of the file is kept."),
        _("The bottom line is removed."),
    ),
    "scenario": Kind(
        Scenario,
        nforms.ScenarioForm,
        _("scenario"),
        "scenarios",
        _("Add a scenario"),
        _("Edit scenario"),
        _("The scenario is added; a new version of the file is kept."),
        _("The scenario is saved; a new version of the file is kept."),
        _("The scenario is removed."),
    ),
}
# The rows shown on a file's page, audited as lists.
SHOWN_MODELS = (
    IslandItem,
    IcebergEntry,
    Stakeholder,
    StakeholderLink,
    RedLine,
    BottomLine,
    Scenario,
)


def _may_open(user: Any) -> bool:
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.write_compartments)


def _may_change(user: Any, file: NegotiationFile) -> bool:
    return NegotiationFile.objects.visible_to(user, "change").filter(pk=file.pk).exists()


def _require_change(user: Any, file: NegotiationFile) -> None:
    if not _may_change(user, file):
        raise PermissionDenied(gettext("You may read this file but not change it."))


def _full_file(user: Any, pk: Any) -> NegotiationFile:
    """Fetch a file with everything under it, each through the read path (404 if hidden)."""
    people = Person.objects.visible_to(user)
    lookups: list[Prefetch[Any]] = [
        Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)),
        Prefetch("counterparts", queryset=people),
        Prefetch(
            "interactions",
            queryset=Interaction.objects.visible_to(user).order_by("-occurred_at"),
        ),
        Prefetch("island", queryset=IslandItem.objects.visible_to(user)),
        Prefetch("iceberg", queryset=IcebergEntry.objects.visible_to(user)),
        Prefetch(
            "stakeholders",
            queryset=Stakeholder.objects.visible_to(user).prefetch_related(
                Prefetch("person", queryset=people)
            ),
        ),
        Prefetch(
            "stakeholder_links",
            queryset=StakeholderLink.objects.visible_to(user).select_related("source", "target"),
        ),
        Prefetch(
            "red_lines",
            queryset=RedLine.objects.visible_to(user).select_related("set_by", "signed_off_by"),
        ),
        Prefetch("bottom_lines", queryset=BottomLine.objects.visible_to(user)),
        Prefetch("scenarios", queryset=Scenario.objects.visible_to(user)),
    ]
    queryset = (
        NegotiationFile.objects.visible_to(user)
        .select_related("holder", "compartment")
        .prefetch_related(*lookups)
    )
    return get_visible_or_404(queryset, user, pk)


def _file_context(user: Any, file: NegotiationFile) -> dict[str, Any]:
    """What the file page, the print page and the PDF show, audited as read."""
    island = list(file.island.all())
    quadrants = [
        (gettext("Agreed facts"), [i for i in island if i.kind == IslandKind.FACT and i.agreed]),
        (
            gettext("Contested facts"),
            [i for i in island if i.kind == IslandKind.FACT and not i.agreed],
        ),
        (
            gettext("Convergent norms"),
            [i for i in island if i.kind == IslandKind.NORM and i.agreed],
        ),
        (
            gettext("Divergent norms"),
            [i for i in island if i.kind == IslandKind.NORM and not i.agreed],
        ),
    ]
    entries = list(file.iceberg.all())
    iceberg = [
        {
            "layer": label,
            "sides": [
                [e for e in entries if e.layer == layer and e.side == side]
                for side in (Side.US, Side.COUNTERPART)
            ],
        }
        for layer, label in Layer.choices
    ]
    stakeholders = list(file.stakeholders.all())
    names = {s.pk: s.label for s in stakeholders}
    links = [
        {
            "link": link,
            "source": names.get(link.source_id, "?"),
            "target": names.get(link.target_id, "?"),
        }
        for link in file.stakeholder_links.all()
    ]
    record_read(user, file)
    record_lists(
        user,
        {model: [] for model in SHOWN_MODELS}
        | {
            IslandItem: island,
            IcebergEntry: entries,
            Stakeholder: stakeholders,
            StakeholderLink: [row["link"] for row in links],
            RedLine: file.red_lines.all(),
            BottomLine: file.bottom_lines.all(),
            Scenario: file.scenarios.all(),
        },
    )
    return {
        "nav": NAV,
        "file": file,
        "quadrants": quadrants,
        "iceberg": iceberg,
        "stakeholders": stakeholders,
        "links": links,
        "ranking": centrality(graph_of_files([file])),
    }


def file_list(request: AuthedRequest) -> HttpResponse:
    """List the files the user may see, newest first."""
    user = request.user
    files = (
        NegotiationFile.objects.visible_to(user)
        .select_related("holder", "compartment")
        .prefetch_related(Prefetch("bearer", queryset=WeaponBearer.objects.visible_to(user)))
        .order_by("-opened_on", "-created_at")
    )
    page = page_of(files, request)
    record_list(user, NegotiationFile, page.items)
    context = {"nav": NAV, "page": page, "may_open": _may_open(user)}
    return render(request, "negotiation/file_list.html", context)


def file_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a file with its tools, or the same 404 as a missing one."""
    user = request.user
    file = _full_file(user, pk)
    context = _file_context(user, file)
    may_change = _may_change(user, file)
    context.update(
        may_change=may_change,
        may_sign_off=may_change and is_head_of(user, file.compartment_id),
        versions=NegotiationVersion.objects.visible_to(user).filter(file=file).count(),
    )
    return render(request, "negotiation/file_detail.html", context)


def file_print(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a file as it prints (the browser's print, or the PDF)."""
    user = request.user
    file = _full_file(user, pk)
    return render(request, "negotiation/file_print.html", _file_context(user, file))


def file_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    """Send the file as a PDF."""
    user = request.user
    file = _full_file(user, pk)
    context = _file_context(user, file)
    pdf = render_pdf("negotiation/file_print.html", {**context, "for_pdf": True}, request)
    return pdf_response(pdf, "negotiation-file")


def file_create(request: AuthedRequest) -> HttpResponse:
    """Open a negotiation file."""
    user = request.user
    if not _may_open(user):
        raise PermissionDenied(gettext("Your role does not open negotiation files."))
    form = nforms.FileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            file = do_open_file(actor=user, **form.field_values(), **form.link_values())
        except ValidationError as error:
            nforms.show_refusal(form, error)
        else:
            messages.success(request, gettext("Negotiation file opened."))
            return redirect("negotiation_file_detail", pk=file.pk)
    return render(
        request, "negotiation/file_form.html", {"nav": NAV, "form": form, "creating": True}
    )


def _conflict_rows(form: forms.ModelForm, current: Any) -> list[dict[str, str]]:
    """List the fields where the stored version differs from what the editor submitted."""
    rows = []
    for name, field in form.fields.items():
        model_field = current._meta.get_field(name)
        yours = form.cleaned_data.get(name)
        if model_field.many_to_many:
            theirs_set = {o.pk for o in getattr(current, name).all()}
            if theirs_set == {o.pk for o in yours or []}:
                continue
            theirs_text, yours_text = (
                ngettext("%(count)s linked", "%(count)s linked", n) % {"count": n}
                for n in (len(theirs_set), len(yours or []))
            )
        else:
            theirs = getattr(current, name)
            if (theirs if theirs is not None else "") == (yours if yours is not None else ""):
                continue
            theirs_text = "—" if theirs in (None, "") else str(theirs)
            yours_text = "—" if yours in (None, "") else str(yours)
        rows.append({"label": str(field.label or name), "theirs": theirs_text, "yours": yours_text})
    return rows


def file_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Edit a file's details; a stale edit is refused and both versions are shown."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    _require_change(user, file)
    form = nforms.FileForm(request.POST or None, instance=file, user=user)
    if request.method == "GET":
        record_read(user, file)
    edit = save_edit(
        request,
        form,
        record=file,
        save=lambda version: do_update_file(
            file,
            actor=user,
            expected_version=version,
            changes=form.field_values(),
            links=form.link_values(),
        ),
        compare=lambda current: _conflict_rows(form, current),
        what=gettext("file"),
        refused=lambda error: nforms.show_refusal(form, error),
        saved=gettext("File saved."),
        saved_to=reverse("negotiation_file_detail", args=[file.pk]),
        gone_to=reverse("negotiation_file_list"),
    )
    if edit.done is not None:
        return edit.done
    context = {"nav": NAV, "form": form, "file": file, "creating": False, **edit.context()}
    return render(request, "negotiation/file_form.html", context, status=edit.status)


@require_POST
def file_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    """Put a tombstone on a file (nothing is erased; the deletion is logged)."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    _require_change(user, file)
    return delete_or_explain(
        request,
        delete=lambda version: do_delete_file(file, actor=user, expected_version=version),
        what=gettext("file"),
        deleted=gettext("File deleted. An administrator can restore it."),
        stale_to=reverse("negotiation_file_detail", args=[file.pk]),
        done_to=reverse("negotiation_file_list"),
    )


def _kind(slug: str) -> Kind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such part of a file.") from None


def _back(file: NegotiationFile, kind: Kind) -> str:
    return reverse("negotiation_file_detail", args=[file.pk]) + f"#{kind.anchor}"


def item_create(request: AuthedRequest, pk: str, kind: str) -> HttpResponse:
    """Add a row to one of the file's tools."""
    user = request.user
    what = _kind(kind)
    file = get_visible_or_404(NegotiationFile, user, pk)
    _require_change(user, file)
    form = what.form(request.POST or None, user=user, file=file)
    if request.method == "POST" and form.is_valid():
        try:
            do_add_to_file(file, what.model, actor=user, **form.values())
        except ValidationError as error:
            form.show(error)
        else:
            messages.success(request, str(what.added))
            return redirect(_back(file, what))
    context = {"nav": NAV, "form": form, "file": file, "kind": what, "creating": True}
    return render(request, "negotiation/item_form.html", context)


def item_edit(request: AuthedRequest, pk: str, kind: str, item_pk: str) -> HttpResponse:
    """Edit a row of the file; a stale edit is refused and both versions are shown."""
    user = request.user
    what = _kind(kind)
    file = get_visible_or_404(NegotiationFile, user, pk)
    _require_change(user, file)
    item = get_visible_or_404(what.model.objects.filter(file=file), user, item_pk)
    form = what.form(request.POST or None, instance=item, user=user, file=file)
    if request.method == "GET":
        record_read(user, item)
    edit = save_edit(
        request,
        form,
        record=item,
        save=lambda version: do_change_in_file(
            item, actor=user, expected_version=version, changes=form.values()
        ),
        compare=lambda current: _conflict_rows(form, current),
        what=str(what.name),
        refused=form.show,
        saved=str(what.saved),
        saved_to=_back(file, what),
        gone_to=_back(file, what),
    )
    if edit.done is not None:
        return edit.done
    context = {
        "nav": NAV,
        "form": form,
        "file": file,
        "kind": what,
        "item": item,
        "creating": False,
        **edit.context(),
    }
    return render(request, "negotiation/item_form.html", context, status=edit.status)


@require_POST
def item_delete(request: AuthedRequest, pk: str, kind: str, item_pk: str) -> HttpResponse:
    """Remove a row of the file (a tombstone; the file keeps a version without it)."""
    user = request.user
    what = _kind(kind)
    file = get_visible_or_404(NegotiationFile, user, pk)
    _require_change(user, file)
    item = get_visible_or_404(what.model.objects.filter(file=file), user, item_pk)
    return delete_or_explain(
        request,
        delete=lambda version: do_remove_from_file(item, actor=user, expected_version=version),
        what=str(what.name),
        deleted=str(what.removed),
        stale_to=_back(file, what),
        done_to=_back(file, what),
    )


@require_POST
def red_line_sign_off(request: AuthedRequest, pk: str, item_pk: str) -> HttpResponse:
    """Sign off a red line, as head of delegation."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    red_line = get_visible_or_404(RedLine.objects.visible_to(user).filter(file=file), user, item_pk)
    back = _back(file, KINDS["red-line"])
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        do_sign_off_red_line(red_line, actor=user, expected_version=version)
    except EditConflict:
        messages.error(
            request, gettext("Someone changed this red line since you opened it; read it again.")
        )
    except RecordGone:
        messages.error(request, gettext("This red line was removed."))
    else:
        messages.success(request, gettext("Red line signed off."))
    return redirect(back)


def version_list(request: AuthedRequest, pk: str) -> HttpResponse:
    """List a file's versions, newest first, with who made each change and when."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    versions = (
        NegotiationVersion.objects.visible_to(user)
        .filter(file=file)
        .select_related("created_by")
        .defer("content")
        .order_by("-number")
    )
    page = page_of(versions, request)
    for version in page.items:
        version.summary_shown = summary_shown(version.summary)
    record_read(user, file)
    context = {"nav": NAV, "file": file, "page": page}
    return render(request, "negotiation/version_list.html", context)


def _version(user: Any, file: NegotiationFile, number: Any) -> NegotiationVersion:
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise Http404("No such version.") from None
    version = (
        NegotiationVersion.objects.visible_to(user)
        .filter(file=file, number=wanted)
        .select_related("created_by")
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def version_detail(request: AuthedRequest, pk: str, number: int) -> HttpResponse:
    """Show the file as it stood in one version."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    version = _version(user, file, number)
    content = content_of(version)
    record_read(user, version)
    context = {
        "nav": NAV,
        "file": file,
        "version": version,
        "summary": summary_shown(version.summary),
        "sections": sections(content, Names(user, [content])),
    }
    return render(request, "negotiation/version_detail.html", context)


def version_diff(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show what changed between two versions (``from`` and ``to``, by number)."""
    user = request.user
    file = get_visible_or_404(NegotiationFile, user, pk)
    older = _version(user, file, request.GET.get("from"))
    newer = _version(user, file, request.GET.get("to"))
    if older.number > newer.number:
        older, newer = newer, older
    contents = [content_of(older), content_of(newer)]
    names = Names(user, contents)
    changes = diff(sections(contents[0], names), sections(contents[1], names))
    record_lists(user, {NegotiationVersion: [older, newer]})
    context = {"nav": NAV, "file": file, "older": older, "newer": newer, "sections": changes}
    return render(request, "negotiation/version_diff.html", context)

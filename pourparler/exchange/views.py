"""Pages of the exchange app: the import runs, a run's report, the review queue.

Runs and review items are organisation-wide like the registers they feed: every member
of staff may read them, staff with a content role may import and decide. Candidates
for a name are shown only if the viewer may see the bearer (a restricted bearer is not
hinted at).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from pourparler.bearers.choices import BearerKind
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import get_visible_or_404
from pourparler.core.http import AuthedRequest
from pourparler.core.services import EditConflict, RecordGone
from pourparler.core.text import fold
from pourparler.exchange import exports, uploads
from pourparler.exchange.choices import ImportKind, ReviewStatus, RunStatus
from pourparler.exchange.forms import DecisionForm, LinkForm, RegisterForm, UploadForm
from pourparler.exchange.models import ImportRun, ReviewItem
from pourparler.exchange.reader import Problem
from pourparler.exchange.services import (
    NotPending,
    do_cancel_preview,
    do_dismiss_review_item,
    do_link_review_item,
    do_register_review_item,
    may_import,
    run_import,
)
from pourparler.jobs import runner
from pourparler.jobs.imports import queue_import
from pourparler.ui.paging import page_of, query_without_page

NAV = "exchange"
# How many bearers a search on the review page offers.
SEARCH_LIMIT = 20


def import_list(request: AuthedRequest) -> HttpResponse:
    """List import runs, newest first, with the number of names waiting for a decision."""
    user = request.user
    runs = ImportRun.objects.visible_to(user).select_related("created_by").order_by("-started_at")
    pending = ReviewItem.objects.visible_to(user).filter(status=ReviewStatus.PENDING).count()
    context = {
        "nav": NAV,
        "page": page_of(runs, request),
        "pager_query": query_without_page(request),
        "pending": pending,
        "may_import": may_import(user),
    }
    return render(request, "exchange/import_list.html", context)


def import_detail(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Show what a run did, would have done, or why it was refused."""
    visible = ImportRun.objects.visible_to(request.user).select_related("created_by")
    run = get_visible_or_404(visible, request.user, pk)
    context = {"nav": NAV, **_report_context(run), **_job_context(run)}
    return render(request, "exchange/import_detail.html", context)


# How often the page of a run the worker has yet to finish reloads itself, in seconds.
REFRESH_SECONDS = 3


def _job_context(run: ImportRun) -> dict[str, Any]:
    """For a run the worker has yet to finish: refresh, progress, and whether it waits long."""
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return {}
    waited = timezone.now() - run.created_at
    return {
        "refresh": REFRESH_SECONDS,
        "progress": runner.read_progress(run.pk),
        "stale": run.status == RunStatus.QUEUED and runner.waiting_too_long(run.created_at),
        "waited_minutes": max(1, int(waited.total_seconds() // 60)),
    }


def _report_context(run: ImportRun) -> dict[str, Any]:
    report = run.report or {}
    return {
        "run": run,
        "by_model": report.get("by_model", {}),
        "changes": report.get("changes", []),
        "conflicts": report.get("conflicts", []),
        "errors": report.get("errors", []),
        "notes": report.get("notes", []),
        "failure": report.get("failure", ""),
    }


def _importer(request: AuthedRequest) -> None:
    if not may_import(request.user):
        raise PermissionDenied(
            gettext("Only staff with a content role may import into the registers.")
        )


def import_upload(request: AuthedRequest) -> HttpResponse:
    """Take a file of bearers and preview what importing it would do (a dry run)."""
    _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        uploads.sweep()
        run = run_import(
            ImportKind.GENERIC,
            data,
            upload.name,
            actor=request.user,
            dry_run=True,
            options=form.options(),
        )
        if run.status == RunStatus.PREVIEWED:
            uploads.hold(run.pk, data)
        return redirect("import_preview", pk=run.pk)
    return render(request, "exchange/import_upload.html", {"nav": NAV, "form": form})


def _own_preview(request: AuthedRequest, pk: uuid.UUID) -> ImportRun:
    """A preview of the user's own upload; anyone else's is the same 404 as a missing one."""
    _importer(request)
    run = get_visible_or_404(ImportRun, request.user, pk)
    if run.created_by_id != request.user.pk or not run.dry_run:
        raise Http404(gettext("No such preview."))
    return run


def import_preview(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Show what the uploaded file would change, and ask to confirm or cancel."""
    run = _own_preview(request, pk)
    held = run.status == RunStatus.PREVIEWED and uploads.held_path(run.pk).exists()
    context = {"nav": NAV, "held": held, **_report_context(run)}
    return render(request, "exchange/import_preview.html", context)


@require_POST
def import_confirm(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Import the previewed file for real, then remove it from the server."""
    run = _own_preview(request, pk)
    data = uploads.take(run.pk) if run.status == RunStatus.PREVIEWED else None
    if data is None or hashlib.sha256(data).hexdigest() != run.sha256:
        messages.error(request, gettext("This preview was confirmed or cancelled already."))
        return redirect("import_list")
    if len(data) > settings.JOBS_IMPORT_BYTES:
        # A big file: the worker imports it (pourparler/jobs); the run's page follows it.
        queued = queue_import(run, actor=request.user)
        if queued is None:
            messages.error(request, gettext("This preview was confirmed or cancelled already."))
            return redirect("import_list")
        messages.success(
            request,
            gettext(
                "The file is queued: it is imported in the background, all or nothing. "
                "This page follows it."
            ),
        )
        return redirect("import_detail", pk=queued.pk)
    done = run_import(run.kind, data, run.file_name, actor=request.user, options=run.options)
    uploads.release(run.pk)
    if done.status == RunStatus.COMPLETED:
        messages.success(
            request,
            gettext(
                "Imported: %(created)s created, %(updated)s updated, "
                "%(conflicts)s in conflict, %(queued)s sent for review."
            )
            % {
                "created": done.created,
                "updated": done.updated,
                "conflicts": done.conflicts,
                "queued": done.queued,
            },
        )
    else:
        messages.error(request, gettext("The import was refused: nothing was written."))
    return redirect("import_detail", pk=done.pk)


@require_POST
def import_cancel(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Drop a previewed file without importing it."""
    run = _own_preview(request, pk)
    uploads.release(run.pk)
    if run.status == RunStatus.PREVIEWED:
        do_cancel_preview(run, actor=request.user)
    messages.success(request, gettext("Not imported; the file was removed from the server."))
    return redirect("import_list")


def review_list(request: AuthedRequest) -> HttpResponse:
    """List the imported names waiting for a person's decision (or decided ones)."""
    status = request.GET.get("status", ReviewStatus.PENDING)
    items = ReviewItem.objects.visible_to(request.user).select_related("bearer")
    if status in ReviewStatus.values:
        items = items.filter(status=status)
    page = page_of(items.order_by("-created_at"), request)
    # The best candidate of each item, among the bearers the viewer may see (one query).
    wanted = {c["bearer"] for item in page.items for c in item.candidates}
    visible = {
        str(pk): name
        for pk, name in WeaponBearer.objects.visible_to(request.user)
        .filter(pk__in=list(wanted))
        .values_list("pk", "name")
    }
    rows = []
    for item in page.items:
        best = next((c for c in item.candidates if c["bearer"] in visible), None)
        rows.append((item, {**best, "bearer_name": visible[best["bearer"]]} if best else None))
    context = {
        "nav": NAV,
        "page": page,
        "rows": rows,
        "pager_query": query_without_page(request),
        "status": status,
        "statuses": ReviewStatus.choices,
    }
    return render(request, "exchange/review_list.html", context)


def _candidates(user: Any, item: ReviewItem) -> list[dict[str, Any]]:
    """The bearers the matcher proposed, those the viewer may see, best first."""
    scores = {c["bearer"]: c for c in item.candidates}
    visible = WeaponBearer.objects.visible_to(user).filter(pk__in=list(scores))
    shown = [
        {"bearer": b, "score": scores[str(b.pk)]["score"], "matched": scores[str(b.pk)]["name"]}
        for b in visible.prefetch_related("countries")
    ]
    return sorted(shown, key=lambda c: -c["score"])


def _context(request: AuthedRequest, item: ReviewItem, **extra: Any) -> dict[str, Any]:
    user = request.user
    query = request.GET.get("q", "").strip()
    found: list[WeaponBearer] = []
    if query:
        found = list(
            WeaponBearer.objects.visible_to(user)
            .filter(search_text__contains=fold(query))
            .prefetch_related("countries")
            .order_by("name")[:SEARCH_LIMIT]
        )
    may_decide = (
        item.status == ReviewStatus.PENDING
        and ReviewItem.objects.visible_to(user, "change").filter(pk=item.pk).exists()
    )
    context = {
        "nav": NAV,
        "item": item,
        "candidates": _candidates(user, item),
        "query": query,
        "found": found,
        "may_decide": may_decide,
        "kinds": BearerKind.choices,
        "payload_names": item.payload.get("names", []),
        "register_form": RegisterForm(
            initial={"version": item.version, "kind": item.payload.get("kind", "")}
        ),
    }
    context.update(extra)
    return context


def review_detail(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Show an imported name, the bearers it resembles, and the decisions open."""
    visible = ReviewItem.objects.visible_to(request.user).select_related(
        "bearer", "run", "updated_by"
    )
    item = get_visible_or_404(visible, request.user, pk)
    return render(request, "exchange/review_detail.html", _context(request, item))


@require_POST
def review_decide(request: AuthedRequest, pk: uuid.UUID) -> HttpResponse:
    """Link the name to a bearer, register it as a new one, or say it is not a bearer."""
    user = request.user
    item = get_visible_or_404(ReviewItem, user, pk)
    if not ReviewItem.objects.visible_to(user, "change").filter(pk=item.pk).exists():
        raise PermissionDenied(gettext("You may read the review queue but not decide."))
    action = request.POST.get("action", "")
    form: DecisionForm
    if action == "link":
        form = LinkForm(request.POST, user=user)
    elif action == "register":
        form = RegisterForm(request.POST)
    elif action == "dismiss":
        form = DecisionForm(request.POST)
    else:
        return redirect("review_detail", pk=item.pk)
    if not form.is_valid():
        messages.error(
            request,
            gettext("The decision was not recorded: %(error)s") % {"error": _first_error(form)},
        )
        return redirect("review_detail", pk=item.pk)
    data = form.cleaned_data
    try:
        if isinstance(form, LinkForm):
            do_link_review_item(
                item,
                data["bearer"],
                actor=user,
                expected_version=data["version"],
                note=data["note"],
            )
        elif isinstance(form, RegisterForm):
            do_register_review_item(
                item,
                actor=user,
                expected_version=data["version"],
                kind=data["kind"],
                note=data["note"],
            )
        else:
            do_dismiss_review_item(
                item, actor=user, expected_version=data["version"], note=data["note"]
            )
    except (EditConflict, NotPending):
        messages.error(
            request, gettext("Someone decided on this name meanwhile: see their decision.")
        )
        return redirect("review_detail", pk=item.pk)
    except RecordGone:
        messages.error(request, gettext("This name was removed from the queue meanwhile."))
        return redirect("review_list")
    except ValueError as refused:
        messages.error(request, Problem.of(refused).shown())
        return redirect("review_detail", pk=item.pk)
    messages.success(request, gettext("Decided: %(name)s.") % {"name": item.name})
    return redirect("review_list")


def _first_error(form: DecisionForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "check the form."


@require_GET
def export_list(request: AuthedRequest, name: str) -> HttpResponseBase:
    """Give out one list as a file (see ``exchange/exports.py``), audited first.

    An unknown list or format is the 404 of a missing page; confidential columns asked
    for by someone without the right are refused with a page saying why (403).
    """
    user = request.user
    export = exports.registry().get(name)
    fmt = request.GET.get("format", "csv")
    if export is None or fmt not in export.formats:
        raise Http404
    confidential = request.GET.get("confidential") == "1"
    if confidential and not exports.may_export_confidential(user):
        context = {"nav": NAV, "export": export}
        return render(request, "exchange/export_refused.html", context, status=403)
    prepared = exports.prepare(export, user, request.GET, fmt=fmt, confidential=confidential)
    content_type = exports.FORMATS[fmt][0]
    response: HttpResponseBase
    if fmt in ("csv", "hxl"):
        response = StreamingHttpResponse(
            exports.csv_lines(prepared, hxl=fmt == "hxl"), content_type=content_type
        )
    elif fmt == "json":
        response = StreamingHttpResponse(exports.json_chunks(prepared), content_type=content_type)
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(prepared, str(export.label)), content_type=content_type
        )
    else:
        document = exports.geojson_document(prepared)
        response = HttpResponse(json.dumps(document), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(export, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response

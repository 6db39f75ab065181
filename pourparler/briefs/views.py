"""Pages of the meeting brief: a bearer's or a person's, as a page to print or a PDF."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pourparler.bearers.models import WeaponBearer
from pourparler.briefs.brief import Brief, bearer_brief, person_brief
from pourparler.briefs.pdf import pdf_response, render_pdf
from pourparler.core.access import get_visible_or_404
from pourparler.core.crypto import DecryptionError
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Record
from pourparler.handover.models import Handover
from pourparler.jobs import pdfs, runner
from pourparler.people.models import Person


def _answer(request: AuthedRequest, brief: Brief, *, as_pdf: bool, nav: str) -> HttpResponse:
    context = {"nav": nav, "brief": brief}
    if as_pdf or request.GET.get("format") == "pdf":
        pdf = render_pdf("briefs/brief_pdf.html", {**context, "for_pdf": True}, request)
        stem = f"brief-{slugify(str(brief.bearer.name)) if brief.bearer else 'person'}"
        return pdf_response(pdf, stem)
    return render(request, "briefs/brief.html", context)


@never_cache
def bearer(request: AuthedRequest, pk: str, as_pdf: bool = False) -> HttpResponse:
    """The brief about a bearer: its structure and people, the dialogue, what is open."""
    found = get_visible_or_404(WeaponBearer, request.user, pk)
    return _answer(request, bearer_brief(request.user, found), as_pdf=as_pdf, nav="bearers")


@never_cache
def person(request: AuthedRequest, pk: str, as_pdf: bool = False) -> HttpResponse:
    """The brief about a person: their posts, who knows them, the dialogue with them."""
    found = get_visible_or_404(Person, request.user, pk)
    return _answer(request, person_brief(request.user, found), as_pdf=as_pdf, nav="people")


# --- Briefs prepared by the background worker (pourparler/jobs/pdfs.py) ---------------------

SUBJECTS: dict[str, type[Record]] = {
    "bearer_brief": WeaponBearer,
    "person_brief": Person,
    "handover_brief": Handover,
}
# How often the page of a PDF being prepared reloads itself, in seconds.
REFRESH_SECONDS = 3


@require_POST
def prepare(request: AuthedRequest, kind: str, pk: str) -> HttpResponse:
    """Ask the worker for a brief's PDF (of a record the user may see now)."""
    model = SUBJECTS.get(kind)
    if model is None:
        raise Http404
    found = get_visible_or_404(model, request.user, pk)
    job = pdfs.enqueue(kind, found.pk, request.user)
    return redirect("brief_prepared", job=job)


def _prepared_job(request: AuthedRequest, job: str) -> Any:
    pdfs.purge_expired()
    row = pdfs.job_for(job, request.user)
    if row is None:
        raise Http404
    return row


@never_cache
def prepared(request: AuthedRequest, job: str) -> HttpResponse:
    """Where a PDF being prepared stands: waiting, being made, ready, or why there is none."""
    row = _prepared_job(request, job)
    result = row.return_value or {}
    waiting = row.status in ("READY", "RUNNING")
    expires = result.get("expires_at")
    context = {
        "job": row,
        "waiting": waiting,
        "refresh": REFRESH_SECONDS if waiting else 0,
        "stale": row.status == "READY" and runner.waiting_too_long(row.enqueued_at),
        "waited_minutes": max(1, int((timezone.now() - row.enqueued_at).total_seconds() // 60)),
        "ready": row.status == "SUCCESSFUL"
        and result.get("outcome") == "ready"
        and not pdfs.expired(row),
        "refused": result.get("outcome") == "refused",
        "expired": pdfs.expired(row),
        "failed": row.status == "FAILED",
        "expires_at": datetime.datetime.fromisoformat(expires) if expires else None,
        "name": result.get("name", ""),
        "back": _back(*row.args_kwargs["args"][:2]),
    }
    return render(request, "briefs/prepared.html", context)


def _back(kind: str, subject_id: str) -> str:
    """The page the PDF was asked from."""
    name = {"bearer_brief": "brief_bearer", "person_brief": "brief_person"}
    return reverse(name.get(kind, "handover_detail"), args=[subject_id])


@never_cache
def prepared_pdf(request: AuthedRequest, job: str) -> HttpResponse:
    """The prepared PDF, to the person who asked, while they may still see its record."""
    row = _prepared_job(request, job)
    result = row.return_value or {}
    if row.status != "SUCCESSFUL" or result.get("outcome") != "ready" or pdfs.expired(row):
        raise Http404
    model = SUBJECTS[result["kind"]]
    get_visible_or_404(model, request.user, result["subject"])
    try:
        pdf = pdfs.unseal(result["pdf"], job_id=str(row.pk), user_id=str(request.user.pk))
    except DecryptionError:
        raise Http404 from None  # its data key was destroyed by a rotation: prepare it again
    response = pdf_response(pdf, "brief")
    response["Content-Disposition"] = f'attachment; filename="{result["name"]}"'
    return response

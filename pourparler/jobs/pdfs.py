"""Briefs as PDF, prepared by the worker, kept encrypted for a short while, then purged.

A meeting brief (of a bearer or a person) or a handover brief can be asked for as a job
(the "Prepare in the background" button) instead of waiting for the page. The job calls
the same view the PDF link calls, as the person who asked, with a request of their own
(their language, no session): the same read path, the same audit of what the brief
shows. If they may no longer see the record, the job makes nothing and says so.

The PDF is confidential. It is kept only as the job's result, encrypted like an
encrypted field (AES-256-GCM under the data key of the compartment it comes from, the
AAD binding it to the job and the person, ``core/crypto.py``), for
``settings.JOBS_PDF_MINUTES``; then ``purge_expired`` replaces it with "expired" (every
new request for a PDF, every download and ``pourparler jobs purge`` call it). Only the
person who asked may fetch it, and only while they may still see the record.
"""

from __future__ import annotations

import base64
import datetime
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from pourparler.core import crypto
from pourparler.core.access import clearance_for
from pourparler.core.models import User

# What can be prepared: the kind, and the view that makes it (called as the person).
KINDS = ("bearer_brief", "person_brief", "handover_brief")
TASK_PATH = "pourparler.jobs.tasks.prepare_pdf"


class Unavailable(Exception):
    """The person may not (or no longer) see what the PDF is about."""


def _request_for(user: User, language: str) -> HttpRequest:
    """A request of the person's own, for the view that makes the PDF (no session)."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict()
    request.META["SERVER_NAME"] = "pourparler.invalid"
    request.META["SERVER_PORT"] = "443"
    request.user = user
    request.LANGUAGE_CODE = language
    return request


def _compartment(kind: str, subject_id: str, user: User) -> uuid.UUID | None:
    """The compartment whose data key seals the PDF: the record's, else the reader's."""
    from pourparler.handover.models import Handover
    from pourparler.people.models import Person

    model: Any = {"person_brief": Person, "handover_brief": Handover}.get(kind)
    if model is not None:
        rows = model._base_manager.filter(pk=subject_id)
        compartment = rows.values_list("compartment_id", flat=True).first()
        if compartment:
            return uuid.UUID(str(compartment))
    clearance = clearance_for(user)
    reachable = sorted(clearance.read_compartments, key=str) if clearance else []
    return reachable[0] if reachable else None


def render(kind: str, subject_id: str, user: User, language: str) -> tuple[bytes, str]:
    """Make the PDF as the person, through the page's own view; return it and its name."""
    from pourparler.briefs import views as briefs
    from pourparler.handover import views as handover

    request: Any = _request_for(user, language)
    with translation.override(language):
        try:
            if kind == "bearer_brief":
                response = briefs.bearer(request, subject_id, as_pdf=True)
            elif kind == "person_brief":
                response = briefs.person(request, subject_id, as_pdf=True)
            elif kind == "handover_brief":
                response = handover.handover_brief_pdf(request, subject_id)
            else:
                raise Unavailable(kind)
        except Http404:
            raise Unavailable(kind) from None
    disposition = response["Content-Disposition"]
    name = disposition.split('filename="', 1)[1].rstrip('"') if "filename=" in disposition else ""
    return bytes(response.content), name or "brief.pdf"


def _aad(job_id: str, user_id: str) -> str:
    return f"jobs.prepared_pdf:{uuid.UUID(str(job_id))}:{uuid.UUID(str(user_id))}"


def seal(pdf: bytes, *, job_id: str, user_id: str, compartment: uuid.UUID | None) -> str:
    """Encrypt a PDF for the job's result (bound to the job and the person)."""
    key = crypto.current_data_key(compartment)
    text = base64.b64encode(pdf).decode("ascii")
    return str(crypto.encrypt(text, aad=_aad(job_id, user_id), key=key))


def unseal(token: str, *, job_id: str, user_id: str) -> bytes:
    """Decrypt a PDF sealed by ``seal``; DecryptionError if it was moved or altered."""
    return base64.b64decode(crypto.decrypt_token(token, aad=_aad(job_id, user_id)))


def build(kind: str, subject_id: str, user: User, language: str, job_id: str) -> dict[str, Any]:
    """The job's work: the PDF as the person, sealed; or why there is none."""
    try:
        pdf, name = render(kind, subject_id, user, language)
    except Unavailable:
        return {"outcome": "refused", "kind": kind, "subject": subject_id}
    expires = timezone.now() + datetime.timedelta(minutes=settings.JOBS_PDF_MINUTES)
    compartment = _compartment(kind, subject_id, user)
    token = seal(pdf, job_id=job_id, user_id=str(user.pk), compartment=compartment)
    return {
        "outcome": "ready",
        "kind": kind,
        "subject": subject_id,
        "name": name,
        "bytes": len(pdf),
        "expires_at": expires.isoformat(),
        "pdf": token,
    }


def enqueue(kind: str, subject_id: Any, user: User) -> str:
    """Ask the worker for a PDF as the user, in their language; return the job's id."""
    from pourparler.jobs.tasks import prepare_pdf

    purge_expired()
    language = translation.get_language() or settings.LANGUAGE_CODE
    job = prepare_pdf.enqueue(kind, str(subject_id), str(user.pk), language)
    return str(job.id)


def job_for(job_id: Any, user: User) -> DBTaskResult | None:
    """The PDF job with this id if this user asked for it; None otherwise (a 404)."""
    try:
        row = DBTaskResult.objects.filter(pk=uuid.UUID(str(job_id)), task_path=TASK_PATH).first()
    except ValueError:
        return None
    if row is None or row.args_kwargs.get("args", [None] * 3)[2] != str(user.pk):
        return None
    return row


def expired(row: DBTaskResult, now: datetime.datetime | None = None) -> bool:
    """Say whether a prepared PDF is past its time (or was purged)."""
    result = row.return_value or {}
    if result.get("outcome") == "expired":
        return True
    if "expires_at" not in result:
        return False
    return datetime.datetime.fromisoformat(result["expires_at"]) <= (now or timezone.now())


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Replace every prepared PDF past its time by "expired"; return how many."""
    moment = now or timezone.now()
    cutoff = moment - datetime.timedelta(minutes=settings.JOBS_PDF_MINUTES)
    finished = DBTaskResult.objects.filter(task_path=TASK_PATH, finished_at__lt=cutoff)
    stale = finished.exclude(return_value__outcome="expired")
    return stale.update(return_value={"outcome": "expired"})

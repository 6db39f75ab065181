"""The jobs. Each takes ids and plain values only, and returns counts and ids only.

* ``import_file(run_id, user_id)``: a big import confirmed on the upload page
  (``imports.py``), as the person who confirmed it.
* ``retention_run(dry_run=False)``: what ``pourparler retention run`` does, as the system
  (``pourparler retention run --enqueue``).
* ``prepare_pdf(kind, subject_id, user_id, language)``: a meeting or handover brief as
  PDF, as the person who asked, kept encrypted for a short while (``pdfs.py``).
* ``audit_checkpoint(user_id=None)``: sign the audit chain as it stands
  (``pourparler audit checkpoint --enqueue``); as the system, or as an auditor or
  administrator who asked, if they still are one when the job runs.

On Django 6 these come from ``django.tasks`` instead of ``django_tasks``: nothing else
changes.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import TaskContext, task

from pourparler.core import audit, retention
from pourparler.core.access import clearance_for
from pourparler.core.choices import Role
from pourparler.jobs import pdfs, runner

logger = logging.getLogger(__name__)

# Who may ask for a checkpoint of the audit chain.
CHECKPOINT_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})


@task(takes_context=True)
def import_file(context: TaskContext, run_id: str, user_id: str) -> dict[str, Any]:
    """Import the file of a queued run as the person who confirmed it."""
    from pourparler.jobs.imports import run_queued_import

    with runner.job_scope(context.task_result.id):
        return run_queued_import(run_id, user_id)


@task(takes_context=True)
def prepare_pdf(
    context: TaskContext, kind: str, subject_id: str, user_id: str, language: str
) -> dict[str, Any]:
    """Make a brief's PDF as the person who asked; keep it sealed in the job's result."""
    job_id = str(context.task_result.id)
    with runner.job_scope(job_id):
        user = runner.acting_user(user_id)
        if user is None:
            return {"outcome": "refused", "kind": kind, "subject": subject_id}
        try:
            return pdfs.build(kind, subject_id, user, language, job_id)
        except Exception as error:
            raise runner.failed("PDF", error) from None


@task(takes_context=True)
def retention_run(context: TaskContext, dry_run: bool = False) -> dict[str, Any]:
    """Apply the retention periods, as ``pourparler retention run`` does (as the system)."""
    with runner.job_scope(context.task_result.id):
        try:
            if not dry_run:
                pdfs.purge_expired()
            report = retention.run(dry_run=dry_run)
        except Exception as error:
            raise runner.failed("retention", error) from None
    return {
        "outcome": "dry run" if dry_run else "done",
        "seconds": round(report.seconds, 3),
        "kinds": [
            {
                "kind": kind.kind,
                "examined": kind.examined,
                "expired": kind.expired,
                "anonymised": kind.anonymised,
                "deleted": kind.deleted,
                "entries_rewritten": kind.entries_rewritten,
            }
            for kind in report.kinds
        ],
    }


def may_checkpoint(user: Any) -> bool:
    """Say whether a user may have the audit chain signed (an auditor or administrator)."""
    clearance = clearance_for(user)
    return clearance is not None and bool(clearance.roles & CHECKPOINT_ROLES)


@task(takes_context=True)
def audit_checkpoint(context: TaskContext, user_id: str | None = None) -> dict[str, Any]:
    """Sign the audit chain as it stands when the job runs."""
    with runner.job_scope(context.task_result.id):
        actor = None
        if user_id is not None:
            actor = runner.acting_user(user_id)
            if actor is None or not may_checkpoint(actor):
                logger.warning("Checkpoint job refused: the user may no longer ask for one")
                return {"outcome": "refused"}
        try:
            checkpoint = audit.write_checkpoint(actor=actor)
        except Exception as error:
            raise runner.failed("audit checkpoint", error) from None
    return {
        "outcome": "signed",
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "key_id": checkpoint.public_key_id,
    }

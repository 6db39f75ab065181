"""A big import, confirmed on the upload page, run by the worker.

``queue_import(preview, actor=...)`` (the upload page's confirmation, for a file above
``settings.JOBS_IMPORT_BYTES``) records a run waiting for the worker, hands the held file
to it and enqueues ``tasks.import_file`` in one transaction. The job
(``run_queued_import``) then checks again that the person may import, marks the run as
running, and calls the same ``run_import`` the page calls for a small file: all or
nothing, under the person's name, with the same change log and audit chain. The run's
page refreshes itself and shows how far the job has gone (``runner.read_progress``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pourparler.core.ids import uuid7
from pourparler.core.models import User
from pourparler.exchange import uploads
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.models import ImportRun
from pourparler.exchange.reader import problem
from pourparler.exchange.services import (
    JOB_BROKE_DOWN,
    JOB_FILE_GONE,
    JOB_NO_LONGER_ALLOWED,
    close_queued_import,
    do_queue_import,
    do_start_queued_import,
    may_import,
    run_import,
)
from pourparler.jobs import runner


def queue_import(preview: ImportRun, *, actor: User) -> ImportRun | None:
    """Queue the import of a previewed file; None if the preview was confirmed already."""
    from pourparler.jobs.tasks import import_file

    run_id = uuid7()
    with transaction.atomic():
        job = import_file.enqueue(str(run_id), str(actor.pk))
        run = do_queue_import(preview, actor=actor, run_id=run_id, job=str(job.id))
        if not uploads.hand_over(preview.pk, run.pk):
            transaction.set_rollback(True)
            return None
    return run


def run_queued_import(run_id: str, user_id: str) -> dict[str, Any]:
    """Import a queued run's file as the person who asked; return the outcome's counts."""
    run = ImportRun.objects.alive().filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return {"outcome": "nothing to do", "run": run_id}
    user = runner.acting_user(user_id)
    if user is None or not may_import(user):
        uploads.release(run.pk)
        close_queued_import(run, problem(JOB_NO_LONGER_ALLOWED))
        return {"outcome": "refused", "run": run_id}
    data = uploads.take(run.pk)
    if data is None or hashlib.sha256(data).hexdigest() != run.sha256:
        close_queued_import(run, problem(JOB_FILE_GONE))
        return {"outcome": "failed", "run": run_id}

    def progress(step: str, done: int, total: int) -> None:
        runner.write_progress(run.pk, step, done, total)

    try:
        started = do_start_queued_import(run, actor=user)
        done = run_import(
            run.kind,
            data,
            run.file_name,
            actor=user,
            options=run.options,
            queued=started,
            progress=progress,
        )
    except PermissionDenied:
        close_queued_import(run, problem(JOB_NO_LONGER_ALLOWED))
        return {"outcome": "refused", "run": run_id}
    except Exception as error:
        close_queued_import(run, problem(JOB_BROKE_DOWN))
        raise runner.failed("import", error) from None
    finally:
        uploads.release(run.pk)
        runner.clear_progress(run.pk)
    return {
        "outcome": str(done.status),
        "run": run_id,
        "created": done.created,
        "updated": done.updated,
        "conflicts": done.conflicts,
        "queued": done.queued,
        "errors": done.errors,
    }

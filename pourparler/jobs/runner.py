"""What every job does around its work.

* ``job_scope(task_id)``: the job's writes carry the request id ``job-<task id>`` in the
  change log and the logs, as a page's writes carry the request's.
* ``acting_user(user_id)``: the person a job acts as, read afresh (their postings as they
  stand when the job runs, not when it was asked for).
* ``JobFailed``: what a job raises when its work failed. It carries the kind of job only
  and is raised ``from None``: django-tasks-db keeps the traceback of a failed job in its
  row, in plain text, so no value of the failed work may travel in it. The cause is
  logged by class name (and in full at DEBUG).
* Progress: a job that takes a while writes how far it has gone to a small file under
  ``DATA_DIR/jobs/`` (counts only). A file, not the database: the work runs in one
  transaction that other connections cannot see into, and on SQLite holds the only
  write lock, so a progress row could not be written or read before the end.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from pourparler.core.context import reset_request_id, set_request_id
from pourparler.core.models import User

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """A job's work failed; the message names the kind of job, nothing of its data."""


@contextlib.contextmanager
def job_scope(task_id: str) -> Iterator[str]:
    """Run a job's work under the request id ``job-<task id>``; yield that id."""
    request_id = f"job-{task_id}"
    token = set_request_id(request_id)
    try:
        yield request_id
    finally:
        reset_request_id(token)


def acting_user(user_id: str | None) -> User | None:
    """Return the user a job acts as, fresh from the database; None if gone or inactive."""
    if not user_id:
        return None
    try:
        key = uuid.UUID(str(user_id))
    except ValueError:
        return None
    return User.objects.filter(pk=key, is_active=True).first()


def failed(kind: str, error: BaseException) -> JobFailed:
    """Log a job's failure by the class of its cause, and return what the job raises."""
    logger.error("Job %s failed: %s", kind, type(error).__name__)
    logger.debug("Job %s failed", kind, exc_info=error)
    return JobFailed(kind)


# --- Progress -------------------------------------------------------------------------------


def _progress_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "jobs"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def progress_path(key: uuid.UUID | str) -> Path:
    """Return where the progress of the work on one record (an import run) is kept."""
    return _progress_folder() / f"{uuid.UUID(str(key)).hex}.progress"


def write_progress(key: uuid.UUID | str, step: str, done: int, total: int) -> None:
    """Say how far a step has gone (counts only); replaced atomically."""
    path = progress_path(key)
    scratch = path.with_suffix(".tmp")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"step": step, "done": done, "total": total}, handle)
    scratch.replace(path)


def read_progress(key: uuid.UUID | str) -> dict[str, Any] | None:
    """Return the last progress written for a record, or None."""
    try:
        data = json.loads(progress_path(key).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    done, total = int(data.get("done", 0)), int(data.get("total", 0))
    percent = round(100 * done / total) if total else 0
    return {"step": str(data.get("step", "")), "done": done, "total": total, "percent": percent}


def clear_progress(key: uuid.UUID | str) -> None:
    """Remove a record's progress file."""
    with contextlib.suppress(FileNotFoundError):
        progress_path(key).unlink()


# --- Waiting --------------------------------------------------------------------------------


def waiting_too_long(since: datetime.datetime, now: datetime.datetime | None = None) -> bool:
    """Say whether a job queued at ``since`` has waited longer than a worker should let it."""
    limit = datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return (now or timezone.now()) - since > limit

"""Files uploaded for an import, held on the server between the preview and the confirmation.

The file is never put in the session (a cookie could not hold it, and should not): it
is written under ``DATA_DIR/uploads/``, readable by the server's user only, named by
the id of the dry run that previewed it (or of the run a job will import it under), and
removed when the import is done or cancelled. Files left behind (a preview nobody
confirmed) are removed after a day, at the next upload.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def held_path(run_id: uuid.UUID) -> Path:
    """Return where the file previewed by a dry run is held."""
    return _folder() / f"{uuid.UUID(str(run_id)).hex}.upload"


def hold(run_id: uuid.UUID, data: bytes) -> Path:
    """Keep an uploaded file until its import is confirmed or cancelled."""
    path = held_path(run_id)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def take(run_id: uuid.UUID) -> bytes | None:
    """Return the held file, or None if it was confirmed, cancelled or swept away."""
    try:
        return held_path(run_id).read_bytes()
    except FileNotFoundError:
        return None


def hand_over(run_id: uuid.UUID, to_run_id: uuid.UUID) -> bool:
    """Hand a held file to the run that will import it in the background (``pourparler.jobs``).

    The rename is the claim: of two confirmations of one preview, one finds the file gone
    (False). The file's day before it is swept starts again.
    """
    target = held_path(to_run_id)
    try:
        held_path(run_id).rename(target)
    except FileNotFoundError:
        return False
    os.utime(target)
    return True


def release(run_id: uuid.UUID) -> None:
    """Remove a held file."""
    with contextlib.suppress(FileNotFoundError):
        held_path(run_id).unlink()


def sweep(now: float | None = None) -> int:
    """Remove held files older than a day; return how many were removed."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in _folder().glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed

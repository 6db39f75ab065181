"""Run queued jobs with django-tasks-db's own worker, in the test's process and transaction."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], str]:
    """Return a function that runs `pourparler worker --batch`: every queued job, then exit.

    Two things of a long-running worker are left out inside a test: closing "old"
    database connections between jobs (it would close the test's own connection, which
    holds the test's transaction) and taking over the process's signal handlers.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)

    def run() -> str:
        out = StringIO()
        call_command(
            "worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", stdout=out
        )
        return out.getvalue()

    return run


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Held uploads and progress files in a folder of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path

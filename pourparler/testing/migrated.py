"""A migrated SQLite database file, built once per test run, for the tests that run
Pourparler in processes of their own (marker ``own_database``).

Applying every migration to an empty database takes about fifteen seconds, most of it
Django rebuilding its model state between operations. Those tests used to pay it each; now
the first one that asks builds a template (``pourparler migrate`` in a subprocess, exactly
as an operator would) and every test gets a copy of it. Their own ``migrate`` then finds
nothing to do. The template is made under a lock, so the workers of one run share it.

It also stands for "what the migrations build": core/tests/test_migrations.py compares its
schema with the one the suite runs on (made from the models, ``--no-migrations``).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_NAME = "migrated-template.sqlite3"


def clean_environment(**overrides: str) -> dict[str, str]:
    """The environment of a child Pourparler: ours without any POURPARLER_ or DATABASE
    setting (so nothing of the suite's configuration leaks in), plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POURPARLER_", "DATABASE"))}
    env.update(DJANGO_SETTINGS_MODULE="pourparler.settings", POURPARLER_TESTING="1")
    env.update(overrides)
    return env


def migrated_template(root: Path) -> Path:
    """Return the template under ``root``, building it first if no one has yet."""
    root.mkdir(parents=True, exist_ok=True)
    template = root / TEMPLATE_NAME
    with (root / f"{TEMPLATE_NAME}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            _build(root, template)
    return template


def _build(root: Path, template: Path) -> None:
    building = root / "migrating.sqlite3"
    building.unlink(missing_ok=True)
    env = clean_environment(
        POURPARLER_LOG_LEVEL="WARNING",
        POURPARLER_DATA_DIR=str(root / "template-data"),
        DATABASE_URL=f"sqlite:///{building}",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pourparler.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrating the template failed:\n{done.stderr[-4000:]}")
    # One self-contained file (the WAL folded in), then renamed into place in one step.
    source = sqlite3.connect(building)
    staged = root / "staged.sqlite3"
    target = sqlite3.connect(staged)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    staged.rename(template)


def copy_migrated_database(root: Path, destination: Path) -> Path:
    """Write a copy of the migrated template at ``destination`` (a SQLite file path)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{migrated_template(root)}?mode=ro", uri=True)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return destination

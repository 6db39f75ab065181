"""The server's entry point leaves what it loaded out of the garbage collector's walks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_loading_the_application_freezes_what_it_loaded() -> None:
    script = (
        "import gc; before = gc.get_freeze_count(); import pourparler.wsgi; "
        "print(before, gc.get_freeze_count())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")}
    env["POURPARLER_TESTING"] = "1"
    env["POURPARLER_LOG_LEVEL"] = "WARNING"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = (int(n) for n in done.stdout.split()[-2:])
    assert before == 0 and after > 10_000

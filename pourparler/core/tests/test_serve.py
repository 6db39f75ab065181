"""`pourparler serve`: what the server writes in its access log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pourparler.core.management.commands.serve import ACCESS_LOG_FORMAT, WSGI_APP


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
    try:
        with opener.open(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.own_database
def test_the_access_log_keeps_searched_names_out(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "access.log"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            WSGI_APP,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status = _get(f"{base}/healthz?q=Amina+Diallo")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200
        _get(f"{base}/people/?q=Kofi+Mensah")
    finally:
        server.terminate()
        server.wait(timeout=10)
    written = log.read_text()
    assert "GET /healthz" in written and "GET /people/" in written
    assert "Amina" not in written and "Kofi" not in written and "q=" not in written

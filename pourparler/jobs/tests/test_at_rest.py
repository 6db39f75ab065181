"""A prepared PDF leaves no plaintext on disk: the SQLite file, its WAL and the data
directory are searched for the brief's person (a canary) and for the PDF itself."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pourparler.core import crypto
from pourparler.testing.migrated import REPO, clean_environment


def forms(text: bytes) -> list[bytes]:
    """The byte patterns that would betray a text: as it is, UTF-16, base64 (3 alignments)."""
    patterns = [text, text.decode("latin-1").encode("utf-16-le")]
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            patterns.append(encode(b"\0" * shift + text)[4 if shift else 0 : -4])
    return patterns


def found(blobs: list[bytes], text: bytes) -> bool:
    return any(p in blob for p in forms(text) for blob in blobs)


@pytest.mark.own_database
def test_a_prepared_pdf_leaves_no_plaintext_on_disk(
    tmp_path: Path, migrated_database: Callable[[Path], Path]
) -> None:
    data_dir, key = tmp_path / "data", tmp_path / "keys" / "master.key"
    database = migrated_database(data_dir / "pourparler.sqlite3")
    crypto.write_key_file(key, crypto.new_key())
    env = clean_environment(
        POURPARLER_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{database}",
        POURPARLER_MASTER_KEY_FILE=str(key),
        POURPARLER_LOG_LEVEL="WARNING",
    )
    copy = tmp_path / "copy"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "pourparler.jobs.tests.at_rest", str(copy)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The worker made the PDF, it opens with the key and holds the person's name...
    assert (result["status"], result["outcome"]) == ("SUCCESSFUL", "ready")
    assert result["opens"] and result["holds_canary"]
    blobs = [path.read_bytes() for path in sorted(copy.iterdir())]
    blobs += [p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and p != database]
    # ...and neither the name nor the PDF is anywhere on disk in the clear,
    assert not found(blobs, result["canary"].encode())
    assert not found(blobs, result["pdf_start"].encode("latin-1"))
    # though the scan does see what is stored in the clear (the job's path).
    assert found(blobs, b"pourparler.jobs.tasks.prepare_pdf")

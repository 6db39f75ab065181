"""Backups restore to exactly the database they were taken from (issue 8's done-means).

On SQLite, end to end through the commands on files of their own; on PostgreSQL, the
test database itself is dumped and restored into a new database. Each compares the two
databases row by row, independently of the manifest's digests, and shows that the check
would catch a difference.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

from pourparler.core import crypto
from pourparler.core.backup import (
    BackupError,
    compare,
    manifest_path,
    postgres_digest,
    restore_postgres,
    restore_sqlite,
    sqlite_digest,
    take_backup,
)
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

if TYPE_CHECKING:
    import psycopg

REPO = Path(__file__).resolve().parents[3]

FILL = """
import django; django.setup()
from pourparler.testing.personas import build_world, make_bearer, make_interaction, make_person
world = build_world()
army = make_bearer(world.alice, name="Forces armées de Varnia")
make_person(world.alice, world.varnia, "Col. Idris Maren", bearer=army)
for n in range(3):
    make_interaction(world.alice, world.varnia, bearers=[army], summary=f"Réunion {n}",
                     notes=f"CANARY-backup-note-{n}")
from django.core.management import call_command
call_command("backup", BACKUP)
"""

# In the restored database: the restore, the audit chain's verification, the notes read.
CHECK = """
import django; django.setup()
from django.core.management import call_command
call_command("restore", BACKUP)
call_command("audit", "verify")
from pourparler.dialogue.models import Interaction
print(sorted(i.notes for i in Interaction.objects.all()))
"""


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def environment(data_dir: Path, key: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POURPARLER_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pourparler.settings",
        POURPARLER_TESTING="1",
        POURPARLER_LOG_LEVEL="WARNING",
        POURPARLER_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'pourparler.sqlite3'}",
        POURPARLER_MASTER_KEY_FILE=str(key),
    )
    return env


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in rowid order: the comparison the digests stand for."""
    with sqlite3.connect(path) as db:
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: _rows(db, n) for n in names}


def _rows(db: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    try:
        return db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()  # noqa: S608
    except sqlite3.OperationalError:  # a WITHOUT ROWID table (full-text index internals)
        return sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608


@pytest.mark.own_database
def test_an_sqlite_backup_restores_to_exactly_the_same_database(
    tmp_path: Path, migrated_database: Callable[[Path], Path]
) -> None:
    source_dir, restored_dir = tmp_path / "source", tmp_path / "restored"
    source = migrated_database(source_dir / "pourparler.sqlite3")
    key = tmp_path / "keys" / "master.key"
    crypto.write_key_file(key, crypto.new_key())
    env = environment(source_dir, key)
    backup = tmp_path / "backups" / "nightly.sqlite3"
    said = run(["-c", f"BACKUP = {str(backup)!r}" + FILL], env).stdout
    assert "Backup written" in said
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert manifest_path(backup).is_file()

    restored_env = environment(restored_dir, key)
    said = run(["-c", f"BACKUP = {str(backup)!r}" + CHECK], restored_env).stdout
    assert "every one equal to the backup" in said
    assert "OK: " in said  # audit verify
    restored = restored_dir / "pourparler.sqlite3"

    before, after = rows_of(source), rows_of(restored)
    assert set(before) == set(after)
    for table in set(before) - {"core_auditevent", "core_audithead"}:
        assert after[table] == before[table], table
    # The restore is the one event added to the chain, after everything that was backed up.
    events_before, events_after = before["core_auditevent"], after["core_auditevent"]
    assert events_after[:-1] == events_before
    assert "restore" in events_after[-1]
    assert len(before["dialogue_interaction"]) == 3
    # The notes stay encrypted in the copy, and the restored database reads them.
    assert b"CANARY-backup-note" not in backup.read_bytes()
    assert "CANARY-backup-note-2" in said

    # The check would see a difference: one changed cell is named.
    changed = tmp_path / "changed.sqlite3"
    with sqlite3.connect(restored) as db, sqlite3.connect(changed) as copy:
        db.backup(copy)
        copy.execute("UPDATE dialogue_interaction SET summary = 'edited' WHERE rowid = 1")
    with sqlite3.connect(restored) as db, sqlite3.connect(changed) as copy:
        assert compare(sqlite_digest(db), sqlite_digest(copy)) == [
            "dialogue_interaction: the rows differ"
        ]

    # A damaged backup is refused and nothing is written.
    damaged = tmp_path / "backups" / "damaged.sqlite3"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    manifest_path(damaged).write_bytes(manifest_path(backup).read_bytes())
    elsewhere = tmp_path / "elsewhere" / "pourparler.sqlite3"
    with pytest.raises(BackupError, match="not the file its manifest describes"):
        restore_sqlite(damaged, elsewhere)
    assert not elsewhere.exists()

    # A database that holds data is never overwritten.
    kept = source.read_bytes()
    with pytest.raises(BackupError, match="move it aside first"):
        restore_sqlite(backup, source)
    assert source.read_bytes() == kept


def _connect(settings: dict[str, Any], name: str | None = None) -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(
        dbname=name or str(settings["NAME"]),
        user=settings.get("USER") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        password=settings.get("PASSWORD") or None,
        autocommit=True,
    )


def _pg_rows(settings: dict[str, Any], tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    with _connect(settings) as db:
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}  # noqa: S608


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_restores_to_exactly_the_same_database(
    world: World, tmp_path: Path
) -> None:
    army = make_bearer(world.alice, name="Forces armées de Varnia")
    make_person(world.alice, world.varnia, "Col. Idris Maren", bearer=army)
    for n in range(3):
        make_interaction(world.alice, world.varnia, bearers=[army], notes=f"CANARY-{n}")

    backup = tmp_path / "nightly.dump"
    manifest = take_backup(backup)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert manifest.tables["dialogue_interaction"].rows == 3
    assert b"CANARY-1" not in backup.read_bytes()

    settings = dict(connection.settings_dict)
    target = dict(settings, NAME=f"{settings['NAME']}_restored")
    with _connect(settings) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        db.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        restored = restore_postgres(backup, target)
        assert restored.problems == []
        tables = ["core_user", "core_auditevent", "dialogue_interaction", "people_person"]
        assert _pg_rows(target, tables) == _pg_rows(settings, tables)
        # Restoring again into a database that now holds the data is refused.
        with pytest.raises(BackupError, match="not empty"):
            restore_postgres(backup, target)
        # The check would see a difference.
        with _connect(target) as db:
            db.execute(
                "UPDATE dialogue_interaction SET summary = 'edited' WHERE ctid IN "
                "(SELECT ctid FROM dialogue_interaction LIMIT 1)"
            )
            with db.cursor() as cursor:
                changed = postgres_digest(cursor)
        assert compare(manifest.tables, changed) == ["dialogue_interaction: the rows differ"]
    finally:
        with _connect(settings) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')

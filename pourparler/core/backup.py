"""Backups that restore to exactly the database they were taken from.

``take_backup`` writes a consistent copy of the whole database and, beside it, a manifest:
the engine, when, the SHA-256 of the copy, the audit chain's head, and a digest of every
table (its row count and the SHA-256 of its rows in primary-key order) computed from the
very state that was copied. ``restore_backup`` checks the copy against its manifest, loads
it into an empty database, computes the same digest of what it loaded and refuses to call
the restore done unless every table matches: a restore reproduces the database exactly,
or says where it does not.

- SQLite: the online backup API copies the file page by page while the server runs;
  the digest is read from the copy itself.
- PostgreSQL: ``pg_dump --format=custom`` with the snapshot of a repeatable-read
  transaction in which the digest is computed (``pg_export_snapshot``), so both see the
  same state; ``pg_restore --single-transaction`` into an empty database.

What a backup does not hold: the encryption keys and the audit signing key (they live
outside the database; docs/operations.md says how to keep them). Without the keys a
backup's confidential fields cannot be read, by anyone.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

MANIFEST_FORMAT = 1
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or the restore cannot be done (or could not be checked); nothing is lost."""


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str


@dataclass
class Manifest:
    """What a backup holds, written beside it as ``<backup>.manifest.json``."""

    engine: str
    taken_at: str
    file_sha256: str
    audit_seq: int
    audit_hash: str
    tables: dict[str, TableDigest] = field(default_factory=dict)

    def as_json(self) -> str:
        data = {
            "format": MANIFEST_FORMAT,
            "engine": self.engine,
            "taken_at": self.taken_at,
            "file_sha256": self.file_sha256,
            "audit_head": {"seq": self.audit_seq, "hash": self.audit_hash},
            "tables": {name: [t.rows, t.sha256] for name, t in sorted(self.tables.items())},
        }
        return json.dumps(data, indent=1)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BackupError(f"Cannot read the manifest {path}: {error}") from None
        if data.get("format") != MANIFEST_FORMAT:
            raise BackupError(f"{path} is not a manifest this version can read.")
        return cls(
            engine=data["engine"],
            taken_at=data["taken_at"],
            file_sha256=data["file_sha256"],
            audit_seq=int(data["audit_head"]["seq"]),
            audit_hash=data["audit_head"]["hash"],
            tables={name: TableDigest(int(n), str(h)) for name, (n, h) in data["tables"].items()},
        )


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def engine_of(connection: BaseDatabaseWrapper) -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {vendor}.")
    return vendor


# -- digests -------------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return repr(value)


def _digest_rows(cursor: Any, table: str, order: list[str], quote: Any) -> TableDigest:
    ordering = ", ".join(quote(column) for column in order)
    # Table and column names come from the database's own catalogue, quoted.
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {ordering}")  # noqa: S608
    digest = hashlib.sha256()
    rows = 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            digest.update("\x1f".join(_canonical(v) for v in row).encode("utf-8"))
            digest.update(b"\x1e")
            rows += 1
    return TableDigest(rows, digest.hexdigest())


def sqlite_digest(conn: sqlite3.Connection) -> dict[str, TableDigest]:
    """Every table of an SQLite database, rows in rowid (or primary-key) order."""
    cursor = conn.cursor()
    names = [
        row[0]
        for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    found = {}
    for name in names:
        columns = cursor.execute(f'PRAGMA table_info("{name}")').fetchall()
        keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
        without_rowid = cursor.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
        order = keys if (keys and "WITHOUT ROWID" in without_rowid.upper()) else ["rowid"]
        found[name] = _digest_rows(cursor, name, order, lambda n: f'"{n}"')
    return found


def postgres_digest(cursor: Any) -> dict[str, TableDigest]:
    """Every table of the public schema, rows in primary-key order (all columns if none)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
            [f'public."{name}"'],
        )
        keys = [row[0] for row in cursor.fetchall()]
        if not keys:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [f'public."{name}"'],
            )
            keys = [row[0] for row in cursor.fetchall()]
        found[name] = _digest_rows(cursor, name, keys, lambda n: '"' + n.replace('"', '""') + '"')
    return found


def database_digest(alias: str = "default") -> dict[str, TableDigest]:
    """The digest of every table of a configured database, as it stands."""
    connection = connections[alias]
    engine = engine_of(connection)
    connection.ensure_connection()
    if engine == "sqlite":
        raw = connection.connection
        assert isinstance(raw, sqlite3.Connection)
        return sqlite_digest(raw)
    with connection.cursor() as cursor:
        return postgres_digest(cursor)


def compare(expected: Mapping[str, TableDigest], found: Mapping[str, TableDigest]) -> list[str]:
    """Name every table that differs: missing, extra, other row count, other rows."""
    problems = []
    for name in sorted(set(expected) | set(found)):
        want, have = expected.get(name), found.get(name)
        if want is None:
            problems.append(f"{name}: not in the backup")
        elif have is None:
            problems.append(f"{name}: missing after the restore")
        elif want.rows != have.rows:
            problems.append(f"{name}: {have.rows} rows instead of {want.rows}")
        elif want.sha256 != have.sha256:
            problems.append(f"{name}: the rows differ")
    return problems


# -- taking a backup -----------------------------------------------------------------------


def _audit_head(tables: Mapping[str, TableDigest], read: Any) -> tuple[int, str]:
    if "core_audithead" not in tables:
        return 0, ""
    row = read("SELECT seq, hash FROM core_audithead WHERE id = 1")
    return (int(row[0]), str(row[1])) if row else (0, "")


def _private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} exists already: choose another name.")
    path.touch(mode=0o600)


def take_backup(destination: Path, alias: str = "default") -> Manifest:
    """Copy the whole database to ``destination`` (0600) and write its manifest beside it."""
    connection = connections[alias]
    engine = engine_of(connection)
    destination = destination.resolve()
    _private_file(destination)
    try:
        if engine == "sqlite":
            manifest = _backup_sqlite(connection, destination)
        else:
            manifest = _backup_postgres(connection, destination)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    target = manifest_path(destination)
    target.write_text(manifest.as_json(), encoding="utf-8")
    target.chmod(0o600)
    return manifest


def _backup_sqlite(connection: BaseDatabaseWrapper, destination: Path) -> Manifest:
    connection.ensure_connection()
    source = connection.connection
    assert isinstance(source, sqlite3.Connection)
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)
        # One file, readable alone: no WAL beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The copy fails SQLite's integrity check: {verdict}")
        tables = sqlite_digest(copy)
        seq, head = _audit_head(tables, lambda sql: copy.execute(sql).fetchone())
    finally:
        copy.close()
    return Manifest(
        engine="sqlite",
        taken_at=timezone.now().isoformat(),
        file_sha256=file_sha256(destination),
        audit_seq=seq,
        audit_hash=head,
        tables=tables,
    )


def pg_tool(name: str) -> str:
    """The PostgreSQL client program: from POURPARLER_PG_BINDIR if set, else the PATH."""
    folder = os.environ.get("POURPARLER_PG_BINDIR")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(
            f"{name} not found: install the PostgreSQL client (apt-get install "
            "postgresql-client) or set POURPARLER_PG_BINDIR."
        )
    return found


def pg_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """libpq's variables for a database: the password never goes on a command line."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str], env: Mapping[str, str]) -> None:
    # Our own argument list (a program path and options), no shell.
    finished = subprocess.run(  # noqa: S603
        command, env=dict(env), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {finished.stderr.strip()}")


def _backup_postgres(connection: BaseDatabaseWrapper, destination: Path) -> Manifest:
    import psycopg

    settings = connection.settings_dict
    env = pg_environment(settings)
    # A connection of its own, so its snapshot is not the caller's transaction.
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
    ) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = row[0]
            tables = postgres_digest(cursor)

            def read(sql: str) -> Any:
                cursor.execute(sql)
                return cursor.fetchone()

            seq, head = _audit_head(tables, read)
            _run(
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={destination}",
                ],
                env,
            )
    return Manifest(
        engine="postgresql",
        taken_at=timezone.now().isoformat(),
        file_sha256=file_sha256(destination),
        audit_seq=seq,
        audit_hash=head,
        tables=tables,
    )


# -- restoring -----------------------------------------------------------------------------


@dataclass
class Restored:
    manifest: Manifest
    problems: list[str]

    @property
    def exact(self) -> bool:
        return not self.problems


def check_backup(backup: Path) -> Manifest:
    """Return the manifest of a backup whose file is whole (the SHA-256 it had when taken)."""
    if not backup.is_file():
        raise BackupError(f"No backup at {backup}.")
    manifest = Manifest.load(manifest_path(backup))
    if file_sha256(backup) != manifest.file_sha256:
        raise BackupError(f"{backup} is not the file its manifest describes (damaged?).")
    return manifest


def restore_sqlite(backup: Path, target: Path) -> Restored:
    """Load a backup into a new SQLite file ``target`` and compare it with the manifest."""
    manifest = check_backup(backup)
    if manifest.engine != "sqlite":
        raise BackupError(f"This is a {manifest.engine} backup; the database is SQLite.")
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} exists: move it aside first (nothing is overwritten).")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    loaded = sqlite3.connect(target)
    try:
        source.backup(loaded)
        loaded.execute("PRAGMA journal_mode=WAL")
        found = sqlite_digest(loaded)
    finally:
        source.close()
        loaded.close()
    target.chmod(0o600)
    return Restored(manifest, compare(manifest.tables, found))


@contextmanager
def _postgres(settings: Mapping[str, Any]) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    ) as conn:
        yield conn


def restore_postgres(backup: Path, settings: Mapping[str, Any]) -> Restored:
    """Load a backup into the empty PostgreSQL database ``settings`` names, then compare."""
    manifest = check_backup(backup)
    if manifest.engine != "postgresql":
        raise BackupError(f"This is a {manifest.engine} backup; the database is PostgreSQL.")
    with _postgres(settings) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        ).fetchone()[0]
    if tables:
        raise BackupError(
            f"The database {settings['NAME']} is not empty ({tables} tables): restore into a "
            "new database (createdb) and point DATABASE_URL at it (nothing is overwritten)."
        )
    _run(
        [
            pg_tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings['NAME']}",
            str(backup),
        ],
        pg_environment(settings),
    )
    with _postgres(settings) as conn, conn.cursor() as cursor:
        found = postgres_digest(cursor)
    return Restored(manifest, compare(manifest.tables, found))

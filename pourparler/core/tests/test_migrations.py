"""The migrations build exactly the schema the models describe, on both engines.

The suites make their test databases straight from the models (pytest-django's
``--no-migrations``, in pyproject.toml): applying every migration costs each worker about
fifteen seconds. What an operator runs is ``pourparler migrate``; these tests hold the two
together: no model change lacks its migration, and a database the migrations built has the
same tables, columns, indexes and constraints as the one the suite runs on.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from pourparler.testing.migrated import REPO, clean_environment

pytestmark = pytest.mark.django_db

UNNAMED = re.compile(r"fk_\d+|__unnamed_constraint_\d+__")


def schema(wrapper: BaseDatabaseWrapper) -> dict[str, Any]:
    """Every table with its columns (type, null) and its constraints and indexes."""
    described: dict[str, Any] = {}
    with wrapper.cursor() as cursor:
        introspection = wrapper.introspection
        for table in introspection.get_table_list(cursor):
            if table.type != "t":
                continue
            columns = {
                column.name: (column.type_code, column.null_ok)
                for column in introspection.get_table_description(cursor, table.name)
            }
            constraints: dict[str, Any] = {}
            unnamed: list[str] = []
            for name, detail in introspection.get_constraints(cursor, table.name).items():
                kept = {key: value for key, value in detail.items() if key != "definition"}
                if UNNAMED.fullmatch(name):
                    unnamed.append(repr(sorted(kept.items())))
                else:
                    constraints[name] = kept
            # SQLite numbers the constraints it has no name for in the order of the table's
            # text, which differs between a table made whole and one altered over time.
            constraints["(unnamed)"] = sorted(unnamed)
            described[table.name] = {"columns": columns, "constraints": constraints}
    described.pop("django_migrations", None)  # the migrations' own bookkeeping
    return described


# Django's own, not ours: on PostgreSQL the migrations of django.contrib.auth give the
# group-permission link table a bigint key (the project's DEFAULT_AUTO_FIELD reaches the
# link table through the migration state) where the models give an integer one.
DJANGO_OWN = {"auth_group_permissions columns id"}


def differences(migrated: dict[str, Any], modelled: dict[str, Any]) -> list[str]:
    found = [f"table {t} only in the migrated database" for t in migrated.keys() - modelled]
    found += [f"table {t} only in the models' database" for t in modelled.keys() - migrated]
    for table in sorted(migrated.keys() & modelled.keys()):
        for part in ("columns", "constraints"):
            mine, theirs = migrated[table][part], modelled[table][part]
            for name in sorted(mine.keys() | theirs.keys()):
                if (
                    mine.get(name) != theirs.get(name)
                    and f"{table} {part} {name}" not in DJANGO_OWN
                ):
                    found.append(f"{table} {part} {name}: {mine.get(name)} != {theirs.get(name)}")
    return found


def other_database(name: str) -> BaseDatabaseWrapper:
    """A connection like the suite's, to another database of the same server or file."""
    settings = {**connection.settings_dict, "NAME": name}
    # Named like the suite's connection: Django looks its alias up while it executes.
    wrapper: BaseDatabaseWrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(
        settings, alias=connection.alias
    )
    return wrapper


def test_no_model_change_lacks_its_migration() -> None:
    """``makemigrations --check`` in a process of its own (this one runs without them)."""
    done = subprocess.run(
        [sys.executable, "-m", "pourparler.cli", "makemigrations", "--check", "--dry-run"],
        env=clean_environment(POURPARLER_LOG_LEVEL="WARNING"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes detected" in done.stdout


@pytest.mark.own_database
def test_the_migrations_build_the_models_schema_on_sqlite(
    tmp_path: Path, migrated_database: Callable[[Path], Path]
) -> None:
    assert connection.vendor == "sqlite"
    migrated = other_database(str(migrated_database(tmp_path / "migrated.sqlite3")))
    try:
        built, modelled = schema(migrated), schema(connection)
    finally:
        migrated.close()
    assert len(built) > 100  # the comparison sees the whole schema, not an empty file
    assert differences(built, modelled) == []


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A new, empty database on the suite's PostgreSQL server; dropped afterwards."""
    name = f"migrated_{uuid.uuid4().hex[:12]}"
    params = connection.settings_dict
    server = {
        "host": params["HOST"],
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres_only
def test_the_migrations_build_the_models_schema_on_postgresql(postgres_database: str) -> None:
    assert connection.vendor == "postgresql"
    params = connection.settings_dict
    url = (
        f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{postgres_database}"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pourparler.cli", "migrate", "--noinput", "-v", "0"],
        env=clean_environment(POURPARLER_LOG_LEVEL="WARNING", DATABASE_URL=url),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    migrated = other_database(postgres_database)
    try:
        built, modelled = schema(migrated), schema(connection)
    finally:
        migrated.close()
    assert len(built) > 100
    assert differences(built, modelled) == []

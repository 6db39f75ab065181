"""PostgreSQL through psycopg's pool, as a production server is configured (settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from pourparler.settings import pool_options


def test_the_pool_is_sized_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pool_options() == {"min_size": 1, "max_size": 2, "timeout": 10}
    monkeypatch.setenv("POURPARLER_DB_POOL_MAX", "6")
    monkeypatch.setenv("POURPARLER_DB_POOL_MIN", "3")
    assert pool_options() == {"min_size": 3, "max_size": 6, "timeout": 10}


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_requests_reuse_the_pooled_server_connections() -> None:
    """Ten requests' worth of connect / query / close use the pool's few server sessions."""
    settings = dict(connection.settings_dict)
    plain = DatabaseWrapper(dict(settings), alias="plain-test")
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "pool": pool_options()}
    pooled = DatabaseWrapper(settings, alias="pool-test")
    try:
        assert len(_sessions(plain)) == 10  # without the pool: one server session each
        assert 1 <= len(_sessions(pooled)) <= pool_options()["max_size"]
        assert pooled.pool is not None
        stats = pooled.pool.get_stats()
        assert stats["requests_num"] == 10
        assert stats["connections_num"] <= pool_options()["max_size"]
    finally:
        pooled.close_pool()


def _sessions(database: DatabaseWrapper) -> set[int]:
    """Connect, ask the server which session answers, close: ten times, as ten requests."""
    sessions = set()
    for _ in range(10):
        database.connect()
        with database.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            sessions.add(cursor.fetchone()[0])
        database.close()  # pooled: back to the pool, still open on the server
    return sessions

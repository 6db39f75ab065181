"""The database floor: hand-written SQL for the rows each endpoint shows, issued directly
through the driver (``sqlite3`` or ``psycopg`` cursor), no ORM, no decryption.

The statements read what the framework floor reads (live records of the delegate's
compartment, the restriction flag off), with the indexes the schema has. ``%s`` is the
placeholder in both engines' text here; SQLite's ``?`` is put in by ``Driver.rows``.
Every piece of SQL text is a constant of this module (table and column names, the
placeholders' count); every value is a parameter, hence S608 is silenced file-wide.
"""

# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection

from pourparler.search.backends import PG_VECTOR, SQLITE_MATCH, match_condition
from pourparler.search.query import terms_for

PAGE = 50
SHOWN = 20


class Driver:
    """The driver's own connection under Django's, and the engine's small differences."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw: Any = connection.connection

    def id(self, value: uuid.UUID) -> Any:
        """A UUID as the engine stores it (SQLite: 32 hex digits; PostgreSQL: uuid)."""
        return value.hex if self.vendor == "sqlite" else value

    def ids(self, values: Sequence[Any]) -> list[Any]:
        return [self.id(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))) for v in values]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def replay(self, statements: Sequence[str]) -> int:
        """Run SQL text as captured from a request (reads only); return the rows read."""
        read = 0
        for sql in statements:
            cursor = self.raw.cursor()
            try:
                cursor.execute(sql)
                read += len(cursor.fetchall())
            finally:
                cursor.close()
        return read

    def match(self, words: str, compartment: uuid.UUID) -> tuple[str, list[Any]]:
        """The index condition on ``search_searchentry`` for the words (see search.backends)."""
        sql, params = match_condition(self.vendor, terms_for(words, [None, compartment]))
        if self.vendor == "sqlite":
            assert sql == SQLITE_MATCH
            return f"e.id IN ({SQLITE_MATCH})", params
        return sql.replace(
            PG_VECTOR, PG_VECTOR.replace("plain", "e.plain").replace("blind", "e.blind")
        ), params


def marks(n: int) -> str:
    return "(" + ",".join(["%s"] * n) + ")"


LIVE = "{t}.deleted_at IS NULL AND NOT {t}.restricted"


def bearer_profile(db: Driver, compartment: uuid.UUID, pk: uuid.UUID) -> int:
    b, c = db.id(pk), db.id(compartment)
    read = db.rows(
        "SELECT id, name, kind, description, structure, leadership FROM bearers_weaponbearer b "
        f"WHERE b.id = %s AND {LIVE.format(t='b')}",
        [b],
    )
    read += db.rows(
        "SELECT name, kind, language FROM bearers_bearername n "
        f"WHERE n.bearer_id = %s AND {LIVE.format(t='n')}",
        [b],
    )
    read += db.rows(
        "SELECT id, name, parent_id, echelon FROM bearers_unit u "
        f"WHERE u.bearer_id = %s AND {LIVE.format(t='u')} ORDER BY name",
        [b],
    )
    read += db.rows(
        "SELECT p.id, p.full_name, pos.rank, pos.level FROM people_position pos "
        "JOIN people_person p ON p.id = pos.person_id "
        f"WHERE pos.bearer_id = %s AND pos.ends_on IS NULL AND {LIVE.format(t='pos')} "
        f"AND {LIVE.format(t='p')} ORDER BY p.created_at",
        [b],
    )
    read += db.rows(
        "SELECT r.kind, s.name, o.name FROM bearers_bearerrelation r "
        "JOIN bearers_weaponbearer s ON s.id = r.subject_id "
        "JOIN bearers_weaponbearer o ON o.id = r.other_id "
        f"WHERE (r.subject_id = %s OR r.other_id = %s) AND {LIVE.format(t='r')}",
        [b, b],
    )
    read += db.rows(
        "SELECT i.level, max(i.occurred_at) FROM dialogue_interaction i "
        "JOIN dialogue_interaction_bearers ib ON ib.interaction_id = i.id "
        f"WHERE ib.weaponbearer_id = %s AND i.compartment_id = %s AND {LIVE.format(t='i')} "
        "GROUP BY i.level",
        [b, c],
    )
    read += db.rows(
        "SELECT i.id, i.occurred_at, i.kind, i.summary FROM dialogue_interaction i "
        "JOIN dialogue_interaction_bearers ib ON ib.interaction_id = i.id "
        f"WHERE ib.weaponbearer_id = %s AND i.compartment_id = %s AND {LIVE.format(t='i')} "
        "ORDER BY i.occurred_at DESC LIMIT 30",
        [b, c],
    )
    return len(read)


def bearer_list(db: Driver, kind: str, country: str) -> int:
    if not country:
        return len(
            db.rows(
                "SELECT b.id, b.name, b.kind FROM bearers_weaponbearer b "
                f"WHERE b.kind = %s AND {LIVE.format(t='b')} ORDER BY b.name LIMIT %s",
                [kind, PAGE + 1],
            )
        )
    return len(
        db.rows(
            "SELECT DISTINCT b.id, b.name, b.kind FROM bearers_weaponbearer b "
            "JOIN bearers_weaponbearer_countries bc ON bc.weaponbearer_id = b.id "
            "JOIN geo_country g ON g.id = bc.country_id "
            f"WHERE b.kind = %s AND g.iso2 = %s AND {LIVE.format(t='b')} "
            "ORDER BY b.name LIMIT %s",
            [kind, country, PAGE + 1],
        )
    )


def _bearer_names(db: Driver, ids: list[Any]) -> list[tuple[Any, ...]]:
    if not ids:
        return []
    return db.rows(
        "SELECT ib.interaction_id, b.name FROM dialogue_interaction_bearers ib "
        "JOIN bearers_weaponbearer b ON b.id = ib.weaponbearer_id "
        f"WHERE ib.interaction_id IN {marks(len(ids))}",
        ids,
    )


def interaction_list(db: Driver, compartment: uuid.UUID, page: int) -> int:
    rows = db.rows(
        "SELECT i.id, i.occurred_at, i.kind, i.level, i.place_name, i.summary "
        f"FROM dialogue_interaction i WHERE i.compartment_id = %s AND {LIVE.format(t='i')} "
        "ORDER BY i.occurred_at DESC LIMIT %s OFFSET %s",
        [db.id(compartment), PAGE + 1, (page - 1) * PAGE],
    )
    _bearer_names(db, [r[0] for r in rows])
    return len(rows)


def person_search(db: Driver, compartment: uuid.UUID, words: str, content_type: int) -> int:
    condition, params = db.match(words, compartment)
    return len(
        db.rows(
            "SELECT p.id, p.full_name FROM people_person p "
            f"WHERE p.compartment_id = %s AND {LIVE.format(t='p')} AND p.id IN "
            f"(SELECT e.object_id FROM search_searchentry e WHERE e.content_type_id = %s "
            f"AND {condition}) ORDER BY p.created_at, p.id LIMIT %s",
            [db.id(compartment), content_type, *params, PAGE + 1],
        )
    )


def search(db: Driver, compartment: uuid.UUID, words: str, content_types: dict[str, int]) -> int:
    condition, params = db.match(words, compartment)
    c = db.id(compartment)
    found = 0
    for key, table, shown, order, own in (
        ("bearers", "bearers_weaponbearer", "name", "x.name", False),
        ("people", "people_person", "full_name", "x.created_at, x.id", True),
        ("interactions", "dialogue_interaction", "summary", "x.occurred_at DESC, x.id", True),
        ("concerns", "concerns_concern", "summary", "x.opened_on DESC, x.id", True),
    ):
        where = "x.compartment_id = %s AND " if own else ""
        found += len(
            db.rows(
                f"SELECT x.id, x.{shown} FROM {table} x WHERE {where}{LIVE.format(t='x')} "
                "AND x.id IN (SELECT e.object_id FROM search_searchentry e "
                f"WHERE e.content_type_id = %s AND {condition}) ORDER BY {order} LIMIT %s",
                [*([c] if own else []), content_types[key], *params, SHOWN + 1],
            )
        )
    return found


_API_COLUMNS = (
    "i.id, i.version, i.compartment_id, i.kind, i.occurred_at, i.level, i.place_name, "
    "i.latitude, i.longitude, i.admin_area_id, i.situation, i.legal_framework, "
    "i.confidentiality, i.summary, i.notes, i.outcomes"
)
_LINKS = (
    ("dialogue_interaction_bearers", "weaponbearer_id"),
    ("dialogue_interaction_their_participants", "person_id"),
    ("dialogue_interaction_our_participants", "user_id"),
    ("dialogue_interaction_topics", "topic_id"),
)


def _links(db: Driver, ids: list[Any]) -> None:
    for table, column in _LINKS:
        db.rows(
            f"SELECT interaction_id, {column} FROM {table} WHERE interaction_id IN "
            f"{marks(len(ids))}",
            ids,
        )


def api_list(db: Driver, compartment: uuid.UUID, offset: int) -> int:
    rows = db.rows(
        f"SELECT {_API_COLUMNS} FROM dialogue_interaction i "
        f"WHERE i.compartment_id = %s AND {LIVE.format(t='i')} "
        "ORDER BY i.occurred_at DESC, i.id DESC LIMIT %s OFFSET %s",
        [db.id(compartment), PAGE + 1, offset],
    )
    if rows:
        _links(db, [r[0] for r in rows])
    return len(rows)


def api_detail(db: Driver, compartment: uuid.UUID, pk: uuid.UUID) -> int:
    rows = db.rows(
        f"SELECT {_API_COLUMNS} FROM dialogue_interaction i "
        f"WHERE i.id = %s AND i.compartment_id = %s AND {LIVE.format(t='i')}",
        [db.id(pk), db.id(compartment)],
    )
    if rows:
        _links(db, [rows[0][0]])
    return len(rows)

"""What each engine needs for full-text search, and the one condition a search adds.

- SQLite: an FTS5 table over the entries (external content, kept in step by triggers, so
  every write path is covered), tokenizer ``unicode61 remove_diacritics 2``.
- PostgreSQL: the ``unaccent`` extension, an immutable wrapper around it, and a GIN index
  on ``setweight(to_tsvector('simple', unaccent(plain)), 'A') || setweight(to_tsvector(
  'simple', blind), 'B')``: weight A marks plaintext words, B blind tokens, so a word of
  the query is looked for as a plaintext prefix or as one of its blind tokens.

Both are made after every ``migrate`` (post_migrate), so a database built from the models
(the tests) has them exactly as a migrated one.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

FTS_TABLE = "search_fts"

# The names are written out (no string building): search_fts over search_searchentry.
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(plain, blind, "
    "content='search_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, plain, blind) VALUES (new.id, new.plain, new.blind); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, plain, blind) "
    "VALUES ('delete', old.id, old.plain, old.blind); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, plain, blind) "
    "VALUES ('delete', old.id, old.plain, old.blind); "
    "INSERT INTO search_fts(rowid, plain, blind) VALUES (new.id, new.plain, new.blind); END",
]
SQLITE_REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"
# The ids of the matching entries (a subquery: Django names the entries' table itself).
SQLITE_MATCH = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"

PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, pourparler_unaccent(plain)), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, blind), 'B'))"
)
PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); an index needs IMMUTABLE.
    "CREATE OR REPLACE FUNCTION pourparler_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX IF NOT EXISTS search_entry_fts ON search_searchentry USING gin ("
    + PG_VECTOR
    + ")",
]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the engine's full-text objects if they are missing (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s",
                [FTS_TABLE],
            )
            existed = cursor.fetchone()[0] > 0
            for statement in SQLITE_DDL:
                cursor.execute(statement)
            if not existed:
                # Entries written before the index existed are indexed once.
                cursor.execute(SQLITE_REBUILD)
        elif connection.vendor == "postgresql":
            for statement in PG_DDL:
                cursor.execute(statement)


def _fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _tsquery_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def match_condition(vendor: str, terms: list[tuple[list[str], list[str]]]) -> tuple[str, list[Any]]:
    """The SQL that finds the entries of a query (SQLite: their ids; PostgreSQL: a
    condition on the entry), every term matching.

    A term is (plaintext parts, blind tokens): it matches an entry whose plaintext has
    words beginning with every part, or whose blind tokens hold one of the tokens.
    """
    if vendor == "sqlite":
        clauses = []
        for parts, tokens in terms:
            options = []
            if parts:
                options.append(
                    "(" + " AND ".join(f"plain : {_fts5_phrase(p)} *" for p in parts) + ")"
                )
            options += [f"blind : {_fts5_phrase(t)}" for t in tokens]
            clauses.append("(" + " OR ".join(options) + ")")
        expression = " AND ".join(clauses)
        return SQLITE_MATCH, [expression]
    clauses = []
    for parts, tokens in terms:
        options = []
        if parts:
            options.append("(" + " & ".join(f"{_tsquery_lexeme(p)}:*A" for p in parts) + ")")
        options += [f"{_tsquery_lexeme(t)}:B" for t in tokens]
        clauses.append("(" + " | ".join(options) + ")")
    return PG_VECTOR + " @@ to_tsquery('simple'::regconfig, %s)", [" & ".join(clauses)]

"""Bulk writes for the generator: rows straight to the driver, a transaction per chunk.

On SQLite the rows go through ``executemany`` on a prepared INSERT; on PostgreSQL
through ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``). Values are converted once
to what Django itself would store (UUIDs as 32 hex digits on SQLite, times in UTC,
JSON as text), encrypted fields are sealed exactly as ``EncryptedTextField.pre_save``
does (AES-256-GCM under the compartment's data key, AAD naming model, field and row),
and every index, unique and foreign-key constraint stays in force during the load.
"""

from __future__ import annotations

import datetime
import decimal
import json
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin
from tqdm import tqdm

from pourparler.core import crypto
from pourparler.core.fields import EncryptedTextField

Row = dict[str, Any]
_T = TypeVar("_T")
# Default values that are callables yet deterministic (a fresh empty list or dict).
_PURE_DEFAULTS = (list, dict)


@dataclass
class TableFigure:
    """How many rows went into one table and how long it took."""

    table: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Rows per second."""
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Column:
    attname: str
    column: str
    default: Any
    required: bool
    convert: Callable[[Any], Any] | None
    encrypted: bool


def _sqlite_converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind == "UUIDField" or (field.is_relation and _target_is_uuid(field)):
        return lambda v: None if v is None else v.hex
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "DecimalField":
        places = field.decimal_places  # type: ignore[attr-defined]
        return lambda v: None if v is None else f"{decimal.Decimal(v):.{places}f}"
    if kind == "JSONField":
        return _json
    if kind == "BooleanField":
        return lambda v: None if v is None else int(bool(v))
    return None


def _postgres_converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if kind in ("CharField", "TextField", "SlugField"):
        # Choice members are str *and* Enum: hand the driver their plain text value.
        return lambda v: v if v is None or type(v) is str else str(v)
    return None


def _target_is_uuid(field: models.Field[Any, Any]) -> bool:
    target = field.target_field  # type: ignore[attr-defined]
    return bool(target.get_internal_type() == "UUIDField")


def _sqlite_datetime(value: datetime.datetime | None) -> str | None:
    """Return the text Django stores on SQLite: naive UTC, ``str()`` of the datetime
    (``YYYY-MM-DD HH:MM:SS[.ffffff]``)."""
    if value is None:
        return None
    if value.tzinfo is not datetime.UTC:
        value = value.astimezone(datetime.UTC)
    return value.isoformat(" ")[:-6]  # drop "+00:00"


class RawJSON(str):
    """JSON text already serialised by the caller (written as it is)."""

    __slots__ = ()


def _json(value: Any) -> str | None:
    if value is None or isinstance(value, RawJSON):
        return value
    return json.dumps(value, cls=DjangoJSONEncoder)


class BulkWriter:
    """Write rows of one model at a time, in chunks, each chunk in its own transaction."""

    def __init__(
        self,
        *,
        chunk: int = 20_000,
        progress: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.chunk = chunk
        self.progress = progress
        self.stream = stream or sys.stderr
        self.vendor = connection.vendor
        self.figures: dict[str, TableFigure] = {}
        self._keys: dict[uuid.UUID | None, crypto.DataKeyHandle] = {}
        self._saved_pragmas: dict[str, Any] = {}
        self.index_seconds = 0.0
        self._converters: dict[type[models.Model], Callable[[Row], tuple[Any, ...]]] = {}

    # -- the load as a whole -----------------------------------------------------------

    def __enter__(self) -> BulkWriter:
        if self.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for pragma, value in (("synchronous", "OFF"), ("cache_size", "-131072")):
                    cursor.execute(f"PRAGMA {pragma}")
                    self._saved_pragmas[pragma] = cursor.fetchone()[0]
                    cursor.execute(f"PRAGMA {pragma} = {value}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved_pragmas:
            with connection.cursor() as cursor:
                for pragma, value in self._saved_pragmas.items():
                    cursor.execute(f"PRAGMA {pragma} = {int(value)}")
                if exc[0] is None:
                    cursor.execute("PRAGMA optimize")
            self._saved_pragmas.clear()

    @contextmanager
    def deferred_indexes(self, models_: Iterable[type[models.Model]]) -> Iterator[None]:
        """Drop the plain (non-unique) secondary indexes of these tables during the load
        and build them again at the end, whatever happens: one sorted build is much
        cheaper than millions of random inserts into each index. Unique indexes, primary
        keys and foreign keys stay in force throughout."""
        tables: list[str] = []
        for model in models_:
            tables.append(model._meta.db_table)
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                if through is not None and through._meta.auto_created:
                    tables.append(through._meta.db_table)
        saved: list[tuple[str, str]] = []
        with connection.cursor() as cursor:
            for table in tables:
                if self.vendor == "sqlite":
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = %s AND sql IS NOT NULL",
                        [table],
                    )
                else:
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                        [table],
                    )
                for name, sql in cursor.fetchall():
                    if "UNIQUE" in sql.upper().split(" ON ")[0]:
                        continue
                    saved.append((name, sql))
            for name, _sql in saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        try:
            yield
        finally:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                # Inside an outer transaction (the tests) PostgreSQL refuses to build an
                # index on a table with foreign-key checks still pending: run them first.
                pending = self.vendor == "postgresql" and connection.in_atomic_block
                if pending:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for _name, sql in saved:
                    cursor.execute(sql)
                if pending:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.index_seconds += time.perf_counter() - started

    # -- one model -------------------------------------------------------------------------

    def columns(self, model: type[models.Model]) -> list[_Column]:
        """The columns a row of ``model`` fills, in table order (auto ids left to the database)."""
        convert = _sqlite_converter if self.vendor == "sqlite" else _postgres_converter
        columns = []
        for f in model._meta.concrete_fields:
            if isinstance(f, AutoFieldMixin):
                continue
            required = False
            default: Any = None
            if f.has_default():
                if callable(f.default) and f.default not in _PURE_DEFAULTS:
                    required = True
                else:
                    default = f.get_default()
            elif not f.null:
                default = f.get_default()
                required = default is None
            columns.append(
                _Column(
                    f.attname,
                    f.column or f.attname,
                    default,
                    required,
                    convert(f),
                    isinstance(f, EncryptedTextField),
                )
            )
        return columns

    def write(
        self,
        model: type[models.Model],
        rows: Iterable[Row],
        *,
        total: int | None = None,
        label: str | None = None,
    ) -> int:
        """Insert every row (a dict by attribute name); return how many were written."""
        label = label or model._meta.db_table
        figure = self.figures.setdefault(label, TableFigure(label))
        columns = self.columns(model)
        convert = self.converter(model)
        bar = self._bar(label, total)
        written = 0
        try:
            for batch in _chunks(rows, self.chunk):
                started = time.perf_counter()
                values = [convert(row) for row in batch]
                figure.seconds += time.perf_counter() - started
                self._store(model, columns, values, figure)
                figure.rows += len(values)
                written += len(values)
                bar.update(len(values))
        finally:
            bar.close()
        return written

    def write_tuples(
        self,
        model: type[models.Model],
        attnames: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        *,
        total: int | None = None,
    ) -> int:
        """Insert rows already converted to column values, in the order of ``attnames``
        (the fast path for the largest tables; the caller does what ``converter`` would)."""
        known = {c.attname: c for c in self.columns(model)}
        missing = [c for c in known if c not in attnames and known[c].required]
        unknown = [a for a in attnames if a not in known]
        if missing or unknown:
            raise ValueError(f"{model._meta.label}: columns missing {missing}, unknown {unknown}")
        columns = [known[a] for a in attnames]
        label = model._meta.db_table
        figure = self.figures.setdefault(label, TableFigure(label))
        bar = self._bar(label, total)
        written = 0
        try:
            for batch in _chunks(rows, self.chunk):
                self._store(model, columns, batch, figure)
                figure.rows += len(batch)
                written += len(batch)
                bar.update(len(batch))
        finally:
            bar.close()
        return written

    def _bar(self, label: str, total: int | None) -> tqdm[Any]:
        return tqdm(
            total=total,
            desc=f"{label:<40}",
            unit=" rows",
            unit_scale=True,
            file=self.stream,
            disable=not self.progress,
            leave=True,
            mininterval=0.5,
        )

    def converter(self, model: type[models.Model]) -> Callable[[Row], tuple[Any, ...]]:
        """Compile, once per model, a function turning a row dict into the column tuple.

        Generated code (one tuple expression) instead of a loop over the columns: the
        load spends its time in the driver, not in per-column Python.
        """
        cached = self._converters.get(model)
        if cached is not None:
            return cached
        columns = self.columns(model)
        env: dict[str, Any] = {"_seal": self._seal, "_label": model._meta.label}
        parts = []
        for n, col in enumerate(columns):
            env[f"_d{n}"] = col.default
            value = f"row[{col.attname!r}]" if col.required else f"row.get({col.attname!r}, _d{n})"
            if col.encrypted:
                value = f"_seal(_label, {col.attname!r}, row, {value})"
            elif col.convert is not None:
                env[f"_c{n}"] = col.convert
                value = f"_c{n}({value})"
            parts.append(value)
        source = "def convert(row):\n    return (" + ", ".join(parts) + ",)\n"
        exec(compile(source, f"<bulk {model._meta.label}>", "exec"), env)  # noqa: S102
        convert: Callable[[Row], tuple[Any, ...]] = env["convert"]
        self._converters[model] = convert
        return convert

    def _seal(self, label: str, field: str, row: Row, value: Any) -> Any:
        """Encrypt one value as ``EncryptedTextField.pre_save`` would (empty stays empty)."""
        if value is None or value == "":
            return value
        aad = crypto.record_aad(label, field, row["id"])
        return str(crypto.encrypt(str(value), aad=aad, key=self._key(row)))

    def _key(self, row: Row) -> crypto.DataKeyHandle:
        compartment = row.get("compartment_id")
        key = self._keys.get(compartment)
        if key is None:
            with transaction.atomic():
                key = self._keys[compartment] = crypto.current_data_key(compartment)
        return key

    def _store(
        self,
        model: type[models.Model],
        columns: list[_Column],
        values: list[tuple[Any, ...]],
        figure: TableFigure,
    ) -> None:
        """Store one batch in a transaction of its own."""
        started = time.perf_counter()
        with transaction.atomic():
            self._insert(model, columns, values)
        figure.seconds += time.perf_counter() - started

    def _insert_sql(self, model: type[models.Model], columns: list[_Column]) -> str:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(c.column) for c in columns)
        # Table and column names come from the models, quoted; values are parameters.
        marks = ", ".join("?" if self.vendor == "sqlite" else "%s" for _ in columns)
        return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    def _insert(
        self, model: type[models.Model], columns: list[_Column], values: list[tuple[Any, ...]]
    ) -> None:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(c.column) for c in columns)
        if self.vendor == "postgresql":
            raw = connection.connection
            assert raw is not None
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for value in values:
                    copy.write_row(value)
            return
        raw = connection.connection
        assert raw is not None
        raw.executemany(self._insert_sql(model, columns), values)


def _chunks(rows: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Figures:
    """The figures of a whole run, for the summary the command prints."""

    tables: list[TableFigure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows written in all."""
        return sum(t.rows for t in self.tables)

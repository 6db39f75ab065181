"""Reading the files the field sends: CSV in whatever encoding, XLSX, JSON, HXL.

``read_table`` turns a file into a ``Table``: one header per column (blank header cells
become ``column_N``, a repeated header ``name_2``), the HXL hashtags when a hashtag row
follows the header, and the rows with their line numbers (the header is line 1, as a
spreadsheet shows it). Nothing here writes anything.

Problems in a row are collected as ``RowError`` (file, row, column, problem) by the
importers; ``ImportRefused`` carries all of them at once, before anything is written.
A ``Problem`` keeps its English sentence and the values put in it apart, so the report
stored with the run is shown in the language of whoever reads it, later.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import importlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import charset_normalizer
from django.utils.translation import gettext, gettext_noop

from pourparler.concerns.models import start_of_period
from pourparler.core.choices import DatePrecision

# Cells that mean "nothing here" in the files we receive.
NULLS = frozenset({"", "n/a", "na", "<null>", "null", "none", "-", "nan", "#n/a"})

# The field's files arrive in Windows code pages; when several single-byte encodings
# read a file the same way, this is the one we name.
PREFERRED_LEGACY = "cp1252"

_HASHTAG = re.compile(r"^\s*#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*\s*$")


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


@dataclass(frozen=True)
class Problem:
    """A sentence for a person: its English template (a message id) and its values.

    ``str()`` gives the English sentence (command line, logs); ``shown()`` the sentence in
    the active language. Templates are marked with ``gettext_noop`` where they are written.
    """

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % self.values if self.values else self.template

    def shown(self) -> str:
        """Return the sentence in the active language."""
        translated = gettext(self.template)
        return translated % self.values if self.values else translated

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as JSON-ready data: English text, template and values."""
        values = {key: _plain(value) for key, value in self.values.items()}
        return {"text": str(self), "template": self.template, "values": values}

    @classmethod
    def of(cls, value: Problem | str | BaseException) -> Problem:
        """Return a problem from a problem, a plain sentence or the exception that carries it."""
        if isinstance(value, BaseException):
            carried = value.args[0] if value.args else ""
            return carried if isinstance(carried, Problem) else cls(str(value))
        return value if isinstance(value, Problem) else cls(value)


def problem(template: str, **values: Any) -> Problem:
    """Return a problem; write ``problem(gettext_noop("... %(name)s ..."), name=...)``."""
    return Problem(template, values)


def shown(stored: Any) -> str:
    """Return a problem kept in a run's report (a dict, or older plain text) for the reader."""
    if isinstance(stored, Mapping) and "template" in stored:
        return Problem(str(stored["template"]), dict(stored.get("values") or {})).shown()
    if isinstance(stored, Mapping):
        return str(stored.get("reason") or stored.get("text") or "")
    return str(stored)


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or one row, when ``column`` is empty)."""

    file: str
    row: int
    column: str
    problem: Problem

    def __post_init__(self) -> None:
        object.__setattr__(self, "problem", Problem.of(self.problem))

    @property
    def reason(self) -> str:
        """The problem in English."""
        return str(self.problem)

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """Return the error as JSON-ready data (the English reason, and how to translate it)."""
        found = self.problem.as_dict()
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "reason": found["text"],
            "template": found["template"],
            "values": found["values"],
        }


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first}{more}" if first else "The file was refused.")


@dataclass
class Row:
    """One data row: its line in the file and its cells by (normalised) header."""

    number: int
    values: dict[str, str]

    def get(self, column: str | None) -> str:
        """Return a cell, stripped; empty for a missing column."""
        if not column:
            return ""
        return (self.values.get(column) or "").strip()


@dataclass
class Table:
    """A file read into rows, with its headers, HXL hashtags and encoding."""

    file_name: str
    encoding: str
    headers: list[str]
    original_headers: list[str]
    hxl: list[str] | None
    rows: list[Row] = field(default_factory=list)

    def column_for_tag(self, pattern: str) -> str | None:
        """Return the first column whose HXL hashtag matches ``pattern`` (``#group+name``).

        A column matches when it has the same hashtag and at least the pattern's
        attributes, as HXL's own tag patterns do; the closest match wins, then the first.
        """
        if not self.hxl:
            return None
        want_tag, *want_attrs = normalise_hashtag(pattern).split("+")
        found: list[tuple[int, int, str]] = []
        for position, (header, tag) in enumerate(zip(self.headers, self.hxl, strict=True)):
            if not tag:
                continue
            have_tag, *have_attrs = tag.split("+")
            if have_tag == want_tag and set(want_attrs) <= set(have_attrs):
                # The fewest attributes beyond the pattern's wins: #population is the
                # figure, not #population+group.
                found.append((len(set(have_attrs) - set(want_attrs)), position, header))
        return min(found)[2] if found else None

    def has(self, column: str) -> bool:
        """Say whether the table has a column of that (normalised) name."""
        return column in self.headers


# --------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """Name the encoding a file's bytes are in.

    A byte-order mark decides; then strict UTF-8; then charset-normalizer's best guess,
    except that Windows-1252 is named whenever it reads the file as well as the guess
    (charset-normalizer cannot tell single-byte Western code pages apart on short
    files and would name cp1250 for a French census table).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = charset_normalizer.from_bytes(data).best()
    try:
        data.decode(PREFERRED_LEGACY)
    except UnicodeDecodeError:
        legacy_reads = False
    else:
        legacy_reads = True
    if best is None:
        if legacy_reads:
            return PREFERRED_LEGACY
        raise ImportRefused(
            [RowError("", 0, "", problem(gettext_noop("The file's text encoding cannot be told.")))]
        )
    if legacy_reads and PREFERRED_LEGACY in best.could_be_from_charset:
        return PREFERRED_LEGACY
    if legacy_reads:
        legacy = charset_normalizer.from_bytes(data, cp_isolation=[PREFERRED_LEGACY]).best()
        if legacy is not None and legacy.chaos <= best.chaos + 0.05:
            return PREFERRED_LEGACY
    return str(best.encoding)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return the file's text and the encoding it was read with."""
    encoding = encoding or detect_encoding(data)
    text = data.decode(encoding)
    return text.lstrip("\ufeff"), encoding


# --------------------------------------------------------------------------------------
# Headers and HXL
# --------------------------------------------------------------------------------------


def normalise_headers(cells: Sequence[Any]) -> list[str]:
    """Name every column: blank cells become ``column_N``, repeats ``name_2``, ``name_3``."""
    names: list[str] = []
    taken: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split())
        if not name:
            name = f"column_{position}"
        base, count = name, 1
        while name in taken:
            count += 1
            name = f"{base}_{count}"
        taken.add(name)
        names.append(name)
    return names


def normalise_hashtag(cell: str) -> str:
    """Write a hashtag the one way: lower case, no spaces (``#adm1 +Name`` → ``#adm1+name``)."""
    return "".join(cell.split()).lower()


def is_hashtag_row(cells: Sequence[Any]) -> bool:
    """Say whether a row is an HXL hashtag row: every filled cell a hashtag, at least one."""
    filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return bool(filled) and all(_HASHTAG.match(c) for c in filled)


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _delimiter(text: str) -> str:
    """Pick the delimiter from the header line: the one of , ; tab | it holds most of.

    csv.Sniffer guesses from the whole sample and gives up on real files whose rows do
    not all agree; the header line is what a person would look at.
    """
    header = next(csv.reader(io.StringIO(text[:65536], newline="")), [""])
    line = ",".join(header) if len(header) > 1 else (header[0] if header else "")
    counts = {d: line.count(d) for d in (";", "\t", "|")}
    counts[","] = len(header) - 1 if len(header) > 1 else 0
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _csv_rows(text: str) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    # openpyxl ships no type stubs; imported by name it is simply untyped.
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def _json_rows(text: str, file_name: str) -> Iterator[list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                RowError(
                    file_name,
                    error.lineno,
                    "",
                    problem(gettext_noop("Not valid JSON: %(error)s."), error=error.msg),
                )
            ]
        ) from None
    if isinstance(data, dict):
        # {"data": [...]} as many APIs answer, or the first list in the object.
        lists = [v for v in data.values() if isinstance(v, list)]
        data = data.get("data", lists[0] if lists else [])
    if not isinstance(data, list):
        raise ImportRefused(
            [RowError(file_name, 1, "", problem(gettext_noop("Expected a list of rows.")))]
        )
    if data and all(isinstance(item, list) for item in data):
        # HXL JSON and similar: arrays of arrays, the first the header.
        for item in data:
            yield [_cell_text(v) for v in item]
        return
    headers: list[str] = []
    for item in data:
        if isinstance(item, dict):
            for key in item:
                if key not in headers:
                    headers.append(key)
    yield headers
    for item in data:
        if not isinstance(item, dict):
            yield [_cell_text(item)]
            continue
        yield [_cell_text(_flat(item.get(key))) for key in headers]


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(_cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def file_format(file_name: str) -> str:
    """Tell the format from the file name: csv, xlsx or json."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".json", ".geojson"}:
        return "json"
    return "csv"


def read_table(data: bytes, file_name: str, *, encoding: str | None = None) -> Table:
    """Read a CSV, XLSX or JSON file into a table with normalised headers and HXL tags."""
    fmt = file_format(file_name)
    used = "binary (xlsx)"
    if fmt == "xlsx":
        try:
            raw_rows: Iterable[list[str]] = list(_xlsx_rows(data))
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise ImportRefused(
                [
                    RowError(
                        file_name,
                        0,
                        "",
                        problem(
                            gettext_noop("Not a readable XLSX workbook (%(error)s)."),
                            error=str(error),
                        ),
                    )
                ]
            ) from None
    else:
        text, used = decode(data, encoding)
        raw_rows = _json_rows(text, file_name) if fmt == "json" else _csv_rows(text)
    rows_iter = iter(raw_rows)
    header_cells = next(rows_iter, None)
    if header_cells is None:
        raise ImportRefused(
            [RowError(file_name, 1, "", problem(gettext_noop("The file is empty.")))]
        )
    line = 1
    hxl: list[str] | None = None
    headers = normalise_headers(header_cells)
    original = [str(c) for c in header_cells]
    pending: list[str] | None = None
    if is_hashtag_row(header_cells):
        # A file with hashtags and no text header: the hashtags name the columns.
        hxl = [normalise_hashtag(c) if c else "" for c in header_cells]
    else:
        pending = next(rows_iter, None)
        if pending is not None:
            line += 1
            if is_hashtag_row(pending):
                hxl = [normalise_hashtag(c) if c else "" for c in pending]
                pending = None
    if hxl is not None:
        hxl = (hxl + [""] * len(headers))[: len(headers)]
    table = Table(
        file_name=file_name, encoding=used, headers=headers, original_headers=original, hxl=hxl
    )

    def add(number: int, cells: list[str]) -> None:
        if not any(str(c).strip() for c in cells):
            return
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}
        for extra in range(len(headers), len(cells)):
            if str(cells[extra]).strip():
                values[f"column_{extra + 1}"] = cells[extra]
        table.rows.append(Row(number=number, values=values))

    if pending is not None:
        add(line, pending)
    for cells in rows_iter:
        line += 1
        add(line, cells)
    return table


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


def is_null(text: str | None) -> bool:
    """Say whether a cell means "nothing here" (blank, n/a, <Null>…)."""
    return text is None or text.strip().lower() in NULLS


def clean_text(text: str | None) -> str:
    """Return a cell's text, or empty for a null literal."""
    return "" if is_null(text) else " ".join((text or "").split())


@dataclass(frozen=True)
class ParsedDate:
    """A date and how precisely it is known (the first day of its month or year)."""

    date: datetime.date
    precision: str


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "février", "fevrier", "févr", "fev"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre", "déc"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[\s-]+([^\W\d_]+)\.?[\s-]+(\d{4})$")
_MONTH_NAMED = re.compile(r"^([^\W\d_]+)\.?[\s-]+(\d{4})$")

DATE_FORMATS_HELP = "YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY or 15 June 2013"


def parse_date(text: str) -> ParsedDate:
    """Read a date as the field writes it, and say how precise it is.

    ``2013-12-13`` and ``13/12/2013`` (day first, as ACLED's older exports and most of
    the world write it) are days; ``2013-12`` and ``December 2013`` months; ``2013`` a
    year. A month or a year stands as its first day. Raises ValueError otherwise.
    """
    value = text.strip()
    precision = DatePrecision.DAY
    if m := _ISO_DAY.match(value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.match(value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _NAMED.match(value):
        day, year = int(m[1]), int(m[3])
        month = _MONTHS.get(m[2].lower(), 0)
    elif m := _ISO_MONTH.match(value):
        year, month, day, precision = int(m[1]), int(m[2]), 1, DatePrecision.MONTH
    elif m := _MONTH_NAMED.match(value):
        year, month, day = int(m[2]), _MONTHS.get(m[1].lower(), 0), 1
        precision = DatePrecision.MONTH
    elif m := _YEAR.match(value):
        year, month, day, precision = int(m[1]), 1, 1, DatePrecision.YEAR
    else:
        raise ValueError(
            problem(gettext_noop("not a date (expected %(formats)s)"), formats=DATE_FORMATS_HELP)
        )
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            problem(gettext_noop("not a real date (%(value)s)"), value=value)
        ) from None
    return ParsedDate(start_of_period(date, precision), precision)


def parse_int(text: str) -> int | None:
    """Read a whole number written with or without thousands separators; None if empty."""
    if is_null(text):
        return None
    value = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}([,.']\d{3})+", value):
        value = re.sub(r"[,.']", "", value)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(problem(gettext_noop("not a whole number"))) from None
    if number != number.to_integral_value():
        raise ValueError(problem(gettext_noop("not a whole number")))
    return int(number)


def parse_decimal(text: str) -> Decimal | None:
    """Read a decimal number (a point or a comma before the decimals); None if empty."""
    if is_null(text):
        return None
    value = text.strip().replace(" ", "")
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(problem(gettext_noop("not a number"))) from None


def split_list(text: str, separator: str = ",") -> list[str]:
    """Split a multi-valued cell (``"204, 1067"``; ``"A; B"`` with ``separator=";"``)."""
    if is_null(text):
        return []
    return [p.strip() for p in text.split(separator) if p.strip() and not is_null(p)]

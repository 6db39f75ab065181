"""Exports of the lists a user can see: CSV, XLSX, JSON, HXL-tagged CSV and GeoJSON.

An app offers a list for export by defining ``EXPORTS`` (a list of ``ExportList``) in its
own ``exports.py``, like ``profile.py`` (see ``pourparler/ui/extensions.py``). Each list
names its rows from the same GET parameters as its list page, always starting from
``visible_to(user)``, and its columns: a header, an HXL hashtag, a getter and whether the
column is confidential (encrypted text: notes, summaries, names of people).

Confidential columns are left out unless the request asks (``confidential=1``) and the
user may have them: a user posted now as **head of delegation** (the role answerable for
a compartment, as for the subject-access export). Anyone else who asks is refused with a
message (403), never given a file that silently lacks the columns.

Every export is audited before a byte is given out: one ``export`` event with the ids of
every row, the format, the list, the filters and whether confidential columns were in.
The rows are then read again for the file, and a row that appeared in between is left
out: the file never holds a record the audit chain does not name.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import functools
import importlib
import importlib.util
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pourparler.core import audit
from pourparler.core.access import clearance_for
from pourparler.core.choices import Role
from pourparler.exchange.choices import ReviewStatus
from pourparler.exchange.models import ImportRun, ReviewItem

PROJECT_PACKAGE = "pourparler."
# Rows read from the database at a time while a file is written.
CHUNK = 500
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# GET parameters that steer the export itself, not the list's filters.
CONTROL_PARAMETERS = frozenset({"format", "confidential", "page"})


@dataclass(frozen=True)
class Column:
    """One column of an export."""

    header: str
    hxl: str
    get: Callable[[Any], Any]
    confidential: bool = False


@dataclass(frozen=True)
class ExportList:
    """A list a user may export: its rows for a user and filters, and its columns."""

    name: str
    # Shown to people (translated when shown); the name is the stable key.
    label: str | Promise
    model: type[models.Model]
    rows: Callable[[Any, QueryDict], models.QuerySet[Any]]
    columns: Sequence[Column]
    # (latitude, longitude) of a row, or None; lists with places offer GeoJSON.
    coordinates: Callable[[Any], tuple[Any, Any] | None] | None = None
    # Or a row's GeoJSON geometry object (an area's outline), or None: GeoJSON too.
    geometry: Callable[[Any], dict[str, Any] | None] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        base = ("csv", "xlsx", "json", "hxl")
        mapped = self.coordinates is not None or self.geometry is not None
        return (*base, "geojson") if mapped else base

    @property
    def has_confidential(self) -> bool:
        return any(column.confidential for column in self.columns)

    def columns_for(self, confidential: bool) -> list[Column]:
        return [c for c in self.columns if confidential or not c.confidential]


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "hxl": ("text/csv; charset=utf-8", "hxl.csv"),
    "json": ("application/json", "json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "geojson": ("application/geo+json", "geojson"),
}


@functools.cache
def registry() -> dict[str, ExportList]:
    """Every exportable list, by name, gathered from the apps' ``exports.py``."""
    found: dict[str, ExportList] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE):
            continue
        name = f"{config.name}.exports"
        if importlib.util.find_spec(name) is None:
            continue
        for export in getattr(importlib.import_module(name), "EXPORTS", ()):
            found[export.name] = export
    return found


def may_export_confidential(user: Any) -> bool:
    """Say whether the user may have the confidential columns: a head of delegation."""
    clearance = clearance_for(user)
    return clearance is not None and Role.HEAD_OF_DELEGATION in clearance.roles


def filters_of(params: QueryDict) -> dict[str, str]:
    """The list's filters in a request, without the export's own parameters."""
    return {k: str(v) for k, v in params.items() if k not in CONTROL_PARAMETERS and v}


# --- values ---------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def as_text(value: Any) -> str:
    """A value as text for CSV: ISO dates (local time), plain numbers, blank for none."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    return neutralise(str(value))


def as_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: dates as dates (naive local time), numbers as numbers."""
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (datetime.date, int, float, decimal.Decimal)) or value is None:
        return value
    return neutralise(str(value))


def as_json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value) if isinstance(value, decimal.Decimal) else value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# --- the export -----------------------------------------------------------------------


@dataclass
class Export:
    """One export being given out: its list, rows, columns and audited ids."""

    export: ExportList
    queryset: models.QuerySet[Any]
    columns: list[Column]
    ids: frozenset[Any]

    def records(self) -> Iterator[Any]:
        """The audited rows, read in chunks (a row not audited is left out)."""
        for record in self.queryset.iterator(chunk_size=CHUNK):
            if record.pk in self.ids:
                yield record

    def values(self) -> Iterator[tuple[Any, list[Any]]]:
        for record in self.records():
            yield record, [column.get(record) for column in self.columns]


def prepare(
    export: ExportList, user: Any, params: QueryDict, *, fmt: str, confidential: bool
) -> Export:
    """Select the rows, audit them, and return what the file is written from."""
    queryset = export.rows(user, params)
    ids = list(queryset.order_by().values_list("pk", flat=True).distinct())
    audit.record_export(
        user,
        export.model,
        ids,
        export_format=fmt,
        detail={
            "list": export.name,
            "filters": filters_of(params),
            "confidential": confidential,
            "channel": "web",
        },
    )
    return Export(export, queryset, export.columns_for(confidential), frozenset(ids))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(prepared: Export, *, hxl: bool) -> Iterator[str]:
    """CSV text, UTF-8 with a byte-order mark so spreadsheets read accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in prepared.columns])
    if hxl:
        yield writer.writerow([c.hxl for c in prepared.columns])
    for _record, values in prepared.values():
        yield writer.writerow([as_text(v) for v in values])


def json_chunks(prepared: Export) -> Iterator[str]:
    """A JSON list of objects, one per row, keyed by header."""
    yield "["
    first = True
    for _record, values in prepared.values():
        row = {c.header: as_json(v) for c, v in zip(prepared.columns, values, strict=True)}
        yield ("" if first else ",") + "\n" + json.dumps(row, cls=DjangoJSONEncoder)
        first = False
    yield "\n]\n"


def xlsx_bytes(prepared: Export, title: str) -> bytes:
    """One sheet, header row bold, dates as dates."""
    # openpyxl ships no type stubs; imported by name it is simply untyped.
    openpyxl = importlib.import_module("openpyxl")
    cells = importlib.import_module("openpyxl.cell")
    styles = importlib.import_module("openpyxl.styles")

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = styles.Font(bold=True)
    header = []
    for column in prepared.columns:
        cell = cells.WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for _record, values in prepared.values():
        sheet.append([as_cell(v) for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return bytes(out.getvalue())


def _point(export: ExportList, record: Any) -> dict[str, Any] | None:
    """A row's GeoJSON geometry: its outline, or the point of its coordinates, or None."""
    if export.geometry is not None:
        return export.geometry(record)
    assert export.coordinates is not None
    point = export.coordinates(record)
    if point is None or point[0] is None or point[1] is None:
        return None
    latitude, longitude = point
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def geojson_document(prepared: Export) -> dict[str, Any]:
    """A FeatureCollection of the rows with a place; the others are counted."""
    features: list[dict[str, Any]] = []
    without = 0
    for record, values in prepared.values():
        geometry = _point(prepared.export, record)
        if geometry is None:
            without += 1
            continue
        features.append(
            {
                "type": "Feature",
                "id": str(record.pk),
                "geometry": geometry,
                "properties": {
                    c.header: as_json(v) for c, v in zip(prepared.columns, values, strict=True)
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"list": prepared.export.name, "rows_without_coordinates": without},
    }


def filename(export: ExportList, fmt: str) -> str:
    """A dated file name: the list's name and today's date, never a person's name."""
    return f"pourparler-{export.name}-{timezone.localdate().isoformat()}.{FORMATS[fmt][1]}"


def offered(names: Iterable[str] | None = None) -> list[ExportList]:
    lists = registry()
    return [lists[n] for n in (names or lists) if n in lists]


# --- the exchange app's own lists ---------------------------------------------------------


def import_runs(user: Any, params: QueryDict) -> models.QuerySet[Any]:
    """Every import run the user may see, newest first, as the imports page lists them."""
    runs = ImportRun.objects.visible_to(user).select_related("created_by")
    return runs.order_by("-started_at", "id")


def review_items(user: Any, params: QueryDict) -> models.QuerySet[Any]:
    """The review queue as its page shows it: the names waiting for a decision, or those
    of the status asked for (an item decided for a hidden bearer is hidden with it)."""
    status = params.get("status", ReviewStatus.PENDING)
    items = ReviewItem.objects.visible_to(user).select_related("bearer")
    if status in ReviewStatus.values:
        items = items.filter(status=status)
    return items.order_by("-created_at", "id")


def _who(user: Any) -> str:
    return user.display_name() if user is not None else ""


EXPORTS = [
    ExportList(
        name="imports",
        label=_("Import runs"),
        model=ImportRun,
        rows=import_runs,
        columns=[
            Column("id", "#meta+id+run", lambda r: str(r.pk)),
            Column("started", "#date+start", lambda r: r.started_at),
            Column("ended", "#date+end", lambda r: r.ended_at),
            Column("kind", "#meta+type", lambda r: r.get_kind_display()),
            Column("source", "#meta+source", lambda r: r.source),
            Column("file", "#meta+file", lambda r: r.file_name),
            Column("sha256", "#meta+file+hash", lambda r: r.sha256),
            Column("by", "#contact+name", lambda r: _who(r.created_by)),
            Column("outcome", "#status", lambda r: r.get_status_display()),
            Column("dry run", "#status+dry", lambda r: r.dry_run),
            Column("rows", "#indicator+rows+num", lambda r: r.rows),
            Column("created", "#indicator+created+num", lambda r: r.created),
            Column("updated", "#indicator+updated+num", lambda r: r.updated),
            Column("unchanged", "#indicator+unchanged+num", lambda r: r.unchanged),
            Column("conflicts", "#indicator+conflicts+num", lambda r: r.conflicts),
            Column("errors", "#indicator+errors+num", lambda r: r.errors),
            Column("for review", "#indicator+review+num", lambda r: r.queued),
        ],
    ),
    ExportList(
        name="review",
        label=_("Review queue"),
        model=ReviewItem,
        rows=review_items,
        columns=[
            Column("id", "#meta+id+review", lambda i: str(i.pk)),
            Column("queued", "#date+queued", lambda i: i.created_at),
            Column("name in the file", "#org+name+imported", lambda i: i.name),
            Column("what", "#meta+type", lambda i: i.get_subject_display()),
            Column("scheme", "#org+id+scheme", lambda i: i.scheme),
            Column("identifier", "#org+id", lambda i: i.key),
            Column("source", "#meta+source", lambda i: i.source),
            Column("file", "#meta+file", lambda i: i.file_name),
            Column("row", "#meta+row+num", lambda i: i.row_number),
            Column("run id", "#meta+id+run", lambda i: str(i.run_id)),
            Column("decision", "#status", lambda i: i.get_status_display()),
            Column("bearer", "#org+name+bearer", lambda i: i.bearer and i.bearer.name),
            Column("bearer id", "#org+id+bearer", lambda i: i.bearer_id and str(i.bearer_id)),
            Column("note", "#description+notes", lambda i: i.note),
        ],
    ),
]

"""Events of violence as context: UCDP GED and ACLED exports.

Each event becomes a ``geo.ContextEvent`` (organisation-wide public context) keyed by
its id in its dataset, so importing a file again changes nothing, and a corrected
file updates what changed. The actors an event names become ``ContextEventActor`` rows,
linked to bearers by id (UCDP actor ids) or by name (ACLED names; see ``linking.py``).

UCDP GED (versions 19.1 and later, and HDX's HXL-tagged copy): ``id``, ``date_start``,
``date_end``, ``date_prec`` (1 day … 5 year), ``type_of_violence``, ``conflict_new_id``,
``side_a_new_id``/``side_a``, ``side_b_new_id``/``side_b``, ``adm_1``, ``adm_2``,
``where_coordinates``, ``latitude``, ``longitude``, ``where_prec``, ``deaths_civilians``,
``low``, ``best``, ``high``, ``source_headline``, ``source_office``.

ACLED: the current export (``event_id_cnty``, ``event_date`` as YYYY-MM-DD,
``time_precision`` 1 day, 2 week, 3 month, ``event_type``, ``sub_event_type``,
``actor1``, ``assoc_actor_1``, ``inter1``, ``actor2``, ``assoc_actor_2``, ``inter2``,
``country``, ``admin1``-``admin3``, ``location``, ``latitude``, ``longitude``,
``geo_precision``, ``source``, ``notes``, ``fatalities``) and the older one
(``EVENT_ID_CNTY``, ``EVENT_DATE`` as dd/mm/yyyy, ``ALLY_ACTOR_1``…), often in cp1252.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from pourparler.bearers.choices import IdScheme
from pourparler.core.choices import DatePrecision
from pourparler.exchange.choices import ImportKind
from pourparler.exchange.engine import ImportContext, Importer, register
from pourparler.exchange.importers.linking import ActorLinker
from pourparler.exchange.reader import (
    Problem,
    Row,
    RowError,
    Table,
    clean_text,
    parse_date,
    parse_decimal,
    parse_int,
    problem,
    split_list,
)
from pourparler.geo.choices import EventActorRole, EventSource, PartySide
from pourparler.geo.lookup import CountryResolver
from pourparler.geo.models import ContextEvent, ContextEventActor, Situation

GED_VIOLENCE = {"1": "State-based violence", "2": "Non-state violence", "3": "One-sided violence"}
# GED's date_prec: 1 the day, 2 within 2-6 days, 3 the week, 4 the month, 5 the year.
GED_PRECISION = {
    "1": DatePrecision.DAY,
    "2": DatePrecision.DAY,
    "3": DatePrecision.DAY,
    "4": DatePrecision.MONTH,
    "5": DatePrecision.YEAR,
}
# ACLED's time_precision: 1 the day, 2 the week, 3 the month.
ACLED_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.DAY, "3": DatePrecision.MONTH}
# ACLED's inter codes that are not weapon bearers: rioters, protesters, civilians.
ACLED_NOT_BEARERS = {"5", "6", "7"}


@dataclass
class EventActor:
    """An actor an event names."""

    name: str
    side: str
    role: str = EventActorRole.PRIMARY
    external_id: str = ""
    armed: bool = True


@dataclass
class Event:
    """One checked row of an event file."""

    row: int
    source_id: str
    fields: dict[str, Any]
    country_text: str
    conflict_id: str = ""
    actors: list[EventActor] = field(default_factory=list)


class _Columns:
    """Finds a row's cells by any of a field's column names, whatever their case."""

    def __init__(self, table: Table) -> None:
        self.lower = {h.lower(): h for h in table.headers}

    def name(self, *names: str) -> str | None:
        for name in names:
            if name.lower() in self.lower:
                return self.lower[name.lower()]
        return None

    def cell(self, row: Row, *names: str) -> str:
        return clean_text(row.get(self.name(*names)))


class _Checks:
    """Parses cells, noting each problem against its row and column."""

    def __init__(self, table: Table, row: Row, columns: _Columns, errors: list[RowError]):
        self.table, self.row, self.columns, self.errors = table, row, columns, errors

    def fail(self, names: tuple[str, ...], reason: Problem) -> None:
        column = self.columns.name(*names) or names[0]
        self.errors.append(RowError(self.table.file_name, self.row.number, column, reason))

    def number(self, *names: str) -> int | None:
        try:
            value = parse_int(self.columns.cell(self.row, *names))
        except ValueError as error:
            self.fail(names, Problem.of(error))
            return None
        if value is not None and value < 0:
            self.fail(names, problem(gettext_noop("a count cannot be negative")))
            return None
        return value

    def decimal(self, *names: str, limit: int) -> Decimal | None:
        try:
            value = parse_decimal(self.columns.cell(self.row, *names))
        except ValueError as error:
            self.fail(names, Problem.of(error))
            return None
        if value is not None and abs(value) > limit:
            self.fail(names, problem(gettext_noop("out of range (±%(limit)s)"), limit=limit))
            return None
        return None if value is None else round(value, 6)

    def date(self, *names: str, required: bool = True) -> datetime.date | None:
        text = self.columns.cell(self.row, *names)
        if not text:
            if required:
                self.fail(names, problem(gettext_noop("the date is missing")))
            return None
        try:
            return parse_date(text).date
        except ValueError as error:
            self.fail(names, Problem.of(error))
            return None


class EventImporter(Importer):
    """What GED and ACLED share: one event per row, keyed by its id in the dataset."""

    event_source: str
    scheme: str
    id_columns: tuple[str, ...]

    def parse(self, table: Table, errors: list[RowError]) -> list[Event]:
        columns = _Columns(table)
        if columns.name(*self.id_columns) is None:
            errors.append(
                RowError(
                    table.file_name,
                    1,
                    self.id_columns[0],
                    problem(gettext_noop("this column is missing")),
                )
            )
            return []
        events: list[Event] = []
        seen: dict[str, int] = {}
        for row in table.rows:
            checks = _Checks(table, row, columns, errors)
            event = self.event(row, columns, checks)
            if event is None:
                continue
            if not event.source_id:
                checks.fail(self.id_columns, problem(gettext_noop("the event has no id")))
                continue
            if event.source_id in seen:
                checks.fail(
                    self.id_columns,
                    problem(
                        gettext_noop("event %(id)s is already on row %(row)s"),
                        id=event.source_id,
                        row=seen[event.source_id],
                    ),
                )
                continue
            seen[event.source_id] = row.number
            events.append(event)
        return events

    def event(self, row: Row, columns: _Columns, checks: _Checks) -> Event | None:
        """Check one row; return the event, or None when it cannot be read at all."""
        raise NotImplementedError

    def apply(self, items: list[Event], ctx: ImportContext) -> None:
        stored = {
            e.source_id: e for e in ContextEvent.objects.alive().filter(source=self.event_source)
        }
        actors: dict[Any, list[ContextEventActor]] = {}
        for stored_actor in ContextEventActor.objects.alive().filter(
            event__source=self.event_source
        ):
            actors.setdefault(stored_actor.event_id, []).append(stored_actor)
        countries = CountryResolver()
        situations = {
            s.ucdp_conflict_id: s for s in Situation.objects.alive().exclude(ucdp_conflict_id="")
        }
        linker = ActorLinker(ctx, self.scheme)
        unplaced: set[str] = set()
        for event in ctx.progress(items, "events"):
            country = countries.resolve(event.country_text) if event.country_text else None
            if event.country_text and country is None:
                unplaced.add(event.country_text)
            fields = {
                **event.fields,
                "country": country,
                "situation": situations.get(event.conflict_id),
            }
            current = stored.get(event.source_id)
            what = f"{self.event_source} {event.source_id}"
            if current is None:
                current = ctx.create(
                    ContextEvent(source=self.event_source, source_id=event.source_id, **fields),
                    row=event.row,
                    what=what,
                )
                have: list[ContextEventActor] = []
            else:
                current = ctx.update(current, row=event.row, changes=fields, what=what)
                have = actors.get(current.pk, [])
            for actor in event.actors:
                bearer = (
                    linker.bearer(actor.name, row=event.row, external_id=actor.external_id)
                    if actor.armed
                    else None
                )
                same = [
                    a
                    for a in have
                    if (a.side, a.role, a.name) == (actor.side, actor.role, actor.name[:300])
                ]
                if same:
                    if bearer is not None and same[0].bearer_id != bearer.pk:
                        ctx.update(same[0], row=event.row, changes={"bearer": bearer})
                    else:
                        ctx.unchanged(same[0])
                    continue
                ctx.create(
                    ContextEventActor(
                        event=current,
                        name=actor.name[:300],
                        external_id=actor.external_id[:40],
                        side=actor.side,
                        role=actor.role,
                        bearer=bearer,
                    ),
                    row=event.row,
                    what=f"{actor.name} in {what}",
                )
        linker.report()
        for name in sorted(unplaced):
            ctx.note(
                problem(
                    gettext_noop("“%(name)s” is no country we hold: its events have no country."),
                    name=name,
                )
            )


@register
class UcdpGed(EventImporter):
    """UCDP Georeferenced Event Dataset, as UCDP and HDX publish it."""

    kind = ImportKind.UCDP_GED
    source = "UCDP Georeferenced Event Dataset"
    event_source = EventSource.UCDP_GED
    scheme = IdScheme.UCDP_ACTOR
    id_columns = ("id",)

    def source_of(self, table: Table) -> str:
        name = table.file_name.lower()
        for token in name.replace("-", "_").split("_"):
            if token.startswith("ged") and token[3:].replace(".", "").isdigit():
                version = token[3:]
                return (
                    f"{self.source} {version[:2]}.{version[2:]}"
                    if "." not in version
                    else (f"{self.source} {version}")
                )
        return self.source

    def event(self, row: Row, columns: _Columns, checks: _Checks) -> Event | None:
        start = checks.date("date_start")
        end = checks.date("date_end", required=False)
        precision = GED_PRECISION.get(columns.cell(row, "date_prec"), DatePrecision.DAY)
        violence = columns.cell(row, "type_of_violence")
        if violence and violence not in GED_VIOLENCE:
            checks.fail(("type_of_violence",), problem(gettext_noop("expected 1, 2 or 3")))
        fields = {
            "kind": GED_VIOLENCE.get(violence, "Violence"),
            "sub_kind": columns.cell(row, "conflict_name", "dyad_name")[:100],
            "occurred_on": start,
            "ended_on": end,
            "date_precision": precision,
            "admin1": columns.cell(row, "adm_1")[:200],
            "admin2": columns.cell(row, "adm_2")[:200],
            "place": columns.cell(row, "where_coordinates")[:200],
            "latitude": checks.decimal("latitude", limit=90),
            "longitude": checks.decimal("longitude", limit=180),
            "location_precision": checks.number("where_prec"),
            "deaths": checks.number("best", "best_est"),
            "deaths_low": checks.number("low", "low_est"),
            "deaths_high": checks.number("high", "high_est"),
            "civilian_deaths": checks.number("deaths_civilians"),
            "description": columns.cell(row, "source_headline"),
            "reported_by": columns.cell(row, "source_office")[:300],
        }
        if start is None:
            return None
        actors = []
        for side, id_names, name_names in (
            (PartySide.A, ("side_a_new_id", "side_a_id"), ("side_a",)),
            (PartySide.B, ("side_b_new_id", "side_b_id"), ("side_b",)),
        ):
            name = columns.cell(row, *name_names)
            if name:
                actors.append(
                    EventActor(
                        name=name,
                        side=side,
                        external_id=columns.cell(row, *id_names),
                        armed=name.lower() != "civilians",
                    )
                )
        return Event(
            row=row.number,
            source_id=columns.cell(row, "id"),
            fields=fields,
            country_text=columns.cell(row, "iso3", "country"),
            conflict_id=columns.cell(row, "conflict_new_id", "conflict_id"),
            actors=actors,
        )


@register
class Acled(EventImporter):
    """ACLED event exports, in the current column layout and the older upper-case one."""

    kind = ImportKind.ACLED
    source = "ACLED"
    event_source = EventSource.ACLED
    scheme = IdScheme.ACLED_ACTOR
    id_columns = ("event_id_cnty",)

    def event(self, row: Row, columns: _Columns, checks: _Checks) -> Event | None:
        day = checks.date("event_date")
        precision = ACLED_PRECISION.get(columns.cell(row, "time_precision"), DatePrecision.DAY)
        if precision == DatePrecision.MONTH and day is not None:
            day = day.replace(day=1)
        place = columns.cell(row, "location")
        fields = {
            "kind": columns.cell(row, "event_type")[:100] or "Event",
            "sub_kind": columns.cell(row, "sub_event_type")[:100],
            "occurred_on": day,
            "ended_on": None,
            "date_precision": precision,
            "admin1": columns.cell(row, "admin1")[:200],
            "admin2": columns.cell(row, "admin2")[:200],
            "place": place[:200],
            "latitude": checks.decimal("latitude", limit=90),
            "longitude": checks.decimal("longitude", limit=180),
            "location_precision": checks.number("geo_precision"),
            "deaths": checks.number("fatalities"),
            "description": columns.cell(row, "notes"),
            "reported_by": columns.cell(row, "source")[:300],
        }
        if day is None:
            return None
        actors = []
        for side, number in ((PartySide.A, "1"), (PartySide.B, "2")):
            inter = columns.cell(row, f"inter{number}")
            armed = inter not in ACLED_NOT_BEARERS
            name = columns.cell(row, f"actor{number}")
            if name:
                actors.append(EventActor(name=name, side=side, armed=armed))
            for associated in split_list(
                columns.cell(row, f"assoc_actor_{number}", f"ally_actor_{number}"), ";"
            ):
                actors.append(
                    EventActor(name=associated, side=side, role=EventActorRole.ASSOCIATED)
                )
        return Event(
            row=row.number,
            source_id=columns.cell(row, "event_id_cnty"),
            fields=fields,
            country_text=columns.cell(row, "country"),
            actors=actors,
        )

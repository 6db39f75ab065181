"""The UCDP/PRIO Armed Conflict Dataset: situations and the parties to them.

The file has one row per conflict and year. Each ``conflict_id`` becomes one
``geo.Situation`` (its first and last year, the highest intensity, the countries of
``location``, what is disputed), and each side's actors become ``SituationParty`` rows
with the years they took part: ``side_a_id``/``side_b_id`` (UCDP actor ids, linked to
the bearers that carry them) as primary parties, ``side_a_2nd``/``side_b_2nd`` (names
only) as secondary parties.

The kind of situation is proposed from UCDP's type: interstate and extrasystemic
conflicts as international armed conflicts, intrastate ones (internationalised or not)
as non-international. A legal adviser may change it; the import then leaves it alone.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from pourparler.bearers.choices import IdScheme
from pourparler.core.choices import DatePrecision
from pourparler.core.text import fold
from pourparler.exchange.choices import ImportKind, ReviewSubject
from pourparler.exchange.engine import ImportContext, Importer, register
from pourparler.exchange.importers.common import require_columns
from pourparler.exchange.importers.linking import ActorLinker
from pourparler.exchange.reader import Problem, RowError, Table, clean_text, parse_date, problem
from pourparler.geo.choices import (
    Incompatibility,
    Intensity,
    PartyRole,
    PartySide,
    SituationKind,
    UcdpConflictType,
)
from pourparler.geo.lookup import CountryResolver
from pourparler.geo.models import Situation, SituationParty

TYPES = {
    "1": (UcdpConflictType.EXTRASYSTEMIC, SituationKind.INTERNATIONAL),
    "2": (UcdpConflictType.INTERSTATE, SituationKind.INTERNATIONAL),
    "3": (UcdpConflictType.INTRASTATE, SituationKind.NON_INTERNATIONAL),
    "4": (UcdpConflictType.INTERNATIONALISED, SituationKind.NON_INTERNATIONAL),
}
INCOMPATIBILITIES = {
    "1": Incompatibility.TERRITORY,
    "2": Incompatibility.GOVERNMENT,
    "3": Incompatibility.BOTH,
}
INTENSITIES = {"1": Intensity.MINOR, "2": Intensity.WAR}
# UCDP's start_prec: 1 the day … 4 the month, 5 and above the year.
START_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.DAY, "3": DatePrecision.DAY}
REQUIRED = ("conflict_id", "location", "side_a", "side_b", "year", "type_of_conflict")


@dataclass
class Party:
    """A party across the years of one conflict."""

    side: str
    role: str
    name: str
    actor_id: str = ""
    years: set[int] = field(default_factory=set)


@dataclass
class Conflict:
    """One conflict with its years folded in."""

    conflict_id: str
    row: int
    location: str = ""
    ucdp_type: str = ""
    kind: str = ""
    incompatibility: str = ""
    territory: str = ""
    intensity: str = ""
    started_on: datetime.date | None = None
    start_precision: str = ""
    years: set[int] = field(default_factory=set)
    parties: dict[tuple[str, str, str], Party] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The conflict's name as UCDP writes it: ``India: Garoland``, ``India: Government``."""
        subject = self.territory or "Government"
        return f"{self.location}: {subject}"[:300]


def _ids(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _names(text: str, count: int) -> list[str]:
    if count <= 1:
        return [text.strip()] if text.strip() else []
    return [v.strip() for v in text.split(", ") if v.strip()]


@register
class UcdpConflicts(Importer):
    """UCDP/PRIO Armed Conflict Dataset (conflict-years)."""

    kind = ImportKind.UCDP_CONFLICTS
    source = "UCDP/PRIO Armed Conflict Dataset"

    def source_of(self, table: Table) -> str:
        versions = {row.get("version") for row in table.rows if row.get("version")}
        return f"{self.source} {sorted(versions)[-1]}" if versions else self.source

    def parse(self, table: Table, errors: list[RowError]) -> list[Conflict]:
        if not require_columns(table, REQUIRED, errors):
            return []
        file = table.file_name
        conflicts: dict[str, Conflict] = {}
        for row in table.rows:

            def fail(column: str, reason: Problem, number: int = row.number) -> None:
                errors.append(RowError(file, number, column, reason))

            conflict_id = row.get("conflict_id")
            if not conflict_id.isdigit():
                fail("conflict_id", problem(gettext_noop("a whole number is needed")))
                continue
            year_text = row.get("year")
            if not re.fullmatch(r"\d{4}", year_text):
                fail("year", problem(gettext_noop("a year is needed")))
                continue
            types = TYPES.get(row.get("type_of_conflict"))
            if types is None:
                fail("type_of_conflict", problem(gettext_noop("expected 1, 2, 3 or 4")))
            incompatibility = INCOMPATIBILITIES.get(row.get("incompatibility"), "")
            if row.get("incompatibility") and not incompatibility:
                fail("incompatibility", problem(gettext_noop("expected 1, 2 or 3")))
            intensity = INTENSITIES.get(row.get("intensity_level"), "")
            if row.get("intensity_level") and not intensity:
                fail("intensity_level", problem(gettext_noop("expected 1 or 2")))
            conflict = conflicts.setdefault(conflict_id, Conflict(conflict_id, row.number))
            conflict.years.add(int(year_text))
            conflict.location = clean_text(row.get("location")) or conflict.location
            if types:
                conflict.ucdp_type, conflict.kind = types
            conflict.incompatibility = incompatibility or conflict.incompatibility
            conflict.territory = clean_text(row.get("territory_name")) or conflict.territory
            if intensity == Intensity.WAR or not conflict.intensity:
                conflict.intensity = intensity or conflict.intensity
            if row.get("start_date") and conflict.started_on is None:
                try:
                    conflict.started_on = parse_date(row.get("start_date")).date
                except ValueError as error:
                    fail("start_date", Problem.of(error))
                code = row.get("start_prec")
                precision = START_PRECISION.get(code)
                if precision is None:
                    precision = DatePrecision.MONTH if code == "4" else DatePrecision.YEAR
                conflict.start_precision = precision
            for side, ids_column, names_column, second in (
                (PartySide.A, "side_a_id", "side_a", "side_a_2nd"),
                (PartySide.B, "side_b_id", "side_b", "side_b_2nd"),
            ):
                ids = _ids(row.get(ids_column))
                bad = [i for i in ids if not i.isdigit()]
                if bad:
                    fail(
                        ids_column,
                        problem(gettext_noop("“%(value)s” is not an actor id"), value=bad[0]),
                    )
                    continue
                names = _names(row.get(names_column), len(ids))
                for index, actor_id in enumerate(ids):
                    name = names[index] if len(names) == len(ids) else row.get(names_column)
                    self._add(conflict, side, PartyRole.PRIMARY, name, actor_id, int(year_text))
                for name in _names(row.get(second), 2):
                    self._add(conflict, side, PartyRole.SECONDARY, name, "", int(year_text))
        return list(conflicts.values())

    def _add(
        self, conflict: Conflict, side: str, role: str, name: str, actor_id: str, year: int
    ) -> None:
        key = (side, role, actor_id or fold(name))
        party = conflict.parties.setdefault(key, Party(side, role, name[:300], actor_id))
        party.years.add(year)

    def apply(self, items: list[Conflict], ctx: ImportContext) -> None:
        stored = {
            s.ucdp_conflict_id: s
            for s in Situation.objects.alive()
            .exclude(ucdp_conflict_id="")
            .prefetch_related("countries")
        }
        parties: dict[Any, list[SituationParty]] = defaultdict(list)
        for stored_party in SituationParty.objects.alive().filter(
            situation__in=list(stored.values())
        ):
            parties[stored_party.situation_id].append(stored_party)
        countries = CountryResolver()
        linker = ActorLinker(ctx, IdScheme.UCDP_ACTOR, subject=ReviewSubject.PARTY)
        for conflict in ctx.progress(items, "conflicts"):
            places, left = countries.resolve_list(conflict.location)
            for name in left:
                ctx.note(
                    problem(
                        gettext_noop("Conflict %(id)s: “%(name)s” is no country we hold."),
                        id=conflict.conflict_id,
                        name=name,
                    )
                )
            fields = {
                "name": conflict.name,
                "kind": conflict.kind,
                "ucdp_type": conflict.ucdp_type,
                "incompatibility": conflict.incompatibility,
                "territory": conflict.territory[:200],
                "intensity": conflict.intensity,
                "started_on": conflict.started_on,
                "start_precision": conflict.start_precision,
                "first_year": min(conflict.years),
                "last_year": max(conflict.years),
            }
            situation = stored.get(conflict.conflict_id)
            if situation is None:
                situation = ctx.create(
                    Situation(ucdp_conflict_id=conflict.conflict_id, **fields),
                    row=conflict.row,
                    m2m={"countries": places},
                )
            else:
                situation = ctx.update(
                    situation, row=conflict.row, changes=fields, m2m={"countries": places}
                )
            have = {
                (p.side, p.role, p.ucdp_actor_id or fold(p.name)): p for p in parties[situation.pk]
            }
            for key, party in conflict.parties.items():
                bearer = linker.bearer(party.name, row=conflict.row, external_id=party.actor_id)
                values: dict[str, Any] = {
                    "first_year": min(party.years),
                    "last_year": max(party.years),
                }
                existing = have.get(key)
                if existing is None:
                    ctx.create(
                        SituationParty(
                            situation=situation,
                            bearer=bearer,
                            name=party.name,
                            ucdp_actor_id=party.actor_id,
                            side=party.side,
                            role=party.role,
                            **values,
                        ),
                        row=conflict.row,
                        what=f"{party.name} in {conflict.name}",
                    )
                    continue
                if bearer is not None and existing.bearer_id != bearer.pk:
                    values["bearer"] = bearer
                ctx.update(existing, row=conflict.row, changes=values)
        linker.report()

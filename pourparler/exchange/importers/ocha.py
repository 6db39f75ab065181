"""OCHA's common operational datasets: administrative boundaries and population, by P-code.

**Boundaries (COD-AB, GeoJSON).** One feature per area. The level is the deepest
``admN_pcode`` property (``adm1_pcode`` for a prefecture, ``adm2_pcode`` for a
sub-prefecture, whose parent is its ``adm1_pcode``); the name is ``admN_name``; the
country ``iso2``/``iso3`` or ``adm0_pcode``. The geometry must be a Polygon or a
MultiPolygon; shapely checks it, and an invalid ring is repaired (``make_valid``) and
noted. It is kept as GeoJSON text on the ``AdminArea``.

**Population (COD-PS, CSV).** Either OCHA's HXL-tagged long form (one figure a row:
``#adm1+code``, ``#population+group``, ``#gender``, ``#age+range``, ``#population``,
``#date+year``, ``#meta+source``) or the raw wide table as offices publish it (one
row per area, a column per group: ``T_TL``, ``F_00_04``…, French headers, thousands
separators, ``<Null>`` literals, Windows code pages), whose year comes from the
``year`` option or the file name. Areas the file names that we do not hold yet are
added (name and P-code, without boundary).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from pourparler.exchange.choices import ImportKind
from pourparler.exchange.engine import ImportContext, Importer, register
from pourparler.exchange.reader import (
    ImportRefused,
    Problem,
    Row,
    RowError,
    Table,
    clean_text,
    decode,
    parse_int,
    problem,
)
from pourparler.geo.lookup import CountryResolver
from pourparler.geo.models import AdminArea, Country, PopulationFigure

# shapely ships no type stubs; imported by name it is simply untyped.
shapely: Any = importlib.import_module("shapely")
shapely_geometry: Any = importlib.import_module("shapely.geometry")
shapely_validation: Any = importlib.import_module("shapely.validation")

# --------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------


@dataclass
class FeatureTable(Table):
    """A GeoJSON file read as rows of properties, with each row's geometry beside it."""

    geometries: dict[int, Any] | None = None


@dataclass
class Area:
    """One checked feature."""

    row: int
    pcode: str
    name: str
    level: int
    country: Country
    parent_pcode: str
    boundary: str

    @property
    def digest(self) -> str:
        """The SHA-256 of the boundary's GeoJSON text."""
        return hashlib.sha256(self.boundary.encode()).hexdigest()


@register
class OchaBoundaries(Importer):
    """OCHA COD-AB administrative boundaries as GeoJSON."""

    kind = ImportKind.OCHA_BOUNDARIES
    source = "OCHA COD-AB administrative boundaries"

    def read(self, data: bytes, file_name: str, encoding: str | None) -> Table:
        text, used = decode(data, encoding)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRefused(
                [
                    RowError(
                        file_name,
                        error.lineno,
                        "",
                        problem(gettext_noop("Not valid GeoJSON: %(error)s."), error=error.msg),
                    )
                ]
            ) from None
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            raise ImportRefused(
                [RowError(file_name, 1, "", problem(gettext_noop("Expected a FeatureCollection.")))]
            )
        table = FeatureTable(
            file_name=file_name,
            encoding=used,
            headers=[],
            original_headers=[],
            hxl=None,
            geometries={},
        )
        for number, feature in enumerate(features, start=1):
            properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
            values = {k: "" if v is None else str(v) for k, v in properties.items()}
            table.rows.append(Row(number=number, values=values))
            assert table.geometries is not None
            table.geometries[number] = (
                feature.get("geometry") if isinstance(feature, dict) else None
            )
            for key in values:
                if key not in table.headers:
                    table.headers.append(key)
        return table

    def source_of(self, table: Table) -> str:
        versions = {row.get("version_no") or row.get("valid_on") for row in table.rows}
        versions.discard("")
        return f"{self.source} {sorted(versions)[-1]}" if versions else self.source

    def parse(self, table: Table, errors: list[RowError]) -> list[Area]:
        assert isinstance(table, FeatureTable) and table.geometries is not None
        resolver = CountryResolver()
        file = table.file_name
        areas: list[Area] = []
        seen: dict[str, int] = {}
        for row in table.rows:
            levels = [
                int(m[1])
                for key in row.values
                if (m := re.fullmatch(r"adm(\d)_pcode", key.lower()))
            ]
            levels = [n for n in levels if n > 0 and row.get(f"adm{n}_pcode")]
            if not levels:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        "adm1_pcode",
                        problem(gettext_noop("the feature has no P-code")),
                    )
                )
                continue
            level = max(levels)
            pcode = row.get(f"adm{level}_pcode").upper()
            name = clean_text(row.get(f"adm{level}_name") or row.get(f"adm{level}_ref"))
            if not name:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        f"adm{level}_name",
                        problem(gettext_noop("the area has no name")),
                    )
                )
            country = resolver.resolve(row.get("iso2") or row.get("iso3") or row.get("adm0_pcode"))
            if country is None:
                errors.append(
                    RowError(file, row.number, "iso2", problem(gettext_noop("no country we hold")))
                )
            if pcode in seen:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        f"adm{level}_pcode",
                        problem(
                            gettext_noop("%(pcode)s is already on row %(row)s"),
                            pcode=pcode,
                            row=seen[pcode],
                        ),
                    )
                )
                continue
            seen[pcode] = row.number
            boundary = self._boundary(table.geometries.get(row.number), row.number, file, errors)
            if not name or country is None or boundary is None:
                continue
            parent = row.get(f"adm{level - 1}_pcode").upper() if level > 1 else ""
            areas.append(Area(row.number, pcode, name[:160], level, country, parent, boundary))
        known = set(AdminArea.objects.alive().values_list("pcode", flat=True)) | set(seen)
        for area in areas:
            if area.parent_pcode and area.parent_pcode not in known:
                errors.append(
                    RowError(
                        file,
                        area.row,
                        f"adm{area.level - 1}_pcode",
                        problem(
                            gettext_noop(
                                "the parent area %(pcode)s is neither in the file nor held"
                            ),
                            pcode=area.parent_pcode,
                        ),
                    )
                )
        return areas

    def _boundary(self, geometry: Any, row: int, file: str, errors: list[RowError]) -> str | None:
        if not isinstance(geometry, dict):
            errors.append(
                RowError(
                    file, row, "geometry", problem(gettext_noop("the feature has no geometry"))
                )
            )
            return None
        try:
            outline = shapely_geometry.shape(geometry)
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
            errors.append(
                RowError(
                    file,
                    row,
                    "geometry",
                    problem(gettext_noop("not a readable geometry (%(error)s)"), error=str(error)),
                )
            )
            return None
        if outline.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(
                RowError(
                    file,
                    row,
                    "geometry",
                    problem(gettext_noop("a %(kind)s, not a polygon"), kind=outline.geom_type),
                )
            )
            return None
        if outline.is_empty:
            errors.append(
                RowError(file, row, "geometry", problem(gettext_noop("the polygon is empty")))
            )
            return None
        if not outline.is_valid:
            reason = shapely_validation.explain_validity(outline)
            outline = shapely.make_valid(outline)
            self.repaired.append(
                problem(
                    gettext_noop("Row %(row)s: the outline was repaired (%(reason)s)."),
                    row=row,
                    reason=reason,
                )
            )
            geometry = shapely_geometry.mapping(outline)
        return json.dumps(geometry, separators=(",", ":"))

    repaired: list[Problem]

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.repaired = []

    def apply(self, items: list[Area], ctx: ImportContext) -> None:
        for note in self.repaired:
            ctx.note(note)
        stored = {a.pcode: a for a in AdminArea.objects.alive()}
        for area in ctx.progress(sorted(items, key=lambda a: a.level), "areas"):
            parent = stored.get(area.parent_pcode) if area.parent_pcode else None
            fields = {
                "name": area.name,
                "level": area.level,
                "country": area.country,
                "parent": parent,
                "boundary": area.boundary,
                "boundary_sha256": area.digest,
            }
            current = stored.get(area.pcode)
            if current is None:
                stored[area.pcode] = ctx.create(
                    AdminArea(pcode=area.pcode, **fields),
                    row=area.row,
                    what=f"{area.name} ({area.pcode})",
                )
            elif current.boundary_sha256 == area.digest:
                # The outline is compared by its digest; the rest field by field.
                fields.pop("boundary")
                stored[area.pcode] = ctx.update(current, row=area.row, changes=fields)
            else:
                stored[area.pcode] = ctx.update(current, row=area.row, changes=fields)


# --------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------

_PCODE_HEADER = re.compile(r"^adm(in)?(\d)_?pcode$", re.IGNORECASE)
_NAME_HEADER = re.compile(r"^adm(in)?(\d)_?name(_\w+)?$", re.IGNORECASE)
_GROUP = re.compile(r"^([TFM])_(TL|T[FM]|\d\d_\d\d|\d\dplus|adulte|agee)$", re.IGNORECASE)
_AGE_WORDS = re.compile(r"^\w+?_(\d\d)_(\d\d)$|^\w+?_(\d\d)plus$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
SEXES = {"T": "all", "F": "f", "M": "m"}


def describe_group(group: str) -> tuple[str, str]:
    """Say which sex and age band a group code stands for: ``F_00_04`` → (f, 0-4)."""
    if m := _GROUP.match(group):
        sex, rest = SEXES[m[1].upper()], m[2].upper()
        if rest == "TL":
            return sex, "all"
        if rest in ("TF", "TM"):  # T_TF, T_TM: all women, all men
            return SEXES[rest[1]], "all"
        if rest.endswith("PLUS"):
            return sex, f"{int(rest[:2])}+"
        if rest[0].isdigit():
            return sex, f"{int(rest[:2])}-{int(rest[3:])}"
        return sex, rest.lower()
    if m := _AGE_WORDS.match(group):
        if m[3]:
            return "all", f"{int(m[3])}+"
        return "all", f"{int(m[1])}-{int(m[2])}"
    return "", ""


@dataclass
class Figure:
    """One checked population figure."""

    row: int
    pcode: str
    area_name: str
    country_text: str
    level: int
    year: int
    group: str
    sex: str
    age_range: str
    value: int
    source: str


@register
class OchaPopulation(Importer):
    """OCHA COD-PS population statistics, HXL-tagged or raw."""

    kind = ImportKind.OCHA_POPULATION
    source = "OCHA COD-PS population statistics"

    def source_of(self, table: Table) -> str:
        column = table.column_for_tag("#meta+source")
        named = {row.get(column) for row in table.rows} - {""} if column else set()
        if len(named) == 1:
            return f"{self.source}: {named.pop()}"[:200]
        return str(self.options.get("source") or self.source)

    def parse(self, table: Table, errors: list[RowError]) -> list[Figure]:
        if table.column_for_tag("#population"):
            return self._long(table, errors)
        return self._wide(table, errors)

    def _long(self, table: Table, errors: list[RowError]) -> list[Figure]:
        file = table.file_name
        levels = [n for n in range(4, 0, -1) if table.column_for_tag(f"#adm{n}+code")]
        columns = {
            "value": table.column_for_tag("#population"),
            "group": table.column_for_tag("#population+group"),
            "sex": table.column_for_tag("#gender"),
            "age": table.column_for_tag("#age+range"),
            "year": table.column_for_tag("#date+year"),
            "source": table.column_for_tag("#meta+source"),
            "country": table.column_for_tag("#country+code"),
        }
        if not levels:
            errors.append(
                RowError(
                    file,
                    2,
                    "",
                    problem(gettext_noop("no #adm1+code column: figures need a P-code")),
                )
            )
            return []
        figures: list[Figure] = []
        for row in table.rows:
            level = next((n for n in levels if row.get(table.column_for_tag(f"#adm{n}+code"))), 0)
            if not level:
                errors.append(
                    RowError(
                        file,
                        row.number,
                        str(table.column_for_tag("#adm1+code")),
                        problem(gettext_noop("no P-code")),
                    )
                )
                continue
            code_column = str(table.column_for_tag(f"#adm{level}+code"))
            value = self._number(row, str(columns["value"]), file, errors)
            year = self._year(row.get(columns["year"]), row, str(columns["year"]), file, errors)
            if value is None or year is None:
                continue
            group = row.get(columns["group"]) or "T_TL"
            sex, age = describe_group(group)
            figures.append(
                Figure(
                    row=row.number,
                    pcode=row.get(code_column).upper(),
                    area_name=row.get(table.column_for_tag(f"#adm{level}+name")),
                    country_text=row.get(columns["country"]),
                    level=level,
                    year=year,
                    group=group[:40],
                    sex=(row.get(columns["sex"]) or sex)[:8],
                    age_range=(row.get(columns["age"]) or age)[:16],
                    value=value,
                    source=row.get(columns["source"])[:300],
                )
            )
        return self._distinct(figures, file, errors)

    def _wide(self, table: Table, errors: list[RowError]) -> list[Figure]:
        file = table.file_name
        codes = [(int(m[2]), h) for h in table.headers if (m := _PCODE_HEADER.match(h))]
        if not codes:
            errors.append(
                RowError(
                    file, 1, "", problem(gettext_noop("no P-code column (such as Adm1_pcode)"))
                )
            )
            return []
        level, code_column = max(codes)
        names = [h for h in table.headers if (m := _NAME_HEADER.match(h)) and int(m[2]) == level]
        country_columns = [h for h in table.headers if re.fullmatch(r"(?i)admin?0_?pcode", h)]
        year = self._year(
            str(self.options.get("year") or ""), None, "year", file, errors, from_name=file
        )
        groups = [
            h
            for h in table.headers
            if h not in (code_column, *names, *country_columns)
            and not _NAME_HEADER.match(h)
            and not _PCODE_HEADER.match(h)
            and any(clean_text(r.get(h)) for r in table.rows)
            and all(_numeric(r.get(h)) for r in table.rows)
        ]
        if not groups:
            errors.append(
                RowError(file, 1, "", problem(gettext_noop("no column of figures found")))
            )
        if year is None or not groups:
            return []
        figures: list[Figure] = []
        source = str(self.options.get("source") or "")
        for row in table.rows:
            pcode = row.get(code_column).upper()
            if not pcode:
                errors.append(
                    RowError(file, row.number, code_column, problem(gettext_noop("no P-code")))
                )
                continue
            for group in groups:
                value = self._number(row, group, file, errors)
                if value is None:
                    continue
                sex, age = describe_group(group)
                figures.append(
                    Figure(
                        row=row.number,
                        pcode=pcode,
                        area_name=clean_text(row.get(names[0])) if names else "",
                        country_text=row.get(country_columns[0]) if country_columns else pcode[:2],
                        level=level,
                        year=year,
                        group=group[:40],
                        sex=sex,
                        age_range=age,
                        value=value,
                        source=source,
                    )
                )
        return self._distinct(figures, file, errors)

    def _number(self, row: Row, column: str, file: str, errors: list[RowError]) -> int | None:
        try:
            value = parse_int(row.get(column))
        except ValueError as error:
            errors.append(RowError(file, row.number, column, Problem.of(error)))
            return None
        if value is not None and value < 0:
            errors.append(
                RowError(
                    file,
                    row.number,
                    column,
                    problem(gettext_noop("a population cannot be negative")),
                )
            )
            return None
        return value

    def _year(
        self,
        text: str,
        row: Row | None,
        column: str,
        file: str,
        errors: list[RowError],
        from_name: str = "",
    ) -> int | None:
        value = text.strip()
        if not value and from_name:
            found = _YEAR.findall(from_name)
            value = found[0] if found else ""
        if not re.fullmatch(r"\d{4}", value):
            reason = (
                problem(
                    gettext_noop("the year is missing: give it (--year) or put it in the file name")
                )
                if from_name
                else problem(gettext_noop("“%(value)s” is not a year"), value=value)
            )
            errors.append(RowError(file, row.number if row else 1, column, reason))
            return None
        return int(value)

    def _distinct(self, figures: list[Figure], file: str, errors: list[RowError]) -> list[Figure]:
        seen: dict[tuple[str, int, str], int] = {}
        kept = []
        for figure in figures:
            key = (figure.pcode, figure.year, figure.group)
            if key in seen:
                errors.append(
                    RowError(
                        file,
                        figure.row,
                        figure.group,
                        problem(
                            gettext_noop("%(pcode)s %(group)s %(year)s is already on row %(row)s"),
                            pcode=figure.pcode,
                            group=figure.group,
                            year=figure.year,
                            row=seen[key],
                        ),
                    )
                )
                continue
            seen[key] = figure.row
            kept.append(figure)
        return kept

    def apply(self, items: list[Figure], ctx: ImportContext) -> None:
        areas = {a.pcode: a for a in AdminArea.objects.alive()}
        stored = {(f.area_id, f.year, f.group): f for f in PopulationFigure.objects.alive()}
        resolver = CountryResolver()
        for figure in ctx.progress(items, "figures"):
            area = areas.get(figure.pcode)
            if area is None:
                country = resolver.resolve(figure.country_text) or resolver.resolve(
                    figure.pcode[:2]
                )
                if country is None:
                    ctx.error(
                        figure.row,
                        "",
                        problem(
                            gettext_noop("no country for the P-code %(pcode)s"), pcode=figure.pcode
                        ),
                    )
                    continue
                area = ctx.create(
                    AdminArea(
                        pcode=figure.pcode,
                        name=(figure.area_name or figure.pcode)[:160],
                        level=figure.level,
                        country=country,
                    ),
                    row=figure.row,
                    what=f"{figure.area_name} ({figure.pcode})",
                )
                areas[figure.pcode] = area
            fields = {"sex": figure.sex, "age_range": figure.age_range, "value": figure.value}
            if figure.source:  # a raw table names no source: the figure keeps its own
                fields["source"] = figure.source
            current = stored.get((area.pk, figure.year, figure.group))
            what = f"{area.name} {figure.group} {figure.year}"
            if current is None:
                fields.setdefault("source", ctx.source[:300])
                ctx.create(
                    PopulationFigure(area=area, year=figure.year, group=figure.group, **fields),
                    row=figure.row,
                    what=what,
                )
            else:
                ctx.update(current, row=figure.row, changes=fields, what=what)


def _numeric(text: str | None) -> bool:
    try:
        parse_int(text or "")
    except ValueError:
        return False
    return True

"""Bearers from any table: CSV, XLSX or JSON, with a column mapping or HXL hashtags.

Which column holds what is found, in this order: the mapping given (``--map
name=Groupe`` on the command line, the fields of the upload page), then the HXL
hashtags, then the usual header words (``name``, ``nom``, ``type``, ``country``…).

HXL: ``#group`` and ``#org`` name an armed group or organisation (the bearer);
with ``+unit`` they name a unit of it; ``+code`` is its identifier in another registry,
``+type`` its kind, ``+alt`` or ``+alias`` another name, ``+acronym`` its acronym.
``#country+code`` (or ``#country+name``) gives its countries, ``#adm1+code`` (or
``#adm2+code``) the P-code of the area a unit sits in.

Identity: a row with an identifier (``external_id``, with the ``id_scheme`` chosen)
is the bearer carrying it; without one, the name is matched against the registry:
the same name is the same bearer, a resembling one goes to the review queue, none
registers a new bearer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pourparler.bearers.choices import BearerKind, IdScheme, NameKind, OrganisationLevel
from pourparler.bearers.models import BearerName, ExternalId, Unit, WeaponBearer
from pourparler.bearers.services import refresh_bearer_search
from pourparler.core.text import fold, search_blob
from pourparler.exchange.choices import ImportKind, ReviewStatus, ReviewSubject
from pourparler.exchange.engine import ImportContext, Importer, register
from pourparler.exchange.importers.common import KnownBearers, NameEntry, name_entry
from pourparler.exchange.matching import NameMatcher, match_key
from pourparler.exchange.models import ReviewItem
from pourparler.exchange.reader import Problem, RowError, Table, clean_text, problem, split_list
from pourparler.geo.lookup import CountryResolver
from pourparler.geo.models import AdminArea, Country

# The fields a column can be mapped to, with what they mean (shown on the upload page).
FIELDS = {
    "name": _("Name of the bearer (required)"),
    "kind": _("Kind of bearer (armed forces, police, armed group…)"),
    "aliases": _("Other names, separated by semicolons"),
    "acronym": _("Acronym"),
    "countries": _("Countries (ISO codes or names, separated by semicolons)"),
    "external_id": _("Identifier in another registry"),
    "organisation_level": _("UCDP organisation level (1 to 4)"),
    "description": _("Description"),
    "unit": _("A unit of the bearer"),
    "unit_pcode": _("P-code of the area the unit sits in"),
}
HEADER_WORDS = {
    "name": (
        "name",
        "bearer",
        "actor",
        "armed group",
        "group",
        "organisation",
        "organization",
        "nom",
    ),
    "kind": ("kind", "type", "bearer kind", "category"),
    "aliases": ("aliases", "alias", "other names", "also known as", "aka"),
    "acronym": ("acronym", "abbreviation", "sigle"),
    "countries": ("countries", "country", "iso3", "iso2", "iso", "pays"),
    "external_id": ("id", "external id", "identifier", "code"),
    "organisation_level": ("organisation level", "organization level", "org level", "org"),
    "description": ("description", "notes", "remarks"),
    "unit": ("unit", "unité", "sub-unit"),
    "unit_pcode": ("pcode", "p-code", "admin pcode", "adm1 pcode", "adm2 pcode"),
}
HXL_TAGS = {
    "name": ("#group+name", "#org+name", "#group", "#org"),
    "kind": ("#group+type", "#org+type"),
    "aliases": ("#group+alt", "#org+alt", "#group+alias", "#org+alias"),
    "acronym": ("#group+acronym", "#org+acronym"),
    "countries": ("#country+code", "#country+name", "#country"),
    "external_id": ("#group+code", "#org+code"),
    "description": ("#description", "#meta+description"),
    "unit": ("#group+unit", "#org+unit"),
    "unit_pcode": ("#adm2+code", "#adm1+code"),
}
# HXL columns a tag would match but that mean something else.
_HXL_NOT_NAME = ("+code", "+type", "+alt", "+alias", "+acronym", "+unit", "+id")

KIND_WORDS = {
    "armed forces": BearerKind.ARMED_FORCES,
    "army": BearerKind.ARMED_FORCES,
    "military": BearerKind.ARMED_FORCES,
    "state armed forces": BearerKind.ARMED_FORCES,
    "police": BearerKind.POLICE,
    "gendarmerie": BearerKind.GENDARMERIE,
    "law enforcement": BearerKind.OTHER_LAW_ENFORCEMENT,
    "armed group": BearerKind.NON_STATE_ARMED_GROUP,
    "non-state armed group": BearerKind.NON_STATE_ARMED_GROUP,
    "nsag": BearerKind.NON_STATE_ARMED_GROUP,
    "rebel group": BearerKind.NON_STATE_ARMED_GROUP,
    "groupe arme": BearerKind.NON_STATE_ARMED_GROUP,
    "militia": BearerKind.MILITIA,
    "milice": BearerKind.MILITIA,
    "paramilitary": BearerKind.MILITIA,
    "private security": BearerKind.PRIVATE_SECURITY,
    "pmsc": BearerKind.PRIVATE_SECURITY,
    "peace operation": BearerKind.PEACE_OPERATION,
    "peacekeepers": BearerKind.PEACE_OPERATION,
}
LEVEL_WORDS = {
    "1": OrganisationLevel.FORMAL_GROUP,
    "2": OrganisationLevel.PARTY_SUPPORTERS,
    "3": OrganisationLevel.IDENTITY_GROUP,
    "4": OrganisationLevel.STATE,
}
NAME_SCHEME = "name"


def kind_of(text: str) -> str | None:
    """Read a kind of bearer from a value, a label or a usual word; None if unknown."""
    folded = fold(text).replace("_", " ")
    for value, label in BearerKind.choices:
        if folded in (fold(value).replace("_", " "), fold(str(label))):
            return str(value)
    return KIND_WORDS.get(folded)


def level_of(text: str) -> str | None:
    """Read an organisation level from 1 to 4 or its value; None if unknown."""
    value = text.strip().lower()
    if value in OrganisationLevel.values:
        return value
    return LEVEL_WORDS.get(value)


def resolve_columns(table: Table, mapping: Mapping[str, str]) -> dict[str, str]:
    """Decide which column holds each field: the mapping, then HXL, then header words."""
    columns: dict[str, str] = {}
    by_folded = {fold(h): h for h in table.headers}
    for name, column in mapping.items():
        if name in FIELDS and column:
            columns[name] = by_folded.get(fold(column), column)
    if table.hxl:
        for name, tags in HXL_TAGS.items():
            if name in columns:
                continue
            for tag in tags:
                found = _hxl_column(table, tag, strict=name == "name")
                if found and found not in columns.values():
                    columns[name] = found
                    break
    for name, words in HEADER_WORDS.items():
        if name in columns:
            continue
        for word in words:
            header = by_folded.get(fold(word))
            if header and header not in columns.values():
                columns[name] = header
                break
    return columns


def _hxl_column(table: Table, tag: str, *, strict: bool) -> str | None:
    if not table.hxl:
        return None
    if not strict:
        return table.column_for_tag(tag)
    # A name column is a #group or #org one that is not a code, type, alias or unit.
    want, *attrs = tag.split("+")
    for header, hashtag in zip(table.headers, table.hxl, strict=True):
        if not hashtag:
            continue
        base, *have = hashtag.split("+")
        if base != want or not set(attrs) <= set(have):
            continue
        if any(f"+{a}" in _HXL_NOT_NAME for a in have):
            continue
        return header
    return None


@dataclass
class BearerRow:
    """One checked row of a generic file."""

    row: int
    name: str
    kind: str
    names: list[NameEntry] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    external_id: str = ""
    level: str = ""
    description: str = ""
    unit: str = ""
    unit_area: AdminArea | None = None


@register
class GenericBearers(Importer):
    """Bearers (and their units) from a CSV, XLSX or JSON file."""

    kind = ImportKind.GENERIC
    source = "Generic file"

    def source_of(self, table: Table) -> str:
        return str(self.options.get("source") or f"{self.source} {table.file_name}")

    def parse(self, table: Table, errors: list[RowError]) -> list[BearerRow]:
        mapping = dict(self.options.get("mapping") or {})
        columns = resolve_columns(table, mapping)
        file = table.file_name
        for name, column in columns.items():
            if not table.has(column):
                errors.append(
                    RowError(
                        file,
                        1,
                        column,
                        problem(
                            gettext_noop("mapped to %(field)s, but no such column"), field=name
                        ),
                    )
                )
        if "name" not in columns:
            errors.append(
                RowError(
                    file,
                    1,
                    "",
                    problem(gettext_noop("No column holds the bearers' names: map one to “name”.")),
                )
            )
        if errors:
            return []
        scheme = str(self.options.get("id_scheme") or IdScheme.OTHER)
        if "external_id" in columns and scheme not in IdScheme.values:
            errors.append(
                RowError(
                    file,
                    1,
                    columns["external_id"],
                    problem(gettext_noop("unknown scheme %(scheme)s"), scheme=scheme),
                )
            )
        default_kind = str(self.options.get("default_kind") or BearerKind.NON_STATE_ARMED_GROUP)
        resolver = CountryResolver()
        areas = {a.pcode: a for a in AdminArea.objects.alive()} if "unit_pcode" in columns else {}
        rows: list[BearerRow] = []
        seen_ids: dict[str, int] = {}
        for row in table.rows:
            checked = self._row(row, columns, default_kind, resolver, areas, file, errors)
            if checked is None:
                continue
            if checked.external_id and not checked.unit:
                if checked.external_id in seen_ids:
                    errors.append(
                        RowError(
                            file,
                            row.number,
                            columns["external_id"],
                            problem(
                                gettext_noop("“%(id)s” is already on row %(row)s"),
                                id=checked.external_id,
                                row=seen_ids[checked.external_id],
                            ),
                        )
                    )
                    continue
                seen_ids[checked.external_id] = row.number
            rows.append(checked)
        return rows

    def _row(
        self,
        row: Any,
        columns: dict[str, str],
        default_kind: str,
        resolver: CountryResolver,
        areas: dict[str, AdminArea],
        file: str,
        errors: list[RowError],
    ) -> BearerRow | None:
        def cell(name: str) -> str:
            return clean_text(row.get(columns.get(name)))

        def fail(name: str, reason: Problem) -> None:
            errors.append(RowError(file, row.number, columns.get(name, name), reason))

        name = cell("name")
        if not name:
            fail("name", problem(gettext_noop("the bearer has no name")))
            return None
        if len(name) > 200:
            fail("name", problem(gettext_noop("longer than 200 characters")))
            return None
        kind = default_kind
        if cell("kind"):
            found = kind_of(cell("kind"))
            if found is None:
                fail(
                    "kind",
                    problem(
                        gettext_noop(
                            "unknown kind “%(kind)s”: say armed forces, police, gendarmerie, "
                            "armed group, militia, private security or peace operation"
                        ),
                        kind=cell("kind"),
                    ),
                )
            else:
                kind = found
        level = ""
        if cell("organisation_level"):
            level = level_of(cell("organisation_level")) or ""
            if not level:
                fail("organisation_level", problem(gettext_noop("expected 1, 2, 3 or 4")))
        countries: list[Country] = []
        for text in split_list(cell("countries"), ";" if ";" in cell("countries") else ","):
            country = resolver.resolve(text)
            if country is None:
                fail(
                    "countries",
                    problem(gettext_noop("“%(text)s” is no country we know"), text=text),
                )
            elif country not in countries:
                countries.append(country)
        names = [name_entry(a, NameKind.ALIAS) for a in split_list(cell("aliases"), ";")]
        if cell("acronym"):
            names.append(name_entry(cell("acronym"), NameKind.ACRONYM))
        area = None
        if cell("unit_pcode"):
            area = areas.get(cell("unit_pcode").upper())
            if area is None:
                fail(
                    "unit_pcode",
                    problem(
                        gettext_noop("no area has the P-code “%(pcode)s”"), pcode=cell("unit_pcode")
                    ),
                )
        return BearerRow(
            row=row.number,
            name=name,
            kind=kind,
            names=[n for n in names if fold(n.name) != fold(name)],
            countries=countries,
            external_id=cell("external_id")[:200],
            level=level,
            description=cell("description"),
            unit=cell("unit")[:200],
            unit_area=area,
        )

    def apply(self, items: list[BearerRow], ctx: ImportContext) -> None:
        scheme = str(self.options.get("id_scheme") or IdScheme.OTHER)
        known = KnownBearers(scheme, ctx.actor)
        matcher = NameMatcher.for_user(ctx.actor)
        waiting = set(
            ReviewItem.objects.alive()
            .filter(status=ReviewStatus.PENDING)
            .values_list("scheme", "key")
        )
        by_name: dict[str, WeaponBearer] = {}
        refresh: dict[Any, WeaponBearer] = {}
        # Bearers this run registers: written at the end, matched by name meanwhile.
        self._registered: dict[Any, WeaponBearer] = {}
        units = {
            (u.bearer_id, fold(u.name)) for u in Unit.objects.alive().only("bearer_id", "name")
        }
        for item in ctx.progress(items, "bearers"):
            bearer = self._bearer(item, scheme, known, matcher, waiting, by_name, refresh, ctx)
            if bearer is None or not item.unit:
                continue
            key = (bearer.pk, fold(item.unit))
            if key in units:
                ctx.count_unchanged(Unit)
                continue
            units.add(key)
            ctx.create(
                Unit(bearer=bearer, name=item.unit, admin_area=item.unit_area),
                row=item.row,
                what=f"{item.unit} ({bearer.name})",
            )

        def refresh_search() -> None:
            for bearer in refresh.values():
                refresh_bearer_search(bearer)

        ctx.after_flush(refresh_search)

    def _bearer(
        self,
        item: BearerRow,
        scheme: str,
        known: KnownBearers,
        matcher: NameMatcher,
        waiting: set[tuple[str, str]],
        by_name: dict[str, WeaponBearer],
        refresh: dict[Any, WeaponBearer],
        ctx: ImportContext,
    ) -> WeaponBearer | None:
        key = match_key(item.name)
        if item.external_id in known.hidden:
            ctx.skipped += 1
            return None
        if item.external_id:
            bearer = known.get(item.external_id)
            review_key = (scheme, item.external_id)
        else:
            bearer = by_name.get(key)
            review_key = (NAME_SCHEME, key)
        if bearer is None and review_key in waiting:
            ctx.note(
                problem(
                    gettext_noop("Row %(row)s: %(name)s still waits in the review queue."),
                    row=item.row,
                    name=item.name,
                )
            )
            return None
        if bearer is None:
            match = matcher.match(item.name, *(n.name for n in item.names))
            if match.uncertain:
                ctx.queue_review(
                    subject=ReviewSubject.ACTOR,
                    name=item.name,
                    scheme=review_key[0],
                    key=review_key[1],
                    row=item.row,
                    candidates=match.candidates,
                    payload={
                        "kind": item.kind,
                        "organisation_level": item.level,
                        "names": [n.as_fields() for n in item.names],
                        "locations": ", ".join(c.iso2 for c in item.countries),
                    },
                )
                waiting.add(review_key)
                return None
            if match.confident and match.bearer_id is not None:
                bearer = self._registered.get(match.bearer_id) or WeaponBearer.objects.get(
                    pk=match.bearer_id
                )
                if item.external_id:
                    ctx.create(
                        ExternalId(bearer=bearer, scheme=scheme, value=item.external_id),
                        row=item.row,
                        what=f"{scheme} {item.external_id} → {bearer.name}",
                    )
        if bearer is None:
            bearer = self._register(item, scheme, ctx)
            self._registered[bearer.pk] = bearer
            matcher.add(bearer.pk, [item.name, *(n.name for n in item.names)])
            known.note_names(bearer, [item.name, *(n.name for n in item.names)])
        elif ctx.is_pending(bearer):
            pass
        elif ctx.created_by_import(bearer):
            changes: dict[str, Any] = {"name": item.name, "kind": item.kind}
            if item.level:
                changes["organisation_level"] = item.level
            if item.description:
                changes["description"] = item.description
            m2m = {"countries": item.countries} if item.countries else None
            bearer = ctx.update(bearer, row=item.row, changes=changes, m2m=m2m)
        else:
            bearer = ctx.fill(
                bearer,
                row=item.row,
                changes={"organisation_level": item.level, "description": item.description},
            )
        by_name[key] = bearer
        if item.external_id:
            known.remember(item.external_id, bearer, [])
        held = known.names_of(bearer)
        held.add(fold(bearer.name))
        for entry in [NameEntry(item.name, NameKind.ALIAS), *item.names]:
            if fold(entry.name) in held:
                continue
            held.add(fold(entry.name))
            ctx.create(
                BearerName(bearer=bearer, **entry.as_fields()),
                row=item.row,
                what=f"{entry.name} ({bearer.name})",
            )
            refresh[bearer.pk] = bearer
        return bearer

    def _register(self, item: BearerRow, scheme: str, ctx: ImportContext) -> WeaponBearer:
        bearer = WeaponBearer(
            name=item.name,
            kind=item.kind,
            organisation_level=item.level,
            description=item.description,
            search_text=search_blob(_all_names(item.name, item.names)),
        )
        ctx.create(bearer, row=item.row, m2m={"countries": item.countries})
        for entry in item.names:
            ctx.create(
                BearerName(bearer=bearer, **entry.as_fields()),
                row=item.row,
                what=f"{entry.name} ({item.name})",
            )
        if item.external_id:
            ctx.create(
                ExternalId(bearer=bearer, scheme=scheme, value=item.external_id),
                row=item.row,
                what=f"{scheme} {item.external_id}",
            )
        return bearer


def _all_names(name: str, names: Iterable[NameEntry]) -> list[str]:
    return [name, *(part for n in names for part in (n.name, n.transliteration))]

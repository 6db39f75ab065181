"""How many people live in areas of control, from administrative areas and their population.

For each country, the **basis** is its administrative areas that have both an outline and
a total population figure (group ``T_TL``, the latest year each area has), at the finest
level that has any (districts rather than provinces when both were imported, so nobody
is counted twice). An area of control counts every administrative area it covers: one
entirely inside counts whole; one partly covered counts by the share of its surface that
is covered (the people are taken as spread evenly within it). Surfaces are measured in an
equal-area projection (``maps.geometry``), so a share is the share on the ground.

Totals never count people twice: the areas of one bearer (or kind of bearer, or
country) are merged into one outline per country first, and that union is counted.

Everything is read through ``visible_to`` (the caller hands in areas read through
``maps.reading``), so a figure only counts what its reader may see.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pourparler.geo.models import AdminArea, PopulationFigure
from pourparler.maps.choices import ControlType
from pourparler.maps.geometry import project, read_outline
from pourparler.maps.models import AreaOfControl

shapely: Any = importlib.import_module("shapely")

TOTAL_GROUP = "T_TL"
# An administrative area covered to within this share of its surface counts whole.
WHOLE = 1 - 1e-9
# Below this share of an area of control left without population figures, say nothing.
UNCOUNTED_NOTE = 0.01

# Projected outlines, keyed by the SHA-256 of their GeoJSON text (outlines do not change
# under a digest). Bounded: the oldest entries go first.
_PROJECTED: dict[str, Any] = {}
_PROJECTED_MAX = 20_000


def projected(digest: str, text: str) -> Any:
    """Return an outline in the equal-area projection, parsed once per process."""
    shape = _PROJECTED.get(digest)
    if shape is None:
        # Not ``shapely.prepare``d: a prepared geometry builds indexes lazily on first use,
        # which is not safe for threads sharing this cache.
        shape = project(read_outline(text))
        if len(_PROJECTED) >= _PROJECTED_MAX:
            _PROJECTED.pop(next(iter(_PROJECTED)))
        _PROJECTED[digest] = shape
    return shape


@dataclass(frozen=True)
class Base:
    """One administrative area of the basis: its population and its projected outline."""

    pcode: str
    name: str
    people: int
    year: int
    source: str
    shape: Any
    surface: float  # m², projected


@dataclass(frozen=True)
class Share:
    """How much of one administrative area an outline covers, and the people that makes."""

    pcode: str
    name: str
    share: float
    people: float

    @property
    def percent(self) -> str:
        """The share as a percentage: whole numbers, a decimal below 10 %, "< 0.1" below."""
        value = self.share * 100
        if value >= 10 or value == 0:
            return str(number_format(round(value)))
        if value < 0.1:
            return "< " + str(number_format(0.1, 1))
        return str(number_format(value, 1))


@dataclass
class Estimate:
    """The people living in an outline, with where the figures come from.

    ``people`` is None when there are no population figures to count with; ``note`` then
    says why. ``uncounted`` is the share of the outline's surface that lies outside every
    administrative area of the basis (its people are not counted).
    """

    people: float | None
    sources: set[tuple[str, int]] = field(default_factory=set)
    shares: list[Share] = field(default_factory=list)
    uncounted: float = 0.0
    note: str = ""

    @property
    def rounded(self) -> int | None:
        """The number of people, to the person."""
        return None if self.people is None else round(self.people)

    @property
    def shown(self) -> str:
        """The number of people as the page prints it (grouped digits), or a dash."""
        if self.people is None:
            return "—"
        return str(number_format(round(self.people), force_grouping=True))

    @property
    def source_text(self) -> str:
        """The sources and years of the figures counted, as printed under the figure."""
        by_source: dict[str, set[int]] = defaultdict(set)
        for source, year in self.sources:
            by_source[source or _("unnamed source")].add(year)
        return "; ".join(
            f"{source}, {', '.join(str(y) for y in sorted(years))}"
            for source, years in sorted(by_source.items())
        )

    @property
    def caveat(self) -> str:
        """What a reader must know about the figure (no data, part not counted)."""
        if self.note:
            return self.note
        if self.uncounted >= UNCOUNTED_NOTE:
            return _(
                "%(pct)s %% of the area lies outside the administrative areas with population "
                "figures; its people are not counted."
            ) % {"pct": round(self.uncounted * 100)}
        return ""

    def add(self, other: Estimate) -> Estimate:
        """Return the sum of two estimates of outlines that do not overlap."""
        if self.people is None and other.people is None:
            return Estimate(None, note=self.note or other.note)
        missing = (self.people is None and bool(self.note)) or (
            other.people is None and bool(other.note)
        )
        return Estimate(
            (self.people or 0) + (other.people or 0),
            self.sources | other.sources,
            self.shares + other.shares,
            max(self.uncounted, other.uncounted),
            _("Some of these areas lie where there are no population figures: not counted.")
            if missing
            else "",
        )


class PopulationBasis:
    """The administrative areas with population figures of some countries, as one viewer
    may see them: three queries, whatever the number of areas."""

    def __init__(self, user: Any, country_ids: Iterable[Any]) -> None:
        wanted = set(country_ids)
        self.countries = wanted
        self.bases: dict[Any, list[Base]] = {}
        self.trees: dict[Any, Any] = {}
        if not wanted:
            return
        areas = list(
            AdminArea.objects.visible_to(user)
            .filter(country_id__in=wanted)
            .exclude(boundary="")
            .only("pk", "pcode", "name", "level", "country_id", "boundary", "boundary_sha256")
        )
        latest: dict[Any, PopulationFigure] = {}
        figures = (
            PopulationFigure.objects.visible_to(user)
            .filter(group=TOTAL_GROUP, area__country_id__in=wanted)
            .only("area_id", "year", "value", "source")
            .order_by("area_id", "-year")
        )
        for figure in figures:
            latest.setdefault(figure.area_id, figure)
        finest: dict[Any, int] = {}
        for area in areas:
            if area.pk in latest:
                finest[area.country_id] = max(finest.get(area.country_id, 0), area.level)
        for area in areas:
            latest_figure = latest.get(area.pk)
            if latest_figure is None or area.level != finest.get(area.country_id):
                continue
            shape = projected(area.boundary_sha256 or area.pcode, area.boundary)
            self.bases.setdefault(area.country_id, []).append(
                Base(
                    pcode=area.pcode,
                    name=area.name,
                    people=latest_figure.value,
                    year=latest_figure.year,
                    source=latest_figure.source,
                    shape=shape,
                    surface=float(shape.area),
                )
            )
        for country_id, bases in self.bases.items():
            self.trees[country_id] = shapely.STRtree([b.shape for b in bases])

    def estimate(self, shape: Any, country_id: Any) -> Estimate:
        """Count the people in a projected outline, from the basis of its country."""
        bases = self.bases.get(country_id)
        if not bases:
            return Estimate(
                None, note=_("No population figures with outlines for this country yet.")
            )
        total = 0.0
        covered = 0.0
        shares: list[Share] = []
        sources: set[tuple[str, int]] = set()
        for index in self.trees[country_id].query(shape):
            base = bases[int(index)]
            overlap = float(shape.intersection(base.shape).area)
            if overlap <= 0:
                continue
            covered += overlap
            share = overlap / base.surface
            share = 1.0 if share >= WHOLE else share
            total += share * base.people
            shares.append(Share(base.pcode, base.name, share, share * base.people))
            sources.add((base.source, base.year))
        surface = float(shape.area)
        uncounted = max(0.0, 1 - covered / surface) if surface else 0.0
        if not shares:
            return Estimate(
                None,
                uncounted=1.0,
                note=_("The area covers no administrative area with a population figure."),
            )
        shares.sort(key=lambda s: -s.people)
        return Estimate(total, sources, shares, uncounted)


def area_shape(area: AreaOfControl) -> Any:
    """Return an area of control's outline in the equal-area projection."""
    return projected(area.outline_sha256 or str(area.pk), area.outline)


def estimate_areas(areas: Sequence[AreaOfControl], basis: PopulationBasis) -> dict[Any, Estimate]:
    """Count the people in each area of control, by the area's id."""
    return {area.pk: basis.estimate(area_shape(area), area.country_id) for area in areas}


def estimate_union(areas: Iterable[AreaOfControl], basis: PopulationBasis) -> Estimate:
    """Count the people in the union of some areas: once each, country by country."""
    by_country: dict[Any, list[Any]] = defaultdict(list)
    for area in areas:
        by_country[area.country_id].append(area_shape(area))
    result = Estimate(None)
    for country_id, shapes in by_country.items():
        merged = shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)
        result = result.add(basis.estimate(merged, country_id))
    return result


@dataclass
class TotalRow:
    """One line of a totals table: a bearer, a kind or a country, by control type."""

    key: Any
    label: str
    by_control: dict[str, Estimate]
    overall: Estimate
    areas: int


def totals_by(
    areas: Sequence[AreaOfControl],
    basis: PopulationBasis,
    key: Callable[[AreaOfControl], Any],
    label: Callable[[AreaOfControl], str],
) -> list[TotalRow]:
    """Total the people under each group's areas, per control type and all types merged.

    Each cell counts the union of the group's areas of that control type; the last
    column the union of all of them (an area held fully by one bearer and influenced by
    it elsewhere is counted once).
    """
    groups: dict[Any, list[AreaOfControl]] = defaultdict(list)
    labels: dict[Any, str] = {}
    for area in areas:
        groups[key(area)].append(area)
        labels.setdefault(key(area), label(area))
    rows = []
    for group_key, members in groups.items():
        by_control = {
            control.value: estimate_union([a for a in members if a.control == control], basis)
            for control in ControlType
        }
        rows.append(
            TotalRow(
                group_key,
                labels[group_key],
                by_control,
                estimate_union(members, basis),
                len(members),
            )
        )
    rows.sort(key=lambda row: (-(row.overall.people or 0), row.label))
    return rows

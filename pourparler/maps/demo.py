"""Demo areas of control in Varnia, and the outlines and population of its provinces.

The demo world names Varnia's six provinces but gives them no outline or population, so
this adds, through the OCHA importers (as a delegation would import its country's COD
files), twelve districts (each province cut in two, named after a town in it) with
small plausible outlines around the places the access demo puts its checkpoints, and
invented population figures. Then the delegation records who holds
what: the Front for the Liberation of the Hollow Hills holds the south of the Hollow
Hills and contests the rest, its splinter contests Kessel Ford, the Eastern Ridge
Movement holds most of its ridge and sways the east of the Sarn Valley; an older area
of the Front, given up last year, shows on the map when the period reaches back.
Kestria knows unrest, not armed control of territory: no area there.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

from pourparler.demo.world import PROVINCES as WORLD_PROVINCES
from pourparler.exchange.services import run_import
from pourparler.maps.choices import ControlType
from pourparler.maps.services import do_record_area_of_control

# (P-code, name as the demo world has it, west, south, east, north, population): each
# province's extent, cut into two districts by ``districts()``.
PROVINCES: tuple[tuple[str, str, float, float, float, float, int], ...] = (
    ("QV01", "Velmora Capital District", 21.55, 43.95, 21.95, 44.5, 1_850_000),
    ("QV02", "Hollow Hills", 21.0, 43.95, 21.55, 44.5, 640_000),
    ("QV03", "Eastern Ridge", 21.95, 43.95, 22.5, 44.9, 410_000),
    ("QV04", "Sarn Valley", 21.0, 43.6, 22.5, 43.95, 720_000),
    ("QV05", "Northern Marches", 21.0, 44.5, 21.95, 44.9, 380_000),
    ("QV06", "Brennic Coast", 20.5, 43.6, 21.0, 44.9, 520_000),
)
SOURCE = "Varnian Statistics Office, census projection (fictional)"

# (bearer, control, name, outline ring, from days ago, until days ago or None)
AREAS: tuple[tuple[str, str, str, list[list[float]], int, int | None], ...] = (
    (
        "flhh",
        ControlType.FULL,
        "Southern Hollow Hills",
        [[21.02, 43.97], [21.5, 43.97], [21.45, 44.2], [21.2, 44.26], [21.02, 44.18]],
        420,
        None,
    ),
    (
        "flhh",
        ControlType.FLUID,
        "Hollow Hills heights",
        [[21.02, 44.16], [21.2, 44.24], [21.46, 44.18], [21.52, 44.45], [21.05, 44.48]],
        300,
        None,
    ),
    (
        "flhh",
        ControlType.FULL,
        "Mirovane hills (given up)",
        [[21.1, 44.52], [21.5, 44.52], [21.5, 44.75], [21.1, 44.75]],
        700,
        380,
    ),
    (
        "hhrb",
        ControlType.FLUID,
        "Kessel Ford",
        [[21.33, 44.16], [21.48, 44.16], [21.48, 44.28], [21.33, 44.28]],
        200,
        None,
    ),
    (
        "erm",
        ControlType.FULL,
        "Eastern Ridge",
        [[22.0, 43.97], [22.48, 43.97], [22.48, 44.45], [22.2, 44.6], [22.0, 44.4]],
        500,
        None,
    ),
    (
        "erm",
        ControlType.INFLUENCE,
        "Eastern Sarn Valley",
        [[21.9, 43.65], [22.45, 43.65], [22.45, 43.98], [21.9, 43.98]],
        250,
        None,
    ),
)


def _wobble(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    """A border between two corners that is not a ruler's line, the same from both sides."""
    first, second = sorted((a, b))
    seed = hashlib.sha256(f"{first}{second}".encode()).digest()
    points = [first]
    for step in range(1, 4):
        t = step / 4
        offset = (seed[step] / 255 - 0.5) * 0.04
        x = first[0] + (second[0] - first[0]) * t
        y = first[1] + (second[1] - first[1]) * t
        # Perpendicular to the edge (edges are horizontal or vertical here).
        points.append((x + offset, y) if first[0] == second[0] else (x, y + offset))
    points.append(second)
    return points if (first, second) == (a, b) else points[::-1]


@dataclass(frozen=True)
class District:
    """A second-level area of the demo: half of a province, named after a town in it."""

    pcode: str
    name: str
    province: str
    box: tuple[float, float, float, float]  # west, south, east, north
    people: int


def districts() -> list[District]:
    """Each province cut in two across its longer side, 60 % of its people in the first."""
    towns = {pcode: names for pcode, _name, names in WORLD_PROVINCES}
    found = []
    for pcode, _name, west, south, east, north, people in PROVINCES:
        if east - west >= north - south:
            middle = round((west + east) / 2, 3)
            halves = ((west, south, middle, north), (middle, south, east, north))
        else:
            middle = round((south + north) / 2, 3)
            halves = ((west, middle, east, north), (west, south, east, middle))
        for number, (half, share) in enumerate(zip(halves, (0.6, 0.4), strict=True), start=1):
            found.append(
                District(
                    f"{pcode}{number:02d}",
                    f"{towns[pcode][number - 1]} district",
                    pcode,
                    half,
                    round(people * share),
                )
            )
    return found


def _outline(
    box: tuple[float, float, float, float], corners: set[tuple[float, float]]
) -> dict[str, Any]:
    west, south, east, north = box

    def on_side(fixed: float, axis: int, low: float, high: float) -> list[tuple[float, float]]:
        found = {c for c in corners if c[axis] == fixed and low <= c[1 - axis] <= high}
        return sorted(found, key=lambda c: c[1 - axis])

    path = (
        on_side(south, 1, west, east)  # west to east along the south
        + on_side(east, 0, south, north)[1:]  # south to north along the east
        + on_side(north, 1, west, east)[::-1][1:]  # east to west along the north
        + on_side(west, 0, south, north)[::-1][1:]  # north to south along the west
    )
    ring: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(path):
        ring.extend(_wobble(a, b)[:-1])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


def _boundaries(cut: list[District]) -> bytes:
    corners = set()
    for district in cut:
        west, south, east, north = district.box
        corners |= {(west, south), (east, south), (east, north), (west, north)}
    features = [
        {
            "type": "Feature",
            "properties": {
                "adm2_pcode": d.pcode,
                "adm2_name": d.name,
                "adm1_pcode": d.province,
                "iso2": "QV",
            },
            "geometry": _outline(d.box, corners),
        }
        for d in cut
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _population(cut: list[District], year: int) -> bytes:
    lines = [
        "ISO3,ADM1_PCODE,ADM2_PCODE,ADM2_NAME,Population_group,Population,Reference_year,Source",
        "#country+code,#adm1+code,#adm2+code,#adm2+name,#population+group,#population,"
        "#date+year,#meta+source",
    ]
    for d in cut:
        lines.append(f'QVA,{d.province},{d.pcode},{d.name},T_TL,{d.people},{year},"{SOURCE}"')
    return ("\n".join(lines) + "\n").encode()


def populate(world: Any) -> str:
    """Import Varnia's province outlines and population, and record the areas of control."""
    head = world.users["varnia.head"]
    cut = districts()
    for kind, data, name in (
        ("ocha-boundaries", _boundaries(cut), "varnia_admin2.geojson"),
        ("ocha-population", _population(cut, world.today.year - 1), "varnia_admpop_adm2.csv"),
    ):
        run = run_import(kind, data, name, actor=head)
        if run.status != "completed":
            raise RuntimeError(f"The demo's {kind} import failed: {run.report}")
    recorders = ("varnia.delegate", "varnia.head")
    for number, (bearer, control, name, ring, since, until) in enumerate(AREAS):
        do_record_area_of_control(
            actor=world.users[recorders[number % 2]],
            compartment=world.delegations["varnia"],
            bearer=world.bearers[bearer].bearer,
            control=control,
            name=name,
            country=world.countries["QV"],
            starts_on=world.days_ago(since),
            ends_on=world.days_ago(until) if until is not None else None,
            outline=json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}),
            source="Delegation's assessment from field visits and interlocutors",
        )
    return f"{len(cut)} districts with outlines and population, {len(AREAS)} areas of control"

"""OCHA boundaries and population of the Central African Republic (and DR Congo), by P-code."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator

import pytest
import shapely
from shapely.geometry import shape

from pourparler.core.models import ChangeLogEntry
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.importers.ocha import OchaPopulation, describe_group
from pourparler.exchange.reader import RowError, read_table
from pourparler.exchange.services import run_import
from pourparler.exchange.tests.helpers import DATA, table_counts
from pourparler.geo.models import AdminArea, PopulationFigure
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

BOUNDARIES = DATA / "caf_admin1.geojson"
POPULATION_HXL = DATA / "cod_ps_admin1_caf_cod_hxl.csv"
CAF_RAW = DATA / "caf_admpop_adm1_2015_v2_raw.cp1252.csv"
COD_RAW = DATA / "cod_admpop_adm1_2020_raw.csv"
GEO = ("geo.AdminArea", "geo.PopulationFigure", "exchange.Provenance")


def hxl_totals(iso3: str) -> dict[str, int]:
    """The T_TL figures of a country in OCHA's HXL file, read with the csv module alone."""
    with POPULATION_HXL.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[1:]
    return {
        r["ADM1_PCODE"]: int(r["Population"])
        for r in rows
        if r["ISO3"] == iso3 and r["Population_group"] == "T_TL"
    }


def test_car_population_joins_all_17_prefectures_by_p_code(world: World) -> None:
    run = run_import("ocha-boundaries", BOUNDARIES.read_bytes(), BOUNDARIES.name, actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    polygons = AdminArea.objects.filter(country__iso2="CF", level=1).exclude(boundary="")
    assert polygons.count() == 17
    for area in polygons:
        outline = shape(json.loads(area.boundary))
        assert outline.geom_type in ("Polygon", "MultiPolygon")
        assert outline.is_valid
        assert area.boundary_sha256 == hashlib.sha256(area.boundary.encode()).hexdigest()
    # The outline is not copied into the change log: its digest is.
    entry = ChangeLogEntry.objects.filter(object_id=polygons[0].pk).get()
    assert "boundary" not in entry.after
    assert entry.after["boundary_sha256"] == polygons[0].boundary_sha256

    population = run_import(
        "ocha-population", POPULATION_HXL.read_bytes(), POPULATION_HXL.name, actor=world.alice
    )
    assert population.status == RunStatus.COMPLETED, population.report.get("errors")
    totals = {
        f.area.pcode: f.value
        for f in PopulationFigure.objects.filter(group="T_TL", year=2015).select_related("area")
    }
    pcodes = set(polygons.values_list("pcode", flat=True))
    assert set(totals) == pcodes  # every polygon has its population, every figure a polygon
    assert totals == hxl_totals("CAF")
    assert totals["CF71"] == 839080  # Bangui, as the census table says
    # DR Congo's provinces came with the file: added by P-code and name, without outline.
    congo = AdminArea.objects.filter(country__iso2="CD")
    assert congo.count() == 26
    assert set(congo.values_list("boundary", flat=True)) == {""}
    figure = PopulationFigure.objects.get(area__pcode="CD52", group="F_00_04")
    assert (figure.sex, figure.age_range, figure.year, figure.value) == ("f", "0-4", 2020, 96557)

    counts = table_counts(*GEO)
    again = run_import(
        "ocha-boundaries", BOUNDARIES.read_bytes(), BOUNDARIES.name, actor=world.alice
    )
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    again = run_import(
        "ocha-population", POPULATION_HXL.read_bytes(), POPULATION_HXL.name, actor=world.alice
    )
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert table_counts(*GEO) == counts


def parsed_totals(data: bytes, name: str) -> dict[str, int]:
    errors: list[RowError] = []
    figures = OchaPopulation().parse(read_table(data, name), errors)
    assert errors == []
    return {f.pcode: f.value for f in figures if f.group == "T_TL"}


def test_the_raw_cp1252_table_parses_to_the_same_numbers_as_its_hxl_twin(world: World) -> None:
    raw = CAF_RAW.read_bytes()
    assert read_table(raw, CAF_RAW.name).encoding == "cp1252"
    assert parsed_totals(raw, CAF_RAW.name) == hxl_totals("CAF")
    assert parsed_totals(COD_RAW.read_bytes(), COD_RAW.name) == hxl_totals("COD")
    # Imported after its twin, the raw table repeats the totals and adds its other groups.
    run_import("ocha-population", POPULATION_HXL.read_bytes(), "twin.csv", actor=world.alice)
    run = run_import("ocha-population", raw, CAF_RAW.name, actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    counts = run.report["by_model"]["population figure"]
    assert (counts["unchanged"], counts["updated"], counts["conflicts"]) == (17, 0, 0)
    assert counts["created"] == 17 * 5  # T_TF, T_TM and three age bands
    women = PopulationFigure.objects.get(area__pcode="CF11", group="T_TF", year=2015)
    assert (women.sex, women.age_range, women.value) == ("f", "all", 226411)
    elders = PopulationFigure.objects.get(area__pcode="CF11", group="Agees_60plus")
    assert (elders.age_range, elders.value) == ("60+", 15248)


def test_a_raw_table_without_a_year_is_refused_until_given_one(world: World) -> None:
    raw = CAF_RAW.read_bytes()
    run = run_import("ocha-population", raw, "caf_adm1.csv", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    assert "--year" in run.report["errors"][0]["reason"]
    given = run_import(
        "ocha-population", raw, "caf_adm1.csv", actor=world.alice, options={"year": "2015"}
    )
    assert given.status == RunStatus.COMPLETED


def features(*geometries: dict[str, object]) -> Iterator[dict[str, object]]:
    for number, geometry in enumerate(geometries, start=1):
        yield {
            "type": "Feature",
            "properties": {
                "adm1_pcode": f"CF9{number}",
                "adm1_name": f"Test {number}",
                "iso2": "CF",
            },
            "geometry": geometry,
        }


def collection(*geometries: dict[str, object]) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features(*geometries))}
    ).encode()


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def test_a_point_where_an_outline_is_expected_refuses_the_file(world: World) -> None:
    before = table_counts(*GEO)
    data = collection(SQUARE, {"type": "Point", "coordinates": [20.0, 6.0]})
    run = run_import("ocha-boundaries", data, "areas.geojson", actor=world.alice)
    assert run.status == RunStatus.REFUSED
    [error] = run.report["errors"]
    assert (error["row"], error["column"]) == (2, "geometry")
    assert "Point" in error["reason"]
    assert table_counts(*GEO) == before


def test_a_self_crossing_outline_is_repaired_and_said_so(world: World) -> None:
    run = run_import("ocha-boundaries", collection(BOW_TIE), "areas.geojson", actor=world.alice)
    assert run.status == RunStatus.COMPLETED, run.report.get("errors")
    assert "repaired" in " ".join(n["text"] for n in run.report["notes"])
    stored = shape(json.loads(AdminArea.objects.get(pcode="CF91").boundary))
    assert stored.is_valid
    assert shapely.get_num_geometries(stored) == 2


@pytest.mark.parametrize(
    ("group", "meaning"),
    [
        ("T_TL", ("all", "all")),
        ("F_00_04", ("f", "0-4")),
        ("M_80plus", ("m", "80+")),
        ("T_TF", ("f", "all")),
        ("Enfants_00_18", ("all", "0-18")),
        ("Something", ("", "")),
    ],
)
def test_group_codes_say_sex_and_age(group: str, meaning: tuple[str, str]) -> None:
    assert describe_group(group) == meaning

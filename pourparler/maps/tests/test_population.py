"""The people living in areas of control, on the real boundaries and population of the
Central African Republic (OCHA COD-AB and COD-PS, imported through the existing importers).

Every expected figure is computed here, straight from the fixture files, with shapely
and another equal-area projection (sinusoidal) than the application's (Lambert's
cylindrical): the two agree only if both measure true areas.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import shapely
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker
from shapely.geometry import shape

from pourparler.bearers.choices import BearerKind
from pourparler.maps.population import PopulationBasis, estimate_areas, totals_by
from pourparler.maps.reading import areas_visible_to
from pourparler.maps.tests.helpers import BOUNDARIES, POPULATION, box, draw, import_car
from pourparler.testing.http import sign_in
from pourparler.testing.personas import build_world, make_bearer

pytestmark = pytest.mark.django_db

RADIUS = 6_371_000.0
# Covers Bangui and Kémo whole, and parts of Ombella M'Poko, Ouaka, Nana-Gribizi, Ouham.
CENTRE = box(18.4, 4.3, 20.1, 6.6)


def _sinusoidal(coordinates: Any) -> Any:
    lon, lat = np.radians(coordinates[:, 0]), np.radians(coordinates[:, 1])
    return np.column_stack((RADIUS * lon * np.cos(lat), RADIUS * lat))


def _equal_area(geometry: Any) -> Any:
    return shapely.transform(shapely.segmentize(geometry, 0.01), _sinusoidal)


def fixture_prefectures() -> list[tuple[str, Any, int]]:
    """(P-code, outline, 2015 population) of each prefecture, read from the files alone."""
    with POPULATION.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[1:]  # the second row holds the HXL hashtags
    people = {
        row["ADM1_PCODE"]: int(row["Population"])
        for row in rows
        if row["ISO3"] == "CAF" and row["Population_group"] == "T_TL"
    }
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    return [
        (f["properties"]["adm1_pcode"], shape(f["geometry"]), people[f["properties"]["adm1_pcode"]])
        for f in features
    ]


def independent_population(drawn: Any) -> tuple[float, dict[str, float]]:
    """The people in an outline, and the share of each prefecture it covers."""
    mine = _equal_area(drawn)
    total, shares = 0.0, {}
    for pcode, outline, people in fixture_prefectures():
        prefecture = _equal_area(outline)
        share = mine.intersection(prefecture).area / prefecture.area
        if share > 0:
            shares[pcode] = share
            total += share * people
    return total, shares


@pytest.fixture(scope="module")
def car(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Any]:
    """The personas, the CAR prefectures with their population, three bearers."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        import_car(world.alice)
        bearers = {
            "front": make_bearer(
                world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP
            ),
            "union": make_bearer(
                world.alice, "Union du Nord", kind=BearerKind.NON_STATE_ARMED_GROUP
            ),
            "army": make_bearer(world.alice, "Forces armées", kind=BearerKind.ARMED_FORCES),
        }
        yield world, bearers
        transaction.set_rollback(True)


def close(value: float | None, expected: float) -> bool:
    assert value is not None
    return math.isclose(value, expected, rel_tol=0.001)


def test_a_drawn_area_over_car_prefectures_counts_the_people_the_files_give(
    car: Any, client: Client
) -> None:
    world, bearers = car
    area = draw(world.alice, world.varnia, bearers["front"], CENTRE, name="Centre")
    expected, shares = independent_population(shape(CENTRE))
    # The drawing covers some prefectures whole and others in part.
    assert shares["CF71"] == pytest.approx(1, abs=1e-9) and shares["CF41"] > 0.999
    assert 0.05 < shares["CF11"] < 0.95 and 0 < shares["CF43"] < 0.95

    basis = PopulationBasis(world.alice, {area.country_id})
    estimate = estimate_areas([area], basis)[area.pk]
    assert close(estimate.people, expected)
    counted = {share.pcode: share.share for share in estimate.shares}
    assert counted["CF71"] == 1.0  # Bangui lies entirely inside: counted whole
    assert set(counted) == set(shares)
    for pcode, share in shares.items():
        assert counted[pcode] == pytest.approx(share, rel=1e-3, abs=1e-6)
    assert estimate.sources == {
        ("General Census of Population and Housing, Census Office Central African Republic", 2015)
    }

    # The page shows the same figure, with the source and year under it.
    sign_in(client, world.alice)
    page = client.get(reverse("area_detail", args=[area.pk])).content.decode()
    assert f"{round(estimate.people or 0):,}" in page
    assert "General Census of Population and Housing" in page and "2015" in page
    data = client.get(reverse("map_areas_json")).json()
    [feature] = data["features"]
    assert close(feature["properties"]["people"], expected)


def test_overlapping_areas_count_each_person_once(car: Any) -> None:
    world, bearers = car
    west, east = box(17.0, 4.0, 18.8, 5.5), box(18.4, 4.2, 19.5, 5.8)
    areas = [
        draw(world.alice, world.varnia, bearers["front"], west),
        draw(world.alice, world.varnia, bearers["front"], east, control="fluid"),
        draw(world.alice, world.varnia, bearers["union"], box(18.0, 4.5, 19.0, 6.0)),
    ]
    basis = PopulationBasis(world.alice, {areas[0].country_id})
    one, two = (independent_population(shape(b))[0] for b in (west, east))
    front_union = independent_population(shapely.union_all([shape(west), shape(east)]))[0]
    assert front_union < one + two  # the overlap is there to be counted twice

    by_bearer = {row.key: row for row in totals_by(areas, basis, lambda a: a.bearer_id, str)}
    front = by_bearer[bearers["front"].pk]
    assert close(front.overall.people, front_union)
    assert close(front.by_control["full"].people, one)
    assert close(front.by_control["fluid"].people, two)
    assert front.by_control["influence"].people is None

    everything = shapely.union_all([shape(west), shape(east), shape(box(18.0, 4.5, 19.0, 6.0))])
    [kind] = totals_by(areas, basis, lambda a: a.bearer.kind, str)
    [country] = totals_by(areas, basis, lambda a: a.country_id, str)
    expected = independent_population(everything)[0]
    assert close(kind.overall.people, expected) and close(country.overall.people, expected)


def test_an_area_reaching_beyond_the_figures_says_what_is_not_counted(car: Any) -> None:
    world, bearers = car
    # Half of it lies in Cameroon, where we hold no figures.
    border = box(13.0, 5.0, 15.5, 6.0)
    area = draw(world.alice, world.varnia, bearers["union"], border)
    estimate = estimate_areas([area], PopulationBasis(world.alice, {area.country_id}))[area.pk]
    expected, _shares = independent_population(shape(border))
    assert close(estimate.people, expected)
    inside = shapely.union_all([outline for _p, outline, _n in fixture_prefectures()])
    outside = (
        1 - _equal_area(shape(border).intersection(inside)).area / _equal_area(shape(border)).area
    )
    assert estimate.uncounted == pytest.approx(outside, abs=0.01)
    assert f"{round(outside * 100)} %" in estimate.caveat


def test_an_area_without_population_data_says_so(car: Any, client: Client) -> None:
    world, bearers = car
    # DR Congo's provinces came with the population file, without outlines; Chad has none.
    congo = draw(
        world.alice, world.varnia, bearers["army"], box(20.0, 0.0, 21.0, 1.0), country="CD"
    )
    chad = draw(
        world.alice, world.varnia, bearers["army"], box(18.0, 12.0, 19.0, 13.0), country="TD"
    )
    # Drawn in CAR's name but in the Sahara: it covers no prefecture.
    astray = draw(world.alice, world.varnia, bearers["army"], box(10.0, 20.0, 11.0, 21.0))
    areas = list(areas_visible_to(world.alice).filter(pk__in=[congo.pk, chad.pk, astray.pk]))
    basis = PopulationBasis(world.alice, {a.country_id for a in areas})
    estimates = estimate_areas(areas, basis)
    for area in (congo, chad):
        assert estimates[area.pk].people is None
        assert "No population figures" in estimates[area.pk].caveat
    assert estimates[astray.pk].people is None
    assert "covers no administrative area" in estimates[astray.pk].caveat

    sign_in(client, world.alice)
    page = client.get(reverse("area_detail", args=[chad.pk])).content.decode()
    assert "No population figures with outlines for this country yet." in page

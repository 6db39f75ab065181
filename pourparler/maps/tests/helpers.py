"""Shared by the maps tests: the real CAR files, their import, and areas drawn as rectangles."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.exchange.services import run_import
from pourparler.geo.models import Country
from pourparler.maps.models import AreaOfControl
from pourparler.maps.services import do_record_area_of_control

DATA = Path(__file__).parent / "data"
BOUNDARIES = DATA / "caf_admin1.geojson"
POPULATION = DATA / "cod_ps_admin1_caf_cod_hxl.csv"


def import_car(actor: User) -> None:
    """Import the CAR prefectures and their population through the existing importers."""
    for kind, path in (("ocha-boundaries", BOUNDARIES), ("ocha-population", POPULATION)):
        run = run_import(kind, path.read_bytes(), path.name, actor=actor)
        assert run.status == "completed", run.report


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """A rectangle in longitude and latitude, as a GeoJSON Polygon."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def days_ago(days: int) -> datetime.date:
    """The date so many days before today."""
    return timezone.localdate() - datetime.timedelta(days=days)


def draw(
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    outline: dict[str, Any],
    *,
    country: str = "CF",
    control: str = "full",
    **fields: Any,
) -> AreaOfControl:
    """Record an area of control as if drawn on the map."""
    fields.setdefault("starts_on", days_ago(100))
    return do_record_area_of_control(
        actor=actor,
        compartment=compartment,
        bearer=bearer,
        control=control,
        country=Country.objects.get(iso2=country),
        outline=json.dumps(outline),
        **fields,
    )

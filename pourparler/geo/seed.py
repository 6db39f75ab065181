"""Reference data for places: the ISO 3166-1 list of countries, from pycountry."""

from __future__ import annotations

import pycountry

from pourparler.core.services import seed_reference_records
from pourparler.geo.models import Country


def seed_countries() -> int:
    """Add every ISO 3166-1 country that is missing; return how many were added."""
    rows = [
        {"iso2": c.alpha_2, "iso3": c.alpha_3, "name": getattr(c, "common_name", c.name)}
        for c in pycountry.countries
    ]
    return seed_reference_records(Country, rows, key="iso2")

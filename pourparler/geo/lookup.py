"""Finding a country from the names datasets give it.

UCDP writes "DR Congo (Zaire)", "Russia (Soviet Union)", "Macedonia, FYR"; ACLED and
OCHA write ISO codes or current names. ``CountryResolver`` tries, in order: an ISO code,
the name as stored, pycountry's names (official and common), the name without its
parenthesis, the name inside it, and a short list of the datasets' own spellings. Places
that are no longer countries (South Vietnam, Hyderabad) resolve to nothing.
"""

from __future__ import annotations

import re

import pycountry

from pourparler.core.text import fold
from pourparler.geo.models import Country

# Spellings of UCDP and other datasets that ISO's lists do not hold.
ALIASES = {
    "bosnia-herzegovina": "BA",
    "brunei": "BN",
    "dr congo": "CD",
    "zaire": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "ivory coast": "CI",
    "macedonia": "MK",
    "macedonia, fyr": "MK",
    "russia": "RU",
    "soviet union": "RU",
    "turkey": "TR",
    "kosovo": "XK",
    "swaziland": "SZ",
    "burma": "MM",
    "east timor": "TL",
    "cape verde": "CV",
    "czech republic": "CZ",
    "vatican": "VA",
    "palestine": "PS",
}

_PARENTHESIS = re.compile(r"\s*\((.*?)\)")


class CountryResolver:
    """Resolve country names and codes to stored countries, with one query up front."""

    def __init__(self) -> None:
        countries = list(Country.objects.alive())
        self.by_code: dict[str, Country] = {}
        self.by_name: dict[str, Country] = {}
        by_iso2 = {c.iso2: c for c in countries}
        for country in countries:
            self.by_code[country.iso2] = country
            self.by_code[country.iso3] = country
            self.by_name.setdefault(fold(country.name), country)
        for entry in pycountry.countries:
            stored = by_iso2.get(entry.alpha_2)
            if stored is None:
                continue
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(entry, attribute, None)
                if value:
                    self.by_name.setdefault(fold(value), stored)
        for alias, iso2 in ALIASES.items():
            if iso2 in by_iso2:
                self.by_name.setdefault(alias, by_iso2[iso2])

    def resolve(self, text: str) -> Country | None:
        """Return the country a code or name designates, or None."""
        value = text.strip()
        if not value:
            return None
        if value.upper() in self.by_code and len(value) in (2, 3):
            return self.by_code[value.upper()]
        folded = fold(value)
        if folded in self.by_name:
            return self.by_name[folded]
        bare = fold(_PARENTHESIS.sub("", value))
        if bare in self.by_name:
            return self.by_name[bare]
        for inside in _PARENTHESIS.findall(value):
            if fold(inside) in self.by_name:
                return self.by_name[fold(inside)]
        return None

    def resolve_list(self, text: str) -> tuple[list[Country], list[str]]:
        """Resolve a comma-separated list of names; return the countries and the names left.

        "Macedonia, FYR" is one name although it holds a comma.
        """
        parts = [p.strip() for p in text.split(",") if p.strip()]
        found: list[Country] = []
        left: list[str] = []
        index = 0
        while index < len(parts):
            joined = f"{parts[index]}, {parts[index + 1]}" if index + 1 < len(parts) else ""
            if joined and fold(joined) in self.by_name:
                country: Country | None = self.by_name[fold(joined)]
                index += 2
            else:
                country = self.resolve(parts[index])
                if country is None:
                    left.append(parts[index])
                index += 1
            if country is not None and country not in found:
                found.append(country)
        return found, left

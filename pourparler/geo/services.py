"""Every write about places: countries and administrative areas.

Countries and areas are organisation-wide reference data. The ISO 3166-1 list is seeded
by ``pourparler.geo.seed``; these services add places that list does not hold, such as
the fictional countries of the demo world (user-assigned codes QM to QZ, XA to XZ).

Without an actor (``actor=None``) a place is added by the system, as at the bootstrap of
an empty database from the console, before any member of staff can write reference
data; the change log then names the system. With an actor, the usual write path
applies: only staff with a content role may add reference data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import ChangeAction
from pourparler.core.models import Record, User
from pourparler.core.services import (
    _log,
    create_record,
    require_visible,
    snapshot,
    write_service,
)
from pourparler.geo.models import AdminArea, Country, Situation, SituationParty


def _create_place(place: Record, actor: User | None) -> None:
    if actor is None:
        place.full_clean()
        place.save(force_insert=True)
        _log(place, ChangeAction.CREATE, None, snapshot(place), None)
    else:
        create_record(place, actor=actor)


@write_service
def do_create_country(*, actor: User | None, iso2: str, iso3: str, name: str) -> Country:
    """Add a country or territory that the ISO 3166-1 list does not hold."""
    country = Country(iso2=iso2.strip().upper(), iso3=iso3.strip().upper(), name=name.strip())
    _create_place(country, actor)
    return country


@write_service
def do_create_admin_area(
    *,
    actor: User | None,
    country: Country,
    pcode: str,
    name: str,
    level: int = 1,
    parent: AdminArea | None = None,
) -> AdminArea:
    """Add an administrative area (province, district) of a country, keyed by its P-code."""
    if parent is not None and parent.country_id != country.pk:
        raise ValueError("An area's parent must lie in the same country.")
    area = AdminArea(
        country=country, pcode=pcode.strip().upper(), name=name.strip(), level=level, parent=parent
    )
    _create_place(area, actor)
    return area


@write_service
def do_record_situation(
    *,
    actor: User,
    name: str,
    kind: str,
    countries: Iterable[Country] = (),
    parties: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Situation:
    """Record a situation by hand (the imports record those of UCDP/PRIO), with its
    parties: each a mapping of ``bearer``, ``side`` and optionally ``role``, ``name``,
    ``first_year`` and ``last_year``. Bearers are checked visible to the actor."""
    wanted = [dict(party) for party in parties]
    require_visible(WeaponBearer, [party["bearer"] for party in wanted], actor)
    situation = create_record(
        Situation(name=name, kind=kind, **fields), actor=actor, m2m={"countries": countries}
    )
    for party in wanted:
        party.setdefault("name", party["bearer"].name)
        create_record(SituationParty(situation=situation, **party), actor=actor)
    return situation

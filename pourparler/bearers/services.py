"""Every write to the bearer registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.core.models import User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.core.text import search_blob
from pourparler.geo.models import Country


def refresh_bearer_search(bearer: WeaponBearer) -> None:
    """Recompute the folded names a bearer is found by (derived data, not logged)."""
    names = BearerName.objects.alive().filter(bearer=bearer)
    parts: list[str | None] = [bearer.name]
    for name, transliteration in names.values_list("name", "transliteration"):
        parts += [name, transliteration]
    blob = search_blob(parts)
    WeaponBearer.objects.filter(pk=bearer.pk).update(search_text=blob)
    bearer.search_text = blob


@write_service
def do_create_bearer(
    *,
    actor: User,
    name: str,
    kind: str,
    countries: Iterable[Country] = (),
    names: Sequence[Mapping[str, Any]] = (),
    external_ids: Sequence[tuple[str, str]] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> WeaponBearer:
    """Register a weapon bearer with its names in several languages and its external ids."""
    bearer = WeaponBearer(name=name, kind=kind, **fields)
    m2m: dict[str, Iterable[Any]] = {"countries": list(countries)}
    if bearer.restricted:
        m2m["restricted_to"] = list(restricted_to)
    create_record(bearer, actor=actor, m2m=m2m)
    for entry in names:
        create_record(BearerName(bearer=bearer, **entry), actor=actor)
    for scheme, value in external_ids:
        create_record(ExternalId(bearer=bearer, scheme=scheme, value=value), actor=actor)
    refresh_bearer_search(bearer)
    return bearer


@write_service
def do_update_bearer(
    bearer: WeaponBearer,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    countries: Iterable[Country] | None = None,
) -> WeaponBearer:
    """Change a bearer's details; refused with a conflict if someone saved in between."""
    m2m = {"countries": list(countries)} if countries is not None else None
    bearer = update_record(
        bearer, actor=actor, expected_version=expected_version, changes=changes, m2m=m2m
    )
    refresh_bearer_search(bearer)
    return bearer


@write_service
def do_add_bearer_name(bearer: WeaponBearer, *, actor: User, **fields: Any) -> BearerName:
    """Add a name, alias or transliteration to a bearer."""
    require_visible(WeaponBearer, [bearer], actor)
    entry = create_record(BearerName(bearer=bearer, **fields), actor=actor)
    refresh_bearer_search(bearer)
    return entry


@write_service
def do_delete_bearer(bearer: WeaponBearer, *, actor: User, expected_version: int) -> WeaponBearer:
    """Put a tombstone on a bearer."""
    return delete_record(bearer, actor=actor, expected_version=expected_version)


@write_service
def do_create_unit(
    bearer: WeaponBearer, *, actor: User, name: str, parent: Unit | None = None, **fields: Any
) -> Unit:
    """Add a unit to a bearer's chain of command."""
    require_visible(WeaponBearer, [bearer], actor)
    if parent is not None and parent.bearer_id != bearer.pk:
        raise ValueError("A unit's parent must belong to the same bearer.")
    return create_record(Unit(bearer=bearer, parent=parent, name=name, **fields), actor=actor)


@write_service
def do_relate_bearers(
    subject: WeaponBearer, kind: str, other: WeaponBearer, *, actor: User, **fields: Any
) -> BearerRelation:
    """Record that one bearer splintered from, allied with or joined another."""
    require_visible(WeaponBearer, [subject, other], actor)
    return create_record(
        BearerRelation(subject=subject, kind=kind, other=other, **fields), actor=actor
    )


@write_service
def do_update_bearer_name(
    entry: BearerName, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> BearerName:
    """Correct a name of a bearer; refused with a conflict if someone saved in between."""
    entry = update_record(entry, actor=actor, expected_version=expected_version, changes=changes)
    refresh_bearer_search(entry.bearer)
    return entry


@write_service
def do_delete_bearer_name(entry: BearerName, *, actor: User, expected_version: int) -> BearerName:
    """Put a tombstone on a name of a bearer; the bearer is no longer found by it."""
    entry = delete_record(entry, actor=actor, expected_version=expected_version)
    refresh_bearer_search(entry.bearer)
    return entry


@write_service
def do_add_external_id(bearer: WeaponBearer, *, actor: User, scheme: str, value: str) -> ExternalId:
    """Record a bearer's identifier in another registry (UCDP, ACLED, Wikidata)."""
    require_visible(WeaponBearer, [bearer], actor)
    return create_record(ExternalId(bearer=bearer, scheme=scheme, value=value), actor=actor)


@write_service
def do_update_external_id(
    external_id: ExternalId, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> ExternalId:
    """Correct an external identifier of a bearer."""
    return update_record(
        external_id, actor=actor, expected_version=expected_version, changes=changes
    )


@write_service
def do_delete_external_id(
    external_id: ExternalId, *, actor: User, expected_version: int
) -> ExternalId:
    """Put a tombstone on an external identifier of a bearer."""
    return delete_record(external_id, actor=actor, expected_version=expected_version)


@write_service
def do_update_bearer_relation(
    relation: BearerRelation, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> BearerRelation:
    """Change how two bearers are related, or since and until when."""
    return update_record(relation, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_delete_bearer_relation(
    relation: BearerRelation, *, actor: User, expected_version: int
) -> BearerRelation:
    """Put a tombstone on a relation between two bearers."""
    return delete_record(relation, actor=actor, expected_version=expected_version)


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    """Refuse a parent from another bearer, or one that would close a loop in the chain."""
    seen = {unit.pk}
    while parent is not None:
        if parent.bearer_id != unit.bearer_id:
            raise ValueError("A unit's parent must belong to the same bearer.")
        if parent.pk in seen:
            raise ValueError("A unit cannot sit under itself in the chain of command.")
        seen.add(parent.pk)
        parent = parent.parent


@write_service
def do_update_unit(
    unit: Unit, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> Unit:
    """Change a unit: its name, rung, level, place or where it sits in the chain of command."""
    if "parent" in changes:
        _check_parent(unit, changes["parent"])
    return update_record(unit, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_delete_unit(unit: Unit, *, actor: User, expected_version: int) -> Unit:
    """Put a tombstone on a unit."""
    return delete_record(unit, actor=actor, expected_version=expected_version)

"""Every write about people: persons, their names, positions and relationships."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.crypto import search_tokens
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.people.models import Person, PersonName, Position, Relationship


def person_names(person: Person, names: Iterable[PersonName]) -> list[str]:
    """Return every name a person is found by: the full name, other names, transliterations."""
    parts = [person.full_name]
    for entry in names:
        parts += [entry.name, entry.transliteration]
    return [part for part in parts if part]


def refresh_person_search(person: Person) -> None:
    """Recompute the blind index a person is found by (derived data, not logged)."""
    names = PersonName.objects.alive().filter(person=person)
    tokens = search_tokens(person.compartment_id, person_names(person, names))
    Person.objects.filter(pk=person.pk).update(search_tokens=tokens)
    person.search_tokens = tokens


def rebuild_search_tokens(
    person_model: type[Person] = Person, name_model: type[PersonName] = PersonName
) -> int:
    """Recompute every person's blind index, for example after a master key rotation.

    Migrations pass their historical models. Returns how many people were indexed.
    """
    count = 0
    people = person_model._base_manager.order_by("pk")
    last = None
    while True:
        batch = list((people.filter(pk__gt=last) if last else people)[:500])
        if not batch:
            return count
        names_of: dict[Any, list[PersonName]] = {}
        alive = name_model._base_manager.filter(deleted_at__isnull=True)
        for entry in alive.filter(person_id__in=[p.pk for p in batch]).order_by("pk"):
            names_of.setdefault(entry.person_id, []).append(entry)
        for person in batch:
            names = person_names(person, names_of.get(person.pk, []))
            tokens = search_tokens(person.compartment_id, names)
            person_model._base_manager.filter(pk=person.pk).update(search_tokens=tokens)
        count += len(batch)
        last = batch[-1].pk


@write_service
def do_create_person(
    *,
    actor: User,
    compartment: Delegation,
    full_name: str,
    names: Sequence[Mapping[str, Any]] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> Person:
    """Record a person we know, in a delegation's compartment, with other names."""
    person = Person(compartment=compartment, full_name=full_name, **fields)
    m2m = {"restricted_to": list(restricted_to)} if person.restricted else None
    create_record(person, actor=actor, m2m=m2m)
    for entry in names:
        create_record(PersonName(person=person, compartment=compartment, **entry), actor=actor)
    refresh_person_search(person)
    return person


@write_service
def do_update_person(
    person: Person,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
) -> Person:
    """Change a person's details; refused with a conflict if someone saved in between."""
    m2m = {"restricted_to": list(restricted_to)} if restricted_to is not None else None
    person = update_record(
        person, actor=actor, expected_version=expected_version, changes=changes, m2m=m2m
    )
    refresh_person_search(person)
    return person


@write_service
def do_add_person_name(person: Person, *, actor: User, **fields: Any) -> PersonName:
    """Add another name (script, nom de guerre, transliteration) to a person."""
    require_visible(Person, [person], actor)
    entry = create_record(
        PersonName(person=person, compartment_id=person.compartment_id, **fields), actor=actor
    )
    refresh_person_search(person)
    return entry


@write_service
def do_delete_person(person: Person, *, actor: User, expected_version: int) -> Person:
    """Put a tombstone on a person."""
    return delete_record(person, actor=actor, expected_version=expected_version)


@write_service
def do_add_position(
    person: Person, *, actor: User, bearer: WeaponBearer, unit: Unit | None = None, **fields: Any
) -> Position:
    """Record a post a person holds in a bearer or unit."""
    require_visible(Person, [person], actor)
    require_visible(WeaponBearer, [bearer], actor)
    if unit is not None:
        require_visible(Unit, [unit], actor)
        if unit.bearer_id != bearer.pk:
            raise ValueError("The unit must belong to the bearer.")
    position = Position(
        person=person, bearer=bearer, unit=unit, compartment_id=person.compartment_id, **fields
    )
    return create_record(position, actor=actor)


@write_service
def do_update_position(
    position: Position, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> Position:
    """Change a position, for example to record that it ended."""
    unit = changes.get("unit")
    if unit is not None:
        require_visible(Unit, [unit], actor)
        if unit.bearer_id != position.bearer_id:
            raise ValueError("The unit must belong to the bearer.")
    return update_record(position, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_create_relationship(
    person: Person, *, actor: User, holder: User, **fields: Any
) -> Relationship:
    """Record which member of our staff holds the relationship with a person."""
    require_visible(Person, [person], actor)
    relationship = Relationship(
        person=person, holder=holder, compartment_id=person.compartment_id, **fields
    )
    return create_record(relationship, actor=actor)


@write_service
def do_update_person_name(
    entry: PersonName, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> PersonName:
    """Correct another name of a person; the person's search index follows."""
    entry = update_record(entry, actor=actor, expected_version=expected_version, changes=changes)
    refresh_person_search(entry.person)
    return entry


@write_service
def do_delete_person_name(entry: PersonName, *, actor: User, expected_version: int) -> PersonName:
    """Put a tombstone on another name of a person; the person is no longer found by it."""
    entry = delete_record(entry, actor=actor, expected_version=expected_version)
    refresh_person_search(entry.person)
    return entry


@write_service
def do_delete_position(position: Position, *, actor: User, expected_version: int) -> Position:
    """Put a tombstone on a position recorded by mistake (a post that ended is updated)."""
    return delete_record(position, actor=actor, expected_version=expected_version)


@write_service
def do_update_relationship(
    relationship: Relationship,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Relationship:
    """Change a relationship: its strength, dates, notes, or who holds it after a handover."""
    return update_record(
        relationship, actor=actor, expected_version=expected_version, changes=changes
    )


@write_service
def do_delete_relationship(
    relationship: Relationship, *, actor: User, expected_version: int
) -> Relationship:
    """Put a tombstone on a relationship."""
    return delete_record(relationship, actor=actor, expected_version=expected_version)

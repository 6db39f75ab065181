"""Every write about people: persons, their names, positions and relationships."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.core.text import search_blob
from pourparler.people.models import Person, PersonName, Position, Relationship


def refresh_person_search(person: Person) -> None:
    """Recompute the folded names a person is found by (derived data, not logged)."""
    parts: list[str | None] = [person.full_name]
    names = PersonName.objects.alive().filter(person=person)
    for name, transliteration in names.values_list("name", "transliteration"):
        parts += [name, transliteration]
    blob = search_blob(parts)
    Person.objects.filter(pk=person.pk).update(search_text=blob)
    person.search_text = blob


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

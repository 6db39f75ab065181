"""What the people register adds to the meeting brief: the bearer's structure and the
people we know in it with their current posts, and who on our side holds each
relationship; for a person, the posts they held and who knows them.

Everything is read through ``visible_to(user)``; the brief audits the people it shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from pourparler.bearers.choices import Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.people.models import Person, Position, Relationship
from pourparler.ui.extensions import Panel

# The brief names at most this many people a level, and this many top units.
BRIEF_PEOPLE_PER_LEVEL = 4
BRIEF_UNITS = 8
BRIEF_POSITIONS = 5


def _holders(user: Any, people: list[Any]) -> dict[Any, list[Relationship]]:
    """The relationships still held with each of the people (one query)."""
    found: dict[Any, list[Relationship]] = {}
    relationships = (
        Relationship.objects.visible_to(user)
        .filter(person__in=people, until__isnull=True)
        .select_related("holder")
        .order_by(F("since").asc(nulls_first=True), "created_at")
    )
    for relationship in relationships:
        found.setdefault(relationship.person_id, []).append(relationship)
    return found


def _bearer_section(user: Any, bearer: WeaponBearer) -> Panel:
    units = Unit.objects.visible_to(user).filter(bearer=bearer)
    top = list(units.filter(parent__isnull=True).order_by("name")[: BRIEF_UNITS + 1])
    current = (
        Position.objects.visible_to(user)
        .filter(bearer=bearer, ends_on__isnull=True)
        .select_related("person", "unit")
    )
    levels: list[dict[str, Any]] = []
    shown: list[Position] = []
    for value, label in Level.choices:
        at_level = current.filter(level=value)
        positions = list(
            at_level.order_by(F("starts_on").desc(nulls_last=True), "-created_at")[
                :BRIEF_PEOPLE_PER_LEVEL
            ]
        )
        shown += positions
        levels.append(
            {
                "label": label,
                "positions": positions,
                "count": at_level.count(),
            }
        )
    holders = _holders(user, [p.person_id for p in shown])
    for level in levels:
        level["rows"] = [
            {"position": p, "holders": holders.get(p.person_id, [])} for p in level["positions"]
        ]
    context = {
        "bearer": bearer,
        "units": top[:BRIEF_UNITS],
        "unit_count": units.count(),
        "levels": levels,
    }
    people = {p.person_id: p.person for p in shown}
    relationships = [r for rows in holders.values() for r in rows]
    return Panel(
        template="people/_brief_people.html",
        context=context,
        records=[*people.values(), *relationships],
        order=10,
    )


def _person_section(user: Any, person: Person) -> Panel:
    positions = list(
        Position.objects.visible_to(user)
        .filter(person=person)
        .select_related("bearer", "unit")
        .order_by(F("ends_on").desc(nulls_first=True), F("starts_on").desc(nulls_last=True))[
            :BRIEF_POSITIONS
        ]
    )
    relationships = list(
        Relationship.objects.visible_to(user)
        .filter(person=person)
        .select_related("holder")
        .order_by(F("until").desc(nulls_first=True), F("since").desc(nulls_last=True))
    )
    context = {"person": person, "positions": positions, "relationships": relationships}
    return Panel(
        template="people/_brief_person.html",
        context=context,
        records=relationships,
        order=10,
    )


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Person | None = None
) -> list[Panel]:
    """Structure and people for a bearer's brief; posts and relationships for a person's.
    A fixed number of queries: a bearer's brief nine, a person's two."""
    if bearer is not None:
        return [_bearer_section(user, bearer)]
    if person is not None:
        return [_person_section(user, person)]
    return []

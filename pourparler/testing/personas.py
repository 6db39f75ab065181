"""Named people for tests, built through the service layer like real data.

Varnia: ``alice`` (field delegate), ``bob`` (armed-forces specialist), ``carol`` (head of
delegation). Kestria: ``dave`` (field delegate) who must see nothing of Varnia.
Headquarters: ``hana`` (analyst), ``audrey`` (auditor), ``adam`` (administrator).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from pourparler.bearers.choices import BearerKind, Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.bearers.services import do_create_bearer, do_create_unit
from pourparler.core.choices import Role
from pourparler.core.models import Delegation, User
from pourparler.core.services import do_create_delegation, do_create_user, do_post_member
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.models import Interaction, Topic
from pourparler.dialogue.services import do_record_interaction
from pourparler.people.models import Person
from pourparler.people.services import do_add_position, do_create_person

PASSWORD = "correct-horse-battery-staple"

STAFF: list[tuple[str, str, Role]] = [
    ("alice", "varnia", Role.FIELD_DELEGATE),
    ("bob", "varnia", Role.ARMED_FORCES_SPECIALIST),
    ("carol", "varnia", Role.HEAD_OF_DELEGATION),
    ("dave", "kestria", Role.FIELD_DELEGATE),
    ("hana", "hq", Role.HQ_ANALYST),
    ("audrey", "hq", Role.AUDITOR),
    ("adam", "hq", Role.ADMINISTRATOR),
]


@dataclass
class World:
    """The delegations, staff and a little reference data every test can lean on."""

    delegations: dict[str, Delegation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    @property
    def varnia(self) -> Delegation:
        return self.delegations["varnia"]

    @property
    def kestria(self) -> Delegation:
        return self.delegations["kestria"]

    @property
    def hq(self) -> Delegation:
        return self.delegations["hq"]


def build_world() -> World:
    """Create three delegations and the seven personas."""
    world = World()
    for code, name, is_hq in (
        ("hq", "Headquarters", True),
        ("varnia", "Varnia", False),
        ("kestria", "Kestria", False),
    ):
        world.delegations[code] = do_create_delegation(
            actor=None, name=name, code=code, is_headquarters=is_hq
        )
    for username, code, role in STAFF:
        user = do_create_user(
            actor=None, username=username, password=PASSWORD, first_name=username.capitalize()
        )
        do_post_member(
            actor=None,
            user=user,
            delegation=world.delegations[code],
            role=role,
            starts_on=datetime.date(2020, 1, 1),
        )
        world.users[username] = user
    return world


def make_bearer(actor: User, name: str = "Varnian Armed Forces", **fields: Any) -> WeaponBearer:
    """Register a bearer (State armed forces unless told otherwise)."""
    fields.setdefault("kind", BearerKind.ARMED_FORCES)
    return do_create_bearer(actor=actor, name=name, **fields)


def make_unit(actor: User, bearer: WeaponBearer, name: str = "1st Brigade", **fields: Any) -> Unit:
    """Add a unit to a bearer."""
    return do_create_unit(bearer, actor=actor, name=name, **fields)


def make_person(
    actor: User,
    compartment: Delegation,
    full_name: str = "Col. Idris Maren",
    bearer: WeaponBearer | None = None,
    level: str = Level.OPERATIONAL,
    **fields: Any,
) -> Person:
    """Record a person, with a current position in a bearer when one is given."""
    person = do_create_person(actor=actor, compartment=compartment, full_name=full_name, **fields)
    if bearer is not None:
        do_add_position(
            person,
            actor=actor,
            bearer=bearer,
            level=level,
            rank="Colonel",
            role_title="Brigade commander",
        )
    return person


def make_interaction(
    actor: User,
    compartment: Delegation,
    *,
    bearers: list[WeaponBearer] | None = None,
    summary: str = "Discussed checkpoint procedures for ambulances.",
    **fields: Any,
) -> Interaction:
    """Record an interaction in a compartment."""
    fields.setdefault("kind", InteractionKind.BILATERAL_MEETING)
    fields.setdefault("occurred_at", timezone.now() - datetime.timedelta(days=3))
    fields.setdefault("topics", list(Topic.objects.filter(code="health-care")))
    return do_record_interaction(
        actor=actor, compartment=compartment, summary=summary, bearers=bearers or [], **fields
    )

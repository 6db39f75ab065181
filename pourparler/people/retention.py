"""Retention of people: when a person expires, and what anonymising them overwrites.

The rules, the clocks and the limits are described in ``pourparler/core/retention.py``;
this module is the part that knows what a person is made of (other names, posts,
relationships, the blind index).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pourparler.commitments.models import Signatory
from pourparler.concerns.models import Representation, Response
from pourparler.core.retention import (
    DELETE,
    MARKER,
    Policy,
    Rule,
    Scrubber,
    system_delete,
    system_update,
)
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.people.services import refresh_person_search

# The fields overwritten on each kind of record, and removed from its change log.
PERSON_FIELDS = ("full_name", "notes", "languages")
NAME_FIELDS = ("name", "transliteration")
POSITION_FIELDS = ("rank", "role_title")
RELATIONSHIP_FIELDS = ("notes",)
SIGNATORY_FIELDS = ("name_as_signed", "signed_as")


def anonymised_name(person: Person) -> str:
    """Return what an anonymised person is called: no name, but told apart from others."""
    return f"Anonymised person {person.pk.hex[-8:]}"


def _contacts_since(cutoff: datetime.datetime, day: datetime.date) -> list[models.QuerySet[Any]]:
    """Subqueries of the live contacts with a person (OuterRef) on or after the cutoff:
    interactions they took part in, representations made to them, their responses, the
    commitments they signed (dated by the signature, else by the commitment)."""
    through = Interaction.their_participants.through
    return [
        through._default_manager.filter(
            person_id=OuterRef("pk"),
            interaction__deleted_at__isnull=True,
            interaction__occurred_at__gte=cutoff,
        ),
        Representation._base_manager.filter(
            to_person=OuterRef("pk"), deleted_at__isnull=True, made_on__gte=day
        ),
        Response._base_manager.filter(
            from_person=OuterRef("pk"), deleted_at__isnull=True, received_on__gte=day
        ),
        Signatory._base_manager.filter(
            Q(signed_on__gte=day) | Q(signed_on__isnull=True, commitment__made_on__gte=day),
            person=OuterRef("pk"),
            deleted_at__isnull=True,
            commitment__deleted_at__isnull=True,
        ),
    ]


class PersonPolicy(Policy):
    """People we know, from their last sign of life (see core/retention.py)."""

    kind = "person"

    def model(self) -> type[Person]:
        return Person

    def in_scope(self, rule: Rule) -> models.QuerySet[Any]:
        if rule.action == DELETE:
            return Person._base_manager.filter(deleted_at__isnull=True)
        return Person._base_manager.filter(anonymised_at__isnull=True)

    def expired(self, rule: Rule, now: datetime.datetime) -> models.QuerySet[Any]:
        cutoff = rule.cutoff(now)
        day = timezone.localdate(cutoff)
        posts = Position._base_manager.filter(person=OuterRef("pk"), deleted_at__isnull=True)
        people = self.in_scope(rule).filter(created_at__lt=cutoff)
        # A post still held keeps a person; once the person is deleted, the deletion
        # ends it.
        people = people.filter(
            Q(~Exists(posts.filter(ends_on__isnull=True)), deleted_at__isnull=True)
            | Q(deleted_at__lt=cutoff)
        )
        people = people.exclude(Exists(posts.filter(ends_on__gte=day)))
        for contacts in _contacts_since(cutoff, day):
            people = people.exclude(Exists(contacts))
        return people

    def anonymise(self, obj: Any, rule: Rule, scrubber: Scrubber) -> None:
        person: Person = obj
        for entry in PersonName._base_manager.filter(person=person).order_by("pk"):
            if entry.name != MARKER or entry.transliteration:
                entry = system_update(entry, {"name": MARKER, "transliteration": ""})
            entry = system_delete(entry)
            scrubber.scrub(entry, NAME_FIELDS)
        for position in Position._base_manager.filter(person=person).order_by("pk"):
            if position.rank or position.role_title:
                position = system_update(position, {"rank": "", "role_title": ""})
            scrubber.scrub(position, POSITION_FIELDS)
        for relationship in Relationship._base_manager.filter(person=person).order_by("pk"):
            if relationship.notes:
                relationship = system_update(relationship, {"notes": ""})
            scrubber.scrub(relationship, RELATIONSHIP_FIELDS)
        for signature in Signatory._base_manager.filter(person=person).order_by("pk"):
            if signature.name_as_signed or signature.signed_as:
                signature = system_update(signature, {"name_as_signed": "", "signed_as": ""})
            scrubber.scrub(signature, SIGNATORY_FIELDS)
        changes = {
            "full_name": anonymised_name(person),
            "notes": "",
            "languages": [],
            "anonymised_at": timezone.now(),
        }
        current = system_update(person, changes)
        scrubber.scrub(current, PERSON_FIELDS)
        refresh_person_search(current)

"""What the handover pages show: the handover brief and the continuity indicators.

Everything is read through ``visible_to(user)``: a figure counts only what the reader may
see, and a list names only what they may open.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.models import ConcernFollowUp
from pourparler.core.choices import CONTENT_ROLES
from pourparler.core.models import Delegation, Membership, User
from pourparler.core.text import fold
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.handover.models import Handover, Introduction
from pourparler.handover.services import to_pass
from pourparler.negotiation.models import NegotiationFile
from pourparler.people.models import Person, Position, Relationship

SILENCE_DAYS = 90
RECENT_INTERACTIONS = 10


@dataclass(frozen=True)
class RelationshipRow:
    """One relationship as the brief shows it: whom, in which bearer, at which level, and
    when we last met them."""

    relationship: Relationship
    person: Person
    position: Position | None
    last_contact: datetime.datetime | None


def relationship_rows(user: User, relationships: Iterable[Relationship]) -> list[RelationshipRow]:
    """Describe relationships with the person's current post and our last contact with them,
    in two queries whatever their number; sorted by the person's name."""
    relationships = list(relationships)
    person_ids = {r.person_id for r in relationships}
    posts: dict[uuid.UUID, Position] = {}
    for position in (
        Position.objects.visible_to(user)
        .filter(person_id__in=person_ids, ends_on__isnull=True)
        .select_related("bearer", "unit")
        .order_by("-starts_on", "created_at")
    ):
        posts.setdefault(position.person_id, position)
    last = dict(
        Interaction.objects.visible_to(user)
        .filter(their_participants__in=person_ids)
        .order_by()
        .values_list("their_participants")
        .annotate(last=Max("occurred_at"))
    )
    rows = [
        RelationshipRow(r, r.person, posts.get(r.person_id), last.get(r.person_id))
        for r in relationships
    ]
    return sorted(rows, key=lambda row: fold(str(row.person.full_name)))


@dataclass
class Brief:
    """The handover brief of one departing delegate, as one reader may see it."""

    handover: Handover
    relationships: list[RelationshipRow]
    follow_ups: list[FollowUp]
    concern_follow_ups: list[ConcernFollowUp]
    files: list[NegotiationFile]
    interactions: list[Interaction]
    introductions: list[Introduction]
    files_holder: User
    introduced: set[uuid.UUID] = field(default_factory=set)

    @property
    def follow_up_count(self) -> int:
        """Open follow-ups of both kinds."""
        return len(self.follow_ups) + len(self.concern_follow_ups)

    def shown(self) -> dict[type[Any], list[Any]]:
        """The records the page lists, by kind, for the audit log (the handover itself is
        recorded as read)."""
        return {
            Relationship: [row.relationship for row in self.relationships],
            Person: [row.person for row in self.relationships],
            FollowUp: self.follow_ups,
            ConcernFollowUp: self.concern_follow_ups,
            NegotiationFile: self.files,
            Interaction: [*self.interactions, *(i.interaction for i in self.introductions)],
        }

    @property
    def introduced_count(self) -> int:
        """How many of the relationships met the successor at a joint introduction."""
        return sum(1 for row in self.relationships if row.person.pk in self.introduced)


def introductions(user: User, handover: Handover) -> list[Introduction]:
    """The joint introductions recorded for a handover, as the user may see them."""
    return list(
        Introduction.objects.visible_to(user)
        .filter(handover=handover)
        .select_related("interaction")
        .order_by("interaction__occurred_at")
    )


def introduced_people(user: User, intros: list[Introduction]) -> set[uuid.UUID]:
    """The people met at those introductions."""
    ids = [i.interaction_id for i in intros]
    return set(
        Person.objects.visible_to(user)
        .filter(interactions__in=ids)
        .values_list("pk", flat=True)
        .distinct()
    )


def candidate_introductions(user: User, handover: Handover) -> list[Interaction]:
    """Contacts of the delegation where both were among our participants, not yet linked."""
    linked = Introduction.objects.alive().filter(handover=handover).values("interaction")
    return list(
        Interaction.objects.visible_to(user)
        .filter(compartment=handover.delegation_id, our_participants=handover.outgoing_id)
        .filter(our_participants=handover.successor_id)
        .exclude(pk__in=linked)
        .order_by("-occurred_at")[:20]
    )


def brief_of(user: User, handover: Handover) -> Brief:
    """Gather what the handover brief shows, only as far as the user may see it."""
    passing = to_pass(handover, user)
    holder = handover.successor if handover.is_done else handover.outgoing
    intros = introductions(user, handover)
    return Brief(
        handover=handover,
        relationships=relationship_rows(
            user, passing.relationships.select_related("person", "holder")
        ),
        follow_ups=list(passing.follow_ups.select_related("interaction", "owner")),
        concern_follow_ups=list(passing.concern_follow_ups.select_related("concern", "owner")),
        files=list(
            NegotiationFile.objects.visible_to(user)
            .filter(compartment=handover.delegation_id, holder=holder)
            .select_related("bearer")
            .order_by("-opened_on")
        ),
        interactions=list(
            Interaction.objects.visible_to(user)
            .filter(compartment=handover.delegation_id, our_participants=handover.outgoing_id)
            .prefetch_related(Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user)))
            .order_by("-occurred_at")[:RECENT_INTERACTIONS]
        ),
        introductions=intros,
        files_holder=holder,
        introduced=introduced_people(user, intros),
    )


# --- Continuity indicators ------------------------------------------------------------------


@dataclass(frozen=True)
class BearerContacts:
    """One bearer the delegation deals with: the last contact, overall and at each level."""

    bearer: WeaponBearer
    last: datetime.datetime | None
    by_level: dict[str, datetime.datetime | None]

    @property
    def levels(self) -> list[tuple[str, str, datetime.datetime | None]]:
        """(level, label, last contact) in the order strategic, operational, tactical."""
        return [(value, str(label), self.by_level.get(value)) for value, label in Level.choices]


@dataclass
class Continuity:
    """The continuity indicators of one delegation, as one reader may see them."""

    delegation: Delegation
    today: datetime.date
    orphaned: list[Relationship]
    bearers: list[BearerContacts]
    days: int = SILENCE_DAYS

    @property
    def silent(self) -> list[BearerContacts]:
        """Bearers with no contact for ``days`` days (or none ever)."""
        since = timezone.now() - datetime.timedelta(days=self.days)
        return [b for b in self.bearers if b.last is None or b.last < since]

    def without_level(self, level: str) -> list[BearerContacts]:
        """Bearers never contacted at a level."""
        return [b for b in self.bearers if b.by_level.get(level) is None]

    @property
    def level_gaps(self) -> list[tuple[str, str, list[BearerContacts]]]:
        """For each level, the bearers never contacted at it."""
        return [(value, str(label), self.without_level(value)) for value, label in Level.choices]


def current_members(delegation_id: Any, day: datetime.date) -> set[uuid.UUID]:
    """The staff posted with a content role in a delegation on a day."""
    return set(
        Membership.objects.alive()
        .filter(delegation_id=delegation_id, role__in=CONTENT_ROLES, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("user_id", flat=True)
    )


def continuity_of(user: User, delegation: Delegation) -> Continuity:
    """Work out a delegation's continuity indicators from what the user may see."""
    today = timezone.localdate()
    orphaned = list(
        Relationship.objects.visible_to(user)
        .filter(compartment=delegation, until__isnull=True)
        .exclude(holder_id__in=current_members(delegation.pk, today))
        .select_related("person", "holder")
    )
    orphaned.sort(key=lambda r: fold(str(r.person.full_name)))
    contacts = (
        Interaction.objects.visible_to(user)
        .filter(compartment=delegation, bearers__isnull=False)
        .order_by()
        .values_list("bearers", "level")
        .annotate(last=Max("occurred_at"))
    )
    by_bearer: dict[uuid.UUID, dict[str, datetime.datetime]] = {}
    for bearer_id, level, last in contacts:
        by_bearer.setdefault(bearer_id, {})[level] = last
    known = set(by_bearer) | set(
        Position.objects.visible_to(user)
        .filter(compartment=delegation)
        .values_list("bearer_id", flat=True)
    )
    bearers = [
        BearerContacts(
            bearer=bearer,
            last=max(by_bearer[bearer.pk].values()) if bearer.pk in by_bearer else None,
            by_level=dict(by_bearer.get(bearer.pk, {})),
        )
        for bearer in WeaponBearer.objects.visible_to(user).filter(pk__in=known).order_by("name")
    ]
    return Continuity(delegation=delegation, today=today, orphaned=orphaned, bearers=bearers)

"""What the contact log adds to the bearer profile and the person page: interactions."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.people.models import Person
from pourparler.ui.extensions import Panel, TimelineEntry


def _entry(interaction: Interaction) -> TimelineEntry:
    return TimelineEntry(
        when=interaction.occurred_at,
        kind=str(interaction.get_kind_display()),
        title=interaction.place_name,
        url=reverse("interaction_detail", args=[interaction.pk]),
        record=interaction,
        level=interaction.level,
        level_label=str(interaction.get_level_display()),
    )


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """The newest interactions about the bearer."""
    interactions = (
        Interaction.objects.visible_to(user).filter(bearers=bearer).order_by("-occurred_at")
    )
    return [_entry(interaction) for interaction in interactions[:limit]]


def person_timeline(user: Any, person: Person, limit: int) -> list[TimelineEntry]:
    """The newest interactions the person took part in."""
    interactions = (
        Interaction.objects.visible_to(user)
        .filter(their_participants=person)
        .order_by("-occurred_at")
    )
    return [_entry(interaction) for interaction in interactions[:limit]]


# The meeting brief lists this many of the newest interactions and follow-ups due.
BRIEF_LENGTH = 5


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Person | None = None
) -> list[Panel]:
    """The last interactions with the bearer or the person, and the follow-ups still open
    from them (soonest due first); counts for the rest. Four queries, whatever the number
    of records."""
    interactions = Interaction.objects.visible_to(user)
    if bearer is not None:
        interactions = interactions.filter(bearers=bearer)
    elif person is not None:
        interactions = interactions.filter(their_participants=person)
    else:
        return []
    last = list(interactions.order_by("-occurred_at")[:BRIEF_LENGTH])
    open_follow_ups = FollowUp.objects.visible_to(user).filter(
        status=FollowUpStatus.OPEN, interaction__in=interactions.values("pk")
    )
    due = list(
        open_follow_ups.select_related("owner").order_by(
            F("due_on").asc(nulls_last=True), "created_at"
        )[:BRIEF_LENGTH]
    )
    context = {
        "interactions": last,
        "interaction_count": interactions.count(),
        "follow_ups": due,
        "follow_up_count": open_follow_ups.count(),
        "today": timezone.localdate(),
    }
    return [
        Panel(
            template="dialogue/_brief_dialogue.html",
            context=context,
            records=[*last, *due],
            order=30,
        )
    ]

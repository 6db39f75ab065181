"""What the contact log adds to the bearer profile and the person page: interactions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.ui.extensions import TimelineEntry


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

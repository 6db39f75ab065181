"""The dialogue: topics, every contact with a weapon bearer, and the follow-ups it calls for."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from pourparler.bearers.choices import Level
from pourparler.core.choices import AccessScope
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.dialogue.choices import (
    Confidentiality,
    FollowUpStatus,
    InteractionKind,
    LegalFramework,
    Situation,
)


class Topic(Record):
    """A subject of the dialogue, from the organisation-wide taxonomy (conduct of hostilities,
    detention, missing persons…)."""

    access_scope = AccessScope.ORGANISATION

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language when it is still the name seeded, else as kept."""
        from pourparler.dialogue.seed import SEEDED_NAMES

        return gettext(self.name) if self.name in SEEDED_NAMES else self.name


class Interaction(Record):
    """A dated exchange with one or more weapon bearers: a meeting, a call, a checkpoint
    encounter, a detention visit, a dissemination session, a course…

    It has participants on both sides, topics, the situation and the legal framework
    discussed, a place, a confidentiality level, a summary, notes and outcomes.
    """

    access_bearer_link = "bearers"

    kind = models.CharField(max_length=24, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.TACTICAL)
    place_name = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    admin_area = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    our_participants = models.ManyToManyField(
        "core.User", blank=True, related_name="interactions_attended"
    )
    their_participants = models.ManyToManyField(
        "people.Person", blank=True, related_name="interactions"
    )
    bearers = models.ManyToManyField(
        "bearers.WeaponBearer", blank=True, related_name="interactions"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="interactions")
    situation = models.CharField(max_length=16, choices=Situation.choices, blank=True)
    legal_framework = models.CharField(
        max_length=16, choices=LegalFramework.choices, default=LegalFramework.NONE
    )
    confidentiality = models.CharField(
        max_length=24, choices=Confidentiality.choices, default=Confidentiality.CONFIDENTIAL
    )
    # Encrypted at rest (core.crypto): what was said is the most confidential part.
    summary = EncryptedTextField()
    notes = EncryptedTextField(blank=True)
    outcomes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["compartment", "-occurred_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="dialogue_interaction_live",
            ),
            # The few restricted records: the dashboards count them apart (kept.py).
            models.Index(
                fields=["compartment"],
                condition=models.Q(restricted=True, deleted_at__isnull=True),
                name="dialogue_interaction_secret",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.occurred_at:%Y-%m-%d}"


class FollowUp(Record):
    """An action an interaction calls for: who does what, by when."""

    access_via = ("interaction",)

    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    action = EncryptedTextField(max_length=300)
    owner = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.action

    @property
    def is_overdue(self) -> bool:
        """Say whether an open follow-up is past its due date."""
        return (
            self.status == FollowUpStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

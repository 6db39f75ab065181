"""A handover on rotation, and the joint introductions that go with it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.handover.choices import HandoverState

# What a done handover passed, by the kind its ``passed`` counts are stored under (kept
# in English in the database and exports); the pages show the label in the reader's language.
PASSED_LABELS: dict[str, Any] = {
    "relationships": _("relationships"),
    "follow-ups": _("follow-ups"),
    "concern follow-ups": _("concern follow-ups"),
    "negotiation files": _("negotiation files"),
    "postings ended": _("postings ended"),
    "grants ended": _("grants ended"),
}


class Handover(Record):
    """The act by which a departing delegate passes their part of the dialogue to a successor.

    Prepared as a draft (the preview says what will pass), then done in one act: the
    relationships they hold and their open follow-ups go to the successor, every app
    passes on what it keeps (negotiation files...), and the outgoing delegate's posting
    in the delegation ends on the effective date. Held in the delegation's compartment.
    """

    outgoing = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="handovers_given"
    )
    successor = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="handovers_received"
    )
    delegation = models.ForeignKey(
        "core.Delegation", on_delete=models.PROTECT, related_name="handovers"
    )
    effective_on = models.DateField(
        help_text=_("The outgoing delegate's last day in the delegation.")
    )
    note = EncryptedTextField(
        blank=True, help_text=_("Advice for the successor: what to watch, whom to see first.")
    )
    state = models.CharField(
        max_length=8, choices=HandoverState.choices, default=HandoverState.DRAFT
    )
    done_at = models.DateTimeField(null=True, blank=True)
    passed = models.JSONField(
        default=dict, blank=True, help_text=_("What was passed on, counted by kind.")
    )
    # Ids of the records passed on, by model label (metadata only; read through visible_to).
    passed_ids = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-effective_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["compartment", "-effective_on"],
                name="handover_live",
                condition=models.Q(deleted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return (
            f"Handover from {self.outgoing.display_name()} to {self.successor.display_name()}"
            f" ({self.effective_on:%Y-%m-%d})"
        )

    @property
    def passed_rows(self) -> list[tuple[str, int]]:
        """What the act passed on, as (kind in the reader's language, count)."""
        return [(str(PASSED_LABELS.get(kind, kind)), n) for kind, n in (self.passed or {}).items()]

    @property
    def is_done(self) -> bool:
        """Say whether the act was done (nothing more passes)."""
        return self.state == HandoverState.DONE


class Introduction(Record):
    """A joint introduction meeting: an interaction where the outgoing delegate presented
    their successor to an interlocutor, linked to the handover."""

    access_via: ClassVar[tuple[str, ...]] = ("handover", "interaction")

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="introductions")
    interaction = models.ForeignKey(
        "dialogue.Interaction", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["handover", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "interaction"],
                condition=models.Q(deleted_at__isnull=True),
                name="handover_introduction_once",
            )
        ]

    def __str__(self) -> str:
        return f"Introduction at {self.interaction}"

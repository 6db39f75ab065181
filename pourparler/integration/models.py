"""Integration of the law: how far each weapon bearer has built it into its five pillars."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.integration.choices import IntegrationLevel, Pillar


class IntegrationAssessment(Record):
    """Our assessment, on a given day, of how far one bearer has integrated the law into one
    pillar (doctrine, education, training, equipment or sanctions), on the scale of
    ``IntegrationLevel``, with the evidence that supports it.

    Assessments are never overwritten by the next one: the **current status** of a pillar is
    its latest assessment (latest ``assessed_on``, then latest recorded) among those the
    viewer may see, and the earlier ones are its **history**. Like the rest of the dialogue,
    an assessment is held in the compartment of the delegation that made it: a delegation
    assesses the bearers it works with.

    A need-to-know grant on the bearer opens the non-restricted records about it
    (``access_bearer_link``, see ``core.access._by_grant``).
    """

    access_bearer_link = "bearer"

    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="integration_assessments"
    )
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    level = models.PositiveSmallIntegerField(
        choices=IntegrationLevel.choices,
        help_text=_("From 0 (none) to 4 (full); each level's meaning is given with the scale."),
    )
    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integration_assessments",
        help_text=_("The colleague who made the assessment."),
    )
    # Encrypted at rest: what the bearer's manuals, courts and commanders do is confidential.
    evidence = EncryptedTextField(
        help_text=_("What the level rests on: texts seen, courses observed, cases followed.")
    )
    interactions = models.ManyToManyField(
        "dialogue.Interaction",
        blank=True,
        related_name="integration_assessments",
        help_text=_("Contacts that support the assessment."),
    )
    sessions = models.ManyToManyField(
        "training.DisseminationSession",
        blank=True,
        related_name="integration_assessments",
        help_text=_("Dissemination or training sessions that support the assessment."),
    )

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["compartment", "bearer", "pillar", "-assessed_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="integration_assessment_live",
            ),
            models.Index(
                fields=["bearer", "pillar", "-assessed_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="integration_assessment_bearer",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_pillar_display()}: {self.level} {self.get_level_display()}, "
            f"{self.assessed_on:%Y-%m-%d}"
        )

    def clean(self) -> None:
        """Refuse an assessment dated in the future."""
        super().clean()
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError(
                {"assessed_on": _("An assessment cannot be dated in the future.")}
            )

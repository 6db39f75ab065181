"""Vocabularies about people we know."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Strength(models.TextChoices):
    """How strong a relationship with an interlocutor is."""

    FIRST_CONTACT = "first_contact", _("First contact")
    WORKING = "working", _("Working relationship")
    TRUSTED = "trusted", _("Trusted relationship")
    STRAINED = "strained", _("Strained")


class LegalBasis(models.TextChoices):
    """Why we may hold data about a person (humanitarian data-protection bases)."""

    VITAL_INTEREST = "vital_interest", _("Vital interest")
    PUBLIC_INTEREST = "public_interest", _("Important grounds of public interest (mandate)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    CONSENT = "consent", _("Consent")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")

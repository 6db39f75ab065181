"""Vocabularies of the dialogue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionKind(models.TextChoices):
    """What kind of exchange a contact with a weapon bearer was."""

    BILATERAL_MEETING = "bilateral_meeting", _("Bilateral meeting")
    CALL = "call", _("Call")
    CHECKPOINT = "checkpoint", _("Checkpoint encounter")
    DETENTION_VISIT = "detention_visit", _("Visit to a place of detention")
    TRACING_INQUIRY = "tracing_inquiry", _("Tracing inquiry")
    DISSEMINATION = "dissemination", _("Dissemination session")
    COURSE = "course", _("Course or training")
    CONFERENCE = "conference", _("Conference")
    EXERCISE = "exercise", _("Exercise")
    PRE_DEPLOYMENT = "pre_deployment", _("Pre-deployment briefing")
    WRITTEN = "written", _("Written communication")
    CIVIL_MILITARY = "civil_military", _("Civil-military coordination")


class Situation(models.TextChoices):
    """The situation in which the bearer operates."""

    IAC = "iac", _("International armed conflict")
    NIAC = "niac", _("Non-international armed conflict")
    OTHER_VIOLENCE = "other_violence", _("Other situation of violence")
    DISASTER = "disaster", _("Disaster")


class LegalFramework(models.TextChoices):
    """The body of law discussed."""

    IHL = "ihl", _("International humanitarian law (conduct of hostilities)")
    IHRL = "ihrl", _("International human rights law (law enforcement)")
    DOMESTIC = "domestic", _("Domestic law")
    MIXED = "mixed", _("Several frameworks")
    NONE = "none", _("Not discussed")


class Confidentiality(models.TextChoices):
    """How carefully a record must be handled."""

    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    STRICTLY_CONFIDENTIAL = "strictly_confidential", _("Strictly confidential")


class FollowUpStatus(models.TextChoices):
    """Where a follow-up action stands."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")

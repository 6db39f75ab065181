"""Vocabularies of concerns: their status, the law at stake, sources and their grading,
representations and the bearer's responses.

Shared lists come from the apps that own them: the level of a contact from
``bearers.choices.Level``, how carefully a record is handled from
``dialogue.choices.Confidentiality``, where a follow-up stands from
``dialogue.choices.FollowUpStatus``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy


class ConcernStatus(models.TextChoices):
    """Where a concern stands in its life with the bearer.

    open → raised (the first representation) → responded (the bearer's first answer),
    then addressed, persisting or closed as a delegate judges it. See
    ``concerns.services`` for the transitions allowed.
    """

    # In context: a concern's status agrees with the word "concern" in other languages.
    OPEN = "open", pgettext_lazy("concern status", "Open")
    RAISED = "raised", pgettext_lazy("concern status", "Raised")
    RESPONDED = "responded", pgettext_lazy("concern status", "Responded")
    ADDRESSED = "addressed", pgettext_lazy("concern status", "Addressed")
    PERSISTING = "persisting", pgettext_lazy("concern status", "Persisting")
    CLOSED = "closed", pgettext_lazy("concern status", "Closed")


class ApplicableLaw(models.TextChoices):
    """The body of law the alleged facts fall under.

    The values match ``dialogue.choices.LegalFramework`` where they mean the same, so
    concerns and interactions can be compared; a concern has no "not discussed", but the
    framework may not be settled yet.
    """

    IHL = "ihl", _("International humanitarian law (conduct of hostilities)")
    IHRL = "ihrl", _("International human rights law (law enforcement)")
    DOMESTIC = "domestic", _("Domestic law")
    MIXED = "mixed", _("Several frameworks")
    UNDETERMINED = "undetermined", _("Not determined yet")


class SourceKind(models.TextChoices):
    """Where an allegation comes from."""

    DIRECT_OBSERVATION = "direct_observation", _("Our own observation")
    VICTIM = "victim", _("Victim or relative")
    WITNESS = "witness", _("Eyewitness")
    MEDICAL = "medical", _("Health staff or medical records")
    COMMUNITY = "community", _("Community member or leader")
    AUTHORITY = "authority", _("Authorities or the bearer itself")
    DETAINEE = "detainee", _("Detainee (during a visit)")
    ORGANISATION = "organisation", _("Other organisation (UN, NGO)")
    MEDIA = "media", _("Media or social media")
    OTHER = "other", pgettext_lazy("source of information", "Other")


class SourceReliability(models.TextChoices):
    """How reliable the source has proven (the admiralty grading, A to F).

    It grades the source, not this piece of information: see ``InformationCredibility``.
    """

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class InformationCredibility(models.TextChoices):
    """How credible this piece of information is (the admiralty grading, 1 to 6)."""

    CONFIRMED = "1", _("1: confirmed by other sources")
    PROBABLY_TRUE = "2", _("2: probably true")
    POSSIBLY_TRUE = "3", _("3: possibly true")
    DOUBTFUL = "4", _("4: doubtful")
    IMPROBABLE = "5", _("5: improbable")
    CANNOT_JUDGE = "6", _("6: truth cannot be judged")


class RepresentationMode(models.TextChoices):
    """How a representation (or a response) was made."""

    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Written")


class ResponseKind(models.TextChoices):
    """What the bearer answered to a representation.

    "No response" records that the time given passed in silence: it is on the record,
    but it does not count as a response in the figures and moves no status.
    """

    ACKNOWLEDGED = "acknowledged", _("Acknowledged, no position taken")
    DISPUTED = "disputed", _("Facts disputed")
    DENIED = "denied", _("Denied")
    REFERRED = "referred", _("Referred to another authority")
    INVESTIGATION = "investigation", _("Investigation announced")
    MEASURES = "measures", _("Measures announced or taken")
    NO_RESPONSE = "no_response", _("No response")


# The notes the service writes itself on a status change (a delegate's own note is kept as
# typed). Stored in English, as written; a page shows them in the reader's language.
NOTE_RAISED = gettext_noop("Raised with the bearer (first representation).")
NOTE_REPRESENTATION_CORRECTED = gettext_noop("Representation corrected.")
NOTE_REPRESENTATION_DELETED = gettext_noop("Its only representation was deleted.")
NOTE_RESPONDED = gettext_noop("The bearer responded.")
NOTE_RESPONSE_CORRECTED = gettext_noop("Response corrected.")
NOTE_RESPONSE_DELETED = gettext_noop("Its only response was deleted.")
SYSTEM_NOTES = frozenset(
    {
        NOTE_RAISED,
        NOTE_REPRESENTATION_CORRECTED,
        NOTE_REPRESENTATION_DELETED,
        NOTE_RESPONDED,
        NOTE_RESPONSE_CORRECTED,
        NOTE_RESPONSE_DELETED,
    }
)

"""Concerns raised with weapon bearers: alleged violations and humanitarian concerns, the
representations we make about them, the bearer's responses and our follow-ups.

This is where the dialogue shows tangible results, so the life of each concern is kept
with its dates: when we took it up, when we first raised it and at which level, when the
bearer first answered, and when it was addressed. ``concerns.figures`` turns those dates
into outcome figures.

Every record here belongs to the compartment of the delegation that holds the concern.
The records under a concern (sources, representations, responses, status changes,
follow-ups) name it in ``access_via``, so they are hidden wherever the concern is, and
they carry its restriction too (the service layer keeps them in step).
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.concerns.choices import (
    SYSTEM_NOTES,
    ApplicableLaw,
    ConcernStatus,
    InformationCredibility,
    RepresentationMode,
    ResponseKind,
    SourceKind,
    SourceReliability,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.dialogue.choices import Confidentiality, FollowUpStatus

# Statuses in which a concern still needs work with the bearer.
ACTIVE_STATUSES = (
    ConcernStatus.OPEN,
    ConcernStatus.RAISED,
    ConcernStatus.RESPONDED,
    ConcernStatus.PERSISTING,
)


def start_of_period(day: datetime.date, precision: str) -> datetime.date:
    """Return the first day of the month or year a date stands for at a precision."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


class Concern(Record):
    """An alleged violation of the law, or a humanitarian concern, that we take up with
    the bearer alleged responsible: what happened, when, where, who, which rule.

    A concern is usually about one bearer; it names several when responsibility is
    shared or disputed (a joint operation; shelling each side blames on the other). It
    is raised confidentially and bilaterally (``Representation``), the bearer answers
    (``Response``), and we follow it up until it is addressed, persists, or is closed.

    ``status`` and the dates next to it are kept by the service layer, never typed in:
    the first representation raises the concern (open → raised), the bearer's first
    real response moves it to responded, and a delegate then marks it addressed,
    persisting or closed with a date and a note. Each move is also a
    ``ConcernStatusChange``, so the whole history stays on the record.
    """

    access_bearer_link = "bearers"

    summary = EncryptedTextField(
        max_length=200, help_text=_("One line a colleague would recognise the concern by.")
    )
    description = EncryptedTextField(
        help_text=_("What happened, to whom, as far as we know it; the facts and their sources.")
    )
    occurred_on = models.DateField(
        help_text=_("When the facts happened. For a month or a year, any day in it will do.")
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place_name = models.CharField(max_length=200, blank=True)
    admin_area = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    bearers = models.ManyToManyField(
        "bearers.WeaponBearer",
        related_name="concerns",
        help_text=_("The bearer alleged responsible (several if responsibility is disputed)."),
    )
    # A unit of the registry (organisation-wide data). It is not in ``access_via``: a unit
    # tombstoned after a reorganisation must not hide the concern; pages show it only
    # through ``Unit.objects.visible_to``.
    unit = models.ForeignKey(
        "bearers.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
        help_text=_("The unit alleged responsible, if known."),
    )
    category = models.ForeignKey(
        "dialogue.Topic",
        on_delete=models.PROTECT,
        related_name="concerns",
        help_text=_("The main subject of the concern; the figures are grouped by it."),
    )
    legal_framework = models.CharField(
        max_length=16, choices=ApplicableLaw.choices, default=ApplicableLaw.UNDETERMINED
    )
    rule = models.CharField(
        max_length=300,
        blank=True,
        help_text=_(
            "The rule at stake, e.g. common Article 3, or principle 9 of the Basic "
            "Principles on the Use of Force and Firearms."
        ),
    )
    confidentiality = models.CharField(
        max_length=24, choices=Confidentiality.choices, default=Confidentiality.CONFIDENTIAL
    )
    opened_on = models.DateField(
        default=timezone.localdate,
        help_text=_("When we took the concern up (learned of it and opened the file)."),
    )
    # Kept by the service layer from the representations, responses and status moves.
    status = models.CharField(
        max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.OPEN, editable=False
    )
    status_on = models.DateField(
        default=timezone.localdate, editable=False, help_text=_("Since when the status holds.")
    )
    raised_on = models.DateField(
        null=True, blank=True, editable=False, help_text=_("Date of the first representation.")
    )
    raised_level = models.CharField(
        max_length=16,
        choices=Level.choices,
        blank=True,
        editable=False,
        help_text=_("Level of the first representation."),
    )
    responded_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Date of the bearer's first response (silence noted does not count)."),
    )
    addressed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the concern was last marked addressed."),
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(
                fields=["compartment", "-opened_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="concerns_concern_live",
            ),
            models.Index(
                fields=["compartment", "status"],
                condition=models.Q(deleted_at__isnull=True),
                name="concerns_concern_status",
            ),
            # The few restricted records: the dashboards count them apart (kept.py).
            models.Index(
                fields=["compartment"],
                condition=models.Q(restricted=True, deleted_at__isnull=True),
                name="concerns_concern_secret",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def occurred_display(self) -> str:
        """Say when the facts happened, no more precisely than we know it."""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.occurred_on:%Y}"
        # Month names in the reader's language ("March 2026", "mars 2026").
        if self.date_precision == DatePrecision.MONTH:
            return date_format(self.occurred_on, "F Y")
        return date_format(self.occurred_on, "DATE_FORMAT")

    @property
    def is_active(self) -> bool:
        """Say whether the concern still needs work with the bearer."""
        return self.status in ACTIVE_STATUSES


class ConcernSource(Record):
    """Where an allegation comes from, graded with the admiralty code: the source's
    reliability (A to F) and the credibility of what it said (1 to 6).

    Who the source is stays encrypted: naming a witness can put them at risk.
    """

    access_via: ClassVar[tuple[str, ...]] = ("concern",)

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="sources")
    kind = models.CharField(max_length=24, choices=SourceKind.choices)
    reliability = models.CharField(
        max_length=1, choices=SourceReliability.choices, default=SourceReliability.F
    )
    credibility = models.CharField(
        max_length=1,
        choices=InformationCredibility.choices,
        default=InformationCredibility.CANNOT_JUDGE,
    )
    description = EncryptedTextField(
        blank=True, help_text=_("Who or what the source is, and what it said.")
    )
    received_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["concern", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.grading})"

    @property
    def grading(self) -> str:
        """The admiralty grading as colleagues write it: B2, C3…"""
        return f"{self.reliability}{self.credibility}"


class Representation(Record):
    """A representation about a concern, made to the bearer: orally or in writing, on a
    date, at a level (strategic, operational, tactical), to someone, by some of us.

    What we said is encrypted. A representation may have been made during a recorded
    interaction; the link is shown only to those who may see that interaction.
    """

    access_via: ClassVar[tuple[str, ...]] = ("concern",)

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="representations")
    made_on = models.DateField(default=timezone.localdate)
    mode = models.CharField(
        max_length=8, choices=RepresentationMode.choices, default=RepresentationMode.ORAL
    )
    level = models.CharField(max_length=16, choices=Level.choices)
    to_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representations_received",
        help_text=_("The interlocutor it was made to, if we know them."),
    )
    to_whom = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("To whom, in words: a post, an office, a name not in the register."),
    )
    made_by = models.ManyToManyField("core.User", blank=True, related_name="representations_made")
    content = EncryptedTextField(help_text=_("What we said or wrote."))
    interaction = models.ForeignKey(
        "dialogue.Interaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representations",
        help_text=_("The recorded contact where it was made, if any."),
    )

    class Meta:
        ordering = ["made_on", "created_at"]
        indexes = [
            models.Index(
                fields=["concern", "made_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="concerns_representation_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} representation, {self.made_on:%Y-%m-%d}"


class Response(Record):
    """What the bearer answered about a concern: an acknowledgement, a denial, an
    investigation announced, measures taken… or silence noted after the time given.

    What they said is encrypted, and so is who said it when that person is not in the
    register.
    """

    access_via: ClassVar[tuple[str, ...]] = ("concern",)

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="responses")
    representation = models.ForeignKey(
        Representation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text=_("The representation it answers, if one in particular."),
    )
    received_on = models.DateField(default=timezone.localdate)
    kind = models.CharField(max_length=16, choices=ResponseKind.choices)
    mode = models.CharField(
        max_length=8, choices=RepresentationMode.choices, default=RepresentationMode.ORAL
    )
    from_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses_given",
    )
    from_whom = EncryptedTextField(max_length=300, blank=True)
    content = EncryptedTextField(blank=True, help_text=_("What they said or wrote."))

    class Meta:
        ordering = ["received_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.received_on:%Y-%m-%d}"

    @property
    def counts_as_response(self) -> bool:
        """Say whether this is an answer (silence noted is not)."""
        return self.kind != ResponseKind.NO_RESPONSE


class ConcernStatusChange(Record):
    """One move of a concern from a status to another, with the day it took effect and
    why. Written by the service layer with every move; never edited."""

    access_via: ClassVar[tuple[str, ...]] = ("concern",)

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ConcernStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ConcernStatus.choices)
    changed_on = models.DateField()
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["concern", "changed_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_to_status_display()} on {self.changed_on:%Y-%m-%d}"

    @property
    def note_shown(self) -> str:
        """The note in the reader's language when the service wrote it, else as typed."""
        return gettext(self.note) if self.note in SYSTEM_NOTES else self.note


class ConcernFollowUp(Record):
    """Something to do about a concern, by a date: check whether the measures announced
    were taken, raise it again at a higher level, send the written note…

    The dialogue's follow-ups hang on an interaction; these hang on the concern, so they
    survive however many contacts it takes.
    """

    access_via: ClassVar[tuple[str, ...]] = ("concern",)

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="follow_ups")
    action = EncryptedTextField(max_length=300)
    owner = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concern_follow_ups",
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]

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

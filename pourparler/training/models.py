"""Dissemination and training: the sessions we run for weapon bearers and whom they reached."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.training.choices import SessionKind, language_name, validate_language

SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class DisseminationSession(Record):
    """A session in which we explain the law and our work to members of one weapon bearer:
    a briefing, a pre-deployment briefing, a course, a workshop, an exercise or a conference.

    The audience is one bearer (and, if known, some of its units) at one level, counted as
    a number of participants of whom so many women; it covers topics in a language, and is
    run by our staff (``facilitators``) sometimes with outside facilitators. When the
    audience was tested, the average scores before and after (0 to 100) and how many took
    the test measure what was learnt.

    Participants are attendances, not people: an officer who attends a briefing and later a
    course counts twice. A session may point to the interaction that records the same
    event in the contact log.

    A need-to-know grant on the bearer opens the non-restricted records about it
    (``access_bearer_link``, see ``core.access._by_grant``).
    """

    access_bearer_link = "bearer"

    kind = models.CharField(max_length=24, choices=SessionKind.choices)
    held_on = models.DateField(help_text=_("The day the session began."))
    ends_on = models.DateField(
        null=True, blank=True, help_text=_("The last day, for a session over several days.")
    )
    place_name = models.CharField(max_length=200, blank=True)
    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="dissemination_sessions"
    )
    units = models.ManyToManyField(
        "bearers.Unit",
        blank=True,
        related_name="dissemination_sessions",
        help_text=_("The bearer's units the participants came from, if known."),
    )
    level = models.CharField(
        max_length=16,
        choices=Level.choices,
        default=Level.TACTICAL,
        help_text=_("The level of the audience in the bearer's hierarchy."),
    )
    participants = models.PositiveIntegerField(
        validators=[MinValueValidator(1)],
        help_text=_("How many attended (attendances, not unique people)."),
    )
    women = models.PositiveIntegerField(default=0, help_text=_("How many of them were women."))
    topics = models.ManyToManyField(
        "dialogue.Topic", blank=True, related_name="dissemination_sessions"
    )
    language = models.CharField(
        max_length=8,
        validators=[validate_language],
        help_text=_("ISO 639 code of the language the session was held in."),
    )
    facilitators = models.ManyToManyField(
        "core.User",
        blank=True,
        related_name="sessions_facilitated",
        help_text=_("Our staff who ran the session."),
    )
    # Encrypted at rest: names of people from outside (an army legal adviser, a trainer).
    external_facilitators = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("Facilitators from outside our staff, for example the bearer's instructors."),
    )
    tested = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How many participants took the pre/post test.")
    )
    pre_score = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("Average score before the session, 0 to 100."),
    )
    post_score = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("Average score after the session, 0 to 100."),
    )
    interaction = models.ForeignKey(
        "dialogue.Interaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dissemination_sessions",
        help_text=_("The interaction that records this session in the contact log."),
    )
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["compartment", "-held_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="training_session_live",
            ),
            models.Index(
                fields=["bearer", "-held_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="training_session_bearer",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(women__lte=models.F("participants")),
                name="training_session_women_within_participants",
                violation_error_message=_("There cannot be more women than participants."),
            ),
            models.CheckConstraint(
                condition=models.Q(tested__isnull=True)
                | models.Q(tested__lte=models.F("participants")),
                name="training_session_tested_within_participants",
                violation_error_message=_("More people tested than took part."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.held_on:%Y-%m-%d}"

    def clean(self) -> None:
        """Check that the dates, the women and the test scores hang together."""
        super().clean()
        errors: dict[str, list[Any]] = defaultdict(list)
        if self.ends_on and self.held_on and self.ends_on < self.held_on:
            errors["ends_on"].append(_("The session cannot end before it began."))
        if self.participants is not None and (self.women or 0) > self.participants:
            errors["women"].append(_("There cannot be more women than participants."))
        if any(value is not None for value in (self.tested, self.pre_score, self.post_score)):
            if not self.tested:
                errors["tested"].append(_("Say how many took the test when you give scores."))
            elif self.participants is not None and self.tested > self.participants:
                errors["tested"].append(_("More people tested than took part."))
            if self.pre_score is None:
                errors["pre_score"].append(_("Give the average before too."))
            if self.post_score is None:
                errors["post_score"].append(_("Give the average after too."))
        if errors:
            raise ValidationError(dict(errors))

    @property
    def language_name(self) -> str:
        """The language's name, for display."""
        return language_name(self.language)

    @property
    def score_gain(self) -> Decimal | None:
        """Points gained on average between the pre- and post-test, if the audience was tested."""
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score

    @property
    def women_share(self) -> float | None:
        """The share of women among participants, 0 to 1."""
        if not self.participants:
            return None
        return self.women / self.participants

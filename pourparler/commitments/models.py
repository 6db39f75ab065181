"""The commitments register: what weapon bearers undertook, who gave the undertaking for
them, and whether they keep it.

A **commitment** is an undertaking by one or more bearers (the parties): to accept our
offer of services, to guarantee the security of our teams or let them pass, an order or
code of conduct issued down the chain of command, a unilateral declaration or a deed of
commitment, access to the people they detain. It is known by its scope, its date, who
signed or gave it (``Signatory``), who witnessed it, and the contacts that led to it.
Whether it is kept shows over time in dated **compliance observations** (kept, partly
kept, breached), each with its evidence: concerns, security incidents, checkpoint
passages.

Every record here belongs to the compartment of the delegation that holds the commitment.
Signatories and observations name the commitment in ``access_via``, so they are hidden
wherever it is, and they carry its restriction too (the service layer keeps them in
step). Linked records (bearers, people, contacts, evidence) are shown only to those who
may see them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext_lazy as _

from pourparler.commitments.choices import (
    NOT_OBSERVED_LABEL,
    Capacity,
    Compliance,
    Disclosure,
    Instrument,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record


class Commitment(Record):
    """An undertaking a weapon bearer gave: what, for whom and where (the scope), when,
    by whom, before which witness, and after which contacts.

    ``current_compliance`` is the assessment of the latest compliance observation (empty
    while none is recorded) and ``compliance_observed_on`` its date. They are derived:
    the service layer refreshes them whenever an observation is recorded, corrected or
    deleted. They are stored rather than computed on every read so that the register can
    be filtered and counted by compliance in SQL, in one query whatever the number of
    observations; they are left out of the change log and do not bump the version (the
    observations themselves are logged), so recording an observation never turns a
    colleague's open edit of the commitment into a conflict.
    """

    access_bearer_link = "bearers"
    changelog_exclude: ClassVar[tuple[str, ...]] = ("current_compliance", "compliance_observed_on")

    instrument = models.CharField(max_length=24, choices=Instrument.choices)
    # Encrypted at rest: "Security guarantee from the HHRB commander for the Kessel Ford
    # convoys" tells who talks to whom. Lists order by date, never by title.
    title = EncryptedTextField(
        max_length=200, help_text=_("One line a colleague would recognise the commitment by.")
    )
    bearers = models.ManyToManyField(
        "bearers.WeaponBearer",
        related_name="commitments",
        help_text=_("The parties: the bearer that undertook it (several for an agreement)."),
    )
    scope = EncryptedTextField(
        help_text=_("What is undertaken, where, for whom, and for how long.")
    )
    terms = EncryptedTextField(
        blank=True, help_text=_("The words of the commitment as given or signed, if we have them.")
    )
    made_on = models.DateField(
        default=timezone.localdate,
        help_text=_("When it was given or signed. For a month or a year, any day in it will do."),
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place_name = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where it was given or signed.")
    )
    # Encrypted at rest: a witness's name identifies a person.
    witness = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("Who witnessed it: us, an intermediary, elders, another organisation."),
    )
    disclosure = models.CharField(
        max_length=16, choices=Disclosure.choices, default=Disclosure.CONFIDENTIAL
    )
    interactions = models.ManyToManyField(
        "dialogue.Interaction",
        blank=True,
        related_name="commitments",
        help_text=_("The recorded contacts that led to it."),
    )
    current_compliance = models.CharField(
        max_length=16, choices=Compliance.choices, blank=True, editable=False
    )
    compliance_observed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(
                fields=["compartment", "-made_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="commitments_commitment_live",
            ),
            models.Index(
                fields=["compartment", "current_compliance"],
                condition=models.Q(deleted_at__isnull=True),
                name="commitments_compliance",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def made_display(self) -> str:
        """Say when it was made, no more precisely than we know it."""
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.made_on:%Y}"
        if self.date_precision == DatePrecision.MONTH:
            # The month's name in the reader's language ("March 2025", "mars 2025").
            return dateformat.format(self.made_on, "F Y")
        return formats.date_format(self.made_on, "DATE_FORMAT")

    @property
    def compliance_label(self) -> str:
        """The latest assessment in words, or "Not observed yet"."""
        if self.current_compliance:
            return str(self.get_current_compliance_display())
        return str(NOT_OBSERVED_LABEL)


class Signatory(Record):
    """Someone who signed or gave the commitment for one of its parties, in a capacity
    (political or military leadership), on a day.

    The person is linked when we know them in the register; otherwise the name as signed
    is kept (encrypted). Prefer the link: a name typed here is not reached by the
    person's retention or subject-access export. A signatory whose person or bearer the
    viewer may not see is hidden from them, name included.
    """

    access_via: ClassVar[tuple[str, ...]] = ("commitment", "person", "bearer")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="signatories")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments_signed",
        help_text=_("The interlocutor who signed, if they are in the register."),
    )
    name_as_signed = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("The name as it appears on the commitment, or who gave it in words."),
    )
    signed_as = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("The title they signed under, e.g. Chief of the General Staff."),
    )
    capacity = models.CharField(max_length=16, choices=Capacity.choices)
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        on_delete=models.PROTECT,
        related_name="commitment_signatories",
        help_text=_("The party they signed for."),
    )
    signed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["commitment", "created_at"]

    def __str__(self) -> str:
        return self.name_as_signed or str(self.get_capacity_display())


class ComplianceObservation(Record):
    """What we saw, on a day, of whether a commitment is kept: kept, partly kept or
    breached, with a note and the evidence (concerns, security incidents, checkpoint
    passages).

    Observations are the commitment's history: the register shows them over time, and
    the latest one gives the commitment its current compliance. Evidence is shown only
    to those who may see it, and hidden evidence is not counted either.
    """

    access_via: ClassVar[tuple[str, ...]] = ("commitment",)

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="observations"
    )
    observed_on = models.DateField(default=timezone.localdate)
    assessment = models.CharField(max_length=16, choices=Compliance.choices)
    # Encrypted at rest: what was seen, where, and who told us.
    note = EncryptedTextField(help_text=_("What was seen or reported, where, and by whom."))
    concerns = models.ManyToManyField(
        "concerns.Concern", blank=True, related_name="compliance_observations"
    )
    incidents = models.ManyToManyField(
        "access.SecurityIncident", blank=True, related_name="compliance_observations"
    )
    passages = models.ManyToManyField(
        "access.CheckpointPassage", blank=True, related_name="compliance_observations"
    )

    class Meta:
        ordering = ["commitment", "observed_on", "created_at"]
        indexes = [
            models.Index(
                fields=["commitment", "observed_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="commitments_observation_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_assessment_display()} on {self.observed_on:%Y-%m-%d}"

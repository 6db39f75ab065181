"""Humanitarian access: whether bearers accept our offer of services, what happens at their
checkpoints, what keeps us from working, and the security incidents they are involved in.

Every record here belongs to the compartment of the delegation that recorded it.

**Bearer links and grants.** A need-to-know grant on a bearer opens the non-restricted
records *about* that bearer, through the link the read path follows
(``access_bearer_link``, see ``core.access._by_grant``): the ``bearer`` foreign key for
records about one bearer, the ``bearers`` link for a security incident. ``bearer`` is
deliberately *not* in ``access_via``: the read path opens every row under a granted
parent, restricted ones included, and a bearer grant must not open a restricted passage.
Instead the app's pages read through ``access.reading``, which also hides a record whose
bearer or unit the viewer may not see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pourparler.access.choices import (
    AcceptanceStatus,
    ConstraintCategory,
    ConstraintEffect,
    ConstraintSubcategory,
    IncidentKind,
    PassageOutcome,
    Severity,
    category_of,
)
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record


def _live(name: str, *fields: str) -> models.Index:
    """An index over live rows only, for lists filtered on compartment and ordered by date."""
    return models.Index(fields=list(fields), condition=models.Q(deleted_at__isnull=True), name=name)


class Located(Record):
    """Where something happened: a place name, its administrative area, and coordinates."""

    place_name = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("As staff call it, for example: Kessel Ford bridge checkpoint."),
    )
    admin_area = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, −90 to 90 (north is positive)."),
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, −180 to 180 (east is positive)."),
    )

    class Meta:
        abstract = True

    def problems(self) -> dict[str, Any]:
        """Say, field by field, which facts do not hold together (empty if none)."""
        errors: dict[str, Any] = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        return errors

    def clean(self) -> None:
        super().clean()
        errors = self.problems()
        if errors:
            raise ValidationError(errors)


def _unit_problem(record: CheckpointPassage | AccessConstraint) -> dict[str, Any]:
    """Refuse a unit without its bearer or from another bearer's chain of command."""
    if record.unit_id is None:
        return {}
    if record.bearer_id is None:
        return {"unit": _("Choose the bearer this unit belongs to.")}
    if record.unit is not None and record.unit.bearer_id != record.bearer_id:
        return {"unit": _("This unit belongs to another bearer.")}
    return {}


class AcceptanceAssessment(Record):
    """Our reading, on a given day, of whether a bearer accepts our offer of services:
    accepted, partly, refused or unknown, with the contact that showed it.

    Acceptance grows out of dialogue and trust, so it is recorded as a series of dated
    assessments rather than one value: each holds until the next one about the same
    bearer in the same delegation, and the series draws the bearer's acceptance over
    time. The offer does not change the bearer's legal status.
    """

    access_via = ("interaction",)
    access_bearer_link = "bearer"

    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="acceptance_assessments"
    )
    status = models.CharField(max_length=16, choices=AcceptanceStatus.choices)
    assessed_on = models.DateField(
        default=timezone.localdate, help_text=_("The day the bearer's stance was seen.")
    )
    interaction = models.ForeignKey(
        "dialogue.Interaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptance_assessments",
        help_text=_("The contact that showed it, if there was one."),
    )
    # Encrypted at rest: why we read the bearer this way may name people and sources.
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [_live("access_acceptance_live", "compartment", "bearer", "-assessed_on")]

    def __str__(self) -> str:
        return f"{self.bearer.name}: {self.get_status_display()} on {self.assessed_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        interaction = self.interaction if self.interaction_id else None
        if interaction is None:
            return
        if interaction.compartment_id != self.compartment_id:
            raise ValidationError(
                {"interaction": _("This interaction belongs to another delegation.")}
            )
        if self.bearer_id and not interaction.bearers.filter(pk=self.bearer_id).exists():
            raise ValidationError({"interaction": _("This interaction is not about this bearer.")})


class CheckpointPassage(Located):
    """One crossing of a checkpoint, or an attempt: where, whose checkpoint, when, with
    how many staff and vehicles, and how it went (passed, delayed, turned back, incident).

    Patterns by bearer, place and month show where and by whom our teams are most often
    stopped. An incident at a checkpoint is recorded as a ``SecurityIncident`` that
    points back at the passage.
    """

    access_bearer_link = "bearer"

    place_name = models.CharField(
        _("checkpoint"),
        max_length=200,
        help_text=_("As staff call it, for example: Kessel Ford bridge."),
    )
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        on_delete=models.PROTECT,
        related_name="checkpoint_passages",
        help_text=_("Whose checkpoint it was."),
    )
    unit = models.ForeignKey(
        "bearers.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkpoint_passages",
        help_text=_("The unit manning it, if known."),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    outcome = models.CharField(max_length=16, choices=PassageOutcome.choices)
    delay_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text=_("How long the team was held; only for a delayed passage."),
    )
    team_size = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many of our staff were in the team."),
    )
    vehicle_count = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(200)])
    # Encrypted at rest: what was said at the checkpoint and by whom.
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            _live("access_passage_live", "compartment", "-occurred_at"),
            _live("access_passage_bearer", "bearer", "-occurred_at"),
            # The few restricted records: the dashboards count them apart (kept.py).
            models.Index(
                fields=["compartment"],
                condition=models.Q(restricted=True, deleted_at__isnull=True),
                name="access_passage_secret",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.occurred_at)
        return f"{self.place_name}, {when:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"

    @property
    def stopped(self) -> bool:
        """Say whether the team was held, sent back or met an incident."""
        return self.outcome != PassageOutcome.PASSED

    def problems(self) -> dict[str, Any]:
        errors = super().problems()
        if self.outcome == PassageOutcome.DELAYED and self.delay_minutes is None:
            errors["delay_minutes"] = _("Say how many minutes the team was held.")
        if self.outcome != PassageOutcome.DELAYED and self.delay_minutes is not None:
            errors["delay_minutes"] = _("Only a delayed passage has a delay; leave it empty.")
        return {**errors, **_unit_problem(self)}


class AccessConstraint(Located):
    """Something that kept us from reaching people in need, or them from reaching us,
    classified by the humanitarian community's common categories: entry into the
    country, movement within it, interference in the work, violence against staff,
    facilities and assets, and the others of the framework.

    The bearer (and unit) responsible is recorded when known; a constraint may also come
    from hostilities or terrain, with no bearer at all.
    """

    access_bearer_link = "bearer"

    category = models.CharField(max_length=16, choices=ConstraintCategory.choices)
    subcategory = models.CharField(max_length=32, choices=ConstraintSubcategory.choices, blank=True)
    occurred_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty while it lasts.")
    )
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_constraints",
        help_text=_("The bearer that imposed it, if known."),
    )
    unit = models.ForeignKey(
        "bearers.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_constraints",
    )
    effect = models.CharField(
        max_length=16, choices=ConstraintEffect.choices, default=ConstraintEffect.DELAYED
    )
    # Encrypted at rest: what happened, who said what.
    description = EncryptedTextField()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        indexes = [_live("access_constraint_live", "compartment", "-occurred_on")]

    def __str__(self) -> str:
        where = f", {self.place_name}" if self.place_name else ""
        return f"{self.get_category_display()}{where}, {self.occurred_on:%Y-%m-%d}"

    def problems(self) -> dict[str, Any]:
        errors = super().problems()
        if self.subcategory and category_of(self.subcategory) != self.category:
            errors["subcategory"] = _("This kind belongs to another category of constraint.")
        if self.ended_on and self.occurred_on and self.ended_on < self.occurred_on:
            errors["ended_on"] = _("A constraint cannot end before it starts.")
        return {**errors, **_unit_problem(self)}


class SecurityIncident(Located):
    """A security incident involving weapon bearers and our staff, vehicles or premises:
    a threat, intimidation, detention of staff, an attack on a vehicle or a facility,
    looting…

    Several bearers may be involved. An incident that happened at a checkpoint points
    at that passage, whose outcome is then "incident".
    """

    access_via = ("passage",)
    access_bearer_link = "bearers"

    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(max_length=24, choices=IncidentKind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.MODERATE)
    bearers = models.ManyToManyField(
        "bearers.WeaponBearer", blank=True, related_name="security_incidents"
    )
    staff_affected = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(500)],
        help_text=_("How many of our staff were threatened, held or hurt."),
    )
    # Encrypted at rest: what happened to whom.
    description = EncryptedTextField()
    passage = models.ForeignKey(
        CheckpointPassage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="security_incidents",
        help_text=_("The checkpoint passage where it happened, if it did."),
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [_live("access_incident_live", "compartment", "-occurred_at")]

    def __str__(self) -> str:
        where = f" at {self.place_name}" if self.place_name else ""
        when = timezone.localtime(self.occurred_at)
        return f"{self.get_kind_display()}{where}, {when:%Y-%m-%d} ({self.get_severity_display()})"

    def problems(self) -> dict[str, Any]:
        errors = super().problems()
        passage = self.passage if self.passage_id else None
        if passage is None:
            return errors
        if passage.outcome != PassageOutcome.INCIDENT:
            errors["passage"] = _("Link only a passage whose outcome was an incident.")
        elif passage.compartment_id != self.compartment_id:
            errors["passage"] = _("This passage belongs to another delegation.")
        return errors

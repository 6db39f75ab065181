"""Negotiation files: the planning tools frontline negotiators use for a hard negotiation.

A ``NegotiationFile`` is held by one of us (``holder``) about one bearer, with the
counterparts across the table (people of the register) and the interactions where the
negotiation took place. Under it: the island of agreements (``IslandItem``: facts agreed
or contested, norms convergent or divergent), the iceberg (``IcebergEntry``: positions,
reasoning, motives and values, for us and for the counterpart), the network of influence
(``Stakeholder`` and ``StakeholderLink``), our red lines (``RedLine``, signed off by the
head of delegation, the mandator), bottom lines (``BottomLine``) and scenarios
(``Scenario``).

Every row under a file names it in ``access_via`` and takes its compartment, so it is
hidden wherever the file is. Every write to a file or to a row under it adds a
``NegotiationVersion``: an encrypted picture of the whole file, so a colleague can see
how the plan changed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import Action, RestrictedManager, RestrictedQuerySet
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.negotiation.choices import FileStatus, IslandKind, Layer, Likelihood, Side


class FileQuerySet(RestrictedQuerySet["NegotiationFile"]):
    """The read path of files: a file about a bearer the user may not see is hidden.

    The bearer is not in ``access_via``: the read path opens every row under a granted
    parent, restricted ones included, and a bearer grant must open only the files about
    the bearer that are not restricted (``access_bearer_link``), as for interactions.
    """

    def visible_to(self, user: Any, action: Action = "view") -> RestrictedQuerySet[NegotiationFile]:
        """Return the live files the user may see (or change), about a bearer they see."""
        seen = WeaponBearer.objects.visible_to(user).values("pk")
        return super().visible_to(user, action).filter(bearer__in=seen)


class FileManager(RestrictedManager["NegotiationFile"]):
    """The manager of files, whose ``visible_to`` also hides a file about a hidden bearer."""

    def get_queryset(self) -> FileQuerySet:
        return FileQuerySet(self.model, using=self._db)


class NegotiationFile(Record):
    """A hard negotiation with a bearer that we prepare with the frontline tools: what we
    want to obtain, with whom, and the plan that changes as the talks go.

    Hidden with its bearer (``FileQuerySet``); a bearer grant opens it when it is not
    restricted."""

    access_bearer_link = "bearer"

    objects: ClassVar[FileManager] = FileManager()

    title = EncryptedTextField(
        max_length=200, help_text=_("What is being negotiated, as colleagues call it.")
    )
    objective = EncryptedTextField(
        blank=True, help_text=_("What we want to obtain, in a few lines.")
    )
    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="negotiation_files"
    )
    counterparts = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="negotiation_files",
        help_text=_("The people across the table."),
    )
    interactions = models.ManyToManyField(
        "dialogue.Interaction",
        blank=True,
        related_name="negotiation_files",
        help_text=_("The contacts where the negotiation was held."),
    )
    holder = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="negotiation_files_held",
        help_text=_("Who of us leads the negotiation and keeps the file."),
    )
    status = models.CharField(max_length=8, choices=FileStatus.choices, default=FileStatus.OPEN)
    opened_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(
                fields=["compartment", "-opened_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="negotiation_file_live",
            ),
            models.Index(
                fields=["holder", "status"],
                condition=models.Q(deleted_at__isnull=True),
                name="negotiation_file_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class _UnderFile(Record):
    """A row of one of the file's tools; hidden wherever the file is."""

    access_via: ClassVar[tuple[str, ...]] = ("file",)

    class Meta:
        abstract = True


class IslandItem(_UnderFile):
    """An item of the island of agreements: a fact both sides agree on or contest, or a
    norm on which they converge or diverge. The island is where talks can start."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="island")
    kind = models.CharField(max_length=8, choices=IslandKind.choices)
    agreed = models.BooleanField(
        default=False,
        help_text=_("Agreed fact or convergent norm; unticked: contested or divergent."),
    )
    text = EncryptedTextField()

    class Meta:
        ordering = ["file", "kind", "created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def quadrant(self) -> str:
        """Name the item's place on the island: agreed fact, contested fact…"""
        if self.kind == IslandKind.FACT:
            return gettext("Agreed fact") if self.agreed else gettext("Contested fact")
        return gettext("Convergent norm") if self.agreed else gettext("Divergent norm")


class IcebergEntry(_UnderFile):
    """One entry of the iceberg, for us or for the counterpart: a position taken at the
    table, the reasoning behind it, or the motives and values underneath."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="iceberg")
    side = models.CharField(max_length=12, choices=Side.choices)
    layer = models.CharField(max_length=12, choices=Layer.choices)
    text = EncryptedTextField()

    class Meta:
        ordering = ["file", "side", "layer", "created_at"]
        verbose_name_plural = "iceberg entries"

    def __str__(self) -> str:
        return self.text


class Stakeholder(_UnderFile):
    """Someone in the network of influence around the counterpart: a person of the
    register or a named outsider, how much they weigh on the counterpart (0-3) and how
    close they are to us (-2 hostile … +2 close)."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="stakeholders")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="negotiation_stakes",
        help_text=_("A person of the register, if they are in it."),
    )
    name = EncryptedTextField(
        max_length=300,
        blank=True,
        help_text=_("Who they are, in words, when they are not in the register."),
    )
    influence = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(3)],
        help_text=_("Influence on the counterpart: 0 none, 3 decisive."),
    )
    proximity = models.SmallIntegerField(
        default=0,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
        help_text=_("Proximity to us: -2 hostile, 0 neutral, +2 close."),
    )
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["file", "-influence", "created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The stakeholder's name: the person's, or the one written in."""
        if self.name:
            return self.name
        if self.person_id is not None:
            # Pages fetch the person through the read path: one they may not see is None.
            person = self.person
            return str(person) if person is not None else gettext("(a person you may not see)")
        return gettext("(unnamed)")


class StakeholderLink(_UnderFile):
    """A tie between two stakeholders (kin, command, business, rivalry), and how strong."""

    file = models.ForeignKey(
        NegotiationFile, on_delete=models.PROTECT, related_name="stakeholder_links"
    )
    source = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Stakeholder, on_delete=models.PROTECT, related_name="links_in")
    strength = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 loose, 3 strong."),
    )
    note = EncryptedTextField(max_length=300, blank=True, help_text=_("What ties them."))

    class Meta:
        ordering = ["file", "created_at"]

    def __str__(self) -> str:
        return f"{self.source} — {self.target}"


class RedLine(_UnderFile):
    """A line we will not cross, whatever is offered. The head of delegation, who gives
    the mandate, signs it off; changing its text afterwards clears the sign-off."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="red_lines")
    text = EncryptedTextField()
    set_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="red_lines_set", editable=False
    )
    signed_off_by = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="red_lines_signed_off",
        editable=False,
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["file", "created_at"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_signed_off(self) -> bool:
        """Say whether the head of delegation signed off the line as it reads now."""
        return self.signed_off_at is not None


class BottomLine(_UnderFile):
    """The least we can accept and still agree: below it, no agreement is better."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="bottom_lines")
    text = EncryptedTextField()

    class Meta:
        ordering = ["file", "created_at"]

    def __str__(self) -> str:
        return self.text


class Scenario(_UnderFile):
    """A way the negotiation could go, with its costs and benefits for the people we
    work for, and how likely we judge it."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="scenarios")
    text = EncryptedTextField(help_text=_("What happens in this scenario."))
    costs = EncryptedTextField(blank=True)
    benefits = EncryptedTextField(blank=True)
    likelihood = models.CharField(
        max_length=8, choices=Likelihood.choices, default=Likelihood.MEDIUM
    )

    class Meta:
        ordering = ["file", "created_at"]

    def __str__(self) -> str:
        return self.text


class NegotiationVersion(_UnderFile):
    """The whole file as it stood after one change: written by the services with every
    change of the file or of a row under it, never edited. ``content`` is the encrypted
    picture (JSON); ``summary`` says in plain words what kind of change it was."""

    file = models.ForeignKey(NegotiationFile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.CharField(max_length=120)
    content = EncryptedTextField()

    class Meta:
        ordering = ["file", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "number"], name="negotiation_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

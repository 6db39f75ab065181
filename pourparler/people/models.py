"""People we know among weapon bearers, the posts they hold, and who on our side knows them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.people.choices import LegalBasis, Strength


class Person(Record):
    """An interlocutor: a member of a weapon bearer whom our delegates know.

    People belong to the compartment of the delegation that knows them. Their names and
    notes are encrypted at rest; they are found by a blind index of their names.
    """

    changelog_exclude: ClassVar[tuple[str, ...]] = ("search_tokens",)

    full_name = EncryptedTextField(max_length=300)
    languages = models.JSONField(
        default=list, blank=True, help_text=_("ISO 639 codes of the languages the person speaks.")
    )
    notes = EncryptedTextField(blank=True)
    purpose = models.CharField(
        max_length=300,
        default="Humanitarian dialogue with weapon bearers",
        help_text=_("Why we hold this person's data."),
    )
    legal_basis = models.CharField(
        max_length=24, choices=LegalBasis.choices, default=LegalBasis.PUBLIC_INTEREST
    )
    # The blind index of every name (core.crypto.search_tokens): keyed hashes of folded
    # words and their prefixes, so a search needs no plaintext in the database.
    search_tokens = models.TextField(blank=True, editable=False)
    # Set by the retention run (core/retention.py) when the person's names and notes
    # were overwritten and their earlier values removed from the change log.
    anonymised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the retention policy anonymised this person."),
    )

    class Meta:
        # Names are encrypted: SQL cannot sort by them; pages sort what they show.
        ordering = ["created_at", "id"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class PersonName(Record):
    """Another name of a person: in another script, a nom de guerre, a transliteration."""

    access_via = ("person",)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="names")
    name = EncryptedTextField(max_length=300)
    language = models.CharField(max_length=8, blank=True)
    script = models.CharField(max_length=4, blank=True)
    transliteration = EncryptedTextField(max_length=300, blank=True)

    class Meta:
        ordering = ["person", "created_at"]

    def __str__(self) -> str:
        return self.name


class Position(Record):
    """A post a person holds in a bearer or one of its units, from a date to a date."""

    access_via = ("person", "bearer", "unit")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        "bearers.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    rank = models.CharField(max_length=120, blank=True)
    role_title = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, help_text=_("Empty while the post is held."))

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        title = " ".join(part for part in (self.rank, self.role_title) if part)
        return f"{title or 'Member'}, {self.unit or self.bearer}"

    @property
    def is_current(self) -> bool:
        """Say whether the post is still held."""
        return self.ends_on is None


class Relationship(Record):
    """Which member of our staff holds the relationship with a person, and how strong it is.

    Relationships outlive rotations: when the holder leaves, the relationship is handed
    over, not lost.
    """

    access_via = ("person",)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    holder = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="relationships")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    strength = models.CharField(max_length=16, choices=Strength.choices, default=Strength.WORKING)
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["person", "-since"]

    def __str__(self) -> str:
        return f"{self.holder} ↔ {self.person}"

"""The bearer registry: weapon bearers, their names, identifiers, relations and units."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import (
    BearerKind,
    Echelon,
    IdScheme,
    Level,
    NameKind,
    OrganisationLevel,
    RelationKind,
    Structure,
    TerritorialControl,
)
from pourparler.core.choices import AccessScope
from pourparler.core.models import Record


class WeaponBearer(Record):
    """An organisation that can use force: State armed forces, police, gendarmerie,
    other law enforcement, a non-State armed group, a militia, a private security
    company or a peace operation.

    The registry is organisation-wide reference data; a bearer marked restricted is
    visible only to its named members.
    """

    access_scope = AccessScope.ORGANISATION
    changelog_exclude: ClassVar[tuple[str, ...]] = ("search_text",)

    name = models.CharField(max_length=200, help_text=_("The name staff use day to day."))
    kind = models.CharField(max_length=32, choices=BearerKind.choices)
    countries = models.ManyToManyField("geo.Country", blank=True, related_name="bearers")
    description = models.TextField(blank=True)
    organisation_level = models.CharField(
        max_length=24,
        choices=OrganisationLevel.choices,
        blank=True,
        help_text=_("How organised the bearer is, as UCDP grades it (empty if not graded)."),
    )
    structure = models.CharField(
        max_length=16, choices=Structure.choices, default=Structure.UNKNOWN
    )
    leadership = models.TextField(blank=True, help_text=_("Who leads, and how decisions are made."))
    territorial_control = models.CharField(
        max_length=16, choices=TerritorialControl.choices, default=TerritorialControl.UNKNOWN
    )
    community_ties = models.TextField(blank=True)
    external_support = models.TextField(blank=True)
    # Folded names and aliases, for search insensitive to case and diacritics.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class BearerName(Record):
    """A name of a bearer in a language and script: official, alias, acronym, former…"""

    access_scope = AccessScope.ORGANISATION
    access_via = ("bearer",)

    bearer = models.ForeignKey(WeaponBearer, on_delete=models.PROTECT, related_name="names")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=NameKind.choices, default=NameKind.ALIAS)
    language = models.CharField(
        max_length=8, blank=True, help_text=_("ISO 639 code, for example ar, fr, my.")
    )
    script = models.CharField(
        max_length=4, blank=True, help_text=_("ISO 15924 code, for example Arab, Latn, Mymr.")
    )
    transliteration = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["bearer", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class ExternalId(Record):
    """An identifier of a bearer in another registry (UCDP, ACLED, Wikidata)."""

    access_scope = AccessScope.ORGANISATION
    access_via = ("bearer",)

    bearer = models.ForeignKey(WeaponBearer, on_delete=models.PROTECT, related_name="external_ids")
    scheme = models.CharField(max_length=16, choices=IdScheme.choices)
    value = models.CharField(max_length=200)

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                condition=models.Q(deleted_at__isnull=True),
                name="bearers_externalid_unique_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class BearerRelation(Record):
    """A relation between two bearers over time: a splinter, an alliance, a merger."""

    access_scope = AccessScope.ORGANISATION
    access_via = ("subject", "other")

    subject = models.ForeignKey(WeaponBearer, on_delete=models.PROTECT, related_name="relations")
    kind = models.CharField(max_length=16, choices=RelationKind.choices)
    other = models.ForeignKey(WeaponBearer, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["subject", "kind"]

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_kind_display()} — {self.other}"


class Unit(Record):
    """A unit in a bearer's chain of command: a division, a police region, a front."""

    access_scope = AccessScope.ORGANISATION
    access_via = ("bearer",)

    bearer = models.ForeignKey(WeaponBearer, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    echelon = models.CharField(max_length=16, choices=Echelon.choices, default=Echelon.OTHER)
    level = models.CharField(
        max_length=16,
        choices=Level.choices,
        default=Level.TACTICAL,
        help_text=_("The level at which contacts with this unit usually sit."),
    )
    location = models.CharField(max_length=200, blank=True)
    admin_area = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["bearer", "name"]

    def __str__(self) -> str:
        return self.name

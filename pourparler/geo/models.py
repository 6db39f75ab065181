"""Places: countries (ISO 3166) and administrative areas keyed by P-code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.core.choices import AccessScope
from pourparler.core.models import Record


class Country(Record):
    """A country or territory, identified by its ISO 3166-1 code.

    Codes in the user-assigned ranges (AA, QM to QZ, XA to XZ, ZZ) name fictional or
    not-yet-coded places, such as the countries of the demo world.
    """

    access_scope = AccessScope.ORGANISATION

    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class AdminArea(Record):
    """An administrative area (province, district) of a country, keyed by its P-code."""

    access_scope = AccessScope.ORGANISATION

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="admin_areas")
    pcode = models.CharField(_("P-code"), max_length=32, unique=True)
    name = models.CharField(max_length=160)
    level = models.PositiveSmallIntegerField(help_text=_("1 for a province, 2 for a district…"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["country__name", "level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

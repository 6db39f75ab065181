"""Areas of control: where a weapon bearer holds territory, how firmly, and when."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import Record
from pourparler.maps.choices import ControlType
from pourparler.maps.geometry import clean_outline


class AreaOfControl(Record):
    """A territory a weapon bearer controls fully, fluidly (contested), or influences, over a
    period, as the delegation assesses it: drawn on the map or imported as a polygon.

    The people living there are worked out from the administrative areas it covers and
    their population figures (``maps.population``), never typed in. Visible to those who
    may see its delegation's compartment *and* its bearer: an area of a restricted bearer
    is hidden from everyone the bearer is hidden from (``maps.reading``).
    """

    # A bearer grant opens the non-restricted areas of that bearer, as for access records.
    access_bearer_link = "bearer"
    changelog_exclude: ClassVar[tuple[str, ...]] = ("outline",)

    bearer = models.ForeignKey(
        "bearers.WeaponBearer", on_delete=models.PROTECT, related_name="areas_of_control"
    )
    control = models.CharField(_("control"), max_length=12, choices=ControlType.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("What staff call the area, for example: Hollow Hills north."),
    )
    country = models.ForeignKey(
        "geo.Country",
        on_delete=models.PROTECT,
        related_name="areas_of_control",
        help_text=_("The country whose population figures count the people living there."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty while it lasts.")
    )
    # The outline as GeoJSON text (Polygon or MultiPolygon, WGS 84), checked with shapely
    # (maps.geometry). Left out of the change log for its size: its SHA-256 is logged.
    outline = models.TextField(_("outline (GeoJSON)"))
    outline_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the assessment comes from: our teams, a partner's map, a report."),
    )
    # Encrypted at rest: who told us, what we make of it.
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        verbose_name = _("area of control")
        verbose_name_plural = _("areas of control")
        indexes = [
            models.Index(
                fields=["compartment", "-starts_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="maps_area_live",
            ),
            models.Index(
                fields=["bearer", "-starts_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="maps_area_bearer",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or self.get_control_display()
        return f"{label} ({self.starts_on:%Y-%m-%d}–{self.ends_on or '…'})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.outline:
            try:
                self.outline = clean_outline(self.outline)
            except ValidationError as error:
                errors["outline"] = error.messages
            else:
                self.outline_sha256 = hashlib.sha256(self.outline.encode()).hexdigest()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = [str(_("An area cannot be given up before it is taken."))]
        if errors:
            raise ValidationError(errors)

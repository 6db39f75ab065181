"""Places and their context: countries (ISO 3166), administrative areas keyed by P-code,
situations of violence with their parties, and context events from public datasets."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from pourparler.core.choices import AccessScope, DatePrecision
from pourparler.core.models import Record
from pourparler.geo.choices import (
    EventActorRole,
    EventSource,
    Incompatibility,
    Intensity,
    PartyRole,
    PartySide,
    SituationKind,
    UcdpConflictType,
)


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
    # The outline as GeoJSON text (a Polygon or MultiPolygon, WGS 84), checked with shapely
    # when imported. Left out of the change log for its size: its SHA-256 is logged instead.
    boundary = models.TextField(blank=True, editable=False)
    boundary_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    changelog_exclude: ClassVar[tuple[str, ...]] = ("boundary",)

    class Meta:
        ordering = ["country__name", "level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"


class Situation(Record):
    """A situation of armed conflict or other violence in one or more countries.

    Imported from the UCDP/PRIO Armed Conflict Dataset (one situation per conflict, its
    years folded in) or recorded by hand. Public context data, shared by everyone.
    """

    access_scope = AccessScope.ORGANISATION

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=SituationKind.choices)
    countries = models.ManyToManyField(Country, blank=True, related_name="situations")
    ucdp_conflict_id = models.CharField(
        _("UCDP conflict id"), max_length=16, blank=True, db_index=True
    )
    ucdp_type = models.CharField(max_length=20, choices=UcdpConflictType.choices, blank=True)
    incompatibility = models.CharField(max_length=12, choices=Incompatibility.choices, blank=True)
    territory = models.CharField(max_length=200, blank=True, help_text=_("What is disputed."))
    intensity = models.CharField(
        max_length=8,
        choices=Intensity.choices,
        blank=True,
        help_text=_("The highest intensity the situation reached."),
    )
    started_on = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=8, choices=DatePrecision.choices, blank=True)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ucdp_conflict_id"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(ucdp_conflict_id=""),
                name="geo_situation_ucdp_unique_live",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SituationParty(Record):
    """A party to a situation: a bearer on one side, fighting or supporting, over years."""

    access_scope = AccessScope.ORGANISATION
    access_via = ("situation", "bearer")

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="parties")
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="situation_parties",
    )
    name = models.CharField(max_length=300, help_text=_("The party as the source names it."))
    ucdp_actor_id = models.CharField(max_length=16, blank=True)
    side = models.CharField(max_length=1, choices=PartySide.choices)
    role = models.CharField(max_length=10, choices=PartyRole.choices, default=PartyRole.PRIMARY)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["situation", "side", "role", "name"]
        verbose_name_plural = _("situation parties")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_side_display()}, {self.situation})"


class ContextEvent(Record):
    """An event of violence reported by a public dataset (UCDP GED, ACLED): context for
    the dialogue, not our own record. Linked to the bearers it names when we know them.
    """

    access_scope = AccessScope.ORGANISATION

    source = models.CharField(max_length=12, choices=EventSource.choices)
    source_id = models.CharField(max_length=40, help_text=_("The event's id in its dataset."))
    kind = models.CharField(max_length=100, help_text=_("The dataset's type of event."))
    sub_kind = models.CharField(max_length=100, blank=True)
    occurred_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="context_events"
    )
    admin1 = models.CharField(_("first-level area"), max_length=200, blank=True)
    admin2 = models.CharField(_("second-level area"), max_length=200, blank=True)
    admin_area = models.ForeignKey(
        AdminArea, null=True, blank=True, on_delete=models.PROTECT, related_name="context_events"
    )
    place = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_precision = models.PositiveSmallIntegerField(null=True, blank=True)
    deaths = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Best estimate of deaths (ACLED: fatalities).")
    )
    deaths_low = models.PositiveIntegerField(null=True, blank=True)
    deaths_high = models.PositiveIntegerField(null=True, blank=True)
    civilian_deaths = models.PositiveIntegerField(null=True, blank=True)
    situation = models.ForeignKey(
        Situation, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    description = models.TextField(blank=True)
    reported_by = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=models.Q(deleted_at__isnull=True),
                name="geo_contextevent_unique_live",
            )
        ]
        indexes = [
            models.Index(
                fields=["country", "occurred_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="geo_contextevent_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}, {self.place or self.admin1}, {self.occurred_on:%Y-%m-%d}"


class ContextEventActor(Record):
    """An actor an event names, linked to the bearer it is when we know which."""

    access_scope = AccessScope.ORGANISATION
    access_via = ("event", "bearer")

    event = models.ForeignKey(ContextEvent, on_delete=models.PROTECT, related_name="actors")
    name = models.CharField(max_length=300)
    external_id = models.CharField(
        max_length=40, blank=True, help_text=_("The actor's id in the dataset (UCDP).")
    )
    side = models.CharField(max_length=1, choices=PartySide.choices)
    role = models.CharField(
        max_length=10, choices=EventActorRole.choices, default=EventActorRole.PRIMARY
    )
    bearer = models.ForeignKey(
        "bearers.WeaponBearer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="context_event_actors",
    )

    class Meta:
        ordering = ["event", "side", "role", "name"]

    def __str__(self) -> str:
        return self.name


class PopulationFigure(Record):
    """How many people live in an area in a year, from a named source (OCHA COD-PS).

    One figure per area, year and group: the total (``T_TL``), women or men, an age band.
    """

    access_scope = AccessScope.ORGANISATION
    access_via = ("area",)

    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT, related_name="population")
    year = models.PositiveSmallIntegerField()
    group = models.CharField(
        max_length=40, help_text=_("The source's code for the group: T_TL is everyone.")
    )
    sex = models.CharField(max_length=8, blank=True, help_text=_("all, f or m"))
    age_range = models.CharField(max_length=16, blank=True, help_text=_("all, 0-4, 60+…"))
    value = models.PositiveBigIntegerField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["area", "year", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "group"],
                condition=models.Q(deleted_at__isnull=True),
                name="geo_populationfigure_unique_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.value:,} ({self.group}, {self.year})"

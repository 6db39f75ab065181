"""Vocabularies of places and their context: situations and the events that mark them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SituationKind(models.TextChoices):
    """What kind of situation it is, in the words of the law that applies.

    An import proposes one from the dataset's own typology; the legal classification is
    a legal adviser's call, and may be changed by hand (the import then leaves it).
    """

    INTERNATIONAL = "iac", _("International armed conflict")
    NON_INTERNATIONAL = "niac", _("Non-international armed conflict")
    OTHER_VIOLENCE = "other_violence", _("Other situation of violence")
    DISASTER = "disaster", _("Disaster")


class UcdpConflictType(models.TextChoices):
    """UCDP/PRIO's ``type_of_conflict``."""

    EXTRASYSTEMIC = "extrasystemic", _("Extrasystemic (colonial)")
    INTERSTATE = "interstate", _("Interstate")
    INTRASTATE = "intrastate", _("Intrastate")
    INTERNATIONALISED = "internationalised", _("Internationalised intrastate")


class Incompatibility(models.TextChoices):
    """What a conflict is about, in UCDP/PRIO's words."""

    TERRITORY = "territory", _("Territory")
    GOVERNMENT = "government", _("Government")
    BOTH = "both", _("Territory and government")


class Intensity(models.TextChoices):
    """UCDP/PRIO's intensity: battle-related deaths in a year."""

    MINOR = "minor", _("Minor (25 to 999 deaths a year)")
    WAR = "war", _("War (1,000 deaths or more a year)")


class PartySide(models.TextChoices):
    """The side of a party to a situation (UCDP's side A is a government)."""

    A = "a", _("Side A")
    B = "b", _("Side B")


class PartyRole(models.TextChoices):
    """Whether a party fights itself or supports one that does."""

    PRIMARY = "primary", _("Primary party")
    SECONDARY = "secondary", _("Secondary party (supports a side with troops)")


class EventSource(models.TextChoices):
    """The dataset a context event comes from."""

    UCDP_GED = "ucdp_ged", _("UCDP Georeferenced Event Dataset")
    ACLED = "acled", _("ACLED")


class EventActorRole(models.TextChoices):
    """How an actor takes part in an event."""

    PRIMARY = "primary", _("Actor")
    ASSOCIATED = "associated", _("Associated actor")

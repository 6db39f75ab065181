"""Vocabularies of the bearer registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BearerKind(models.TextChoices):
    """What kind of organisation carries the weapons."""

    ARMED_FORCES = "armed_forces", _("State armed forces")
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    OTHER_LAW_ENFORCEMENT = (
        "other_law_enforcement",
        _("Other law enforcement (border guards, customs, prison service)"),
    )
    NON_STATE_ARMED_GROUP = "non_state_armed_group", _("Non-State armed group")
    MILITIA = "militia", _("Pro-government militia or paramilitary")
    PRIVATE_SECURITY = "private_security", _("Private military or security company")
    PEACE_OPERATION = "peace_operation", _("Multinational or peace operation")


class OrganisationLevel(models.TextChoices):
    """How organised a bearer is, in the UCDP Actor Dataset's four levels (``Org``).

    Imported from UCDP; it tells a rebel group with a name and a command from supporters
    of a party or a clan that take up arms at times.
    """

    FORMAL_GROUP = "formal_group", _("Formally organised group (UCDP level 1)")
    PARTY_SUPPORTERS = "party_supporters", _("Supporters of a party or candidate (UCDP level 2)")
    IDENTITY_GROUP = "identity_group", _("Ethnic, clan, religious or tribal group (UCDP level 3)")
    STATE = "state", _("Government of a State (UCDP level 4)")


class Structure(models.TextChoices):
    """How integrated a bearer's command is; it changes how one engages it."""

    INTEGRATED = "integrated", _("Integrated and hierarchical")
    MIXED = "mixed", _("Partly integrated")
    DECENTRALISED = "decentralised", _("Decentralised")
    UNKNOWN = "unknown", _("Unknown")


class TerritorialControl(models.TextChoices):
    """How much territory a bearer controls."""

    NONE = "none", _("None")
    LOCAL = "local", _("Local pockets")
    SIGNIFICANT = "significant", _("Significant territory")
    STATE = "state", _("State territory (State forces)")
    UNKNOWN = "unknown", _("Unknown")


class NameKind(models.TextChoices):
    """What a name of a bearer is."""

    OFFICIAL = "official", _("Official name")
    ALIAS = "alias", _("Alias or nickname")
    ACRONYM = "acronym", _("Acronym")
    TRANSLITERATION = "transliteration", _("Transliteration")
    TRANSLATION = "translation", _("Translation")
    FORMER = "former", _("Former name")


class IdScheme(models.TextChoices):
    """Registries that give bearers an identifier of their own."""

    UCDP_ACTOR = "ucdp_actor", _("UCDP actor id")
    ACLED_ACTOR = "acled_actor", _("ACLED actor name")
    WIKIDATA = "wikidata", _("Wikidata id")
    OTHER = "other", _("Other")


class RelationKind(models.TextChoices):
    """How two bearers are related."""

    SPLINTER_OF = "splinter_of", _("Splinter of")
    TEMPORARY_SPLIT_OF = "split_from", _("Temporarily split from")
    ALLIED_WITH = "allied_with", _("Allied with")
    JOINED = "joined", _("Joined")
    RENAMED_FROM = "renamed_from", _("Renamed from")
    SUPPORTED_BY = "supported_by", _("Supported by")


class Echelon(models.TextChoices):
    """The rung of a unit in a chain of command."""

    HEADQUARTERS = "headquarters", _("Headquarters or leadership")
    COMMAND = "command", _("Command, region or front")
    DIVISION = "division", _("Division")
    BRIGADE = "brigade", _("Brigade")
    BATTALION = "battalion", _("Battalion")
    COMPANY = "company", _("Company")
    STATION = "station", _("Station, post or checkpoint")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    """The level of a contact inside a bearer's hierarchy."""

    STRATEGIC = "strategic", _("Strategic")
    OPERATIONAL = "operational", _("Operational")
    TACTICAL = "tactical", _("Tactical")

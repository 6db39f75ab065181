"""Vocabularies of humanitarian access: acceptance, checkpoint outcomes, constraints, incidents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AcceptanceStatus(models.TextChoices):
    """How far a bearer accepts our offer of services and our presence where it holds sway."""

    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REFUSED = "refused", _("Refused")
    UNKNOWN = "unknown", pgettext_lazy("acceptance", "Unknown")


class PassageOutcome(models.TextChoices):
    """What happened when a team reached a checkpoint."""

    PASSED = "passed", pgettext_lazy("checkpoint outcome", "Passed")
    DELAYED = "delayed", _("Delayed")
    TURNED_BACK = "turned_back", _("Turned back")
    INCIDENT = "incident", _("Incident")


# Every outcome other than passing stops or slows the team: the "stopped" figures count them.
STOPPED_OUTCOMES = (PassageOutcome.DELAYED, PassageOutcome.TURNED_BACK, PassageOutcome.INCIDENT)


class ConstraintCategory(models.TextChoices):
    """The common categories of humanitarian access constraints.

    They follow the humanitarian community's access monitoring and reporting framework
    (OCHA), so that a delegation's figures can be read beside other organisations'.
    The first four are what a delegation meets most: getting into the country, moving
    inside it, doing the work once there, and violence against staff and property.
    """

    ENTRY = "entry", _("Impediments to entry into the country")
    MOVEMENT = "movement", _("Restriction of movement within the country")
    INTERFERENCE = "interference", _("Interference in the implementation of activities")
    VIOLENCE = "violence", _("Violence against personnel, facilities and assets")
    NEEDS_DENIED = "needs_denied", _("Denial of needs or of the right to assistance")
    POPULATION = "population", _("Restriction of people's access to services and assistance")
    HOSTILITIES = "hostilities", _("Military operations and ongoing hostilities")
    EXPLOSIVES = "explosives", _("Mines and explosive remnants of war")
    ENVIRONMENT = "environment", _("Physical environment (terrain, weather, infrastructure)")


class ConstraintSubcategory(models.TextChoices):
    """A finer kind of constraint inside a category (the value starts with the category)."""

    ENTRY_VISA = "entry_visa", _("Visas or work permits refused or delayed")
    ENTRY_GOODS = "entry_goods", _("Import of relief goods blocked or held at customs")
    ENTRY_REGISTRATION = "entry_registration", _("Registration or agreement withheld")
    MOVEMENT_CHECKPOINT = "movement_checkpoint", _("Checkpoints and roadblocks")
    MOVEMENT_AUTHORISATION = (
        "movement_authorisation",
        _("Movement authorisation or notification refused or delayed"),
    )
    MOVEMENT_CLOSURE = "movement_closure", _("Area or road closed, curfew, siege")
    INTERFERENCE_SELECTION = (
        "interference_selection",
        _("Pressure on who receives aid or where it goes"),
    )
    INTERFERENCE_DIVERSION = (
        "interference_diversion",
        _("Demands for payment, taxes or a share of the aid"),
    )
    INTERFERENCE_STAFF = "interference_staff", _("Pressure on staff recruitment or on staff")
    INTERFERENCE_SUSPENSION = "interference_suspension", _("Activities ordered stopped")
    VIOLENCE_PEOPLE = "violence_people", _("Staff killed, injured, abducted or detained")
    VIOLENCE_THREAT = "violence_threat", _("Threats and intimidation of staff")
    VIOLENCE_PROPERTY = (
        "violence_property",
        _("Attack on, looting or seizure of premises or assets"),
    )


def category_of(subcategory: str) -> str:
    """Return the category a subcategory belongs to (its value's first word)."""
    return subcategory.split("_", 1)[0]


class ConstraintEffect(models.TextChoices):
    """What a constraint did to our operations."""

    NONE = "none", _("No effect on operations")
    DELAYED = "delayed", _("Activities delayed")
    REDUCED = "reduced", _("Activities reduced")
    SUSPENDED = "suspended", _("Activities suspended")
    CANCELLED = "cancelled", _("Activities cancelled")


class IncidentKind(models.TextChoices):
    """What kind of security incident involved weapon bearers and our staff or property."""

    THREAT = "threat", _("Threat")
    INTIMIDATION = "intimidation", _("Intimidation or harassment")
    WARNING_SHOTS = "warning_shots", _("Warning shots")
    SEARCH = "search", _("Forced search of staff or vehicle")
    DETENTION = "detention", _("Detention of staff")
    ABDUCTION = "abduction", _("Abduction of staff")
    ASSAULT = "assault", _("Physical assault on staff")
    ATTACK_VEHICLE = "attack_vehicle", _("Attack on a vehicle")
    ATTACK_FACILITY = "attack_facility", _("Attack on premises or a facility")
    LOOTING = "looting", _("Looting or theft")
    SEIZURE = "seizure", _("Seizure of a vehicle or of goods")


class Severity(models.TextChoices):
    """How serious an incident was for the people involved."""

    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")

"""Vocabularies of the maps app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ControlType(models.TextChoices):
    """How firmly a bearer holds an area: fully, fluidly (contested), or by influence only."""

    FULL = "full", _("Full control")
    FLUID = "fluid", _("Fluid or contested control")
    # "Influence" as a kind of control (a stakeholder's influence is another word elsewhere).
    INFLUENCE = "influence", pgettext_lazy("control", "Influence")

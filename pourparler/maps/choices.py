"""Vocabularies of the maps app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ControlType(models.TextChoices):
    """How firmly a bearer holds an area: fully, fluidly (contested), or by influence only."""

    FULL = "full", _("Full control")
    FLUID = "fluid", _("Fluid or contested control")
    INFLUENCE = "influence", _("Influence")

"""Vocabularies of integration: the five pillars and the scale of levels."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Pillar(models.TextChoices):
    """Where the law must be built into a weapon bearer for its members to respect it."""

    # In context: "Training" the pillar is not "training" the register of sessions.
    DOCTRINE = "doctrine", pgettext_lazy("integration pillar", "Doctrine")
    EDUCATION = "education", pgettext_lazy("integration pillar", "Education")
    TRAINING = "training", pgettext_lazy("integration pillar", "Training")
    EQUIPMENT = "equipment", pgettext_lazy("integration pillar", "Equipment")
    SANCTIONS = "sanctions", pgettext_lazy("integration pillar", "Sanctions")


# What each pillar covers, shown beside the heat map and in the form.
PILLAR_HELP: dict[str, Promise] = {
    Pillar.DOCTRINE: _(
        "Manuals, orders, rules of engagement, standard operating procedures, codes of "
        "conduct: the law written into what the bearer tells its members to do."
    ),
    Pillar.EDUCATION: _(
        "Teaching of the law in academies, staff colleges and schools, so that members know "
        "the rules and why they exist."
    ),
    Pillar.TRAINING: _(
        "Drills, field exercises and scenarios in which members apply the rules in realistic "
        "conditions until they become reflexes."
    ),
    Pillar.EQUIPMENT: _(
        "Weapons, protective gear, less-lethal means and markings that make it possible to "
        "act within the law (for example, means other than firearms for crowd management)."
    ),
    Pillar.SANCTIONS: _(
        "A disciplinary and criminal system that investigates violations and punishes them, "
        "and that members know works."
    ),
}


class IntegrationLevel(models.IntegerChoices):
    """How far the law is integrated in one pillar, on a scale of 0 to 4.

    A scale, not a list of names: it is stored as its number so that levels order and
    compare (the heat map shows the number beside the colour). The meaning of each step is
    in ``LEVEL_HELP``.
    """

    NONE = 0, pgettext_lazy("integration level", "None")
    INITIAL = 1, pgettext_lazy("integration level", "Initial")
    PARTIAL = 2, pgettext_lazy("integration level", "Partial")
    SUBSTANTIAL = 3, pgettext_lazy("integration level", "Substantial")
    FULL = 4, pgettext_lazy("integration level", "Full")


LEVEL_HELP: dict[int, Promise] = {
    IntegrationLevel.NONE: _("Nothing of the law in this pillar, or nothing we know of."),
    IntegrationLevel.INITIAL: _(
        "First steps: the need is acknowledged, a text is drafted or a first effort made, "
        "but nothing is in force or applied yet."
    ),
    IntegrationLevel.PARTIAL: _(
        "Some rules are adopted and applied, with large gaps in content or in the part of "
        "the bearer they reach."
    ),
    IntegrationLevel.SUBSTANTIAL: _(
        "Adopted and applied across most of the bearer, with gaps that remain to close."
    ),
    IntegrationLevel.FULL: _(
        "Adopted, applied across the bearer and kept up to date by the bearer's own means."
    ),
}

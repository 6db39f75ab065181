"""Closed lists of the negotiation file: its status, the island of agreements, the
iceberg's sides and layers, and how likely a scenario is."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FileStatus(models.TextChoices):
    """Whether the negotiation is still being prepared and held, or over."""

    OPEN = "open", pgettext_lazy("negotiation file status", "Open")
    CLOSED = "closed", _("Closed")


class IslandKind(models.TextChoices):
    """What an item of the island of agreements is: a fact (what happened, what is) or a
    norm (a rule, a value, a standard one side invokes)."""

    FACT = "fact", _("Fact")
    NORM = "norm", _("Norm")


class Side(models.TextChoices):
    """Whose iceberg an entry belongs to: ours or the counterpart's."""

    US = "us", _("Us")
    COUNTERPART = "counterpart", _("Counterpart")


class Layer(models.TextChoices):
    """The layers of the iceberg, from what is said at the table down to why it matters."""

    POSITION = "position", _("Position (what)")
    REASONING = "reasoning", _("Reasoning (how)")
    MOTIVE = "motive", _("Motives and values (why)")


class Likelihood(models.TextChoices):
    """How likely we judge a scenario to be."""

    LOW = "low", pgettext_lazy("likelihood", "Low")
    MEDIUM = "medium", pgettext_lazy("likelihood", "Medium")
    HIGH = "high", pgettext_lazy("likelihood", "High")

"""Vocabularies of the handover app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HandoverState(models.TextChoices):
    """Where a handover stands: prepared and previewed, or done (the act is final)."""

    DRAFT = "draft", _("Draft")
    DONE = "done", pgettext_lazy("introduction status", "Done")

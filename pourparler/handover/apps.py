"""Handover on rotation: relationships, follow-ups and negotiation files passed on in one act."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class HandoverConfig(AppConfig):
    name = "pourparler.handover"
    label = "handover"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = gettext_lazy("Handover on rotation")
    nav_entry = (gettext_lazy("Continuity"), "continuity")

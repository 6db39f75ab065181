"""Concerns raised with weapon bearers: alleged violations, representations, responses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcernsConfig(AppConfig):
    name = "pourparler.concerns"
    label = "concerns"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Concerns"), "concern_list")

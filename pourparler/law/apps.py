"""The applicable-law assistant: which rules bind a weapon bearer here, and why, step by step."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawConfig(AppConfig):
    name = "pourparler.law"
    label = "law"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Applicable law"), "law_assistant")

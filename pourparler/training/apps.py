"""Dissemination and training sessions for weapon bearers, and the people they reached."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pourparler.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Dissemination and training")
    nav_entry = (_("Training"), "session_list")

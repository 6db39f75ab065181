"""Dissemination and training sessions for weapon bearers, and the people they reached."""

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "pourparler.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dissemination and training"
    nav_entry = ("Training", "session_list")

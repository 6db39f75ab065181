"""Concerns raised with weapon bearers: alleged violations, representations, responses."""

from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "pourparler.concerns"
    label = "concerns"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = ("Concerns", "concern_list")

"""Humanitarian access: acceptance of our offer of services, checkpoints, constraints, incidents."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "pourparler.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = ("Access", "access_overview")

"""Humanitarian access: acceptance of our offer of services, checkpoints, constraints, incidents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "pourparler.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Access"), "access_overview")

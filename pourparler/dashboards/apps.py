"""Dashboards for a delegation and for headquarters: figures drawn as pictures with their tables."""

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "pourparler.dashboards"
    label = "dashboards"
    default_auto_field = "django.db.models.BigAutoField"

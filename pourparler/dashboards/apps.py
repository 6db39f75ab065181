"""Dashboards for a delegation and for headquarters: figures drawn as pictures with their tables."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DashboardsConfig(AppConfig):
    name = "pourparler.dashboards"
    label = "dashboards"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = gettext_lazy("Dashboards")
    nav_entry = (gettext_lazy("Dashboards"), "dashboard")

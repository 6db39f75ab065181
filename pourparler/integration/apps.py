"""Integration of the law into each weapon bearer: doctrine, education, training, equipment…"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "pourparler.integration"
    label = "integration"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Integration of the law"
    nav_entry = (_("Integration"), "integration_overview")

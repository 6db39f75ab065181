"""Integration of the law into each weapon bearer: doctrine, education, training, equipment…"""

from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "pourparler.integration"
    label = "integration"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Integration of the law"
    nav_entry = ("Integration", "integration_overview")

"""Negotiation files: island of agreements, iceberg, influence network, red and bottom lines."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NegotiationConfig(AppConfig):
    name = "pourparler.negotiation"
    label = "negotiation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = gettext_lazy("Negotiation files")
    nav_entry = (gettext_lazy("Negotiations"), "negotiation_file_list")

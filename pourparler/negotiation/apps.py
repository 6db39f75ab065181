"""Negotiation files: island of agreements, iceberg, influence network, red and bottom lines."""

from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "pourparler.negotiation"
    label = "negotiation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Negotiation files"
    nav_entry = ("Negotiations", "negotiation_file_list")

"""Data in and out: imports of the field's formats (UCDP, ACLED, HXL, OCHA) and exports."""

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "pourparler.exchange"
    label = "exchange"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = ("Imports", "import_list")

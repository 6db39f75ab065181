"""Data in and out: imports of the field's formats (UCDP, ACLED, HXL, OCHA) and exports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "pourparler.exchange"
    label = "exchange"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Imports"), "import_list")

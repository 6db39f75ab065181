"""Areas of control, the population living in them, and the map of a delegation's context."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MapsConfig(AppConfig):
    name = "pourparler.maps"
    label = "maps"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (gettext_lazy("Map"), "map")

"""Networks around a bearer: its chain of command and the people of influence around it."""

from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "pourparler.networks"
    label = "networks"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class BearersConfig(AppConfig):
    name = "pourparler.bearers"
    label = "bearers"
    default_auto_field = "django.db.models.BigAutoField"

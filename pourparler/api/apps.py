"""The REST API under /api/v1/: personal tokens and the django-ninja entry point."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pourparler.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

"""Background jobs (no models of their own: django-tasks-db keeps the queue)."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "pourparler.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

"""The engagement planner: which channels and next steps to try with a bearer, and why."""

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "pourparler.engagement"
    label = "engagement"
    default_auto_field = "django.db.models.BigAutoField"

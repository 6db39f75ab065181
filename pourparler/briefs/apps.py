"""Meeting briefs: one page, in HTML and PDF, on a bearer or a person before a meeting."""

from django.apps import AppConfig


class BriefsConfig(AppConfig):
    name = "pourparler.briefs"
    label = "briefs"
    default_auto_field = "django.db.models.BigAutoField"

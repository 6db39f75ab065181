"""Handover on rotation: relationships, follow-ups and negotiation files passed on in one act."""

from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "pourparler.handover"
    label = "handover"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Handover on rotation"
    nav_entry = ("Continuity", "continuity")

"""The commitments register: what weapon bearers undertook, who signed, and whether they keep it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "pourparler.commitments"
    label = "commitments"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Commitments"), "commitment_list")

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DialogueConfig(AppConfig):
    name = "pourparler.dialogue"
    label = "dialogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_seed_topics, sender=self)


def _seed_topics(**kwargs: Any) -> None:
    from pourparler.dialogue.seed import seed_topics

    seed_topics()

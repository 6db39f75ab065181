from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GeoConfig(AppConfig):
    name = "pourparler.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_seed_countries, sender=self)


def _seed_countries(**kwargs: Any) -> None:
    from pourparler.geo.seed import seed_countries

    seed_countries()

"""Full-text search over the records a user may see (docs/search.md)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _install(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: the engine's full-text objects, and a first index of the
    records a database held before search existed (an empty index over stored records)."""
    from pourparler.search import backends, index
    from pourparler.search.models import SearchEntry
    from pourparler.search.registry import SEARCHABLE

    backends.install(connections[using])
    stored = (k.model._base_manager.filter(deleted_at__isnull=True).exists() for k in SEARCHABLE)
    if using == "default" and not SearchEntry.objects.exists() and any(stored):
        index.rebuild()


class SearchConfig(AppConfig):
    name = "pourparler.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"
    nav_entry = (_("Search"), "search")

    def ready(self) -> None:
        from django.apps import apps

        from pourparler.core.keys import register_blind_index
        from pourparler.search import index
        from pourparler.search.registry import SEARCHABLE

        # Blind tokens derive from the master key: a rotation remakes the index.
        register_blind_index("search", lambda: sum(index.rebuild().values()))

        post_migrate.connect(_install, sender=self, dispatch_uid="search-install")
        for kind in SEARCHABLE:
            post_save.connect(index.on_save, sender=kind.model, dispatch_uid=f"search-{kind.label}")
            for label, attribute in kind.parents:
                post_save.connect(
                    index.on_child_save(attribute),
                    sender=apps.get_model(label),
                    dispatch_uid=f"search-{label}",
                    weak=False,
                )

"""``{{ problem|shown }}``: an import's problem or note in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template

from pourparler.exchange import reader

register = template.Library()


@register.filter
def shown(stored: Any) -> str:
    """Translate a problem kept in a run's report (older reports keep their English text)."""
    return reader.shown(stored)

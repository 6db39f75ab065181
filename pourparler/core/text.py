"""Text helpers shared by every app."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Fold text for search: no case, no diacritics, single spaces.

    "Forces Armées" and "forces armees" fold to the same string; scripts without
    diacritics (Arabic, Burmese, Cyrillic) keep their letters.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def search_blob(parts: Iterable[str | None]) -> str:
    """Join the folded forms of several names into one searchable string."""
    seen: list[str] = []
    for part in parts:
        if not part:
            continue
        folded = fold(part)
        if folded and folded not in seen:
            seen.append(folded)
    return " | ".join(seen)

"""Text helpers shared by every app."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Ligatures Unicode does not decompose, written out as people type them: "coeur" finds
# "Cœur" (docs/translation.md). A change here changes what the stored search text and
# blind index hold: rebuild them in a migration (bearers 0004, people 0006).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def fold(text: str) -> str:
    """Fold text for search: no case, no diacritics, single spaces.

    "Forces Armées" and "forces armees" fold to the same string, "Cœur" and "coeur" too;
    Arabic loses its short vowels and the hamza or madda on alef (أ إ آ → ا), Spanish ñ
    becomes n; scripts without diacritics (Burmese, Cyrillic) keep their letters.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(_LIGATURES).split())


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

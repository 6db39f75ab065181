"""Does an imported name designate a bearer we already know? (rapidfuzz)

Names are compared folded (no case, no diacritics, no punctuation) against every name
and alias of the bearers the importing user may see. The matcher answers:

* **confident**: one bearer carries this name (or one scoring ``CONFIDENT`` or more,
  with no other bearer near it). Only then does an import link by itself.
* **uncertain**: something scores ``UNCERTAIN`` or more, several bearers are close, or
  the name is a short acronym (``UPC`` names three different groups in UCDP alone):
  a person decides in the review queue.
* **none**: nothing resembles it.

Restricted bearers are never candidates (their names would show in the organisation-wide
review queue); whoever may see one links an import to it by hand.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from pourparler.bearers.models import BearerName, WeaponBearer
from pourparler.core.models import User
from pourparler.core.text import fold

CONFIDENT = 97.0
UNCERTAIN = 85.0
# Names this short (acronyms) are never linked without a person.
SHORT = 5
CANDIDATES = 5

_NOT_WORD = re.compile(r"[^\w]+")


def match_key(name: str) -> str:
    """Fold a name for comparison: no case, no diacritics, punctuation as spaces."""
    return " ".join(_NOT_WORD.sub(" ", fold(name)).replace("_", " ").split())


@dataclass
class Match:
    """What the matcher says of a name."""

    status: str  # "confident", "uncertain" or "none"
    bearer_id: uuid.UUID | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        """Say whether the import may link by itself."""
        return self.status == "confident"

    @property
    def uncertain(self) -> bool:
        """Say whether a person must decide."""
        return self.status == "uncertain"


class NameMatcher:
    """The names of a set of bearers, ready to be compared with imported names."""

    def __init__(self, entries: Iterable[tuple[uuid.UUID, str]]) -> None:
        self.keys: list[str] = []
        self.owners: list[uuid.UUID] = []
        self.names: list[str] = []
        self.exact: dict[str, set[uuid.UUID]] = {}
        for bearer_id, name in entries:
            key = match_key(name or "")
            if not key:
                continue
            self.keys.append(key)
            self.owners.append(bearer_id)
            self.names.append(name)
            self.exact.setdefault(key, set()).add(bearer_id)

    @classmethod
    def for_user(
        cls, user: User, *, exclude_scheme: str | None = None, bearers: Any = None
    ) -> NameMatcher:
        """Build a matcher over the bearers the user may see, with their names.

        ``exclude_scheme`` leaves out bearers that already carry an identifier of that
        registry: they are another actor of that registry, not a candidate.
        """
        visible = bearers if bearers is not None else WeaponBearer.objects.visible_to(user)
        # Restricted bearers are left out: candidates are kept in review items that every
        # member of staff may read, and must not carry a restricted bearer's names.
        visible = visible.filter(restricted=False)
        if exclude_scheme:
            visible = visible.exclude(
                external_ids__scheme=exclude_scheme, external_ids__deleted_at__isnull=True
            )
        entries: list[tuple[uuid.UUID, str]] = list(visible.values_list("pk", "name"))
        names = BearerName.objects.visible_to(user).filter(bearer__in=visible)
        for bearer_id, name, transliteration in names.values_list(
            "bearer_id", "name", "transliteration"
        ):
            entries.append((bearer_id, name))
            if transliteration:
                entries.append((bearer_id, transliteration))
        return cls(entries)

    def add(self, bearer_id: uuid.UUID, names: Iterable[str]) -> None:
        """Make newly registered bearers known to the matcher."""
        for name in names:
            key = match_key(name)
            if key:
                self.keys.append(key)
                self.owners.append(bearer_id)
                self.names.append(name)
                self.exact.setdefault(key, set()).add(bearer_id)

    def match(self, *names: str) -> Match:
        """Say whether these names (one actor's name and aliases) designate a known bearer."""
        best: dict[uuid.UUID, tuple[float, str]] = {}
        short_only = True
        for name in names:
            key = match_key(name)
            if not key:
                continue
            is_short = len(key) <= SHORT and " " not in key
            for owner in self.exact.get(key, ()):
                _keep_best(best, owner, 100.0, name, short=is_short)
            if not is_short:
                short_only = False
                if not self.keys:
                    continue
                for _choice, score, index in process.extract(
                    key,
                    self.keys,
                    scorer=fuzz.token_sort_ratio,
                    limit=CANDIDATES * 4,
                    score_cutoff=UNCERTAIN,
                ):
                    _keep_best(best, self.owners[index], float(score), self.names[index])
        if not best:
            return Match("none")
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        candidates = [
            {"bearer": str(owner), "name": name, "score": round(score, 1)}
            for owner, (score, name) in ranked[:CANDIDATES]
        ]
        top_owner, (top_score, _name) = ranked[0]
        rival = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if top_score >= CONFIDENT and rival < UNCERTAIN and not short_only:
            return Match("confident", top_owner, candidates)
        return Match("uncertain", None, candidates)


def _keep_best(
    best: dict[uuid.UUID, tuple[float, str]],
    owner: uuid.UUID,
    score: float,
    name: str,
    *,
    short: bool = False,
) -> None:
    # An acronym matching exactly counts as a near miss: a person must confirm it.
    if short:
        score = min(score, CONFIDENT - 1)
    if owner not in best or best[owner][0] < score:
        best[owner] = (score, name)

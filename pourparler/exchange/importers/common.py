"""Helpers shared by the importers: names, scripts, and the bearers a run already knows."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_noop

from pourparler.bearers.models import BearerName, ExternalId, WeaponBearer
from pourparler.core.models import User
from pourparler.core.text import fold
from pourparler.exchange.reader import RowError, Table, problem

# Unicode script names (the first word of a letter's name) and their ISO 15924 codes.
_SCRIPTS = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "GEORGIAN": "Geor",
    "HANGUL": "Hang",
    "ETHIOPIC": "Ethi",
    "KHMER": "Khmr",
    "ARMENIAN": "Armn",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "TIFINAGH": "Tfng",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
}

_ACRONYM = re.compile(r"[A-Z0-9][A-Z0-9\-/&.'’]{1,11}")


def script_of(text: str) -> str:
    """Return the ISO 15924 code of the script most of a text's letters are in ('' if none)."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        first = unicodedata.name(char, "").split(" ")[0]
        if first in _SCRIPTS:
            counts[_SCRIPTS[first]] += 1
    return counts.most_common(1)[0][0] if counts else ""


def is_acronym(name: str) -> bool:
    """Say whether a name is an acronym (``JSS/SB``, ``PBCP-J``, ``FARC``)."""
    return bool(_ACRONYM.fullmatch(name.strip()))


@dataclass(frozen=True)
class NameEntry:
    """A name to record for a bearer, with what kind of name it is."""

    name: str
    kind: str
    language: str = ""
    script: str = ""
    transliteration: str = ""

    def as_fields(self) -> dict[str, str]:
        """Return the fields of a ``BearerName``."""
        return {
            "name": self.name,
            "kind": self.kind,
            "language": self.language,
            "script": self.script,
            "transliteration": self.transliteration,
        }


def name_entry(text: str, kind: str, language: str = "") -> NameEntry:
    """Make a name entry; ``Луганская … / Luganskaya …`` keeps the Latin half as transliteration."""
    name, transliteration = text.strip(), ""
    if " / " in name:
        first, _sep, second = name.partition(" / ")
        if script_of(first) not in ("", "Latn") and script_of(second) == "Latn":
            name, transliteration = first.strip(), second.strip()
    return NameEntry(
        name=name[:300],
        kind=kind,
        language=language,
        script=script_of(name),
        transliteration=transliteration[:300],
    )


def distinct_names(primary: str, entries: Iterable[NameEntry]) -> list[NameEntry]:
    """Drop names that fold to the bearer's name or to a name already listed."""
    seen = {fold(primary)}
    kept = []
    for entry in entries:
        folded = fold(entry.name)
        if not folded or folded in seen:
            continue
        seen.add(folded)
        kept.append(entry)
    return kept


def require_columns(table: Table, columns: Iterable[str], errors: list[RowError]) -> bool:
    """Note every required column the file lacks; say whether all are there."""
    missing = [c for c in columns if not table.has(c)]
    for column in missing:
        errors.append(
            RowError(table.file_name, 1, column, problem(gettext_noop("this column is missing")))
        )
    return not missing


class KnownBearers:
    """The bearers an import links to by external id, loaded once for the run.

    Only bearers the importing user may see are used; the identifiers held by others
    (restricted bearers) are in ``hidden``: rows carrying them are skipped, so an
    import neither links to a bearer its user may not see nor registers it twice.
    """

    def __init__(self, scheme: str, actor: User) -> None:
        self.scheme = scheme
        self.by_key: dict[str, WeaponBearer] = {}
        self.hidden: set[str] = set()
        visible = set(WeaponBearer.objects.visible_to(actor).values_list("pk", flat=True))
        for ext in (
            ExternalId.objects.alive()
            .filter(scheme=scheme, bearer__deleted_at__isnull=True)
            .select_related("bearer")
        ):
            if ext.bearer_id in visible:
                self.by_key[ext.value] = ext.bearer
            else:
                self.hidden.add(ext.value)
        prefetch_related_objects(list(self.by_key.values()), "countries")
        self._names: dict[uuid.UUID, set[str]] = {}

    def get(self, key: str) -> WeaponBearer | None:
        """Return the bearer with that identifier in the scheme."""
        return self.by_key.get(key)

    def names_of(self, bearer: WeaponBearer) -> set[str]:
        """Return the folded names a stored or newly queued bearer already carries."""
        if bearer.pk not in self._names:
            self.load_names([bearer])
        return self._names[bearer.pk]

    def load_names(self, bearers: Iterable[WeaponBearer]) -> None:
        """Load the names of many bearers with one query."""
        wanted = {b.pk: b for b in bearers if b.pk not in self._names}
        if not wanted:
            return
        for bearer in wanted.values():
            self._names[bearer.pk] = {fold(bearer.name)}
        for bearer_id, name in (
            BearerName.objects.alive().filter(bearer_id__in=wanted).values_list("bearer_id", "name")
        ):
            self._names[bearer_id].add(fold(name))

    def note_names(self, bearer: WeaponBearer, names: Iterable[str]) -> None:
        """Note names a bearer is being given in this run."""
        self._names.setdefault(bearer.pk, {fold(bearer.name)}).update(fold(n) for n in names)

    def remember(self, key: str, bearer: WeaponBearer, names: Iterable[str]) -> None:
        """Note a bearer the run has just registered or linked."""
        self.by_key[key] = bearer
        self._names.setdefault(bearer.pk, {fold(bearer.name)}).update(fold(n) for n in names)

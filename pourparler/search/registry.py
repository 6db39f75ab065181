"""Which records are searchable, and what of each is searched how.

For each kind: the plaintext a search may match as it is (it is plaintext in its own
table already: a bearer's names, a place name), the confidential names that match by
their beginnings too (blind tokens of whole words and of prefixes of 3 letters or more),
and the confidential long texts that match by whole words (blind tokens of each word).
A change to one of a record's other names refreshes the record's entry (``parents``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from pourparler.core.models import Record


@dataclass(frozen=True)
class Document:
    plain: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Searchable:
    label: str  # "app_label.ModelName"
    document: Callable[[Any], Document]
    # Related querysets to load with the records when many are indexed at once.
    prefetch: tuple[str, ...] = ()
    # Models whose rows belong to a record of this kind: (label, attribute naming it).
    parents: tuple[tuple[str, str], ...] = ()

    @property
    def model(self) -> type[Record]:
        found = apps.get_model(self.label)
        assert issubclass(found, Record)
        return found


def _alive(related: Iterable[Any]) -> list[Any]:
    return [row for row in related if row.deleted_at is None]


def _bearer(bearer: Any) -> Document:
    names = [bearer.name]
    for row in _alive(bearer.names.all()):
        names += [row.name, row.transliteration]
    return Document(plain=names)


def _person(person: Any) -> Document:
    names = [person.full_name]
    for row in _alive(person.names.all()):
        names += [row.name, row.transliteration]
    return Document(names=names, texts=[person.notes])


def _interaction(interaction: Any) -> Document:
    return Document(
        plain=[interaction.place_name],
        texts=[interaction.summary, interaction.notes, interaction.outcomes],
    )


def _concern(concern: Any) -> Document:
    return Document(plain=[concern.place_name], texts=[concern.summary, concern.description])


SEARCHABLE: tuple[Searchable, ...] = (
    Searchable("bearers.WeaponBearer", _bearer, ("names",), (("bearers.BearerName", "bearer"),)),
    Searchable("people.Person", _person, ("names",), (("people.PersonName", "person"),)),
    Searchable("dialogue.Interaction", _interaction),
    Searchable("concerns.Concern", _concern),
)


def searchable(model: type[models.Model]) -> Searchable | None:
    label = model._meta.label
    return next((s for s in SEARCHABLE if s.label == label), None)


def by_key(key: str) -> Searchable:
    """The searchable kind named by its short key (``bearers``, ``people``…)."""
    return KINDS[key]


KINDS: dict[str, Searchable] = {
    "bearers": SEARCHABLE[0],
    "people": SEARCHABLE[1],
    "interactions": SEARCHABLE[2],
    "concerns": SEARCHABLE[3],
}

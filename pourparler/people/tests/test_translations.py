"""People in four languages: translated pages, names shown as written (script, direction,
transliteration), and a search that ignores case and diacritics in French, Arabic and
Spanish (pourparler.core.text.fold, through the blind index)."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.people.services import do_add_person_name
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client: Client, world: World) -> Client:
    """Alice signed in, and people named in French, Arabic and Spanish."""
    make_person(world.alice, world.varnia, full_name="Hélène Françoise Dubreuil")
    ahmad = make_person(world.alice, world.varnia, full_name="Ahmad al-Khatib")
    do_add_person_name(
        ahmad,
        actor=world.alice,
        name="أَحْمَد الخَطِيب",
        language="ar",
        script="Arab",
        transliteration="Aḥmad al-Khaṭīb",
    )
    make_person(world.alice, world.varnia, full_name="Íñigo Peña")
    make_person(world.alice, world.varnia, full_name="Jean-Baptiste Lecœur")
    sign_in(client, world.alice)
    return client


def _found(client: Client, query: str) -> str:
    return client.get(reverse("person_list"), {"q": query}).content.decode()


SEARCHES = [  # (query, found, not found)
    # French: accents and the cedilla fold both ways.
    ("helene francoise", "Hélène Françoise Dubreuil", "Ahmad al-Khatib"),
    ("HÉLÈNE", "Hélène Françoise Dubreuil", "Íñigo Peña"),
    # œ is written oe on most keyboards: either finds the other.
    ("lecoeur", "Jean-Baptiste Lecœur", "Hélène Françoise Dubreuil"),
    ("LECŒUR", "Jean-Baptiste Lecœur", "Íñigo Peña"),
    # Arabic: short vowels (tashkeel) and the hamza on alef (أ إ آ → ا) are ignored.
    ("احمد", "Ahmad al-Khatib", "Hélène Françoise Dubreuil"),
    ("إحمد", "Ahmad al-Khatib", "Íñigo Peña"),
    ("الخطيب", "Ahmad al-Khatib", "Hélène Françoise Dubreuil"),
    ("khatib", "Ahmad al-Khatib", "Íñigo Peña"),
    # Spanish: ñ folds to n (decided: NFKD splits it into n and a tilde), í to i.
    ("inigo pena", "Íñigo Peña", "Ahmad al-Khatib"),
    ("PEÑA", "Íñigo Peña", "Hélène Françoise Dubreuil"),
]


def test_people_search_ignores_case_and_diacritics(people: Client) -> None:
    for query, found, not_found in SEARCHES:
        body = _found(people, query)
        assert found in body, query
        assert not_found not in body, query


def test_a_query_with_tashkeel_finds_a_name_written_without(client: Client, world: World) -> None:
    make_person(world.alice, world.varnia, full_name="احمد الخطيب")
    sign_in(client, world.alice)
    assert "احمد الخطيب" in _found(client, "أَحْمَد")
    assert "احمد الخطيب" in _found(client, "آحمد")
    assert "احمد الخطيب" not in _found(client, "محمد")


def test_the_person_page_in_french_and_arabic(people: Client, world: World) -> None:
    person = make_person(world.alice, world.varnia, full_name="Col. Idris Maren")
    do_add_person_name(
        person,
        actor=world.alice,
        name="إدريس مارن",
        language="ar",
        script="Arab",
        transliteration="Idrīs Māran",
    )
    url = reverse("person_detail", args=[person.pk])
    french = people.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Postes" in french and "Autres noms" in french and "Relations" in french
    assert ">Positions<" not in french and ">Other names<" not in french
    arabic = people.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "المناصب" in arabic and "أسماء أخرى" in arabic
    assert ">Positions<" not in arabic
    # The name as written, its direction left to the browser, the transliteration beside.
    assert (
        '<span class="name-as-written" dir="auto" lang="ar">إدريس مارن</span> '
        '<span class="transliteration hint" lang="ar-Latn">Idrīs Māran</span>'
    ) in arabic


def test_the_refold_migrations_rebuild_the_stored_search(client: Client, world: World) -> None:
    """bearers 0004 and people 0006 recompute what was folded before œ became oe."""
    from django.apps import apps

    from pourparler.bearers.models import WeaponBearer
    from pourparler.people.models import Person
    from pourparler.testing.personas import make_bearer

    bearer = make_bearer(world.alice, name="Brigade du Sacré-Cœur")
    person = make_person(world.alice, world.varnia, full_name="Jean-Baptiste Lecœur")
    WeaponBearer.objects.filter(pk=bearer.pk).update(search_text="stale")
    Person.objects.filter(pk=person.pk).update(search_tokens="")
    for module in (
        "pourparler.bearers.migrations.0004_refold_search_text",
        "pourparler.people.migrations.0006_refold_search_tokens",
    ):
        importlib.import_module(module).refold(apps, None)
    assert WeaponBearer.objects.get(pk=bearer.pk).search_text == "brigade du sacre-coeur"
    sign_in(client, world.alice)
    assert "Jean-Baptiste Lecœur" in _found(client, "lecoeur")

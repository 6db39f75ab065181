"""Bearers in four languages: translated pages, names in their own script with their
transliteration, and a search that ignores case and diacritics in French, Arabic and
Spanish (pourparler.core.text.fold, through the bearer list's search)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearers(client: Client, world: World) -> Client:
    make_bearer(world.alice, name="Front de libération du Çaridor")
    make_bearer(
        world.alice,
        name="Jaysh al-Fatḥ",
        names=[
            {
                "name": "جَيْش الفَتْح",
                "kind": "official",
                "language": "ar",
                "script": "Arab",
                "transliteration": "Jaysh al-Fatḥ",
            },
            {"name": "أنصار الحق", "kind": "alias", "language": "ar", "script": "Arab"},
        ],
    )
    make_bearer(world.alice, name="Fuerzas de la Montaña", kind="police")
    make_bearer(world.alice, name="Brigade du Sacré-Cœur", kind="militia")
    sign_in(client, world.alice)
    return client


SEARCHES = [  # (query, found, not found)
    ("liberation du caridor", "Front de libération du Çaridor", "Jaysh al-Fatḥ"),
    ("LIBÉRATION", "Front de libération du Çaridor", "Fuerzas de la Montaña"),
    ("sacre-coeur", "Brigade du Sacré-Cœur", "Front de libération du Çaridor"),
    ("SACRÉ-CŒUR", "Brigade du Sacré-Cœur", "Jaysh al-Fatḥ"),
    ("جيش الفتح", "Jaysh al-Fatḥ", "Front de libération du Çaridor"),
    ("انصار", "Jaysh al-Fatḥ", "Fuerzas de la Montaña"),
    ("إنصار", "Jaysh al-Fatḥ", "Fuerzas de la Montaña"),
    ("montana", "Fuerzas de la Montaña", "Jaysh al-Fatḥ"),
    ("MONTAÑA", "Fuerzas de la Montaña", "Front de libération du Çaridor"),
]


def test_bearer_search_ignores_case_and_diacritics(bearers: Client) -> None:
    for query, found, not_found in SEARCHES:
        body = bearers.get(reverse("bearer_list"), {"q": query}).content.decode()
        assert found in body, query
        assert not_found not in body, query


def test_the_bearer_list_and_profile_in_french_and_arabic(bearers: Client) -> None:
    french = bearers.get(reverse("bearer_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Porteurs d'armes</h1>" in french and "Tous types" in french
    assert "Weapon bearers" not in french and "Any kind" not in french
    arabic = bearers.get(reverse("bearer_list"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "<h1>حاملو السلاح</h1>" in arabic
    assert "Weapon bearers" not in arabic
    from pourparler.bearers.models import WeaponBearer

    jaysh = WeaponBearer.objects.get(name="Jaysh al-Fatḥ")
    page = bearers.get(
        reverse("bearer_detail", args=[jaysh.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert "الأشخاص حسب المستوى" in page and "People by level" not in page
    assert (
        '<span class="name-as-written" dir="auto" lang="ar">جَيْش الفَتْح</span> '
        '<span class="transliteration" lang="ar-Latn">Jaysh al-Fatḥ</span>'
    ) in page

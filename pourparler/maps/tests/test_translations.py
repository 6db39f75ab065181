"""The map page in French and Arabic: its headings, legend and filters are translated,
and no English heading is left."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

ENGLISH = ("Map of control and population", "Legend", "People living in these areas")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("Carte du contrôle et de la population", "Légende", "Douze derniers mois")),
        ("ar", ("خريطة السيطرة والسكان", "مفتاح الخريطة", "الأشهر الاثنا عشر الأخيرة")),
    ],
)
def test_the_map_page_speaks_the_chosen_language(
    world: World, language: str, expected: tuple[str, ...]
) -> None:
    client = Client()
    sign_in(client, world.alice)
    response = client.get(reverse("map"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page
    for text in ENGLISH:
        assert text not in page

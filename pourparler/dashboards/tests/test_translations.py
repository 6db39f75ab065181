"""The delegation dashboard in French and Arabic: the page, the chart titles and the
pictures' legends (written by code) are translated, and no English title is left."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Coverage: bearers by kind, level of contact and age of the last contact",
    "Integration of the law: heat map of the five pillars",
    "Within 30 days",
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("Tableau de bord", "Couverture : porteurs d'armes par type", "Moins de 30 jours")),
        ("ar", ("لوحة المعلومات", "التغطية: حاملو السلاح حسب النوع", "خلال 30 يومًا")),
    ],
)
def test_the_dashboard_speaks_the_chosen_language(
    world: World, language: str, expected: tuple[str, ...]
) -> None:
    client = Client()
    sign_in(client, world.alice)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page
    for text in ENGLISH:
        assert text not in page

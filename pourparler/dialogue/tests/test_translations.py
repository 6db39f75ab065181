"""The interaction page in French (language cookie) and Arabic (browser language)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db


def test_interaction_page_speaks_french_and_arabic(world: World) -> None:
    army = make_bearer(world.alice)
    interaction = make_interaction(world.alice, world.varnia, bearers=[army])
    client = Client()
    sign_in(client, world.alice)
    url = reverse("interaction_detail", args=[interaction.pk])

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(url).content.decode()
    assert "Qui et où" in french and "Réunion bilatérale" in french
    assert "Résumé" in french and "Porteurs d'armes" in french.replace("&#x27;", "'")
    assert "Who and where" not in french and ">Summary<" not in french
    # A seeded topic shows in French; its stored name stays English.
    assert "Soins de santé et mission médicale" in french
    assert "Health care and the medical mission" not in french

    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    arabic = client.get(url, headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in arabic
    assert "من وأين" in arabic and "اجتماع ثنائي" in arabic and "الملخص" in arabic
    assert "Who and where" not in arabic and "Bilateral meeting" not in arabic

    listing = client.get(reverse("interaction_list"), headers={"accept-language": "es"})
    assert "Interacciones" in listing.content.decode()

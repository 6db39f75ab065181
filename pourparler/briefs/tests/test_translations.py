"""The meeting brief in French (language cookie) and Arabic (browser language)."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_the_brief_speaks_french_and_arabic(world: World) -> None:
    army = make_bearer(world.alice)
    client = Client()
    sign_in(client, world.alice)
    url = reverse("brief_bearer", args=[army.pk])

    # The middleware leaves the language of the last request active: restore English after.
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(url).content.decode())
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = html.unescape(client.get(url, headers={"accept-language": "ar"}).content.decode())

    assert "Confidentiel · fiche de réunion" in french and "Retour au profil" in french
    assert "Contrôle territorial" in french and "CONFIDENTIEL — fiche de réunion" in french
    for english in ("Confidential · meeting brief", "Back to the profile", "Territorial control"):
        assert english not in french
    assert 'dir="rtl"' in arabic
    assert "سري · موجز الاجتماع" in arabic and "العودة إلى الملف التعريفي" in arabic
    assert "Back to the profile" not in arabic and "Prepared" not in arabic

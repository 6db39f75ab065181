"""The applicable-law assistant in French (language cookie) and Arabic (browser language):
the page, the form, and the steps, labels and sources the rule tables write."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_the_assistant_speaks_french_and_arabic(world: World) -> None:
    client = Client()
    sign_in(client, world.alice)
    url = reverse("law_assistant") + "?situation=niac&bearer_kind=police&operation=crowd"

    # The middleware leaves the language of the last request active: restore English after.
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(url).content.decode())
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = html.unescape(client.get(url, headers={"accept-language": "ar"}).content.decode())

    assert "Droit applicable" in french and "Pourquoi, étape par étape" in french
    assert "Il s'agit d'un conflit armé non international" in french
    assert "La gestion des foules protège le droit de réunion pacifique" in french
    assert "Droit international des droits de l'homme" in french  # a framework's label
    assert "Pacte international relatif aux droits civils et politiques" in french  # a source
    assert "PIDCP, art. 21" in french
    for english in ("Why, step by step", "Crowd management protects", "Sources cited"):
        assert english not in french
    assert 'dir="rtl"' in arabic
    assert "القانون الواجب التطبيق" in arabic and "هذا نزاع مسلح غير دولي" in arabic
    assert "Why, step by step" not in arabic and "This is a non-international" not in arabic

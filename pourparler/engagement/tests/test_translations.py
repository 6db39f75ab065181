"""The engagement plan in French (language cookie) and Arabic (browser language): the
headings of the page and the suggestions the rules write are translated."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.bearers.choices import Structure
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_the_plan_speaks_french_and_arabic(world: World) -> None:
    army = make_bearer(world.alice, structure=Structure.INTEGRATED)
    client = Client()
    sign_in(client, world.alice)
    url = reverse("engagement_plan", args=[army.pk])

    # The middleware leaves the language of the last request active: restore English after.
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(url).content.decode())
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = html.unescape(client.get(url, headers={"accept-language": "ar"}).content.decode())
    assert "Canaux et prochaines étapes suggérés" in french
    assert "Chaîne de commandement : le sommet" in french
    assert "Le porteur d'armes est intégré et hiérarchisé" in french
    assert "Aucune interaction avec le porteur d'armes que vous puissiez voir" in french
    assert "Niveau stratégique" not in french  # the top rule covers the strategic level
    for english in ("Suggested channels", "Chain of command: the top", "Levels without contact"):
        assert english not in french

    assert 'dir="rtl"' in arabic
    assert "خطة الحوار" in arabic and "مستويات بلا تواصل" in arabic
    assert "التسلسل القيادي: القمة" in arabic and "عالية" in arabic
    assert "Engagement plan" not in arabic and "Because:" not in arabic

"""A concern and the outcome figures in French (language cookie) and Arabic (browser
language): headings, statuses, figures' words and the service's refusals."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.concerns.services import TransitionRefused, do_change_concern_status
from pourparler.concerns.templatetags.concern_figures import days, percent
from pourparler.concerns.tests.helpers import open_concern, represent, respond
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_concern_pages_speak_french_and_arabic(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, days=20)
    respond(world.alice, concern, days=10)
    client = Client()
    sign_in(client, world.alice)
    detail = reverse("concern_detail", args=[concern.pk])

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(detail).content.decode()
    assert "Représentations et réponses" in french and "Historique des statuts" in french
    assert "Réponse reçue" in french and "Représentation orale" in french
    assert "Representations and responses" not in french and "Status history" not in french
    # The note the service wrote on the status change is shown in French too.
    assert "Le porteur d&#x27;armes a répondu." in french and "The bearer responded." not in french
    figures = client.get(reverse("concern_figures")).content.decode().replace("&#x27;", "'")
    assert "Chiffres des résultats" in figures and "Par porteur d'armes" in figures
    assert "Taux de réponse" in figures and "100 %" in figures
    assert "Outcome figures" not in figures and "Response rate" not in figures

    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    arabic = client.get(detail, headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in arabic
    assert "المذكرات والردود" in arabic and "سجل الأوضاع" in arabic and "وردَ الرد" in arabic
    assert "Representations and responses" not in arabic and "Responded" not in arabic


def test_figures_and_refusals_follow_the_language(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(world.alice, world.varnia, [army])
    with translation.override("fr"):
        assert days(1) == "1 jour" and days(4.5) == "4,5 jours" and percent(0.5) == "50 %"
        with pytest.raises(TransitionRefused, match="ne peut pas passer de « ouverte »"):
            do_change_concern_status(
                concern,
                actor=world.alice,
                expected_version=concern.version,
                status="addressed",
                note="Measures taken.",
            )
    with translation.override("ar"):
        assert days(2) == "يومان (2)" and days(11) == "11 يومًا"
    with translation.override("en"):
        assert days(1) == "1 day" and days(4.5) == "4.5 days" and percent(0.5) == "50 %"

"""Dissemination and training in French (language cookie) and Arabic (browser language):
the session page and the figures of people reached."""

from __future__ import annotations

import datetime
import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pourparler.bearers.models import WeaponBearer
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World
from pourparler.training.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def test_session_and_figures_speak_french_and_arabic(world: World, army: WeaponBearer) -> None:
    session = make_session(
        world.alice, world.varnia, army, held_on=datetime.date(2026, 3, 2), women=5
    )
    client = Client()
    sign_in(client, world.alice)
    detail = reverse("session_detail", args=[session.pk])
    figures = reverse("session_figures")

    # The middleware leaves the language of the last request active: restore English after.
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(detail).content.decode())
        french_figures = html.unescape(client.get(figures).content.decode())
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = client.get(detail, headers={"accept-language": "ar"}).content.decode()

    assert "Exposé, <time" in french and "2 mars 2026" in french
    assert "Public" in french and "Dont femmes" in french and "Quoi et qui" in french
    assert "Anglais" in french  # the session's language, named in French (pycountry)
    assert ">Audience<" not in french and "What and who" not in french
    assert "Personnes touchées par la diffusion et la formation" in french_figures
    assert "Par niveau du public" in french_figures and "By level" not in french_figures
    assert 'dir="rtl"' in arabic
    assert "إحاطة" in arabic and "الجمهور" in arabic and "ماذا ومن" in arabic
    assert "What and who" not in arabic and "Of whom women" not in arabic

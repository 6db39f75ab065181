"""The integration heat map in French (language cookie) and Arabic (browser language)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.integration.choices import Pillar
from pourparler.integration.tests.conftest import assess
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_heat_map_speaks_french_and_arabic(world: World, army: WeaponBearer) -> None:
    assess(world.bob, world.varnia, army, Pillar.TRAINING, 3, datetime.date(2026, 4, 1))
    client = Client()
    sign_in(client, world.alice)
    url = reverse("integration_overview")

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(url).content.decode()
    assert "Intégration du droit" in french and "Les cinq piliers" in french
    assert "Entraînement" in french and "Substantielle" in french and "avril 2026" in french
    assert "Integration of the law" not in french and "The five pillars" not in french
    assert "Apr 2026" not in french and "Substantial" not in french

    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    arabic = client.get(url, headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in arabic
    assert "إدماج القانون" in arabic and "الركائز الخمس" in arabic and "التدريب" in arabic
    assert "Integration of the law" not in arabic and "The scale" not in arabic

    history = client.get(
        reverse("assessment_history", args=[army.pk]), headers={"accept-language": "es"}
    )
    assert "Integración del derecho:" in history.content.decode()

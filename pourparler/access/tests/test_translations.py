"""The access overview in French and Arabic: headings, figures' words and the chart's
titles come from the app's message files, and the English ones are gone."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from pourparler.access.tests.conftest import client_for, passage
from pourparler.bearers.models import WeaponBearer
from pourparler.testing.personas import World


def test_the_overview_speaks_french_and_arabic(world: World, army: WeaponBearer) -> None:
    passage(world.alice, world.varnia, army, "delayed", delay_minutes=40, when="2026-01-10")
    client = client_for(world.alice)
    pages = {}
    for lang in ("fr", "ar"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        response = client.get(reverse("access_overview"))
        assert response.status_code == 200
        pages[lang] = response.content.decode()
    french, arabic = pages["fr"], pages["ar"]
    assert "<h1>Accès humanitaire</h1>" in french
    assert "Passages par mois" in french
    assert "Où et par qui nous sommes le plus souvent arrêtés" in french
    # The month of the chart is named in French too (Django's month names).
    assert "janvier 2026" in french
    assert "<h1>الوصول الإنساني</h1>" in arabic
    assert "حالات العبور حسب الشهر" in arabic
    # The pictures' coordinates stay plain numbers: a decimal comma ("12,5") would make
    # the browser read a list of positions and scatter the letters of the labels.
    assert re.search(r'<rect x="[0-9.]+" y="[0-9.]+" width="[0-9.]+"', french)
    assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', french + arabic)
    for page in (french, arabic):
        for english in (
            "Humanitarian access",
            "Passages by month",
            "Where and by whom we are most often stopped",
            "Key figures",
            "Checkpoint passages",
        ):
            assert english not in page

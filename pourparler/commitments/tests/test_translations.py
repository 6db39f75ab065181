"""The commitments figures and detail pages in French and Arabic: headings, compliance
words and the explanations come from the app's message files, the English ones are gone."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from pourparler.commitments.choices import Compliance
from pourparler.commitments.tests.helpers import client_for, observe, register
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_the_register_speaks_french_and_arabic(world: World) -> None:
    army = make_bearer(world.alice)
    commitment = register(world.alice, world.varnia, [army])
    observe(world.alice, commitment, 10, Compliance.BREACHED)
    client = client_for(world.alice)
    pages = {}
    for lang in ("fr", "ar"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        figures = client.get(reverse("commitment_figures"))
        detail = client.get(reverse("commitment_detail", args=[commitment.pk]))
        assert figures.status_code == detail.status_code == 200
        pages[lang] = figures.content.decode() + detail.content.decode()
    french, arabic = pages["fr"], pages["ar"]
    assert "<h1>Engagements respectés et non respectés" in french
    assert "Ce que signifient les chiffres" in french
    assert "Le respect au fil du temps" in french
    assert "Non respecté" in french and "Passage sûr" in french
    assert "<h1>الالتزامات المحترَمة والمنتهَكة" in arabic
    assert "الامتثال على مر الزمن" in arabic
    assert "منتهَك" in arabic
    # The bars' coordinates stay plain numbers in every language (no decimal comma).
    assert not re.search(r'(x|width)="[0-9]+,[0-9]', french + arabic)
    for page in (french, arabic):
        for english in (
            "Commitments kept and breached",
            "What the figures mean",
            "Compliance over time",
            "Signed or given by",
            "Breached",
            "Safe passage</",
        ):
            assert english not in page

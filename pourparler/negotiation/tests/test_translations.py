"""A negotiation file's page in French and Arabic: its headings, tools and the island's
quadrants are translated, and no English heading is left."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.negotiation.tests.helpers import open_file
from pourparler.testing.http import sign_in
from pourparler.testing.pdf import pdf_text
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

ENGLISH = ("Red lines and bottom lines", "Island of agreements", "Network of influence")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("Lignes rouges et lignes plancher", "Îlot d'accords", "Faits admis")),
        ("ar", ("الخطوط الحمراء والحدود الدنيا", "جزيرة الاتفاقات", "وقائع متفق عليها")),
    ],
)
def test_the_file_page_speaks_the_chosen_language(
    world: World, language: str, expected: tuple[str, ...]
) -> None:
    file = open_file(world)
    client = Client()
    sign_in(client, world.alice)
    response = client.get(
        reverse("negotiation_file_detail", args=[file.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page
    for text in ENGLISH:
        assert text not in page
    assert file.title in page  # record data stays as written


def test_the_pdf_is_written_in_the_chosen_language(world: World) -> None:
    file = open_file(world)
    client = Client()
    sign_in(client, world.alice)
    response = client.get(
        reverse("negotiation_file_pdf", args=[file.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    # The confidentiality mark runs in the top margin, in the reader's language.
    assert "CONFIDENTIEL — dossier de négociation" in text
    assert "Îlot d'accords" in text and "Réseau d'influence" in text
    assert "Island of agreements" not in text and "CONFIDENTIAL" not in text

"""A bearer's network page in French and Arabic: the headings and the explanation of
centrality are translated, and no English heading is left."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

ENGLISH = ("Chain of command and network of influence", "Network of influence")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("Chaîne de commandement et réseau d'influence", "Réseau d'influence")),
        ("ar", ("التسلسل القيادي وشبكة التأثير", "شبكة التأثير")),
    ],
)
def test_the_network_page_speaks_the_chosen_language(
    world: World, language: str, expected: tuple[str, ...]
) -> None:
    bearer = make_bearer(world.alice)
    client = Client()
    sign_in(client, world.alice)
    response = client.get(
        reverse("networks_bearer", args=[bearer.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page
    for text in ENGLISH:
        assert text not in page
    assert bearer.name in page  # record data stays as written

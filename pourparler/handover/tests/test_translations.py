"""A handover's page in French and Arabic: the preview's headings and buttons are
translated, and no English heading is left."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pourparler.handover.services import do_prepare_handover
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

ENGLISH = ("Preview: what will pass", "Joint introductions", "Confirm the handover")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("Aperçu : ce qui sera transmis", "Présentations conjointes", "Passation de")),
        ("ar", ("معاينة: ما سيُنقل", "التعريفات المشتركة", "تسليم المهام من")),
    ],
)
def test_a_draft_handover_speaks_the_chosen_language(
    world: World, language: str, expected: tuple[str, ...]
) -> None:
    handover = do_prepare_handover(
        actor=world.alice,
        delegation=world.varnia,
        outgoing=world.alice,
        successor=world.bob,
        effective_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    client = Client()
    sign_in(client, world.alice)
    response = client.get(
        reverse("handover_detail", args=[handover.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    page = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in page
    for text in ENGLISH:
        assert text not in page

"""The handover brief names only the bearers its reader may see. Found by the leak
property test (pourparler/core/tests/test_leaks.py): the brief's recent interactions
listed every bearer they were about, a restricted one too."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pourparler.handover.services import do_prepare_handover
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db


def test_the_brief_leaves_out_a_bearer_the_reader_may_not_see(world: World) -> None:
    shown = make_bearer(world.alice, name="Varnian Armed Forces")
    secret = make_bearer(
        world.alice,
        name="Brigade of the Closed Valley",
        restricted=True,
        restricted_to=[world.alice],
    )
    make_interaction(
        world.alice, world.varnia, bearers=[shown, secret], our_participants=[world.alice]
    )
    handover = do_prepare_handover(
        actor=world.alice,
        delegation=world.varnia,
        outgoing=world.alice,
        successor=world.bob,
        effective_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    client = Client()
    sign_in(client, world.bob)
    brief = client.get(reverse("handover_brief", args=[handover.pk]))
    assert b"Varnian Armed Forces" in brief.content
    assert b"Closed Valley" not in brief.content
    page = client.get(reverse("handover_detail", args=[handover.pk]))
    assert page.status_code == 200
    assert b"Closed Valley" not in page.content

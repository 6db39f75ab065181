"""The interaction page lists what came of the contact, as far as the reader may see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.commitments.tests.helpers import register
from pourparler.concerns.tests.helpers import open_concern, represent
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.integration.services import do_record_assessment
from pourparler.testing.http import count_queries, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction
from pourparler.training.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def test_the_page_links_what_came_of_the_contact_and_only_what_the_reader_may_see(
    world: World, client: Client
) -> None:
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    contact = make_interaction(world.carol, world.varnia, bearers=[army, hidden])
    url = reverse("interaction_detail", args=[contact.pk])
    sign_in(client, world.bob)
    client.get(url)
    bare = count_queries(lambda: client.get(url))

    concern = open_concern(world.alice, world.varnia, [army], summary="Shelling of the market")
    represent(world.alice, concern, 3, interaction=contact)
    make_session(world.alice, world.varnia, army, interaction=contact, place_name="Camp Orel")
    register(world.alice, world.varnia, [army], title="Safe passage on the bridge road")
    commitment = register(
        world.alice, world.varnia, [army], title="Order on detainees", interactions=[contact]
    )
    register(
        world.alice,
        world.varnia,
        [army],
        title="Guarantee for the depot",
        interactions=[contact],
        restricted=True,
        restricted_to=[world.carol],
    )

    do_record_assessment(
        actor=world.carol,
        compartment=world.varnia,
        bearer=hidden,
        pillar="doctrine",
        level=2,
        evidence="Their manual cites the Geneva Conventions.",
        interactions=[contact],
    )

    body = client.get(url).content.decode()
    assert "What came of it" in body
    assert "Shelling of the market" in body and "Camp Orel" in body
    assert "Order on detainees" in body
    assert reverse("commitment_detail", args=[commitment.pk]) in body
    assert "Safe passage on the bridge road" not in body  # not from this contact
    assert "Guarantee for the depot" not in body  # restricted to carol and alice
    assert "Shadow Brigade" not in body  # an assessment of a bearer bob may not see
    # One audit append for everything shown, however many records there are.
    assert count_queries(lambda: client.get(url)) == bare + 3
    lists = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.bob)
    assert any(str(commitment.pk) in e.detail["ids"] for e in lists)

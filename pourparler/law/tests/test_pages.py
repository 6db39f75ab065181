"""The assistant's page, and its answer on bearer profiles and interaction pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.core.services import create_record
from pourparler.geo.models import Situation, SituationParty
from pourparler.law import profile
from pourparler.law.assistant import DISCLAIMER, Facts, facts_for_bearer
from pourparler.testing.http import count_queries, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db


def party_to(actor: User, bearer: WeaponBearer, kind: str, name: str) -> Situation:
    situation = create_record(Situation(name=name, kind=kind), actor=actor)
    create_record(
        SituationParty(situation=situation, bearer=bearer, name=bearer.name, side="b"),
        actor=actor,
    )
    return situation


def test_the_assistant_asks_the_facts_then_answers_step_by_step(world: World) -> None:
    client = Client()
    sign_in(client, world.alice)
    url = reverse("law_assistant")
    empty = client.get(url).content.decode()
    assert "Has this police or law-enforcement body been made part of the armed forces?" in empty
    assert "does not replace legal advice" in empty
    assert "Why, step by step" not in empty

    asked = (
        f"{url}?situation=niac&bearer_kind=police&incorporated=no&direct_part=yes"
        "&operation=hostilities"
    )
    body = client.get(asked).content.decode()
    assert "Why, step by step" in body
    assert "Additional Protocol I, Art. 51(3)" in body  # a reference of the direct-part step
    assert "Conduct of hostilities" in body
    assert DISCLAIMER.split(".")[0] in body
    assert '<option value="niac" selected>' in body  # the form keeps the facts
    # Odd input is read as "not known", not as an error.
    odd = client.get(f"{url}?situation=war&bearer_kind=police").content.decode()
    assert "The situation is not classified" in odd
    # It reads no record: only what every signed-in page reads (session, user, device,
    # membership for the navigation).
    assert count_queries(lambda: client.get(asked)) == PINNED_ASSISTANT
    assert reverse("law_assistant") in client.get(reverse("home")).content.decode()


PINNED_ASSISTANT = 5


def test_facts_for_a_bearer_come_from_the_situations_the_reader_may_see(world: World) -> None:
    group = make_bearer(world.alice, name="Front of the North", kind="non_state_armed_group")
    party_to(world.alice, group, "niac", "Varnia: government vs the Front")
    hidden = make_bearer(
        world.carol,
        name="Shadow Brigade",
        kind="militia",
        restricted=True,
        restricted_to=[world.carol],
    )
    party_to(world.carol, hidden, "iac", "Varnia vs Kestria")
    facts = facts_for_bearer(world.alice, group)
    assert facts == Facts(situation="niac", bearer_kind="non_state_armed_group")
    assert facts_for_bearer(world.carol, hidden) == Facts(situation="iac", bearer_kind="militia")
    # Alice may not see the restricted bearer's party: nothing of it reaches her.
    assert facts_for_bearer(world.alice, hidden) == Facts(bearer_kind="militia")
    # A bearer in two kinds of situation leaves the reader to choose.
    party_to(world.alice, group, "iac", "Varnia vs Kestria, the Front joining")
    assert facts_for_bearer(world.alice, group) == Facts(bearer_kind="non_state_armed_group")


def test_the_bearer_profile_shows_the_answer_with_a_link_to_the_filled_in_assistant(
    world: World,
) -> None:
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    party_to(world.alice, police, "niac", "Varnia: government vs the Front")
    client = Client()
    sign_in(client, world.alice)
    body = client.get(reverse("bearer_detail", args=[police.pk])).content.decode()
    assert "Applicable law" in body
    assert "a non-international armed conflict" in body
    assert "Whether the body has been made part of the armed forces is not known" in body
    link = profile.assistant_url(Facts(situation="niac", bearer_kind="police"))
    assert link.replace("&", "&amp;") in body


def test_the_interaction_page_answers_for_each_bearer_the_reader_may_see(world: World) -> None:
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    hidden = make_bearer(
        world.carol,
        name="Shadow Brigade",
        kind="militia",
        restricted=True,
        restricted_to=[world.carol],
    )
    party_to(world.alice, army, "niac", "Varnia: government vs the Front")
    contact = make_interaction(
        world.carol,
        world.varnia,
        bearers=[army, hidden],
        kind="checkpoint",
        legal_framework="ihl",
        topics=[],
    )
    client = Client()
    sign_in(client, world.bob)
    url = reverse("interaction_detail", args=[contact.pk])
    body = client.get(url).content.decode()
    assert "Applicable law" in body
    assert "At a checkpoint people and vehicles may be stopped" in body
    assert "Soldiers doing police work" in body
    assert "Shadow Brigade" not in body
    assert "Pro-government militia" not in body
    # The framework noted (IHL) is among those that apply in a NIAC: no warning.
    assert "is not one the assistant finds applies" not in body

    outside = make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        kind="checkpoint",
        situation="other_violence",
        legal_framework="ihl",
        topics=[],
    )
    body = client.get(reverse("interaction_detail", args=[outside.pk])).content.decode()
    assert "IHL does not apply" in body
    assert "is not one the assistant finds applies" in body
    panels = profile.interaction_panels(world.bob, outside)
    assert [row["facts"].operation for row in panels[0].context["rows"]] == ["checkpoint"]

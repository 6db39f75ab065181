"""The facts, the network and the plan page, on a small world of two delegations.

Varnia (alice, bob) and Kestria (dave) both deal with the Varnian Armed Forces; each
delegation's plan is made of its own records only, and a restricted person is a node
of the network only for the staff it names.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.access.services import do_record_acceptance
from pourparler.bearers.choices import Echelon, Level, Structure
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.tests.helpers import open_concern
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.engagement.planner import influence_network, plan_for, profile_for
from pourparler.engagement.profile import bearer_panels
from pourparler.integration.services import do_record_assessment
from pourparler.negotiation.models import Stakeholder, StakeholderLink
from pourparler.negotiation.services import do_add_to_file
from pourparler.negotiation.tests.helpers import open_file
from pourparler.people.models import Person
from pourparler.people.services import do_add_position, do_create_relationship
from pourparler.testing.http import count_queries, sign_in
from pourparler.testing.personas import (
    World,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)

pytestmark = pytest.mark.django_db

# Queries of the plan page, whatever the number of people, units and records.
PLAN_QUERIES = 18
# Queries the short panel adds to the bearer profile (it leaves out the network).
PANEL_QUERIES = 5


def person_in(
    world: World, who: Any, name: str, army: WeaponBearer, unit: Any, level: str, **fields: Any
) -> Person:
    person = make_person(who, world.varnia if who != world.dave else world.kestria, name, **fields)
    do_add_position(person, actor=who, bearer=army, unit=unit, level=level, role_title=name)
    return person


def build(world: World, extra: int = 0) -> dict[str, Any]:
    """The army, its unit tree and what each delegation recorded about it."""
    army = make_bearer(world.bob, structure=Structure.INTEGRATED)
    hq = make_unit(
        world.bob, army, "General Staff", echelon=Echelon.HEADQUARTERS, level=Level.STRATEGIC
    )
    brigade = make_unit(world.bob, army, "4th Brigade", parent=hq, level=Level.OPERATIONAL)
    battalion = make_unit(world.bob, army, "2nd Battalion", parent=brigade)
    general = person_in(world, world.alice, "Gen. Oren Vasko", army, hq, Level.STRATEGIC)
    colonel = person_in(world, world.alice, "Col. Idris Maren", army, brigade, Level.OPERATIONAL)
    major = person_in(world, world.alice, "Maj. Lina Sork", army, battalion, Level.TACTICAL)
    secret = person_in(
        world,
        world.alice,
        "Capt. Hidden Source",
        army,
        brigade,
        Level.OPERATIONAL,
        restricted=True,
        restricted_to=[world.alice],
    )
    for i in range(extra):
        person_in(world, world.alice, f"Lt. Extra {i}", army, battalion, Level.TACTICAL)
    do_create_relationship(colonel, actor=world.alice, holder=world.alice, strength="trusted")
    # A second, older relationship of the same holder counts once.
    do_create_relationship(colonel, actor=world.alice, holder=world.alice, strength="working")
    make_interaction(world.alice, world.varnia, bearers=[army], level=Level.STRATEGIC)
    do_record_assessment(
        actor=world.bob,
        compartment=world.varnia,
        bearer=army,
        pillar="doctrine",
        level=1,
        evidence="The manual of 2019 has no chapter on the law.",
    )
    do_record_acceptance(actor=world.alice, compartment=world.varnia, bearer=army, status="refused")
    open_concern(world.alice, world.varnia, [army])
    # Kestria knows one soldier of the same army, met at a checkpoint.
    private = person_in(world, world.dave, "Pte. Kestrian Contact", army, None, Level.TACTICAL)
    make_interaction(world.dave, world.kestria, bearers=[army], level=Level.TACTICAL)
    return {
        "army": army,
        "general": general,
        "colonel": colonel,
        "major": major,
        "secret": secret,
        "private": private,
    }


def test_each_delegation_plans_from_its_own_records(world: World) -> None:
    w = build(world)
    army = w["army"]
    alice = profile_for(world.alice, army)
    assert alice.contact_levels == frozenset({"strategic"})
    assert alice.known_levels == frozenset({"strategic", "operational", "tactical"})
    assert alice.integration == (("doctrine", 1),)
    assert alice.acceptance == "refused"
    assert alice.open_concerns == 1
    assert alice.days_since_contact == 3
    assert alice.central_people is not None
    # The colonel of the brigade sits between the general staff and the battalion, and
    # alice holds the relationship.
    top = alice.central_people[0]
    assert (top.label, top.held_by) == ("Col. Idris Maren", ("Alice",))
    labels = {c.label for c in alice.central_people}
    assert "Pte. Kestrian Contact" not in labels
    assert "Capt. Hidden Source" in labels

    dave = profile_for(world.dave, army)
    assert dave.contact_levels == frozenset({"tactical"})
    assert dave.known_levels == frozenset({"tactical"})
    assert dave.integration == ()
    assert dave.acceptance == "unknown"
    assert dave.open_concerns == 0
    assert [c.label for c in dave.central_people or ()] == ["Pte. Kestrian Contact"]
    dave_plan = plan_for(world.dave, army)
    said = " ".join(" ".join((s.channel, s.next_step, *s.reasons)) for s in dave_plan.suggestions)
    for varnian in ("Maren", "Vasko", "Sork", "Alice", "refuses", "concern", "Doctrine is at"):
        assert varnian not in said
    assert dave_plan.levels_without_contact == ["strategic", "operational"]


def test_the_network_holds_only_the_people_the_viewer_may_see(world: World) -> None:
    w = build(world)
    # A negotiation file about the army names the major as counterpart and an elder
    # outside the register who sways him.
    file = open_file(world, bearer=w["army"], counterpart=w["major"])
    elder = do_add_to_file(file, Stakeholder, actor=world.alice, name="Elder of Orun", influence=3)

    def nodes(user: User) -> set[str]:
        return set(influence_network(user, w["army"]).nodes)

    secret = f"person:{w['secret'].pk}"
    assert secret in nodes(world.alice)
    bob = nodes(world.bob)
    assert secret not in bob
    assert {f"person:{w[k].pk}" for k in ("general", "colonel", "major")} <= bob
    assert f"staff:{world.alice.pk}" in bob
    assert nodes(world.dave) == {f"person:{w['private'].pk}"}
    graph = influence_network(world.bob, w["army"])
    colonel, general, major = (f"person:{w[k].pk}" for k in ("colonel", "general", "major"))
    assert graph.has_edge(colonel, general) and graph.has_edge(colonel, major)
    assert not graph.has_edge(general, major)
    assert graph[f"staff:{world.alice.pk}"][colonel]["weight"] == 3
    outsider = f"stakeholder:{elder.pk}"
    assert graph[outsider][major]["weight"] == 3
    assert graph.nodes[outsider]["kind"] == "outsider"
    assert outsider not in nodes(world.dave)

    # A stakeholder standing for a person bob may not see is not in his network at all:
    # not as a person, not as an anonymous outsider, not through its ties.
    hidden = do_add_to_file(
        file, Stakeholder, actor=world.alice, person=w["secret"], name="", influence=3
    )
    do_add_to_file(
        file, StakeholderLink, actor=world.alice, source=hidden, target=elder, strength=3
    )
    assert secret in nodes(world.alice)
    assert nodes(world.bob) == bob


def test_the_plan_page_shows_suggestions_reasons_people_and_levels(world: World) -> None:
    w = build(world)
    army = w["army"]
    client = Client()
    sign_in(client, world.alice)
    url = reverse("engagement_plan", args=[army.pk])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Chain of command: the top" in body
    assert "The latest acceptance assessment you may see says the bearer refuses our offer." in body
    assert "Doctrine is at level 1 of 4" in body
    assert "Col. Idris Maren" in body and "Capt. Hidden Source" in body
    assert "<strong>Operational</strong>" in body and "<strong>Tactical</strong>" in body
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice).last()
    assert listed is not None and str(w["colonel"].pk) in listed.detail["ids"]
    # The profile's panel links to the plan.
    profile = client.get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert url in profile and "Engagement plan" in profile
    assert count_queries(lambda: bearer_panels(world.alice, army)) == PANEL_QUERIES
    assert count_queries(lambda: client.get(url)) == PLAN_QUERIES

    dave = Client()
    sign_in(dave, world.dave)
    theirs = dave.get(url).content.decode()
    assert "Pte. Kestrian Contact" in theirs
    assert "Maren" not in theirs and "Hidden" not in theirs
    hidden = make_bearer(world.bob, name="Hidden Front", restricted=True, restricted_to=[world.bob])
    missing = reverse("engagement_plan", args=["00000000-0000-0000-0000-000000000000"])
    assert dave.get(reverse("engagement_plan", args=[hidden.pk])).status_code == 404
    assert dave.get(missing).status_code == 404


def test_the_plan_page_costs_the_same_with_more_people(
    world: World, django_assert_num_queries: Any
) -> None:
    w = build(world, extra=4)
    client = Client()
    sign_in(client, world.alice)
    url = reverse("engagement_plan", args=[w["army"].pk])
    client.get(url)
    with django_assert_num_queries(PLAN_QUERIES):
        response = client.get(url)
    assert "Col. Idris Maren" in response.content.decode()

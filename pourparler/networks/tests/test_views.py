"""The networks page on one small world, built once for the module.

Varnia (alice, bob) and Kestria (dave) both know people in the Varnian Armed Forces.
Alice has a restricted source and a restricted unit with someone in it; a negotiation
file of hers names an elder outside the register. Each viewer's page, its JSON and its
centrality are made of what that viewer may see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from pourparler.bearers.choices import Echelon, Level
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.engagement.planner import centrality as planner_centrality
from pourparler.engagement.planner import influence_network
from pourparler.negotiation.models import Stakeholder, StakeholderLink
from pourparler.negotiation.services import do_add_to_file
from pourparler.negotiation.tests.helpers import open_file
from pourparler.networks.graph import influence, rank_people
from pourparler.networks.profile import bearer_panels
from pourparler.people.services import do_add_position, do_create_relationship
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import World, build_world, make_bearer, make_person, make_unit

pytestmark = pytest.mark.django_db

# Queries of the networks page, whatever the number of units and people.
PAGE_QUERIES = 19

VARNIAN = (
    "Gen. Oren Vasko",
    "Col. Idris Maren",
    "Maj. Lina Sork",
    "Capt. Hidden Source",
    "Sgt. Secret Unit",
    "Elder of Orun",
    "Special Detachment",
)


def person_in(
    world: World, who: Any, name: str, army: Any, unit: Any, title: str, **kw: Any
) -> Any:
    compartment = world.kestria if who == world.dave else world.varnia
    person = make_person(who, compartment, name, **kw)
    do_add_position(
        person, actor=who, bearer=army, unit=unit, level=Level.OPERATIONAL, role_title=title
    )
    return person


def populate(world: World) -> dict[str, Any]:
    army = make_bearer(world.bob)
    staff = make_unit(world.bob, army, "General Staff", echelon=Echelon.HEADQUARTERS)
    brigade = make_unit(world.bob, army, "4th Brigade", parent=staff, echelon=Echelon.BRIGADE)
    battalion = make_unit(
        world.bob, army, "2nd Battalion", parent=brigade, echelon=Echelon.BATTALION
    )
    special = make_unit(world.alice, army, "Special Detachment", parent=brigade, restricted=True)
    w = {
        "army": army,
        "battalion": battalion,
        "general": person_in(
            world, world.alice, "Gen. Oren Vasko", army, staff, "Chief of the General Staff"
        ),
        "colonel": person_in(
            world, world.alice, "Col. Idris Maren", army, brigade, "Brigade Commander"
        ),
        "major": person_in(
            world, world.alice, "Maj. Lina Sork", army, battalion, "Battalion Operations Officer"
        ),
        "secret": person_in(
            world,
            world.alice,
            "Capt. Hidden Source",
            army,
            battalion,
            "Company Commander",
            restricted=True,
            restricted_to=[world.alice],
        ),
        "sergeant": person_in(
            world, world.alice, "Sgt. Secret Unit", army, special, "Detachment Commander"
        ),
        "private": person_in(world, world.dave, "Pte. Kestrian Contact", army, None, "Driver"),
    }
    do_create_relationship(w["colonel"], actor=world.alice, holder=world.alice, strength="trusted")
    file = open_file(world, bearer=army, counterpart=w["major"])
    elder = do_add_to_file(file, Stakeholder, actor=world.alice, name="Elder of Orun", influence=3)
    # The hidden source sways the elder: the only tie between them and the file.
    source = do_add_to_file(file, Stakeholder, actor=world.alice, person=w["secret"], influence=0)
    do_add_to_file(
        file, StakeholderLink, actor=world.alice, source=source, target=elder, strength=3
    )
    w["elder"] = elder
    w["hidden_bearer"] = make_bearer(
        world.bob, name="Hidden Front", restricted=True, restricted_to=[world.bob]
    )
    return w


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Any]:
    """The world and its records, made once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world, populate(world)
        transaction.set_rollback(True)


def page(world: World, who: str, bearer: Any) -> tuple[Client, Any]:
    client = Client()
    sign_in(client, world.users[who])
    return client, client.get(reverse("networks_bearer", args=[bearer.pk]))


def json_of(body: str, name: str) -> list[dict[str, Any]]:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None, name
    return json.loads(found.group(1))


def labels(elements: list[dict[str, Any]]) -> set[str]:
    return {e["data"]["label"].split("\n")[0] for e in elements if "label" in e["data"]}


def test_the_author_sees_the_tree_the_network_and_the_most_central(shared: Any) -> None:
    world, w = shared
    _client, response = page(world, "alice", w["army"])
    body = response.content.decode()
    assert response.status_code == 200
    tree, network = json_of(body, "tree-data"), json_of(body, "network-data")
    assert {"General Staff", "4th Brigade", "2nd Battalion", "Special Detachment"} <= labels(tree)
    assert set(VARNIAN) <= labels(tree) | labels(network)
    assert "Pte. Kestrian Contact" not in body
    # The brigade commander is drawn as the commander and listed with the tag.
    commander = next(e["data"] for e in tree if e["data"].get("label", "").startswith("Col."))
    assert commander["kind"] == "commander"
    assert re.search(r"Col. Idris Maren</a> — +Brigade Commander <span class=\"tag commander", body)
    # The table ranks the people as the engagement planner does.
    ranked = [m.label for m in influence(world.alice, w["army"]).people]
    planner = [c.label for c in planner_centrality(influence_network(world.alice, w["army"]))]
    assert ranked[: len(planner)] == planner
    rows = re.findall(r'<tr data-node="n\d+"[^>]*>\s*<td class="num">(\d+|—)</td>', body)
    assert rows[: len(ranked)] == [str(i) for i in range(1, len(ranked) + 1)]
    assert [e["data"]["label"] for e in network if e["data"].get("central")] == planner
    # No record id in the pictures' JSON.
    for record in (w["colonel"], w["elder"], world.alice):
        assert str(record.pk) not in json.dumps(tree) + json.dumps(network)


def test_each_viewer_sees_only_what_they_may(shared: Any) -> None:
    world, w = shared
    _client, response = page(world, "bob", w["army"])
    body = response.content.decode()
    for hidden in ("Capt. Hidden Source", "Sgt. Secret Unit", "Special Detachment"):
        assert hidden not in body
    # The file's stakeholder who stands for the hidden source is not there either.
    assert "may not see" not in body
    assert "Col. Idris Maren" in body and "Elder of Orun" in body
    # Bob's centrality is computed on his graph: alice's less what he may not see.
    graph = influence_network(world.alice, w["army"])
    graph.remove_nodes_from([f"person:{w['secret'].pk}", f"person:{w['sergeant'].pk}"])
    expected = [m.label for m in rank_people(graph).people]
    assert [m.label for m in influence(world.bob, w["army"]).people] == expected
    network = json_of(body, "network-data")
    assert [e["data"]["label"] for e in network if "rank" in e["data"] and e["data"]["rank"]] == (
        expected
    )

    _client, response = page(world, "dave", w["army"])
    body = response.content.decode()
    assert "Pte. Kestrian Contact" in body
    for varnian in (*VARNIAN, "Alice"):
        assert varnian not in body
    assert labels(json_of(body, "network-data")) == {"Pte. Kestrian Contact"}


def test_a_hidden_bearer_answers_like_a_missing_one(shared: Any) -> None:
    world, w = shared
    client = Client()
    sign_in(client, world.dave)
    hidden = client.get(reverse("networks_bearer", args=[w["hidden_bearer"].pk]))
    missing = client.get(reverse("networks_bearer", args=["00000000-0000-0000-0000-000000000000"]))
    assert hidden.status_code == missing.status_code == 404
    assert page_body(hidden.content) == page_body(missing.content)
    assert client.get("/networks/bearer/not-an-id/").status_code == 404


def test_the_page_records_who_was_shown(shared: Any) -> None:
    world, w = shared
    before = AuditEvent.objects.count()
    page(world, "bob", w["army"])
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.bob, pk__gt=0)
    events = list(listed.order_by("-seq")[:2])
    assert AuditEvent.objects.count() > before
    shown = {str(i) for event in events for i in event.detail["ids"]}
    # Each record once, though the tree and the network both show the people.
    assert all(len(set(e.detail["ids"])) == len(e.detail["ids"]) for e in events)
    for name in ("general", "colonel", "major", "private"):
        assert (str(w[name].pk) in shown) == (name != "private")
    assert str(w["elder"].pk) in shown
    assert str(w["secret"].pk) not in shown and str(w["sergeant"].pk) not in shown


def test_the_profile_links_to_the_page_at_no_cost(shared: Any) -> None:
    world, w = shared
    client = Client()
    sign_in(client, world.bob)
    profile = client.get(reverse("bearer_detail", args=[w["army"].pk])).content.decode()
    assert reverse("networks_bearer", args=[w["army"].pk]) in profile
    assert count_queries(lambda: bearer_panels(world.bob, w["army"])) == 0


def test_the_page_costs_the_same_with_more_units_and_people(
    shared: Any, django_assert_num_queries: Any
) -> None:
    world, w = shared
    client, response = page(world, "alice", w["army"])
    assert response.status_code == 200
    url = reverse("networks_bearer", args=[w["army"].pk])
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    parent = w["battalion"]
    for i in range(3):
        parent = make_unit(world.bob, w["army"], f"Company {i}", parent=parent)
        person_in(world, world.alice, f"Lt. Extra {i}", w["army"], parent, "Platoon Leader")
    with django_assert_num_queries(PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert "Lt. Extra 2" in body and "Company 2" in body

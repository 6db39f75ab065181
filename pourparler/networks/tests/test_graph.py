"""The graph building on small known trees and graphs, without the database."""

from __future__ import annotations

import json
import uuid

import networkx as nx

from pourparler.bearers.choices import Echelon
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.networks.graph import (
    build_tree,
    commands,
    network_elements,
    rank_people,
    tree_elements,
)
from pourparler.people.models import Person, Position


def unit(name: str, parent: Unit | None = None, echelon: str = Echelon.BRIGADE) -> Unit:
    return Unit(id=uuid.uuid4(), name=name, parent=parent, echelon=echelon)


def post(name: str, where: Unit | None, title: str = "Staff Officer") -> Position:
    return Position(
        id=uuid.uuid4(),
        person=Person(id=uuid.uuid4(), full_name=name),
        unit=where,
        role_title=title,
    )


def test_a_title_says_who_commands_the_unit() -> None:
    battalion = unit("2nd Battalion", echelon=Echelon.BATTALION)
    company = unit("B Company", echelon=Echelon.COMPANY)
    for title in (
        "Brigade Commander",
        "Front Commander",
        "Chief of the General Staff",
        "Commandant de la légion",
        "Director-General of Police",
    ):
        assert commands(post("X", battalion, title), battalion), title
    for title in ("Deputy Battalion Commander", "Platoon Leader", "Legal Adviser", ""):
        assert not commands(post("X", battalion, title), battalion), title
    # A company commander commands a company, not the battalion he is posted at.
    assert not commands(post("X", battalion, "Company Commander"), battalion)
    assert commands(post("X", company, "Company Commander"), company)


def test_the_tree_puts_units_under_their_parents_and_people_in_their_units() -> None:
    staff = unit("General Staff", echelon=Echelon.HEADQUARTERS)
    north = unit("Northern Command", staff)
    brigade = unit("4th Brigade", north)
    south = unit("Southern Command", staff)
    # A unit whose parent the viewer may not see hangs from the top.
    orphan = unit("Special Detachment", unit("Hidden Command"))
    posts = [
        post("Zora Vell", brigade, "Brigade Operations Officer"),
        post("Idris Maren", brigade, "Brigade Commander"),
        post("Anna Oro", brigade, "Deputy Brigade Commander"),
        post("Oren Vasko", staff, "Chief of the General Staff"),
        post("Lina Sork", None, "Liaison Officer"),
        post("Ari Tamm", None, "Commander of the Army"),
    ]
    chain = build_tree([staff, north, brigade, south, orphan], posts)

    def shape(nodes: list) -> list:
        return [(n.unit.name, shape(n.children)) for n in nodes]

    assert shape(chain.roots) == [
        ("General Staff", [("Northern Command", [("4th Brigade", [])]), ("Southern Command", [])]),
        ("Special Detachment", []),
    ]
    four = chain.roots[0].children[0].children[0]
    assert [str(p.person) for p in four.commanders] == ["Idris Maren"]
    # Commanders first, the others by name.
    assert [str(p.person) for p in four.people] == ["Idris Maren", "Anna Oro", "Zora Vell"]
    assert [str(p.person) for p in chain.roots[0].commanders] == ["Oren Vasko"]
    assert [str(p.person) for p in chain.unplaced] == ["Ari Tamm", "Lina Sork"]
    assert [str(p.person) for p in chain.unplaced_commanders] == ["Ari Tamm"]
    assert chain.unit_count == 5
    assert len(chain.person_ids) == 6
    assert [n.unit.name for n in chain.walk()] == [
        "General Staff",
        "Northern Command",
        "4th Brigade",
        "Southern Command",
        "Special Detachment",
    ]

    elements = tree_elements(WeaponBearer(name="Varnian Armed Forces"), chain)
    nodes = {e["data"]["id"]: e["data"] for e in elements if "source" not in e["data"]}
    edges = {(e["data"]["source"], e["data"]["target"]) for e in elements if "source" in e["data"]}
    by_label = {d["label"].split("\n")[0]: i for i, d in nodes.items()}
    assert (by_label["General Staff"], by_label["Northern Command"]) in edges
    assert (by_label["Northern Command"], by_label["4th Brigade"]) in edges
    assert ("b", by_label["Special Detachment"]) in edges
    assert (by_label["4th Brigade"], by_label["Idris Maren"]) in edges
    assert ("b", by_label["Lina Sork"]) in edges
    assert nodes[by_label["Ari Tamm"]]["kind"] == "commander"
    assert nodes[by_label["Lina Sork"]]["kind"] == "person"
    assert nodes[by_label["Idris Maren"]]["kind"] == "commander"
    assert nodes[by_label["Zora Vell"]]["kind"] == "person"
    # Every node but the bearer has exactly one parent: a tree.
    targets = [t for _s, t in edges]
    assert sorted(targets) == sorted(i for i in nodes if i != "b")


def graph(*edges: tuple[str, str, int], staff: tuple[str, ...] = ()) -> nx.Graph:
    g = nx.Graph()
    for a, b, weight in edges:
        for node in (a, b):
            kind = "staff" if node in staff else "person"
            g.add_node(node, label=node.split(":")[1], kind=kind)
        g.add_edge(a, b, weight=weight)
    return g


def test_the_broker_between_two_circles_ranks_first() -> None:
    # Two triangles joined only through Bram: everyone's shortest way passes him.
    g = graph(
        ("p:Ada", "p:Ben", 2),
        ("p:Ben", "p:Cai", 2),
        ("p:Ada", "p:Cai", 2),
        ("p:Dov", "p:Eli", 2),
        ("p:Eli", "p:Fay", 2),
        ("p:Dov", "p:Fay", 2),
        ("p:Ada", "p:Bram", 2),
        ("p:Bram", "p:Dov", 2),
    )
    network = rank_people(g, limit=3)
    order = [m.label for m in network.people]
    assert order[0] == "Bram"
    # Ada and Dov hold the two ends of the bridge: next, in name order (same scores).
    assert order[1:3] == ["Ada", "Dov"]
    assert [m.label for m in network.central] == ["Bram", "Ada", "Dov"]
    assert [m.rank for m in network.people] == [1, 2, 3, 4, 5, 6, 7]
    bram = network.people[0]
    assert set(bram.links) == {"Ada", "Dov"}


def test_a_strong_tie_is_a_short_way() -> None:
    # A square: Ben and Dov have the same degree, but the way from Ada to Cai through
    # Ben is made of strong ties, through Dov of loose ones.
    g = graph(
        ("p:Ada", "p:Ben", 3), ("p:Ben", "p:Cai", 3), ("p:Cai", "p:Dov", 1), ("p:Dov", "p:Ada", 1)
    )
    order = [m.label for m in rank_people(g).people]
    assert order.index("Ben") < order.index("Dov")
    loose = graph(
        ("p:Ada", "p:Ben", 1), ("p:Ben", "p:Cai", 1), ("p:Cai", "p:Dov", 3), ("p:Dov", "p:Ada", 3)
    )
    order = [m.label for m in rank_people(loose).people]
    assert order.index("Dov") < order.index("Ben")


def test_our_staff_are_drawn_but_not_ranked() -> None:
    g = graph(
        ("s:Alice", "p:Ada", 3), ("s:Alice", "p:Ben", 3), ("p:Ben", "p:Cai", 2), staff=("s:Alice",)
    )
    network = rank_people(g, limit=1)
    alice = next(m for m in network.members if m.kind == "staff")
    assert alice.rank is None and not alice.central
    # Alice brokers between Ada and the others, yet the first ranked is one of theirs.
    assert network.people[0].label == "Ben"
    assert [m.label for m in network.central] == ["Ben"]
    assert network.members[-1] is alice

    elements = network_elements(network)
    text = json.dumps(elements)
    assert "s:Alice" not in text and "p:Ben" not in text
    nodes = [e["data"] for e in elements if "source" not in e["data"]]
    edges = [e["data"] for e in elements if "source" in e["data"]]
    assert len(nodes) == 4 and len(edges) == 3
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)
    ben = next(n for n in nodes if n["label"] == "Ben")
    assert ben["central"] and ben["score"] == 1.0
    assert next(n for n in nodes if n["label"] == "Alice")["score"] == 0.0


def test_an_empty_network() -> None:
    network = rank_people(nx.Graph())
    assert network.members == [] and network.edges == [] and network.central == []
    assert network_elements(network) == []

"""What the networks page draws: a bearer's chain of command and the influence network.

Two builders, each reading only through ``visible_to(user)``:

* ``chain_of_command(user, bearer)``: the bearer's units as a tree (the tree of the
  bearer profile, ``bearers.views._unit_tree``), each unit with the people we know there
  from their current posts, its commanders first. A unit the viewer may not see is
  absent, and so are the posts in it; its visible sub-units hang from the top.
* ``influence(user, bearer)``: the network the engagement planner builds
  (``engagement.planner.influence_network``: current posts in the units, our staff's
  relationships, the negotiation files' stakeholders and links) less the stakeholders
  who stand for a hidden person, ranked by the same centrality
  (``negotiation.graph.centrality``: betweenness over distances, then degree) computed
  on that visible graph only.

``rank_people(graph)`` and ``build_tree(units, positions)`` are pure: the tests check
them on small graphs and trees of their own. ``tree_elements`` and
``network_elements`` turn the results into the elements Cytoscape.js draws.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from pourparler.bearers.choices import Echelon
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.bearers.views import _unit_tree
from pourparler.core.text import fold
from pourparler.engagement.planner import CENTRAL_LIMIT, influence_network
from pourparler.negotiation.graph import centrality
from pourparler.people.models import Position

# Words of a post title that name the one who commands the unit (folded, no accents).
COMMAND_WORDS = (
    "commander",
    "commandant",
    "commander-in-chief",
    "chief of the general staff",
    "director-general",
    "director general",
    "leader",
)
# Words that make such a title someone else's: a deputy, or the commander of a smaller
# unit inside it (a platoon commander posted at a battalion does not command it).
NOT_COMMAND_WORDS = ("deputy", "vice", "assistant", "second-in-command", "platoon", "squad")


def commands(position: Position, unit: Unit | None) -> bool:
    """Say whether a post's title names the commander of the unit it is held in.

    The register has no "commands this unit" field, so the title decides: "Brigade
    Commander", "Front Commander", "Chief of the General Staff" command; "Deputy
    Commander" and "Platoon Leader" do not; "Company Commander" commands a company, not
    the battalion it belongs to.
    """
    title = fold(position.role_title or "")
    if not any(word in title for word in COMMAND_WORDS):
        return False
    if any(word in title for word in NOT_COMMAND_WORDS):
        return False
    return not ("company" in title and unit is not None and unit.echelon != Echelon.COMPANY)


@dataclass
class UnitNode:
    """A unit in the tree, the people we know there and the units under it."""

    unit: Unit
    commanders: list[Position] = field(default_factory=list)
    members: list[Position] = field(default_factory=list)
    children: list[UnitNode] = field(default_factory=list)

    @property
    def people(self) -> list[Position]:
        """Commanders first, then the others."""
        return [*self.commanders, *self.members]


@dataclass
class ChainOfCommand:
    """A bearer's units as a tree, and the people known in the bearer outside any unit."""

    roots: list[UnitNode]
    unplaced: list[Position]
    unit_count: int
    person_ids: list[Any]

    @property
    def unplaced_commanders(self) -> list[Position]:
        """The posts outside any unit whose title commands the whole bearer."""
        return [p for p in self.unplaced if commands(p, None)]

    def walk(self) -> Iterable[UnitNode]:
        """Every unit of the tree, parents before their children."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _by_name(position: Position) -> tuple[str, str]:
    # Names are encrypted: SQL cannot sort by them, so the page sorts them here.
    return (fold(str(position.person)), str(position.pk))


def build_tree(units: list[Unit], positions: Iterable[Position]) -> ChainOfCommand:
    """Arrange units into their chain of command and put each post in its unit."""
    by_unit: dict[Any, list[Position]] = defaultdict(list)
    for position in positions:
        by_unit[position.unit_id].append(position)
    known = {unit.pk for unit in units}

    def node_of(raw: dict[str, Any]) -> UnitNode:
        unit = raw["unit"]
        held = sorted(by_unit.get(unit.pk, []), key=_by_name)
        return UnitNode(
            unit=unit,
            commanders=[p for p in held if commands(p, unit)],
            members=[p for p in held if not commands(p, unit)],
            children=[node_of(child) for child in raw["children"]],
        )

    roots = [node_of(raw) for raw in _unit_tree(units)]
    # A post with no unit (or, defensively, in a unit not in the tree) is the bearer's.
    unplaced = sorted(
        (p for unit_id, held in by_unit.items() if unit_id not in known for p in held),
        key=_by_name,
    )
    people = list(dict.fromkeys(p.person_id for held in by_unit.values() for p in held))
    return ChainOfCommand(roots=roots, unplaced=unplaced, unit_count=len(units), person_ids=people)


def current_positions(user: Any, bearer: WeaponBearer) -> list[Position]:
    """The posts held now in the bearer, each with its person and unit, that the user
    may see (a post is hidden with its person or its unit)."""
    return list(
        Position.objects.visible_to(user)
        .filter(bearer=bearer, ends_on__isnull=True)
        .select_related("person", "unit")
        .order_by("created_at", "id")
    )


def chain_of_command(
    user: Any, bearer: WeaponBearer, positions: list[Position] | None = None
) -> ChainOfCommand:
    """The bearer's chain of command as the user may see it."""
    units = list(Unit.objects.visible_to(user).filter(bearer=bearer).order_by("name", "id"))
    if positions is None:
        positions = current_positions(user, bearer)
    return build_tree(units, positions)


# --- The influence network -----------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One node of the influence network, as the table and the picture show it."""

    node: str
    label: str
    kind: str
    rank: int | None
    central: bool
    betweenness: float
    degree: float
    level: str = ""
    person_id: Any = None
    held_by: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass
class Network:
    """The influence network around a bearer, ranked."""

    members: list[Member]
    edges: list[tuple[str, str, int]]

    @property
    def people(self) -> list[Member]:
        """The ranked members (people of the register and outsiders), most central first."""
        return [m for m in self.members if m.rank is not None]

    @property
    def central(self) -> list[Member]:
        """The most central people, highlighted in the picture."""
        return [m for m in self.members if m.central]

    def ids_of(self, kind: str) -> list[str]:
        """The record ids behind the nodes of one kind ("person", "outsider")."""
        return [m.node.split(":", 1)[1] for m in self.members if m.kind == kind]


def rank_people(graph: nx.Graph, limit: int = CENTRAL_LIMIT) -> Network:
    """Rank the people of a network by centrality and mark the ``limit`` most central.

    Our staff are nodes (a relationship we hold is a way between people) but are not
    ranked: the ranking is about the bearer's side. The measure is the planner's and the
    negotiation file's: betweenness over distances (1 / weight: a strong tie is a short
    way), then degree, then name, so this page and the engagement plan agree.
    """
    rows = centrality(graph)
    rank = 0
    members = []
    for row in rows:
        node = row["node"]
        data = graph.nodes[node]
        kind = str(data.get("kind", "person"))
        place: int | None = None
        if kind != "staff":
            rank += 1
            place = rank
        neighbours = sorted(
            (str(graph.nodes[other].get("label", other)) for other in graph.neighbors(node)),
            key=fold,
        )
        members.append(
            Member(
                node=node,
                label=str(row["label"]),
                kind=kind,
                rank=place,
                central=place is not None and place <= limit,
                betweenness=row["betweenness"],
                degree=row["degree"],
                level=str(data.get("level", "") or ""),
                person_id=data.get("person"),
                held_by=tuple(data.get("held_by", ())),
                links=tuple(neighbours),
            )
        )
    # Staff after the people, in name order.
    members.sort(key=lambda m: (m.rank is None, m.rank or 0, fold(m.label)))
    edges = sorted(
        (str(a), str(b), int(data.get("weight", 1))) for a, b, data in graph.edges(data=True)
    )
    return Network(members=members, edges=edges)


def visible_network(user: Any, bearer: WeaponBearer) -> nx.Graph:
    """The planner's network around the bearer as the user may see it.

    A negotiation-file stakeholder standing for a person the user may not see is absent,
    ties and all (pourparler/negotiation/graph.py leaves it out): as a node it would still
    say that someone hidden is there, and it would weigh on everyone's centrality.
    """
    return influence_network(user, bearer)


def influence(user: Any, bearer: WeaponBearer) -> Network:
    """The influence network around the bearer as the user may see it, ranked over the
    visible graph only."""
    return rank_people(visible_network(user, bearer))


# --- Elements for Cytoscape.js ------------------------------------------------------


def tree_elements(bearer: WeaponBearer, chain: ChainOfCommand) -> list[dict[str, Any]]:
    """Nodes and edges of the chain-of-command picture: the bearer at the top, its
    units under it, and the people we know hanging from their unit."""
    elements: list[dict[str, Any]] = [{"data": {"id": "b", "label": bearer.name, "kind": "bearer"}}]
    ids: dict[Any, str] = {}

    def person(position: Position, parent: str, commander: bool) -> None:
        node = f"{parent}p{len(elements)}"
        title = " ".join(part for part in (position.rank, position.role_title) if part)
        elements.append(
            {
                "data": {
                    "id": node,
                    "label": f"{position.person}\n{title}" if title else str(position.person),
                    "kind": "commander" if commander else "person",
                }
            }
        )
        elements.append({"data": {"id": f"e{node}", "source": parent, "target": node}})

    for number, item in enumerate(chain.walk()):
        node = f"u{number}"
        ids[item.unit.pk] = node
        elements.append(
            {
                "data": {
                    "id": node,
                    "label": f"{item.unit.name}\n{item.unit.get_echelon_display()}",
                    "kind": "unit",
                }
            }
        )
        parent = ids.get(item.unit.parent_id, "b")
        elements.append({"data": {"id": f"e{node}", "source": parent, "target": node}})
        for position in item.commanders:
            person(position, node, True)
        for position in item.members:
            person(position, node, False)
    commanders = chain.unplaced_commanders
    for position in chain.unplaced:
        person(position, "b", position in commanders)
    return elements


def network_elements(network: Network) -> list[dict[str, Any]]:
    """Nodes and edges of the influence picture, with short ids: the picture's JSON
    names no record, only what the table beside it shows."""
    ids = {member.node: f"n{i}" for i, member in enumerate(network.members)}
    elements: list[dict[str, Any]] = []
    count = max(len(network.people), 1)
    for member in network.members:
        # The most central are drawn in the middle and larger.
        score = (count - member.rank + 1) / count if member.rank is not None else 0.0
        elements.append(
            {
                "data": {
                    "id": ids[member.node],
                    "label": member.label,
                    "kind": member.kind,
                    "central": member.central,
                    "rank": member.rank,
                    "score": round(score, 3),
                }
            }
        )
    for a, b, weight in network.edges:
        elements.append(
            {
                "data": {
                    "id": f"{ids[a]}-{ids[b]}",
                    "source": ids[a],
                    "target": ids[b],
                    "weight": weight,
                }
            }
        )
    return elements

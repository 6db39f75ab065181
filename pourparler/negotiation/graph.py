"""The network of influence around a counterpart, as a graph.

``influence_graph(user, file_or_bearer)`` reads only what the user may see and returns a
``networkx.Graph`` for the engagement planner and the network view: one node per person
of the register (the same person in two files is one node) or per named outsider, one
per counterpart, and weighted edges:

* stakeholder — counterpart, weighted by the stakeholder's influence (0 adds no edge);
* stakeholder — stakeholder, weighted by the strength of the link between them.

A stakeholder standing for a person the user may not see is left out with its links.

Node attributes: ``label``, ``kind`` ("person" or "outsider"), ``counterpart`` (bool),
``influence`` and ``proximity`` (the highest seen for a node in several files), and
``person`` (the person's id, or None).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from django.db.models import Prefetch

from pourparler.bearers.models import WeaponBearer
from pourparler.negotiation.models import NegotiationFile, Stakeholder, StakeholderLink
from pourparler.people.models import Person


def _node_of(stakeholder: Stakeholder) -> str:
    if stakeholder.person_id is not None and stakeholder.person is not None:
        return f"person:{stakeholder.person_id}"
    return f"stakeholder:{stakeholder.pk}"


def _add(graph: nx.Graph, node: str, **attrs: Any) -> None:
    if node not in graph:
        graph.add_node(node, **attrs)
        return
    data = graph.nodes[node]
    data["counterpart"] = data.get("counterpart", False) or attrs.get("counterpart", False)
    for key in ("influence", "proximity"):
        if attrs.get(key) is not None:
            data[key] = max(data.get(key) or attrs[key], attrs[key])


def _join(graph: nx.Graph, a: str, b: str, weight: int) -> None:
    if a == b or weight <= 0:
        return
    if graph.has_edge(a, b):
        graph[a][b]["weight"] = max(graph[a][b]["weight"], weight)
    else:
        graph.add_edge(a, b, weight=weight)


def influence_graph(user: Any, file_or_bearer: NegotiationFile | WeaponBearer) -> nx.Graph:
    """Return the network of influence of one file, or of every file about a bearer,
    built only from what the user may see."""
    files = NegotiationFile.objects.visible_to(user)
    if isinstance(file_or_bearer, WeaponBearer):
        files = files.filter(bearer=file_or_bearer)
    else:
        files = files.filter(pk=file_or_bearer.pk)
    people = Person.objects.visible_to(user)
    lookups: list[Prefetch[Any]] = [
        Prefetch("counterparts", queryset=people),
        Prefetch(
            "stakeholders",
            queryset=Stakeholder.objects.visible_to(user).prefetch_related(
                Prefetch("person", queryset=people)
            ),
        ),
        Prefetch("stakeholder_links", queryset=StakeholderLink.objects.visible_to(user)),
    ]
    files = files.prefetch_related(*lookups)
    return graph_of_files(files)


def graph_of_files(files: Any) -> nx.Graph:
    """Build the graph from files fetched with their counterparts, stakeholders (with
    their person) and links through the read path, as ``influence_graph`` fetches them."""
    graph = nx.Graph()
    for file in files:
        counterparts = []
        for person in file.counterparts.all():
            node = f"person:{person.pk}"
            _add(
                graph,
                node,
                label=str(person),
                kind="person",
                counterpart=True,
                influence=None,
                proximity=None,
                person=person.pk,
            )
            counterparts.append(node)
        nodes: dict[Any, str] = {}
        for stakeholder in file.stakeholders.all():
            if stakeholder.person_id is not None and stakeholder.person is None:
                # A person the reader may not see: absent, ties and all. As a node of its
                # own it would say that someone hidden is there, and weigh on everyone's
                # centrality.
                continue
            node = _node_of(stakeholder)
            nodes[stakeholder.pk] = node
            person = stakeholder.person if stakeholder.person_id else None
            _add(
                graph,
                node,
                label=stakeholder.label,
                kind="person" if person is not None else "outsider",
                counterpart=False,
                influence=stakeholder.influence,
                proximity=stakeholder.proximity,
                person=person.pk if person is not None else None,
            )
            for counterpart in counterparts:
                _join(graph, node, counterpart, stakeholder.influence)
        for link in file.stakeholder_links.all():
            if link.source_id in nodes and link.target_id in nodes:
                _join(graph, nodes[link.source_id], nodes[link.target_id], link.strength)
    return graph


def centrality(graph: nx.Graph) -> list[dict[str, Any]]:
    """Rank the nodes by betweenness, then degree centrality (who brokers, who is tied)."""
    if graph.number_of_nodes() == 0:
        return []
    degree = nx.degree_centrality(graph)
    # Betweenness over distances: a strong tie is a short way.
    for _a, _b, data in graph.edges(data=True):
        data["distance"] = 1 / data["weight"]
    between = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    rows = [
        {
            "node": node,
            "label": data.get("label", node),
            "counterpart": data.get("counterpart", False),
            "influence": data.get("influence"),
            "proximity": data.get("proximity"),
            "degree": round(degree[node], 2),
            "betweenness": round(between[node], 2),
        }
        for node, data in graph.nodes(data=True)
    ]
    return sorted(rows, key=lambda row: (-row["betweenness"], -row["degree"], row["label"]))

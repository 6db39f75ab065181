"""The networks page of a bearer: its chain of command and the influence network."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import get_visible_or_404
from pourparler.core.http import AuthedRequest
from pourparler.engagement.planner import CENTRAL_LIMIT
from pourparler.negotiation.models import Stakeholder
from pourparler.networks.graph import (
    chain_of_command,
    current_positions,
    influence,
    network_elements,
    tree_elements,
)
from pourparler.people.models import Person, Position
from pourparler.ui import extensions


def bearer_networks(request: AuthedRequest, bearer_pk: str) -> HttpResponse:
    """Show a bearer's chain of command as a tree and the influence network around it,
    each as a picture with a list or a table beside it."""
    user = request.user
    bearer = get_visible_or_404(WeaponBearer, user, bearer_pk)
    positions = current_positions(user, bearer)
    chain = chain_of_command(user, bearer, positions)
    network = influence(user, bearer)
    posts: dict[Any, list[Position]] = defaultdict(list)
    for position in positions:
        posts[position.person_id].append(position)
    rows = [{"member": m, "posts": posts.get(m.person_id, [])} for m in network.members]
    # The page names people and stakeholders: an audited read of each one shown.
    people = list(dict.fromkeys(str(pk) for pk in [*chain.person_ids, *network.ids_of("person")]))
    extensions.audit_shown(user, also={Person: people, Stakeholder: network.ids_of("outsider")})
    context = {
        "nav": "bearers",
        "bearer": bearer,
        "chain": chain,
        "network": network,
        "rows": rows,
        "central_limit": CENTRAL_LIMIT,
        "tree_elements": tree_elements(bearer, chain),
        "network_elements": network_elements(network),
    }
    return render(request, "networks/bearer.html", context)

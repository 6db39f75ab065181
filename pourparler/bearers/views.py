"""Pages of the bearer registry: the list and the bearer profile."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render

from pourparler.bearers.choices import BearerKind, Level
from pourparler.bearers.models import (
    BearerName,
    BearerRelation,
    ExternalId,
    Unit,
    WeaponBearer,
)
from pourparler.core.access import get_visible_or_404
from pourparler.core.http import AuthedRequest
from pourparler.core.models import Delegation
from pourparler.core.text import fold
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.geo.models import Country
from pourparler.people.models import Person, Position
from pourparler.ui import extensions
from pourparler.ui.paging import page_of, query_without_page

# How many entries the bearer timeline shows, newest first.
TIMELINE_LENGTH = 30


def bearer_list(request: AuthedRequest) -> HttpResponse:
    """List bearers, filtered by kind, country, delegation and a name or alias."""
    user = request.user
    bearers = WeaponBearer.objects.visible_to(user).prefetch_related(
        Prefetch("countries", queryset=Country.objects.visible_to(user))
    )
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    country = request.GET.get("country", "")
    delegation = request.GET.get("delegation", "")
    if query:
        # Bearer names stay searchable in plaintext on purpose: the bearer registry is
        # organisation-wide reference data, not confidential (people's names are: they
        # are found by a blind index, see people/views.py).
        bearers = bearers.filter(search_text__contains=fold(query))
    if kind in BearerKind.values:
        bearers = bearers.filter(kind=kind)
    if country:
        bearers = bearers.filter(countries__iso2=country.upper())
    if delegation:
        covered = Delegation.objects.visible_to(user).filter(code=delegation).values("countries")
        bearers = bearers.filter(countries__in=covered)
    bearers = bearers.distinct().order_by("name")
    used_countries = (
        Country.objects.visible_to(user)
        .filter(bearers__in=WeaponBearer.objects.visible_to(user))
        .distinct()
    )
    context = {
        "nav": "bearers",
        "page": page_of(bearers, request),
        "pager_query": query_without_page(request),
        "kinds": BearerKind.choices,
        "countries": used_countries,
        "delegations": Delegation.objects.visible_to(user).filter(is_headquarters=False),
        "filters": {"q": query, "kind": kind, "country": country, "delegation": delegation},
    }
    return render(request, "bearers/bearer_list.html", context)


def _unit_tree(units: list[Unit]) -> list[dict[str, Any]]:
    """Arrange units into their chain of command (roots first, children under parents)."""
    children: dict[Any, list[Unit]] = defaultdict(list)
    ids = {u.pk for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children[parent].append(unit)

    def build(parent: Any) -> list[dict[str, Any]]:
        return [{"unit": u, "children": build(u.pk)} for u in children.get(parent, [])]

    return build(None)


def bearer_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """Show a bearer's profile: structure, people by level, dialogue and what is open."""
    user = request.user
    bearer = get_visible_or_404(WeaponBearer, user, pk)
    units = list(Unit.objects.visible_to(user).filter(bearer=bearer).order_by("name"))
    positions = (
        Position.objects.visible_to(user)
        .filter(bearer=bearer, ends_on__isnull=True)
        .select_related("person", "unit")
        .order_by("person__created_at")
    )
    people_by_level: dict[str, list[Position]] = {value: [] for value in Level.values}
    # People's names are encrypted: SQL cannot sort by them, so sort here.
    ordered = sorted(positions, key=lambda p: fold(p.person.full_name))
    for position in ordered:
        people_by_level[position.level].append(position)
    interactions = Interaction.objects.visible_to(user).filter(bearers=bearer)
    last_contact = dict(
        interactions.order_by().values_list("level").annotate(last=Max("occurred_at"))
    )
    relations = (
        BearerRelation.objects.visible_to(user)
        .filter(Q(subject=bearer) | Q(other=bearer))
        .select_related("subject", "other")
    )
    timeline = extensions.bearer_timeline(user, bearer, TIMELINE_LENGTH)
    panels = extensions.bearer_panels(user, bearer)
    # The profile names people and shows dialogue: every record shown is an audited read.
    extensions.audit_shown(
        user, timeline, panels, also={Person: [position.person_id for position in ordered]}
    )
    context = {
        "nav": "bearers",
        "bearer": bearer,
        "names": BearerName.objects.visible_to(user).filter(bearer=bearer),
        "external_ids": ExternalId.objects.visible_to(user).filter(bearer=bearer),
        "countries": Country.objects.visible_to(user).filter(bearers=bearer),
        "relations": relations,
        "tree": _unit_tree(units),
        "levels": [
            {
                "value": value,
                "label": label,
                "positions": people_by_level[value],
                "last_contact": last_contact.get(value),
            }
            for value, label in Level.choices
        ],
        "timeline": timeline,
        "panels": panels,
        "follow_ups": FollowUp.objects.visible_to(user)
        .filter(status=FollowUpStatus.OPEN, interaction__in=interactions.values("pk"))
        .select_related("owner")
        .order_by("due_on")[:20],
    }
    return render(request, "bearers/bearer_detail.html", context)

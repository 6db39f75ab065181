"""/search/: one box over bearers, people, interactions and concerns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.models import Concern
from pourparler.core.audit import record_lists
from pourparler.core.http import AuthedRequest
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.search.query import compartments_of, matching

# What one kind shows at most; "more" says there are others, without counting them all.
SHOWN = 20


@dataclass
class Found:
    key: str
    rows: list[Any]
    more: bool


def _first(records: Any) -> tuple[list[Any], bool]:
    rows = list(records[: SHOWN + 1])
    return rows[:SHOWN], len(rows) > SHOWN


def search(request: AuthedRequest) -> HttpResponse:
    """Search every kind the user may see; each kind is one query with visibility in it."""
    user = request.user
    query = request.GET.get("q", "").strip()[:200]
    found: list[Found] = []
    if query:
        kinds = (
            ("bearers", WeaponBearer.objects.visible_to(user).order_by("name")),
            ("people", Person.objects.visible_to(user).select_related("compartment")),
            (
                "interactions",
                Interaction.objects.visible_to(user)
                .select_related("compartment")
                .order_by("-occurred_at", "id"),
            ),
            (
                "concerns",
                Concern.objects.visible_to(user)
                .select_related("compartment")
                .order_by("-opened_on", "id"),
            ),
        )
        compartments = compartments_of(user)
        for key, records in kinds:
            rows, more = _first(matching(records, query, user, compartments))
            found.append(Found(key, rows, more))
        # The search words are not logged: they can be a name. What was shown is.
        record_lists(user, {_MODELS[f.key]: f.rows for f in found})
    context = {"nav": "search", "q": query, "found": found}
    return render(request, "search/search.html", context)


_MODELS = {
    "bearers": WeaponBearer,
    "people": Person,
    "interactions": Interaction,
    "concerns": Concern,
}

"""What the benchmarks read from the generated world: who signs in, and the inputs.

Inputs are drawn from the world itself (bearers the delegate works with, words of their
people's names and of their interactions' summaries), in a fixed order from a seeded
``random.Random``, so two runs on the same world send the same requests.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.models import Concern
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person

_WORD = re.compile(r"[^\W\d_]{5,}")
_NAME_WORD = re.compile(r"[^\W\d_]{3,}")
PAGE_SIZE = 50


@dataclass
class BenchWorld:
    """The accounts and the inputs every endpoint draws from."""

    delegate: User
    compartment: uuid.UUID
    analyst: User
    head: User
    delegates: list[User]
    bearers: list[uuid.UUID]
    bearer_filters: list[tuple[str, str]]
    interaction_pages: int
    interactions: list[uuid.UUID]
    name_words: list[str]
    summary_words: list[str]
    content_types: dict[str, int] = field(default_factory=dict)

    def cycle(self, values: list[Any], n: int, salt: str) -> list[Any]:
        """``n`` values drawn from ``values`` in a fixed shuffled order, repeating."""
        if not values:
            raise ValueError(f"The world has nothing to draw for {salt}.")
        order = list(values)
        random.Random(f"bench:{salt}").shuffle(order)
        return [order[i % len(order)] for i in range(n)]


def _words(texts: list[str], pattern: re.Pattern[str], limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for word in pattern.findall(text or ""):
            seen.setdefault(word.lower(), None)
    return sorted(seen)[:limit]


def busiest_compartment() -> uuid.UUID:
    """The delegation with the most interactions (ties: the smallest id)."""
    row = (
        Interaction._base_manager.filter(deleted_at__isnull=True)
        .values("compartment")
        .annotate(n=Count("id"))
        .order_by("-n", "compartment")
        .first()
    )
    if row is None:
        raise ValueError("No interaction in the database: generate a world first.")
    return uuid.UUID(str(row["compartment"]))


def load_world() -> BenchWorld:
    """Read the accounts and inputs from a generated world."""
    compartment = busiest_compartment()
    code = Delegation._base_manager.get(pk=compartment).code
    delegate = User.objects.get(username=f"{code}.delegate1")
    head = User.objects.get(username=f"{code}.head")
    analyst = User.objects.get(username="hq.analyst1")
    delegates = list(User.objects.filter(username__endswith=".delegate1").order_by("username"))
    live = {"deleted_at__isnull": True, "restricted": False}
    links = Interaction.bearers.through.objects.filter(interaction__compartment_id=compartment)
    linked = set(links.values_list("weaponbearer_id", flat=True).distinct())
    bearers = sorted(
        WeaponBearer._base_manager.filter(pk__in=linked, **live).values_list("pk", flat=True)
    )
    through = WeaponBearer.countries.through.objects.filter(
        weaponbearer__deleted_at__isnull=True, weaponbearer__restricted=False
    )
    pairs = set(through.values_list("weaponbearer__kind", "country__iso2").distinct())
    # Half the requests filter by kind alone (a fuller page), half by kind and country.
    bearer_filters = sorted(pairs) + sorted({(kind, "") for kind, _ in pairs}) * 4
    visible = Interaction._base_manager.filter(compartment_id=compartment, **live)
    total = visible.count()
    interactions = list(visible.order_by("-occurred_at").values_list("pk", flat=True)[:2000])
    summaries = [i.summary for i in visible.order_by("-occurred_at")[:400]]
    people = Person._base_manager.filter(compartment_id=compartment, **live).order_by("pk")[:400]
    return BenchWorld(
        delegate=delegate,
        compartment=compartment,
        analyst=analyst,
        head=head,
        delegates=delegates,
        bearers=bearers,
        bearer_filters=bearer_filters,
        interaction_pages=max(1, min(10, total // PAGE_SIZE)),
        interactions=interactions,
        name_words=_words([p.full_name for p in people], _NAME_WORD, 300),
        summary_words=_words(summaries, _WORD, 300),
        content_types={
            key: ContentType.objects.get_for_model(model).pk
            for key, model in (
                ("bearers", WeaponBearer),
                ("people", Person),
                ("interactions", Interaction),
                ("concerns", Concern),
            )
        },
    )

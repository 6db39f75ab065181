"""Finding people by name without their names in plaintext: the blind index."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from pourparler.core.access import RestrictedQuerySet
from pourparler.core.crypto import query_tokens
from pourparler.core.models import Delegation
from pourparler.people.models import Person


def matching(
    people: RestrictedQuerySet[Person], query: str, user: Any
) -> RestrictedQuerySet[Person]:
    """Keep the people whose blind index holds every word of the query (whole words or
    beginnings of 3 letters or more). Each compartment has its own search key, so the
    query is hashed once per compartment."""
    compartments: list[uuid.UUID | None] = [None]
    compartments += Delegation.objects.visible_to(user).values_list("pk", flat=True)
    condition = Q()
    for compartment_id in compartments:
        tokens = query_tokens(compartment_id, query)
        if not tokens:
            return people
        clause = Q(compartment_id=compartment_id)
        for token in tokens:
            clause &= Q(search_tokens__contains=token)
        condition |= clause
    return people.filter(condition)

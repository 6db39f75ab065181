"""Searching with the index, visibility applied in the same query.

``matching(records, query, user)`` narrows a queryset the caller already got from
``visible_to`` to the records whose entry holds every word of the query: one SQL
statement, in which the full-text match is a subquery beside the visibility conditions,
so nothing the user may not see is ever read, counted or ranked.

A word of the query matches an entry when the entry's plaintext has words beginning with
it (``armee`` finds "Forces armées"), or when the entry's blind tokens hold the word's
token in one of the compartments the user can reach (confidential names by whole words
or their beginnings of 3 letters or more; summaries and notes by whole words).
"""

from __future__ import annotations

import re
import uuid
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

from pourparler.core import crypto
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation
from pourparler.search.backends import match_condition
from pourparler.search.models import SearchEntry

_M = TypeVar("_M", bound=Model)
_PARTS = re.compile(r"[^\W_]+")
# A grant on a bearer (access.py) opens records about it in any compartment.
BEARER_LABEL = "bearers.WeaponBearer"
# A search of more words than this is cut: each word costs a term per compartment.
MAX_WORDS = 8


def compartments_of(user: Any) -> list[uuid.UUID | None]:
    """Organisation-wide (None) and the compartments whose records the user may read:
    their postings' and granted delegations, the compartments of records granted to them
    one by one, every compartment for headquarters readers (and for a grant on a bearer,
    which opens records about it wherever they are kept). A word is hashed once for each:
    the other compartments' tokens could match nothing the user may see anyway."""
    clearance = clearance_for(user)
    if clearance is None:
        return [None]
    by_bearer = any(label == BEARER_LABEL for label, _action in clearance.record_grants)
    if clearance.reads_every_compartment or by_bearer:
        every = Delegation.objects.visible_to(user).values_list("pk", flat=True)
        return [None, *sorted(every)]
    found = set(clearance.read_compartments)
    for (label, action), ids in clearance.record_grants.items():
        if action == "view":
            granted = apps.get_model(label)._base_manager.filter(pk__in=ids)
            found.update(c for c in granted.values_list("compartment_id", flat=True) if c)
    return [None, *sorted(found)]


def terms_for(
    query: str, compartments: list[uuid.UUID | None]
) -> list[tuple[list[str], list[str]]]:
    """Each word of the query as (its plaintext parts, its blind tokens per compartment)."""
    terms = []
    for word in crypto.query_words(query)[:MAX_WORDS]:
        parts = _PARTS.findall(word)
        tokens = [crypto.blind_word(c, word) for c in compartments]
        if parts or tokens:
            terms.append((parts, tokens))
    return terms


def matching(
    records: QuerySet[_M],
    query: str,
    user: Any,
    compartments: list[uuid.UUID | None] | None = None,
) -> QuerySet[_M]:
    """Keep the records of ``records`` (already visible_to the user) matching the query.

    ``compartments`` is ``compartments_of(user)`` when the caller searches several kinds.
    """
    if compartments is None:
        compartments = compartments_of(user)
    terms = terms_for(query, compartments)
    if not terms:
        return records
    sql, params = match_condition(connection.vendor, terms)
    content_type = ContentType.objects.get_for_model(records.model)
    entries = SearchEntry.objects.filter(content_type=content_type)
    # S611: the SQL text is a constant of backends.py; the user's words are only ever in
    # ``params``, which the driver binds (never formatted into the text).
    if connection.vendor == "sqlite":
        entries = entries.filter(id__in=RawSQL(sql, params))  # noqa: S611
    else:
        entries = entries.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    return records.filter(pk__in=entries.values("object_id"))

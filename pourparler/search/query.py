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

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

from pourparler.core import crypto
from pourparler.core.models import Delegation
from pourparler.search.backends import match_condition
from pourparler.search.models import SearchEntry

_M = TypeVar("_M", bound=Model)
_PARTS = re.compile(r"[^\W_]+")
# A search of more words than this is cut: each word costs a term per compartment.
MAX_WORDS = 8


def compartments_of(user: Any) -> list[uuid.UUID | None]:
    """Organisation-wide (None) and every compartment the user can reach."""
    found: list[uuid.UUID | None] = [None]
    found += list(Delegation.objects.visible_to(user).values_list("pk", flat=True))
    return found


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


def matching(records: QuerySet[_M], query: str, user: Any) -> QuerySet[_M]:
    """Keep the records of ``records`` (already visible_to the user) matching the query."""
    compartments = compartments_of(user)
    terms = terms_for(query, compartments)
    if not terms:
        return records
    sql, params = match_condition(connection.vendor, terms)
    content_type = ContentType.objects.get_for_model(records.model)
    entries = SearchEntry.objects.filter(content_type=content_type)
    # Fixed SQL from backends.py; the user's words are in the parameters only.
    if connection.vendor == "sqlite":
        entries = entries.filter(id__in=RawSQL(sql, params))  # noqa: S611
    else:
        entries = entries.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    return records.filter(pk__in=entries.values("object_id"))

"""The search index: one entry per searchable record, derived from it and never shown.

An entry holds what may be searched in plaintext (``plain``: bearers' names, place
names, already plaintext in their own tables) and the blind tokens of confidential text
(``blind``: keyed hashes of the words of people's names and notes, of summaries and
notes, made with the record's compartment key; core/crypto.py). The engine's full-text
index is built over both (SQLite FTS5, PostgreSQL tsvector + GIN: search/backends.py).
Entries are rebuilt from their records (``pourparler search rebuild``), so they carry
no version, audit or tombstone of their own.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class SearchEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.UUIDField()
    compartment_id = models.UUIDField(null=True)
    plain = models.TextField(blank=True)
    blind = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_one_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"search entry of {self.content_type_id}:{self.object_id}"

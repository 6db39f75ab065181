"""Figures about places: deaths in context events by area and year.

Counted over the queryset given, which the caller starts from
``ContextEvent.objects.visible_to(user)``, so a figure only counts what its reader may see.
"""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from pourparler.geo.models import ContextEvent


def deaths_by_area_and_year(events: QuerySet[ContextEvent]) -> dict[tuple[str, int], int]:
    """Sum the best estimate of deaths by first-level area (as the source names it) and by
    the year the event ended (the year it happened when it has no end)."""
    rows = (
        events.annotate(year=ExtractYear(Coalesce("ended_on", "occurred_on")))
        .values("admin1", "year")
        .annotate(total=Coalesce(Sum("deaths"), 0))
        .order_by("admin1", "year")
    )
    return {(row["admin1"], int(row["year"])): int(row["total"]) for row in rows}

"""Figures of dissemination and training: people reached, by bearer, level, topic and year.

Every figure is an aggregate over a queryset that starts from
``DisseminationSession.objects.visible_to(user)``, so it counts only the sessions the
viewer may see: a delegate sees their delegation's reach, a headquarters analyst every
delegation's non-restricted sessions.

**People reached counts attendances, not unique people.** Participants are recorded as a
number per session, so an officer who attends a pre-deployment briefing and then a course
counts twice. The same holds across breakdowns: a session on three topics counts its
participants under each of the three, so the topic rows add up to more than the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import RestrictedQuerySet
from pourparler.dialogue.models import Topic
from pourparler.training.choices import SessionKind
from pourparler.training.models import DisseminationSession

# The label of sessions about a bearer the viewer may not see (a restricted bearer).
HIDDEN_BEARER = "A bearer you may not see"
NO_TOPIC = _("No topic recorded")

Sessions = RestrictedQuerySet[DisseminationSession]


@dataclass(frozen=True)
class Reach:
    """How many sessions, and how many participants (attendances) of whom how many women."""

    sessions: int = 0
    participants: int = 0
    women: int = 0

    @property
    def women_share(self) -> Decimal | None:
        """The share of women among participants, in per cent to one decimal."""
        if not self.participants:
            return None
        return _round(Decimal(self.women) * 100 / Decimal(self.participants))

    def __add__(self, other: Reach) -> Reach:
        return Reach(
            self.sessions + other.sessions,
            self.participants + other.participants,
            self.women + other.women,
        )


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: what it is about, and its reach."""

    key: Any
    label: str
    reach: Reach


@dataclass(frozen=True)
class Testing:
    """What the pre/post tests say, over the sessions where the audience was tested.

    Averages are weighted by the number tested in each session, so a course of 40 weighs
    more than a workshop of 8.
    """

    sessions: int = 0
    tested: int = 0
    mean_pre: Decimal | None = None
    mean_post: Decimal | None = None

    @property
    def mean_gain(self) -> Decimal | None:
        """Points gained on average between the tests."""
        if self.mean_pre is None or self.mean_post is None:
            return None
        return self.mean_post - self.mean_pre


@dataclass(frozen=True)
class CrossTable:
    """People reached by bearer (rows) and year (columns)."""

    years: list[int]
    rows: list[tuple[str, Any, list[int], int]] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Figures:
    """Everything the figures page shows."""

    total: Reach
    by_year: list[Row]
    by_bearer: list[Row]
    by_level: list[Row]
    by_topic: list[Row]
    by_kind: list[Row]
    testing: Testing
    bearer_by_year: CrossTable


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _reach(row: dict[str, Any]) -> Reach:
    return Reach(row["n_sessions"] or 0, row["n_participants"] or 0, row["n_women"] or 0)


# Named apart from the fields they add up: an aggregate may not shadow a field.
_SUMS = {
    "n_sessions": Count("pk"),
    "n_participants": Sum("participants"),
    "n_women": Sum("women"),
}


def total_reach(sessions: Sessions) -> Reach:
    """Return the reach of the given (visible) sessions."""
    return _reach(sessions.order_by().aggregate(**_SUMS))


def _grouped(sessions: Any, key: str) -> dict[Any, Reach]:
    rows = sessions.order_by().values(key).annotate(**_SUMS).order_by(key)
    return {row[key]: _reach(row) for row in rows}


def reach_by_year(sessions: Sessions) -> list[Row]:
    """Return the reach per calendar year of the session's first day, oldest first."""
    grouped = _grouped(sessions.annotate(year=ExtractYear("held_on")), "year")
    return [Row(year, str(year), reach) for year, reach in grouped.items()]


def reach_by_level(sessions: Sessions) -> list[Row]:
    """Return the reach per level of the audience, strategic first."""
    grouped = _grouped(sessions, "level")
    return [
        Row(value, str(label), grouped[value]) for value, label in Level.choices if value in grouped
    ]


def reach_by_kind(sessions: Sessions) -> list[Row]:
    """Return the reach per kind of session, in the vocabulary's order."""
    grouped = _grouped(sessions, "kind")
    return [
        Row(value, str(label), grouped[value])
        for value, label in SessionKind.choices
        if value in grouped
    ]


def reach_by_bearer(sessions: Sessions, user: Any) -> list[Row]:
    """Return the reach per bearer, most people reached first.

    Sessions about a bearer the viewer may not see are counted under one anonymous row
    rather than named.
    """
    grouped = _grouped(sessions, "bearer")
    names = dict(
        WeaponBearer.objects.visible_to(user).filter(pk__in=list(grouped)).values_list("pk", "name")
    )
    rows = [Row(pk, names[pk], reach) for pk, reach in grouped.items() if pk in names]
    hidden = [reach for pk, reach in grouped.items() if pk not in names]
    rows.sort(key=lambda row: (-row.reach.participants, row.label))
    if hidden:
        rows.append(Row(None, HIDDEN_BEARER, sum(hidden, Reach())))
    return rows


def reach_by_topic(sessions: Sessions, user: Any) -> list[Row]:
    """Return the reach per topic in the taxonomy's order; a session counts under each of
    its topics, and sessions with none under their own row."""
    grouped = _grouped(sessions, "topics")
    rows = [
        Row(topic.code, topic.name, grouped[topic.pk])
        for topic in Topic.objects.visible_to(user)
        if topic.pk in grouped
    ]
    if None in grouped:
        rows.append(Row(None, str(NO_TOPIC), grouped[None]))
    return rows


def testing(sessions: Sessions) -> Testing:
    """Return the weighted mean scores before and after, over the sessions tested."""
    decimal = DecimalField(max_digits=12, decimal_places=1)
    result = (
        sessions.order_by()
        .filter(tested__gt=0, pre_score__isnull=False, post_score__isnull=False)
        .aggregate(
            n_sessions=Count("pk"),
            n_tested=Sum("tested"),
            pre=Sum(ExpressionWrapper(F("tested") * F("pre_score"), output_field=decimal)),
            post=Sum(ExpressionWrapper(F("tested") * F("post_score"), output_field=decimal)),
        )
    )
    tested = result["n_tested"] or 0
    if not tested:
        return Testing()
    return Testing(
        sessions=result["n_sessions"],
        tested=tested,
        mean_pre=_round(Decimal(str(result["pre"])) / tested),
        mean_post=_round(Decimal(str(result["post"])) / tested),
    )


def bearer_by_year(sessions: Sessions, user: Any) -> CrossTable:
    """Return people reached per bearer and year, the bearers most reached first."""
    rows = (
        sessions.annotate(year=ExtractYear("held_on"))
        .order_by()
        .values("bearer", "year")
        .annotate(n_participants=Sum("participants"))
    )
    cells: dict[Any, dict[int, int]] = defaultdict(dict)
    years: set[int] = set()
    for row in rows:
        cells[row["bearer"]][row["year"]] = row["n_participants"] or 0
        years.add(row["year"])
    ordered_years = sorted(years)
    names = dict(
        WeaponBearer.objects.visible_to(user).filter(pk__in=list(cells)).values_list("pk", "name")
    )
    table: list[tuple[str, Any, list[int], int]] = []
    hidden: dict[int, int] = defaultdict(int)
    for pk, by_year in cells.items():
        if pk not in names:
            for year, count in by_year.items():
                hidden[year] += count
            continue
        values = [by_year.get(year, 0) for year in ordered_years]
        table.append((names[pk], pk, values, sum(values)))
    table.sort(key=lambda line: (-line[3], line[0]))
    if hidden:
        values = [hidden.get(year, 0) for year in ordered_years]
        table.append((HIDDEN_BEARER, None, values, sum(values)))
    totals = [sum(line[2][i] for line in table) for i in range(len(ordered_years))]
    return CrossTable(years=ordered_years, rows=table, totals=totals)


def figures(sessions: Sessions, user: Any) -> Figures:
    """Return every figure of the figures page, over the given sessions narrowed again to
    what the user may see (so a caller cannot pass an unchecked queryset)."""
    sessions = sessions.visible_to(user)
    return Figures(
        total=total_reach(sessions),
        by_year=reach_by_year(sessions),
        by_bearer=reach_by_bearer(sessions, user),
        by_level=reach_by_level(sessions),
        by_topic=reach_by_topic(sessions, user),
        by_kind=reach_by_kind(sessions),
        testing=testing(sessions),
        bearer_by_year=bearer_by_year(sessions, user),
    )

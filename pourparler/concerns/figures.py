"""Outcome figures: what the representations about concerns achieved.

For a set of concerns (only those the viewer may see, always narrowed by
``visible_to(user)`` here, whatever queryset the caller passes):

* **time to first representation**: the median number of days from opening a concern
  (``opened_on``: when we took it up) to its first representation (``raised_on``), over
  the concerns raised;
* **response rate**: the share of raised concerns that had a response from the bearer
  (silence noted as "no response" is not a response);
* **share addressed**: the share of raised concerns now marked addressed;
* **time to address**: the median number of days from the first representation to the
  day the concern was marked addressed, over the concerns now addressed.

They are given for all the concerns and grouped by bearer (a concern naming two bearers
counts once for each, so the bearer table may add up to more than the total), by
category, by the level of the first representation (concerns not raised yet form their
own row) and by period (the quarter or the year the concern was opened: the opening date
is always known to the day, while the facts may be known only to the month or year).

How it is computed: one query reads, for every concern in the set, only its dates, status
and keys (no text, so nothing is decrypted); one more reads the visible bearers linked to
them and one the categories' names. Counts and medians are then made in Python from those
rows, so every table comes from the same snapshot, and the number of queries does not
depend on the number of concerns or groups.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.choices import ConcernStatus
from pourparler.concerns.models import Concern
from pourparler.dialogue.models import Topic

PERIODS = (("quarter", _("Quarter")), ("year", _("Year")))
NOT_RAISED = "not_raised"

# What each figure means, as the figures page explains it.
# Lazy texts: the page shows them in the reader's language.
EXPLANATIONS: tuple[tuple[Any, Any], ...] = (
    (
        _("Time to first representation"),
        _(
            "Median number of days from opening a concern to its first representation to the "
            "bearer, over the concerns raised. Short is good: we take up what we learn."
        ),
    ),
    (
        _("Response rate"),
        _(
            "Share of the raised concerns to which the bearer responded at all (acknowledged, "
            "denied, announced an investigation or measures…). Silence noted after the time "
            "given does not count."
        ),
    ),
    (
        _("Share addressed"),
        _(
            "Share of the raised concerns now marked addressed: the bearer took measures that "
            "answer the concern. A concern that recurred is persisting, not addressed."
        ),
    ),
    (
        _("Time to address"),
        _(
            "Median number of days from the first representation to the day the concern was "
            "marked addressed, over the concerns now addressed."
        ),
    ),
)


@dataclass(frozen=True)
class ConcernRow:
    """The few facts about one concern that the figures use."""

    pk: Any
    opened_on: datetime.date
    raised_on: datetime.date | None
    responded_on: datetime.date | None
    addressed_on: datetime.date | None
    status: str
    raised_level: str
    category_id: Any


@dataclass
class Outcome:
    """The outcome figures of one group of concerns."""

    key: str
    label: str
    concerns: int = 0
    raised: int = 0
    responded: int = 0
    addressed: int = 0
    days_to_raise: list[int] = field(default_factory=list)
    days_to_address: list[int] = field(default_factory=list)

    def add(self, row: ConcernRow) -> None:
        """Count one concern in this group."""
        self.concerns += 1
        if row.raised_on is None:
            return
        self.raised += 1
        self.days_to_raise.append((row.raised_on - row.opened_on).days)
        if row.responded_on is not None:
            self.responded += 1
        if row.status == ConcernStatus.ADDRESSED:
            self.addressed += 1
            if row.addressed_on is not None:
                self.days_to_address.append((row.addressed_on - row.raised_on).days)

    @property
    def time_to_first_representation(self) -> float | None:
        """Median days from opening to the first representation (None if none raised)."""
        return statistics.median(self.days_to_raise) if self.days_to_raise else None

    @property
    def response_rate(self) -> float | None:
        """Share of raised concerns with a response (None if none raised)."""
        return self.responded / self.raised if self.raised else None

    @property
    def share_addressed(self) -> float | None:
        """Share of raised concerns now addressed (None if none raised)."""
        return self.addressed / self.raised if self.raised else None

    @property
    def time_to_address(self) -> float | None:
        """Median days from the first representation to addressed (None if none)."""
        return statistics.median(self.days_to_address) if self.days_to_address else None


@dataclass
class Figures:
    """All the outcome figures of a set of concerns, in total and by group."""

    overall: Outcome
    by_bearer: list[Outcome]
    by_category: list[Outcome]
    by_level: list[Outcome]
    by_period: list[Outcome]
    period: str


def _visible(user: Any, concerns: Any) -> Any:
    """Narrow any queryset of concerns (or all of them) to what the user may see."""
    if concerns is None:
        return Concern.objects.visible_to(user)
    return concerns.visible_to(user)


def _rows(visible: Any) -> list[ConcernRow]:
    return [
        ConcernRow(*values)
        for values in visible.order_by().values_list(
            "pk",
            "opened_on",
            "raised_on",
            "responded_on",
            "addressed_on",
            "status",
            "raised_level",
            "category_id",
        )
    ]


def outcome(user: Any, concerns: Any = None, *, label: str | None = None) -> Outcome:
    """Return the figures of the concerns the user may see (within ``concerns`` if given)."""
    total = Outcome(key="all", label=gettext("All concerns") if label is None else label)
    for row in _rows(_visible(user, concerns)):
        total.add(row)
    return total


def period_of(day: datetime.date, period: str) -> tuple[str, str]:
    """Return the key and label of the quarter or year a day falls in."""
    if period == "year":
        return f"{day.year}", f"{day.year}"
    quarter = (day.month - 1) // 3 + 1
    label = gettext("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": quarter}
    return f"{day.year}-Q{quarter}", label


def _grouped(
    rows: Iterable[ConcernRow], keys: Callable[[ConcernRow], Iterable[tuple[str, str]]]
) -> dict[str, Outcome]:
    groups: dict[str, Outcome] = {}
    for row in rows:
        for key, label in keys(row):
            groups.setdefault(key, Outcome(key=key, label=label)).add(row)
    return groups


def outcome_figures(user: Any, concerns: Any = None, *, period: str = "quarter") -> Figures:
    """Return every outcome figure of the concerns the user may see, in total and grouped
    by bearer, category, level of the first representation and period of opening."""
    visible = _visible(user, concerns)
    rows = _rows(visible)
    period = period if period in dict(PERIODS) else "quarter"
    overall = Outcome(key="all", label=gettext("All concerns"))
    for row in rows:
        overall.add(row)

    ids = {row.pk for row in rows}
    bearers_of: dict[Any, list[tuple[str, str]]] = {}
    links = (
        WeaponBearer.objects.visible_to(user)
        .filter(concerns__in=visible.values("pk"))
        .values_list("concerns", "pk", "name")
        .order_by("name")
    )
    for concern_id, bearer_id, name in links:
        if concern_id in ids:
            pair = (str(bearer_id), name)
            if pair not in bearers_of.setdefault(concern_id, []):
                bearers_of[concern_id].append(pair)
    by_bearer = sorted(
        _grouped(rows, lambda row: bearers_of.get(row.pk, [])).values(),
        key=lambda o: (-o.concerns, o.label),
    )

    category_ids = {row.category_id for row in rows}
    topics = list(Topic.objects.visible_to(user).filter(pk__in=category_ids))
    category_groups = _grouped(
        rows, lambda row: [(str(row.category_id), "")] if row.category_id else []
    )
    by_category = []
    for topic in topics:
        group = category_groups.get(str(topic.pk))
        if group is not None:
            group.key, group.label = topic.code, topic.label
            by_category.append(group)

    level_labels = dict(Level.choices)
    level_groups = _grouped(
        rows,
        lambda row: [
            (row.raised_level, str(level_labels[row.raised_level]))
            if row.raised_level
            else (NOT_RAISED, gettext("Not raised yet"))
        ],
    )
    by_level = [level_groups[v] for v in [*Level.values, NOT_RAISED] if v in level_groups]

    by_period = sorted(
        _grouped(rows, lambda row: [period_of(row.opened_on, period)]).values(),
        key=lambda o: o.key,
    )
    return Figures(
        overall=overall,
        by_bearer=by_bearer,
        by_category=by_category,
        by_level=by_level,
        by_period=by_period,
        period=period,
    )

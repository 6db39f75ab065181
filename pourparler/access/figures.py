"""Access figures: what happens at checkpoints, which constraints we meet, who accepts us.

Every function takes a queryset that already went through the read path
(``access.reading``) and the page's filters, so every figure counts only what the viewer
may see. Counting happens in SQL (conditional counts grouped by bearer, place or month);
only the median delay and the acceptance series are worked out in Python, from the
rows the viewer may see. The number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext

from pourparler.access.choices import (
    AcceptanceStatus,
    ConstraintCategory,
    IncidentKind,
    PassageOutcome,
    Severity,
)
from pourparler.access.models import AcceptanceAssessment
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation

# Colours of the pictures; the tables beside them carry the same information in words.
STATUS_COLOURS = {
    AcceptanceStatus.ACCEPTED: "#1c6b3a",
    AcceptanceStatus.PARTLY: "#c98a00",
    AcceptanceStatus.REFUSED: "#a31b1b",
    AcceptanceStatus.UNKNOWN: "#8b94a3",
}
OUTCOME_COLOURS = {
    PassageOutcome.PASSED: "#9db8cf",
    PassageOutcome.DELAYED: "#c98a00",
    PassageOutcome.TURNED_BACK: "#a31b1b",
    PassageOutcome.INCIDENT: "#3b1f4a",
}


@dataclass(frozen=True)
class AccessFilters:
    """What the viewer narrowed the figures to: a delegation, a bearer, a period."""

    delegation: Delegation | None = None
    bearer: WeaponBearer | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def apply(self, queryset: QuerySet[Any], day: str, bearer: str = "bearer") -> QuerySet[Any]:
        """Narrow a queryset by these filters; ``day`` names its date (or date lookup)."""
        if self.delegation is not None:
            queryset = queryset.filter(compartment=self.delegation)
        if self.bearer is not None:
            queryset = queryset.filter(**{bearer: self.bearer})
        if self.since is not None:
            queryset = queryset.filter(**{f"{day}__gte": self.since})
        if self.until is not None:
            queryset = queryset.filter(**{f"{day}__lte": self.until})
        return queryset


# -- checkpoint passages -----------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeCounts:
    """How many passages ended each way, and the mean delay of the delayed ones."""

    passed: int = 0
    delayed: int = 0
    turned_back: int = 0
    incident: int = 0
    mean_delay: float | None = None

    @property
    def total(self) -> int:
        """Every passage counted."""
        return self.passed + self.delayed + self.turned_back + self.incident

    @property
    def stopped(self) -> int:
        """Passages where the team was delayed, turned back or met an incident."""
        return self.delayed + self.turned_back + self.incident

    @property
    def share_stopped(self) -> float | None:
        """The stopped passages as a share of all (None when there is none)."""
        return self.stopped / self.total if self.total else None

    @property
    def percent_stopped(self) -> int | None:
        """The share stopped as a whole percentage, for display."""
        share = self.share_stopped
        return None if share is None else round(share * 100)


def _outcome_counts() -> dict[str, Any]:
    """Conditional counts per outcome, and the mean delay, as SQL aggregates."""
    counts: dict[str, Any] = {
        outcome.value: Count("pk", filter=Q(outcome=outcome)) for outcome in PassageOutcome
    }
    counts["mean_delay"] = Avg("delay_minutes", filter=Q(outcome=PassageOutcome.DELAYED))
    return counts


def _counts_of(row: dict[str, Any]) -> OutcomeCounts:
    mean = row.get("mean_delay")
    return OutcomeCounts(
        passed=row.get(PassageOutcome.PASSED, 0) or 0,
        delayed=row.get(PassageOutcome.DELAYED, 0) or 0,
        turned_back=row.get(PassageOutcome.TURNED_BACK, 0) or 0,
        incident=row.get(PassageOutcome.INCIDENT, 0) or 0,
        mean_delay=float(mean) if mean is not None else None,
    )


@dataclass(frozen=True)
class GroupRow:
    """Passages of one bearer, one place, one month, or one place held by one bearer."""

    label: str
    counts: OutcomeCounts
    bearer_id: Any = None
    place: str = ""
    month: datetime.date | None = None


@dataclass(frozen=True)
class Bar:
    """One stacked bar of the by-month picture: a month and its rectangles."""

    x: float
    width: float
    label: str
    show_label: bool
    title: str
    rects: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class PassageFigures:
    """Everything the overview says about checkpoint passages."""

    counts: OutcomeCounts
    median_delay: float | None
    by_bearer: list[GroupRow]
    by_place: list[GroupRow]
    by_month: list[GroupRow]
    most_stopped: list[GroupRow]
    bars: list[Bar] = field(default_factory=list)
    chart_height: int = 0


def median_delay(passages: QuerySet[Any]) -> float | None:
    """The median delay of the delayed passages, in minutes."""
    delays = list(
        passages.filter(outcome=PassageOutcome.DELAYED, delay_minutes__isnull=False)
        .order_by()
        .values_list("delay_minutes", flat=True)
    )
    return float(statistics.median(delays)) if delays else None


def outcome_counts(passages: QuerySet[Any]) -> OutcomeCounts:
    """Count passages by outcome (one query)."""
    return _counts_of(passages.order_by().aggregate(**_outcome_counts()))


def ranked(rows: Iterable[GroupRow]) -> list[GroupRow]:
    """Most stopped first; then the higher share; then the label, for a stable order."""
    return sorted(rows, key=lambda r: (-r.counts.stopped, -(r.counts.share_stopped or 0), r.label))


def passages_by_bearer(passages: QuerySet[Any]) -> list[GroupRow]:
    """Passages at each bearer's checkpoints, most stopped first."""
    rows = passages.order_by().values("bearer_id", "bearer__name").annotate(**_outcome_counts())
    return ranked(
        GroupRow(label=row["bearer__name"], counts=_counts_of(row), bearer_id=row["bearer_id"])
        for row in rows
    )


def passages_by_place(passages: QuerySet[Any]) -> list[GroupRow]:
    """Passages at each checkpoint (by place name), most stopped first."""
    rows = passages.order_by().values("place_name").annotate(**_outcome_counts())
    return ranked(
        GroupRow(label=row["place_name"], counts=_counts_of(row), place=row["place_name"])
        for row in rows
    )


def most_stopped(passages: QuerySet[Any], limit: int = 10) -> list[GroupRow]:
    """Where and by whom we are most often stopped: checkpoints ranked by stopped passages."""
    rows = (
        passages.order_by()
        .values("place_name", "bearer_id", "bearer__name")
        .annotate(**_outcome_counts())
    )
    places = ranked(
        GroupRow(
            label=f"{row['place_name']} ({row['bearer__name']})",
            counts=_counts_of(row),
            bearer_id=row["bearer_id"],
            place=row["place_name"],
        )
        for row in rows
    )
    return [row for row in places if row.counts.stopped][:limit]


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def as_month(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def passages_by_month(
    passages: QuerySet[Any], since: datetime.date | None = None, until: datetime.date | None = None
) -> list[GroupRow]:
    """Passages per month, oldest first, with empty months counted as zero."""
    rows = (
        passages.order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(**_outcome_counts())
    )
    found = {as_month(row["month"]): _counts_of(row) for row in rows}
    return month_rows(found, since, until)


def month_rows(
    found: dict[datetime.date, OutcomeCounts],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[GroupRow]:
    """Counts found per month as rows, oldest first, with empty months counted as zero."""
    if not found:
        return []
    first = since or min(found)
    last = until or max(found)
    return [
        GroupRow(
            label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
            counts=found.get(month, OutcomeCounts()),
            month=month,
        )
        for month in _month_starts(min(first, min(found)), max(last, max(found)))
    ]


CHART_WIDTH = 640
BAR_AREA_HEIGHT = 140


def month_bars(months: Sequence[GroupRow]) -> list[Bar]:
    """Lay out the by-month picture: one bar per month, stacked by outcome."""
    if not months:
        return []
    top = max(row.counts.total for row in months) or 1
    slot = CHART_WIDTH / len(months)
    every = max(1, math.ceil(len(months) / 12))
    bars = []
    for index, row in enumerate(months):
        y = float(BAR_AREA_HEIGHT)
        rects = []
        for outcome in PassageOutcome:
            value = getattr(row.counts, outcome.value)
            if not value:
                continue
            height = value / top * BAR_AREA_HEIGHT
            y -= height
            rects.append(
                {
                    "y": round(y, 1),
                    "height": round(height, 1),
                    "fill": OUTCOME_COLOURS[outcome],
                    "title": f"{outcome.label}: {value}",
                }
            )
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.15, 1),
                width=round(slot * 0.7, 1),
                label=dateformat.format(row.month, "M y") if row.month else row.label,
                show_label=index % every == 0,
                title=gettext("%(month)s: %(total)s passages, %(stopped)s stopped")
                % {"month": row.label, "total": row.counts.total, "stopped": row.counts.stopped},
                rects=tuple(rects),
            )
        )
    return bars


def passage_figures(
    passages: QuerySet[Any],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> PassageFigures:
    """Every passage figure of the overview, from passages the viewer may see."""
    by_month = passages_by_month(passages, since, until)
    return PassageFigures(
        counts=outcome_counts(passages),
        median_delay=median_delay(passages),
        by_bearer=passages_by_bearer(passages),
        by_place=passages_by_place(passages),
        by_month=by_month,
        most_stopped=most_stopped(passages),
        bars=month_bars(by_month),
        chart_height=BAR_AREA_HEIGHT,
    )


# -- access constraints ------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRow:
    """Constraints of one category, month by month."""

    category: str
    label: str
    per_month: list[int]
    total: int


@dataclass(frozen=True)
class ConstraintFigures:
    """Constraints by category and month, with totals."""

    months: list[datetime.date]
    rows: list[CategoryRow]
    month_totals: list[int]
    total: int


def constraints_by_category_and_month(
    constraints: QuerySet[Any],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> ConstraintFigures:
    """Count constraints per category per month (by the month they started)."""
    rows = (
        constraints.order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("category", "month")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[str, datetime.date], int] = {}
    for row in rows:
        cells[(row["category"], as_month(row["month"]))] = row["n"]
    if not cells:
        return ConstraintFigures(months=[], rows=[], month_totals=[], total=0)
    seen = [month for _category, month in cells]
    months = _month_starts(
        min([*seen, *([since] if since else [])]), max([*seen, *([until] if until else [])])
    )
    table = []
    for category in ConstraintCategory:
        per_month = [cells.get((category.value, month), 0) for month in months]
        if any(per_month):
            table.append(
                CategoryRow(
                    category=category.value,
                    label=str(category.label),
                    per_month=per_month,
                    total=sum(per_month),
                )
            )
    totals = [sum(row.per_month[i] for row in table) for i in range(len(months))]
    return ConstraintFigures(months=months, rows=table, month_totals=totals, total=sum(totals))


# -- security incidents ------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFigures:
    """Incidents by kind, by severity and by bearer, and the staff they affected."""

    total: int
    staff_affected: int
    by_kind: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    by_bearer: list[tuple[Any, str, int]]


def incident_figures(incidents: QuerySet[Any], bearers: QuerySet[Any]) -> IncidentFigures:
    """Count incidents the viewer may see; ``bearers`` are the bearers they may see."""
    totals = incidents.order_by().aggregate(total=Count("pk"), staff=Sum("staff_affected"))
    kinds = dict(incidents.order_by().values_list("kind").annotate(n=Count("pk")))
    severities = dict(incidents.order_by().values_list("severity").annotate(n=Count("pk")))
    per_bearer = (
        incidents.order_by()
        .filter(bearers__in=bearers.values("pk"))
        .values("bearers", "bearers__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "bearers__name")
    )
    return IncidentFigures(
        total=totals["total"] or 0,
        staff_affected=totals["staff"] or 0,
        by_kind=[(str(k.label), kinds[k.value]) for k in IncidentKind if kinds.get(k.value)],
        by_severity=[
            (str(s.label), severities[s.value]) for s in Severity if severities.get(s.value)
        ],
        by_bearer=[(row["bearers"], row["bearers__name"], row["n"]) for row in per_bearer],
    )


# -- acceptance of the offer of services -------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of time during which one assessment held, placed on the picture."""

    x: float
    width: float
    status: str
    label: str
    fill: str
    starts: datetime.date
    ends: datetime.date


@dataclass(frozen=True)
class AcceptanceRow:
    """One bearer's acceptance: the assessments in order, now, and the segments to draw."""

    bearer_id: Any
    bearer_name: str
    assessments: list[AcceptanceAssessment]
    segments: list[Segment]

    @property
    def current(self) -> AcceptanceAssessment:
        """The latest assessment: where acceptance stands now."""
        return self.assessments[-1]

    @property
    def changes(self) -> list[AcceptanceAssessment]:
        """The assessments that changed the status (the first one counts as a change)."""
        changed = []
        previous = None
        for assessment in self.assessments:
            if assessment.status != previous:
                changed.append(assessment)
            previous = assessment.status
        return changed


@dataclass(frozen=True)
class Tick:
    """A mark on the time axis at the start of a month."""

    x: float
    label: str


@dataclass(frozen=True)
class AcceptanceFigures:
    """Acceptance per bearer now and over time, and how many bearers are at each status."""

    rows: list[AcceptanceRow]
    starts: datetime.date | None
    ends: datetime.date
    ticks: list[Tick]
    now: list[tuple[str, str, int]]
    width: int = CHART_WIDTH
    legend: tuple[tuple[str, str, str], ...] = ()


def _day_x(day: datetime.date, starts: datetime.date, span: int) -> float:
    return round((day - starts).days / span * CHART_WIDTH, 1)


def _segments(
    assessments: Sequence[AcceptanceAssessment], starts: datetime.date, ends: datetime.date
) -> list[Segment]:
    span = max(1, (ends - starts).days)
    segments = []
    for index, assessment in enumerate(assessments):
        until = assessments[index + 1].assessed_on if index + 1 < len(assessments) else ends
        first, last = max(assessment.assessed_on, starts), min(until, ends)
        if last <= first and not (last == first == ends):
            continue
        status = AcceptanceStatus(assessment.status)
        x = _day_x(first, starts, span)
        segments.append(
            Segment(
                x=x,
                width=max(1.0, round(_day_x(last, starts, span) - x, 1)),
                status=status.value,
                label=gettext("%(status)s from %(first)s to %(last)s")
                % {
                    "status": status.label,
                    "first": dateformat.format(first, "d M Y"),
                    "last": dateformat.format(last, "d M Y"),
                },
                fill=STATUS_COLOURS[status],
                starts=first,
                ends=last,
            )
        )
    return segments


def _ticks(starts: datetime.date, ends: datetime.date) -> list[Tick]:
    span = max(1, (ends - starts).days)
    months = [m for m in _month_starts(starts, ends) if m >= starts]
    every = max(1, math.ceil(len(months) / 6))
    return [
        Tick(x=_day_x(month, starts, span), label=dateformat.format(month, "M y"))
        for index, month in enumerate(months)
        if index % every == 0
    ]


def acceptance_figures(
    assessments: QuerySet[AcceptanceAssessment],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> AcceptanceFigures:
    """Acceptance per bearer: the latest status and the series drawn over the period.

    Assessments before ``since`` still count: the one in force when the period opens
    colours its start.
    """
    ends = until or today or timezone.localdate()
    rows_by_bearer: dict[Any, list[AcceptanceAssessment]] = defaultdict(list)
    names: dict[Any, str] = {}
    ordered = (
        assessments.filter(assessed_on__lte=ends)
        .select_related("bearer", "interaction")
        .order_by("bearer__name", "bearer_id", "assessed_on", "created_at")
    )
    for assessment in ordered:
        rows_by_bearer[assessment.bearer_id].append(assessment)
        names[assessment.bearer_id] = assessment.bearer.name
    firsts = [series[0].assessed_on for series in rows_by_bearer.values()]
    starts = since or (min(firsts) if firsts else None)
    rows = []
    for bearer_id, series in rows_by_bearer.items():
        segments = _segments(series, starts, ends) if starts else []
        rows.append(
            AcceptanceRow(
                bearer_id=bearer_id,
                bearer_name=names[bearer_id],
                assessments=series,
                segments=segments,
            )
        )
    now_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        now_counts[row.current.status] += 1
    return AcceptanceFigures(
        rows=rows,
        starts=starts,
        ends=ends,
        ticks=_ticks(starts, ends) if starts else [],
        now=[
            (status.value, str(status.label), now_counts[status.value])
            for status in AcceptanceStatus
        ],
        legend=tuple(
            (status.value, str(status.label), STATUS_COLOURS[status]) for status in AcceptanceStatus
        ),
    )

"""The figures of the dashboards, each a chart (an SVG picture) with the table it draws.

Every figure starts from ``Model.objects.visible_to(user)`` (or the owning app's read
path, such as ``access.reading``), narrowed to the dashboard's delegations, so it counts
only what the viewer may see; bearers are named, and counted, only when the viewer may
see them. Counting happens in the database (``values().annotate()``): each chart costs
one query (continuity a handful), whatever the number of records.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth, TruncQuarter
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pourparler.access.choices import PassageOutcome
from pourparler.access.figures import GroupRow, OutcomeCounts, as_month, month_rows, ranked
from pourparler.access.models import CheckpointPassage
from pourparler.access.reading import passages_visible_to
from pourparler.bearers.choices import BearerKind, Level
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.commitments.choices import NOT_OBSERVED, NOT_OBSERVED_LABEL, Compliance
from pourparler.commitments.models import Commitment
from pourparler.concerns.choices import ConcernStatus
from pourparler.concerns.models import Concern
from pourparler.core.choices import CONTENT_ROLES
from pourparler.core.models import Delegation, Membership
from pourparler.dashboards import kept, svg
from pourparler.dialogue.models import Interaction
from pourparler.handover.reading import SILENCE_DAYS, continuity_of
from pourparler.integration.choices import IntegrationLevel, Pillar
from pourparler.integration.figures import latest_only
from pourparler.integration.models import IntegrationAssessment
from pourparler.maps.choices import ControlType
from pourparler.maps.population import Estimate, PopulationBasis, estimate_union
from pourparler.maps.reading import areas_visible_to, in_force
from pourparler.people.models import Position, Relationship
from pourparler.training.figures import reach_by_year, total_reach
from pourparler.training.models import DisseminationSession

Q_ = TypeVar("Q_", bound=QuerySet[Any])

ARMED_GROUP_KINDS = (BearerKind.NON_STATE_ARMED_GROUP,)
# "People living in areas under full or fluid armed-group control": influence is not counted.
ARMED_GROUP_CONTROL = (ControlType.FULL, ControlType.FLUID)
RECENT_DAYS = 365


@dataclass(frozen=True)
class Scope:
    """Whose figures: one delegation's (``delegation``) or everything the viewer may see."""

    user: Any
    delegation: Delegation | None = None
    # Rows several charts share, worked out once per view.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kept(self) -> kept.Kept:
        """The figures kept for the compartments this viewer reads in full (``kept.py``)."""
        if "kept" not in self.memo:
            self.memo["kept"] = kept.full_compartments(self.user, self.delegation)
        found: kept.Kept = self.memo["kept"]
        return found

    @property
    def headquarters(self) -> bool:
        """Whether the figures cover every delegation the viewer may see."""
        return self.delegation is None

    def narrow(self, queryset: Q_, field: str = "compartment") -> Q_:
        """Keep the records held by the dashboard's delegation (all of them for HQ)."""
        if self.delegation is None:
            return queryset
        return queryset.filter(**{field: self.delegation.pk})

    @property
    def label(self) -> str:
        """What the figures cover, in words."""
        if self.delegation is None:
            return _("Every delegation you may see")
        return self.delegation.name


@dataclass
class Table:
    """The figures of a chart as a table: a caption, column headers, labelled rows."""

    caption: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[Any]]] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        """Every column header, the rows' own first."""
        return [self.row_header, *self.columns]


@dataclass
class Chart:
    """One chart of a dashboard: what it shows, its picture and its table."""

    key: str
    title: str
    description: str
    table: Table
    picture: SafeString | None = None
    note: str = ""
    model: type[Any] = Interaction


def today() -> datetime.date:
    """The day the figures are counted on."""
    return timezone.localdate()


def visible_bearers(user: Any) -> QuerySet[WeaponBearer]:
    """The bearers the viewer may see."""
    return WeaponBearer.objects.visible_to(user)


# -- the rows several charts share ---------------------------------------------------------


def _count_last_contacts(records: QuerySet[Any]) -> list[list[Any]]:
    """The last interaction with each bearer at each level (kept as JSON)."""
    return [
        [str(bearer), level, last.isoformat()]
        for bearer, level, last in records.filter(bearers__isnull=False)
        .order_by()
        .values_list("bearers", "level")
        .annotate(last=Max("occurred_at"))
    ]


def _last_contacts(scope: Scope) -> list[tuple[Any, uuid.UUID, str, datetime.datetime]]:
    """(compartment, bearer, level, last interaction) over every interaction the viewer
    may see: kept per delegation for its plain interactions, counted live for the rest."""
    if "last" in scope.memo:
        return list(scope.memo["last"])
    rows = [
        (compartment, uuid.UUID(bearer), level, datetime.datetime.fromisoformat(last))
        for compartment, (bearer, level, last) in scope.kept.rows(
            "last-contacts.1", Interaction, _count_last_contacts
        )
    ]
    visible = scope.narrow(Interaction.objects.visible_to(scope.user))
    for rest in kept.the_rest(visible, scope.kept, scope.user):
        rows.extend(
            rest.filter(bearers__isnull=False)
            .order_by()
            .values_list("compartment_id", "bearers", "level")
            .annotate(last=Max("occurred_at"))
        )
    scope.memo["last"] = rows
    return list(rows)


def _last_by_bearer_and_level(scope: Scope) -> dict[tuple[Any, str], datetime.datetime]:
    last: dict[tuple[Any, str], datetime.datetime] = {}
    for _compartment, bearer, level, when in _last_contacts(scope):
        key = (bearer, level)
        if key not in last or when > last[key]:
            last[key] = when
    return last


def _bearer_kinds(scope: Scope) -> dict[Any, str]:
    """The kind of every bearer the viewer may see."""
    if "kinds" not in scope.memo:
        scope.memo["kinds"] = dict(visible_bearers(scope.user).values_list("pk", "kind"))
    return dict(scope.memo["kinds"])


# -- coverage ------------------------------------------------------------------------------

AGES: tuple[tuple[str, int | None], ...] = (
    ("30", 30),
    ("90", 90),
    ("365", 365),
    ("older", None),
)


def age_labels() -> dict[str, str]:
    """The age groups of the last contact, in words."""
    return {
        "30": _("Within 30 days"),
        "90": _("31 to 90 days"),
        "365": _("91 days to a year"),
        "older": _("Over a year"),
        "never": _("Never at this level"),
    }


def age_group(days: int) -> str:
    """The group of a last contact so many days ago."""
    for key, limit in AGES:
        if limit is None or days <= limit:
            return key
    return "older"


def coverage(scope: Scope) -> Chart:
    """Bearers we are in contact with, by kind and level, by the age of the last contact
    at that level (one query)."""
    now = timezone.now()
    kinds: dict[str, set[Any]] = defaultdict(set)
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    kind_of = _bearer_kinds(scope)
    for (pk, level), last in _last_by_bearer_and_level(scope).items():
        kind = kind_of.get(pk)
        if kind is None:
            continue
        kinds[kind].add(pk)
        groups[(kind, level)][age_group((now - last).days)] += 1
    labels = age_labels()
    keys = [*(key for key, _limit in AGES), "never"]
    table = Table(
        caption=_("Bearers in contact, by kind, level and age of the last contact"),
        row_header=_("Kind of bearer · level"),
        columns=[*(labels[k] for k in keys), _("Bearers of this kind")],
    )
    bars = []
    for kind_value, kind_label in BearerKind.choices:
        if kind_value not in kinds:
            continue
        total = len(kinds[kind_value])
        for level_value, level_label in Level.choices:
            counts = groups.get((kind_value, level_value), {})
            values = [counts.get(k, 0) for k in keys[:-1]]
            values.append(total - sum(values))
            label = f"{kind_label} · {level_label}"
            table.rows.append((label, [*values, total]))
            bars.append(svg.Bar(str(level_label), tuple(values), group=str(kind_label)))
    series = [svg.Series(k, labels[k]) for k in keys]
    series[-1] = svg.Series("never", labels["never"], "#D1D5DB", "solid")
    title = _("Coverage: bearers by kind, level of contact and age of the last contact")
    description = _(
        "For each kind of bearer, one bar per level of contact: how many of the bearers we are in "
        "contact with were last met at that level within 30 days, 31 to 90 days, 91 days to "
        "a year, over a year ago, or never. The table gives the same counts."
    )
    return Chart(
        "coverage",
        title,
        description,
        table,
        svg.stacked_bars("coverage", title, description, series, bars),
        note=_("A bearer counts once per kind; its contacts are counted at each level."),
        model=Interaction,
    )


# -- concerns ------------------------------------------------------------------------------


def _quarter(day: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    quarters = []
    day = first
    while day <= last:
        quarters.append(day)
        month = day.month + 3
        day = datetime.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return quarters


def quarter_label(day: datetime.date) -> str:
    """A quarter as people write it in the reader's language: 2026 Q3, T3 2026…"""
    quarter = (day.month - 1) // 3 + 1
    return _("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": quarter}


def _count_concerns(concerns: QuerySet[Any]) -> list[list[Any]]:
    """Concerns by the quarter they were opened in and their status now (kept as JSON)."""
    return [
        [_quarter(quarter).isoformat(), status, n]
        for quarter, status, n in concerns.order_by()
        .annotate(quarter=TruncQuarter("opened_on"))
        .values_list("quarter", "status")
        .annotate(n=Count("pk"))
    ]


def concerns_over_time(scope: Scope) -> Chart:
    """Concerns opened each quarter, by where they stand now (one query)."""
    cells: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for _compartment, (quarter, status, n) in scope.kept.rows(
        "concerns-by-quarter.1", Concern, _count_concerns
    ):
        cells[(datetime.date.fromisoformat(quarter), status)] += n
    visible = scope.narrow(Concern.objects.visible_to(scope.user))
    for rest in kept.the_rest(visible, scope.kept, scope.user):
        for quarter, status, n in _count_concerns(rest):
            cells[(datetime.date.fromisoformat(quarter), status)] += n
    statuses = list(ConcernStatus.choices)
    quarters = _quarters(min(q for q, _s in cells), max(q for q, _s in cells)) if cells else []
    table = Table(
        caption=_("Concerns opened each quarter, by their status now"),
        row_header=_("Quarter opened"),
        columns=[*(str(label) for _v, label in statuses), _("Concerns opened")],
    )
    bars = []
    for quarter in quarters:
        values = [cells.get((quarter, value), 0) for value, _label in statuses]
        table.rows.append((quarter_label(quarter), [*values, sum(values)]))
        bars.append(svg.Bar(quarter_label(quarter), tuple(values)))
    title = _("Concerns opened and their outcomes over time")
    description = _(
        "One column per quarter: the concerns opened in it, divided by where they stand "
        "now (open, raised, responded, addressed, persisting, closed)."
    )
    series = [svg.Series(value, str(label)) for value, label in statuses]
    return Chart(
        "concerns",
        title,
        description,
        table,
        svg.stacked_bars("concerns", title, description, series, bars, across=False),
        model=Concern,
    )


# -- commitments ---------------------------------------------------------------------------


def commitments_kept(scope: Scope) -> Chart:
    """Commitments by the year they were made and whether they are kept now (one query)."""
    commitments = scope.narrow(Commitment.objects.visible_to(scope.user))
    rows = (
        commitments.order_by()
        .annotate(year=ExtractYear("made_on"))
        .values_list("year", "current_compliance")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[int, str], int] = defaultdict(int)
    for year, compliance, n in rows:
        cells[(int(year), compliance or NOT_OBSERVED)] += n
    groups = [*Compliance.choices, (NOT_OBSERVED, NOT_OBSERVED_LABEL)]
    years = sorted({year for year, _c in cells})
    table = Table(
        caption=_("Commitments by the year they were made and their compliance now"),
        row_header=_("Year made"),
        columns=[*(str(label) for _v, label in groups), _("Commitments")],
    )
    bars = []
    for year in years:
        values = [cells.get((year, value), 0) for value, _label in groups]
        table.rows.append((str(year), [*values, sum(values)]))
        bars.append(svg.Bar(str(year), tuple(values)))
    colours = {"kept": "#009E73", "partly_kept": "#E69F00", "breached": "#D55E00"}
    patterns = {"kept": "solid", "partly_kept": "hatch", "breached": "cross"}
    series = [
        svg.Series(value, str(label), colours.get(value, "#D1D5DB"), patterns.get(value, "dots"))
        for value, label in groups
    ]
    title = _("Commitments kept and breached")
    description = _(
        "One column per year: the commitments made that year, by what the latest "
        "observation found (kept, partly kept, breached) or not observed yet."
    )
    return Chart(
        "commitments",
        title,
        description,
        table,
        svg.stacked_bars("commitments", title, description, series, bars, across=False),
        model=Commitment,
    )


# -- access --------------------------------------------------------------------------------

OUTCOME_STYLE = {
    PassageOutcome.PASSED: ("#56B4E9", "solid"),
    PassageOutcome.DELAYED: ("#E69F00", "hatch"),
    PassageOutcome.TURNED_BACK: ("#D55E00", "cross"),
    PassageOutcome.INCIDENT: ("#000000", "dots"),
}


def _outcome_series() -> list[svg.Series]:
    return [
        svg.Series(o.value, str(o.label), *OUTCOME_STYLE[PassageOutcome(o.value)])
        for o in PassageOutcome
    ]


def _outcome_values(counts: Any) -> list[int]:
    return [int(getattr(counts, o.value)) for o in PassageOutcome]


def _count_passages_by_month(passages: QuerySet[Any]) -> list[list[Any]]:
    """Passages by month, one count per outcome (kept as JSON)."""
    rows = passages.order_by().annotate(month=TruncMonth("occurred_at")).values("month")
    return [
        [as_month(row["month"]).isoformat(), *(row[o.value] for o in PassageOutcome)]
        for row in rows.annotate(**_outcome_counts())
    ]


def _count_passages_by_bearer(passages: QuerySet[Any]) -> list[list[Any]]:
    """Passages by the bearer holding the checkpoint, one count per outcome (kept as JSON)."""
    rows = passages.order_by().values("bearer_id").annotate(**_outcome_counts())
    return [
        [
            None if row["bearer_id"] is None else str(row["bearer_id"]),
            *(row[o.value] for o in PassageOutcome),
        ]
        for row in rows
    ]


def _outcome_counts() -> dict[str, Any]:
    return {o.value: Count("pk", filter=Q(outcome=o)) for o in PassageOutcome}


def _passage_counts(scope: Scope, by: str) -> dict[Any, OutcomeCounts]:
    """Checkpoint passages the viewer may see, per month (``by="month"``) or bearer: kept
    per delegation for the plain ones, counted live for the rest."""
    # Plain passages are also at checkpoints of plain bearers and units (whoever reads).
    also = (Q(bearer__isnull=True) | kept.plain(WeaponBearer, "bearer__")) & (
        Q(unit__isnull=True) | kept.plain(Unit, "unit__")
    )
    also_not = Q(bearer__in=kept.not_plain(WeaponBearer)) | Q(unit__in=kept.not_plain(Unit))
    count = _count_passages_by_month if by == "month" else _count_passages_by_bearer
    visible = scope.narrow(passages_visible_to(scope.user))
    rows = [
        row
        for _compartment, row in scope.kept.rows(
            f"passages-by-{by}.1", CheckpointPassage, count, also
        )
    ]
    for rest in kept.the_rest(visible, scope.kept, scope.user, also_not):
        rows.extend(count(rest))
    found: dict[Any, OutcomeCounts] = {}
    for group, *values in rows:
        key: Any
        if by == "month":
            key = datetime.date.fromisoformat(group)
        else:
            key = None if group is None else uuid.UUID(group)
        outcomes = dict(zip((o.value for o in PassageOutcome), values, strict=True))
        found[key] = _add(found.get(key), OutcomeCounts(**outcomes))
    return found


def _add(first: OutcomeCounts | None, second: OutcomeCounts) -> OutcomeCounts:
    if first is None:
        return second
    return OutcomeCounts(
        passed=first.passed + second.passed,
        delayed=first.delayed + second.delayed,
        turned_back=first.turned_back + second.turned_back,
        incident=first.incident + second.incident,
    )


def access_over_time(scope: Scope) -> Chart:
    """Checkpoint passages per month, by outcome (one query, in the access app)."""
    months = month_rows(_passage_counts(scope, "month"))
    table = Table(
        caption=_("Checkpoint passages per month, by outcome"),
        row_header=_("Month"),
        columns=[*(str(o.label) for o in PassageOutcome), _("Passages")],
    )
    bars = []
    for row in months:
        label = formats.date_format(row.month, "YEAR_MONTH_FORMAT") if row.month else row.label
        values = _outcome_values(row.counts)
        table.rows.append((label, [*values, row.counts.total]))
        bars.append(svg.Bar(label, tuple(values)))
    title = _("Access outcomes over time")
    description = _(
        "One column per month: the checkpoint passages of our teams, by outcome (passed, "
        "delayed, turned back, incident)."
    )
    return Chart(
        "access-time",
        title,
        description,
        table,
        svg.stacked_bars("access-time", title, description, _outcome_series(), bars, across=False),
        model=CheckpointPassage,
    )


def access_by_bearer(scope: Scope) -> Chart:
    """Checkpoint passages at each bearer's checkpoints, by outcome, most stopped first."""
    by_bearer = _passage_counts(scope, "bearer")
    names = dict(
        visible_bearers(scope.user)
        .filter(pk__in=[pk for pk in by_bearer if pk is not None])
        .values_list("pk", "name")
    )
    rows = ranked(
        GroupRow(label=names.get(pk, ""), counts=counts, bearer_id=pk)
        for pk, counts in by_bearer.items()
        if pk is None or pk in names
    )
    table = Table(
        caption=_("Checkpoint passages by the bearer holding the checkpoint, by outcome"),
        row_header=_("Bearer"),
        columns=[*(str(o.label) for o in PassageOutcome), _("Passages")],
    )
    bars = []
    for row in rows:
        label = row.label or _("No bearer recorded")
        values = _outcome_values(row.counts)
        table.rows.append((label, [*values, row.counts.total]))
        bars.append(svg.Bar(label, tuple(values)))
    title = _("Access outcomes by bearer")
    description = _(
        "One bar per bearer holding checkpoints, most often stopping us first: our teams' "
        "passages by outcome (passed, delayed, turned back, incident)."
    )
    return Chart(
        "access-bearer",
        title,
        description,
        table,
        svg.stacked_bars("access-bearer", title, description, _outcome_series(), bars),
        model=CheckpointPassage,
    )


# -- dissemination -------------------------------------------------------------------------


def people_reached(scope: Scope) -> Chart:
    """People reached by dissemination and training sessions each year (one query)."""
    sessions = scope.narrow(DisseminationSession.objects.visible_to(scope.user))
    rows = reach_by_year(sessions)
    table = Table(
        caption=_("People reached by dissemination and training, by year"),
        row_header=_("Year"),
        columns=[_("Sessions"), _("Women"), _("Men and not recorded"), _("People reached")],
    )
    bars = []
    for row in rows:
        reach = row.reach
        others = reach.participants - reach.women
        table.rows.append((row.label, [reach.sessions, reach.women, others, reach.participants]))
        bars.append(svg.Bar(row.label, (reach.women, others)))
    series = [
        svg.Series("women", _("Women"), "#CC79A7", "dots"),
        svg.Series("others", _("Men and not recorded"), "#0072B2", "solid"),
    ]
    title = _("People reached by dissemination")
    description = _(
        "One column per year: the participants of our dissemination sessions, courses and "
        "briefings, women apart. A person who came twice counts twice."
    )
    return Chart(
        "reach",
        title,
        description,
        table,
        svg.stacked_bars("reach", title, description, series, bars, across=False),
        note=_("Attendances, not unique people: participants are recorded as a number."),
        model=DisseminationSession,
    )


# -- integration ---------------------------------------------------------------------------


def _current_assessments(scope: Scope) -> QuerySet[IntegrationAssessment]:
    user = scope.user
    recorded = scope.narrow(IntegrationAssessment.objects.visible_to(user)).filter(
        bearer__in=visible_bearers(user).values("pk")
    )
    return latest_only(recorded, user)


def integration_heat_map(scope: Scope) -> Chart:
    """The current level of each pillar: per bearer for a delegation, as counts of
    bearers per pillar and level for headquarters (one query)."""
    current = _current_assessments(scope).order_by()
    pillars = list(Pillar.choices)
    title = _("Integration of the law: heat map of the five pillars")
    if scope.headquarters:
        counts = {
            (pillar, level): n
            for pillar, level, n in current.values_list("pillar", "level").annotate(n=Count("pk"))
        }
        levels = list(IntegrationLevel.choices)
        columns = [f"{value} {label}" for value, label in levels]
        table = Table(
            caption=_("Bearers at each level of integration, pillar by pillar"),
            row_header=_("Pillar"),
            columns=[*columns, _("Bearers assessed")],
        )
        grid: list[tuple[str, Sequence[int | None]]] = []
        for value, label in pillars:
            cells = [counts.get((value, level), 0) for level, _l in levels]
            table.rows.append((str(label), [*cells, sum(cells)]))
            grid.append((str(label), cells))
        description = _(
            "One row per pillar (doctrine, education, training, equipment, sanctions) and one "
            "column per level from 0 (none) to 4 (full): how many bearers are at that level "
            "now. Darker cells hold more bearers; each cell gives its number."
        )
        picture = svg.heat_grid("integration", title, description, columns, grid)
    else:
        levels_of: dict[tuple[Any, str], int] = {}
        names: dict[Any, str] = {}
        for bearer_id, name, pillar, level in current.values_list(
            "bearer_id", "bearer__name", "pillar", "level"
        ):
            levels_of[(bearer_id, pillar)] = int(level)
            names[bearer_id] = name
        columns = [str(label) for _v, label in pillars]
        table = Table(
            caption=_("Current level of integration of each pillar, by bearer (0 to 4)"),
            row_header=_("Bearer"),
            columns=columns,
        )
        grid = []
        for bearer_id, name in sorted(names.items(), key=lambda item: item[1]):
            cells_or_none = [levels_of.get((bearer_id, value)) for value, _l in pillars]
            table.rows.append((name, ["—" if c is None else c for c in cells_or_none]))
            grid.append((name, cells_or_none))
        description = _(
            "One row per bearer and one column per pillar (doctrine, education, training, "
            "equipment, sanctions): the current level from 0 (none) to 4 (full), written in "
            "each cell; darker is further; a dash means never assessed."
        )
        picture = svg.heat_grid("integration", title, description, columns, grid, top=4)
    return Chart("integration", title, description, table, picture, model=IntegrationAssessment)


# -- continuity ----------------------------------------------------------------------------


def continuity(scope: Scope) -> Chart:
    """The handover app's continuity indicators: for a delegation, its own (through
    ``handover.reading.continuity_of``); for headquarters, the same per delegation."""
    if scope.delegation is not None:
        return _continuity_of_delegation(scope.user, scope.delegation)
    return _continuity_by_delegation(scope)


def _continuity_title() -> tuple[str, str]:
    return _("Continuity indicators"), _(
        "Bearers the delegation deals with (met, or with people we know in them), those "
        "without contact for %(days)s days, those never met at a level, and relationships "
        "held by nobody posted in the delegation now."
    ) % {"days": SILENCE_DAYS}


def _continuity_of_delegation(user: Any, delegation: Delegation) -> Chart:
    indicators = continuity_of(user, delegation)
    title, description = _continuity_title()
    values = [
        (_("Bearers we deal with"), len(indicators.bearers)),
        (
            _("No contact for %(days)s days") % {"days": SILENCE_DAYS},
            len(indicators.silent),
        ),
        *(
            (_("Never met at %(level)s level") % {"level": label.lower()}, len(bearers))
            for _v, label, bearers in indicators.level_gaps
        ),
        (_("Relationships nobody posted now holds"), len(indicators.orphaned)),
    ]
    table = Table(
        caption=_("Continuity indicators of %(delegation)s") % {"delegation": delegation.name},
        row_header=_("Indicator"),
        columns=[_("Count")],
        rows=[(label, [n]) for label, n in values],
    )
    series = [svg.Series("count", _("Count"), "#0072B2", "solid")]
    bars = [svg.Bar(label, (n,)) for label, n in values]
    return Chart(
        "continuity",
        title,
        description,
        table,
        svg.stacked_bars("continuity", title, description, series, bars),
        model=Relationship,
    )


def _bearers_with_positions(scope: Scope) -> set[tuple[Any, Any]]:
    """(compartment, bearer) where the viewer may see someone holding a position."""
    return set(
        Position.objects.visible_to(scope.user)
        .order_by()
        .values_list("compartment", "bearer_id")
        .distinct()
    )


def _continuity_by_delegation(scope: Scope) -> Chart:
    """The continuity indicators of every delegation the viewer may see, in a few queries
    (``continuity_of`` for each would cost a few per delegation)."""
    user = scope.user
    day = today()
    since = timezone.now() - datetime.timedelta(days=SILENCE_DAYS)
    delegations = list(
        Delegation.objects.visible_to(user).filter(is_headquarters=False).order_by("name")
    )
    last: dict[tuple[Any, Any], datetime.datetime] = {}
    for compartment, bearer, _level, when in _last_contacts(scope):
        key = (compartment, bearer)
        if key not in last or when > last[key]:
            last[key] = when
    known = set(last) | _bearers_with_positions(scope)
    shown = set(
        visible_bearers(user)
        .filter(pk__in={bearer for _c, bearer in known})
        .values_list("pk", flat=True)
    )
    posted = set(
        Membership.objects.visible_to(user)
        .filter(role__in=CONTENT_ROLES, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("delegation_id", "user_id")
    )
    orphaned: dict[Any, int] = defaultdict(int)
    for compartment, holder in (
        Relationship.objects.visible_to(user)
        .filter(until__isnull=True)
        .order_by()
        .values_list("compartment", "holder_id")
    ):
        if (compartment, holder) not in posted:
            orphaned[compartment] += 1
    dealt: dict[Any, int] = defaultdict(int)
    silent: dict[Any, int] = defaultdict(int)
    for compartment, bearer in known:
        if bearer not in shown:
            continue
        dealt[compartment] += 1
        contact = last.get((compartment, bearer))
        if contact is None or contact < since:
            silent[compartment] += 1
    title, description = _continuity_title()
    columns = [
        _("Bearers we deal with"),
        _("In contact within %(days)s days") % {"days": SILENCE_DAYS},
        _("No contact for %(days)s days") % {"days": SILENCE_DAYS},
        _("Relationships nobody posted now holds"),
    ]
    table = Table(
        caption=_("Continuity indicators by delegation"),
        row_header=_("Delegation"),
        columns=columns,
    )
    bars = []
    for delegation in delegations:
        pk = delegation.pk
        if not (dealt[pk] or orphaned[pk]):
            continue
        recent = dealt[pk] - silent[pk]
        table.rows.append((delegation.name, [dealt[pk], recent, silent[pk], orphaned[pk]]))
        bars.append(svg.Bar(delegation.name, (recent, silent[pk])))
    series = [
        svg.Series("recent", columns[1], "#009E73", "solid"),
        svg.Series("silent", columns[2], "#D55E00", "cross"),
    ]
    return Chart(
        "continuity",
        title,
        description,
        table,
        svg.stacked_bars("continuity", title, description, series, bars),
        note=_("Relationships nobody posted now holds are in the table only."),
        model=Relationship,
    )


# -- global figures (headquarters) ----------------------------------------------------------


def people_under_armed_group_control(user: Any) -> Estimate | None:
    """People living today in areas under full or fluid control of armed groups, as far as
    the user may see those areas (the maps app's read path and population estimate: each
    person once, area-weighted from administrative areas); None when there is no such
    area to count."""
    day = today()
    areas = list(
        areas_visible_to(user)
        .filter(
            in_force(day, day, "starts_on", "ends_on"),
            bearer__kind__in=ARMED_GROUP_KINDS,
            control__in=ARMED_GROUP_CONTROL,
        )
        .only("pk", "country_id", "outline", "outline_sha256")
    )
    if not areas:
        return None
    return estimate_union(areas, PopulationBasis(user, {area.country_id for area in areas}))


def global_figures(scope: Scope) -> Chart:
    """Headquarters' global figures over the last year, as far as the viewer may see."""
    user = scope.user
    since = today() - datetime.timedelta(days=RECENT_DAYS)
    moment = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    kind_of = _bearer_kinds(scope)
    recent = {
        bearer
        for (bearer, _level), when in _last_by_bearer_and_level(scope).items()
        if when >= moment and bearer in kind_of
    }
    in_contact: dict[str, int] = defaultdict(int)
    for bearer in recent:
        in_contact[kind_of[bearer]] += 1
    sessions = DisseminationSession.objects.visible_to(user).filter(held_on__gte=since)
    trained = (
        visible_bearers(user)
        .filter(dissemination_sessions__in=sessions.values("pk"))
        .aggregate(n=Count("pk", distinct=True))["n"]
    )
    reach = total_reach(sessions)
    concerns = Concern.objects.visible_to(user).filter(raised_on__gte=since).count()
    population = people_under_armed_group_control(user)
    people = None if population is None else population.rounded
    rows: list[tuple[str, list[Any]]] = [
        (
            _("Armed groups we are in contact with"),
            [sum(in_contact.get(k, 0) for k in ARMED_GROUP_KINDS)],
        ),
        (_("Weapon bearers we are in contact with"), [sum(in_contact.values())]),
        (_("Weapon bearers trained (sessions held)"), [trained]),
        (_("People reached by dissemination and training"), [reach.participants]),
        (_("Concerns raised with weapon bearers"), [concerns]),
        (
            _("People living in areas under full or fluid control of armed groups"),
            ["—" if people is None else people],
        ),
    ]
    table = Table(
        caption=_("Global figures over the last 12 months"),
        row_header=_("Figure"),
        columns=[_("Count")],
        rows=rows,
    )
    return Chart(
        "global",
        _("Global figures"),
        _(
            "Counted over the last 12 months: contact means at least one interaction; a "
            "bearer trained took part in at least one dissemination session; people "
            "reached are attendances."
        ),
        table,
        note=_population_note(population),
        model=Interaction,
    )


def _population_note(population: Estimate | None) -> str:
    if population is None:
        return _("No area of control of an armed group in force today that you may see.")
    note = _(
        "People under armed-group control: areas of control in force today, counted once "
        "each, from the population of the administrative areas they cover (%(sources)s)."
    ) % {"sources": population.source_text or _("no population figures")}
    return f"{note} {population.caveat}".strip()


# -- the dashboards ----------------------------------------------------------------------

Builder = Callable[[Scope], Chart]

DELEGATION_CHARTS: dict[str, Builder] = {
    "coverage": coverage,
    "concerns": concerns_over_time,
    "commitments": commitments_kept,
    "access-time": access_over_time,
    "access-bearer": access_by_bearer,
    "reach": people_reached,
    "integration": integration_heat_map,
    "continuity": continuity,
}
HEADQUARTERS_CHARTS: dict[str, Builder] = {"global": global_figures, **DELEGATION_CHARTS}


def charts(scope: Scope) -> list[Chart]:
    """Every chart of the scope's dashboard, in the order shown."""
    builders = HEADQUARTERS_CHARTS if scope.headquarters else DELEGATION_CHARTS
    return [build(scope) for build in builders.values()]

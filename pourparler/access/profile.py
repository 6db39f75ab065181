"""What humanitarian access adds to the bearer profile: a timeline of the passages where
the bearer stopped us, the incidents it was involved in and the changes in its acceptance
of our offer of services; and a panel with its acceptance over time and access figures.

Everything is read through ``access.reading``, so only what the viewer may see shows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext

from pourparler.access import figures
from pourparler.access.choices import PassageOutcome
from pourparler.access.reading import (
    acceptance_visible_to,
    constraints_visible_to,
    incidents_visible_to,
    passages_visible_to,
)
from pourparler.access.views import record_url
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.dialogue.models import Interaction
from pourparler.ui.extensions import Panel, TimelineEntry

# The acceptance series is drawn on the panel and listed on the timeline: read it once
# per page, kept on the bearer object the profile page hands to both hooks.
_MEMO = "_access_acceptance"


def _acceptance(user: Any, bearer: WeaponBearer) -> figures.AcceptanceFigures:
    memo = getattr(bearer, _MEMO, None)
    if memo is not None and memo[0] == user.pk:
        return memo[1]
    chart = figures.acceptance_figures(acceptance_visible_to(user).filter(bearer=bearer))
    setattr(bearer, _MEMO, (user.pk, chart))
    return chart


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """Passages the bearer did not let through, incidents it was in, acceptance changes."""
    entries: list[TimelineEntry] = []
    stopped = (
        passages_visible_to(user)
        .filter(bearer=bearer)
        .exclude(outcome=PassageOutcome.PASSED)
        .order_by("-occurred_at")[:limit]
    )
    for passage in stopped:
        tags = (
            (gettext("%(n)s min") % {"n": passage.delay_minutes},) if passage.delay_minutes else ()
        )
        entries.append(
            TimelineEntry(
                when=passage.occurred_at,
                kind=gettext("Checkpoint: %(outcome)s")
                % {"outcome": passage.get_outcome_display().lower()},
                title=passage.place_name,
                url=record_url(passage),
                record=passage,
                tags=tags,
            )
        )
    incidents = incidents_visible_to(user).filter(bearers=bearer).order_by("-occurred_at")
    for incident in incidents[:limit]:
        entries.append(
            TimelineEntry(
                when=incident.occurred_at,
                kind=gettext("Security incident: %(kind)s")
                % {"kind": incident.get_kind_display().lower()},
                title=incident.place_name,
                url=record_url(incident),
                record=incident,
                tags=(str(incident.get_severity_display()),),
            )
        )
    chart = _acceptance(user, bearer)
    for row in chart.rows:
        for assessment in row.changes[-limit:]:
            entries.append(
                TimelineEntry(
                    when=assessment.assessed_on,
                    kind=gettext("Acceptance: %(status)s")
                    % {"status": assessment.get_status_display().lower()},
                    title="",
                    url=record_url(assessment),
                    record=assessment,
                )
            )
    return entries


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The bearer's acceptance over time and its access figures."""
    chart = _acceptance(user, bearer)
    passages = passages_visible_to(user).filter(bearer=bearer)
    constraints = dict(
        constraints_visible_to(user)
        .filter(bearer=bearer)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    clearance = clearance_for(user)
    row = chart.rows[0] if chart.rows else None
    context = {
        "bearer": bearer,
        "chart": chart,
        "row": row,
        "counts": figures.outcome_counts(passages),
        "median_delay": figures.median_delay(passages),
        "stopped_at": figures.most_stopped(passages, limit=5),
        "incidents": incidents_visible_to(user).filter(bearers=bearer).count(),
        "constraints": sum(constraints.values()),
        "may_record": clearance is not None and bool(clearance.write_compartments),
        "overview_url": f"{reverse('access_overview')}?bearer={bearer.pk}",
    }
    shown = list(row.assessments) if row else []
    return [Panel(template="access/_bearer_panel.html", context=context, records=shown, order=50)]


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """Readings of the bearer's acceptance that this interaction showed."""
    readings = (
        acceptance_visible_to(user)
        .filter(interaction=interaction)
        .select_related("bearer")
        .order_by("-assessed_on", "-created_at")
    )
    return [
        TimelineEntry(
            when=reading.assessed_on,
            kind=gettext("Acceptance: %(status)s")
            % {"status": reading.get_status_display().lower()},
            title=reading.bearer.name,
            url=record_url(reading),
            record=reading,
        )
        for reading in readings
    ]


# The meeting brief lists this many acceptance readings and stopped passages.
BRIEF_LENGTH = 3


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Any = None
) -> list[Panel]:
    """The bearer's acceptance of our offer of services (the latest readings) and its
    access record: passages by outcome, the last ones it stopped, incidents. Four queries,
    whatever the number of records; none for a person (access is recorded per bearer)."""
    if bearer is None:
        return []
    readings = list(
        acceptance_visible_to(user)
        .filter(bearer=bearer)
        .order_by("-assessed_on", "-created_at")[:BRIEF_LENGTH]
    )
    passages = passages_visible_to(user).filter(bearer=bearer)
    stopped = list(
        passages.exclude(outcome=PassageOutcome.PASSED).order_by("-occurred_at")[:BRIEF_LENGTH]
    )
    context = {
        "readings": readings,
        "counts": figures.outcome_counts(passages),
        "stopped": stopped,
        "incidents": incidents_visible_to(user).filter(bearers=bearer).count(),
    }
    return [
        Panel(
            template="access/_brief_access.html",
            context=context,
            records=[*readings, *stopped],
            order=50,
        )
    ]

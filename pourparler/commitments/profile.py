"""What the commitments register adds to the bearer profile and the person page.

* Bearer timeline: the commitments the bearer made, and the compliance observations of
  its commitments (kept, partly kept, breached).
* Bearer panel: the bearer's commitments with their current compliance, the security
  incidents the latest observation gives as evidence (a breach links the incident that
  showed it), and how many are kept and breached.
* Person timeline: the commitments the person signed or gave.

Everything is read through ``visible_to(user)`` (evidence through the access app's read
path); the profile page audits what it shows. Each hook costs a fixed number of
queries, whatever the number of commitments, observations or evidence: the timeline two
(commitments, observations), the panel three (the commitments listed, their incidents,
the figures), the person timeline one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext

from pourparler.access.models import SecurityIncident
from pourparler.access.reading import incidents_visible_to
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments import figures
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.core.access import clearance_for
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.ui.extensions import Panel, TimelineEntry

# How many commitments the bearer panel lists; the rest are one click away.
PANEL_LENGTH = 8


def _url(commitment: Commitment | Any) -> str:
    return reverse("commitment_detail", args=[getattr(commitment, "pk", commitment)])


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """The newest commitments the bearer made, and observations of its commitments."""
    commitments = Commitment.objects.visible_to(user).filter(bearers=bearer)
    entries = [
        TimelineEntry(
            when=c.made_on,
            kind=gettext("Commitment: %(instrument)s")
            % {"instrument": c.get_instrument_display().lower()},
            title=c.title,
            url=_url(c),
            record=c,
        )
        for c in commitments.order_by("-made_on", "-id")[:limit]
    ]
    # An observation is visible only if its commitment is (``access_via``), so the join
    # shows nothing the read path would hide.
    observations = (
        ComplianceObservation.objects.visible_to(user)
        .filter(commitment__in=commitments.values("pk"))
        .select_related("commitment")
        .order_by("-observed_on", "-created_at")
    )
    entries += [
        TimelineEntry(
            when=o.observed_on,
            kind=gettext("Commitment %(compliance)s")
            % {"compliance": o.get_assessment_display().lower()},
            title=o.commitment.title,
            url=f"{_url(o.commitment_id)}#observation-{o.pk}",
            record=o,
            tags=(str(o.commitment.get_instrument_display()),),
        )
        for o in observations[:limit]
    ]
    return entries


def _latest_incidents(user: Any, commitments: Any) -> dict[Any, list[SecurityIncident]]:
    """The security incidents given as evidence by the latest observation of each of the
    commitments, only those the user may see: one query, whatever the number of rows.

    Read through the link table, so each incident comes with the commitment whose latest
    observation names it (and never one named only by an older observation).
    """
    latest = ComplianceObservation.objects.visible_to(user).filter(
        commitment__in=commitments.values("pk"),
        observed_on=F("commitment__compliance_observed_on"),
    )
    through = ComplianceObservation.incidents.through
    # Typed loosely: each row carries the annotation ``for_commitment``.
    links: Any = (
        through.objects.filter(
            complianceobservation__in=latest.values("pk"),
            securityincident__in=incidents_visible_to(user).values("pk"),
        )
        .annotate(for_commitment=F("complianceobservation__commitment"))
        .select_related("securityincident")
        .order_by("securityincident__occurred_at")
    )
    found: dict[Any, list[SecurityIncident]] = {}
    for link in links:
        incidents = found.setdefault(link.for_commitment, [])
        if link.securityincident not in incidents:
            incidents.append(link.securityincident)
    return found


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The bearer's commitments with their current compliance, and its figures."""
    commitments = Commitment.objects.visible_to(user).filter(bearers=bearer)
    listed = list(commitments.order_by("-made_on", "-id")[: PANEL_LENGTH + 1])
    shown = listed[:PANEL_LENGTH]
    incidents = _latest_incidents(user, commitments)
    clearance = clearance_for(user)
    rows: list[dict[str, Any]] = [
        {"commitment": c, "incidents": incidents.get(c.pk, [])} for c in shown
    ]
    context = {
        "bearer": bearer,
        "rows": rows,
        "more": len(listed) > PANEL_LENGTH,
        "tally": figures.tally(user, commitments, label=bearer.name),
        "may_register": clearance is not None and bool(clearance.write_compartments),
    }
    # Audited: the commitments listed, and the incidents shown beside them.
    records: list[Any] = [*shown, *(i for row in rows for i in row["incidents"])]
    return [
        Panel(template="commitments/_bearer_panel.html", context=context, records=records, order=55)
    ]


def person_timeline(user: Any, person: Person, limit: int) -> list[TimelineEntry]:
    """The newest commitments the person signed or gave."""
    # A signatory is visible only with its commitment (``access_via``): the join is safe.
    signatures = (
        Signatory.objects.visible_to(user)
        .filter(person=person)
        .select_related("commitment")
        .order_by("-commitment__made_on", "-created_at")
    )
    return [
        TimelineEntry(
            when=s.signed_on or s.commitment.made_on,
            kind=gettext("Commitment signed (%(capacity)s)")
            % {"capacity": s.get_capacity_display().lower()},
            title=s.commitment.title,
            url=_url(s.commitment),
            record=s,
            tags=(str(s.commitment.get_instrument_display()),),
        )
        for s in signatures[:limit]
    ]


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """Commitments this interaction led to."""
    commitments = Commitment.objects.visible_to(user).filter(interactions=interaction)
    return [
        TimelineEntry(
            when=c.made_on,
            kind=gettext("Commitment: %(instrument)s")
            % {"instrument": c.get_instrument_display().lower()},
            title=c.title,
            url=_url(c),
            record=c,
        )
        for c in commitments.order_by("-made_on", "-id")
    ]


# The meeting brief lists this many of the newest commitments.
BRIEF_LENGTH = 5


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Person | None = None
) -> list[Panel]:
    """The bearer's newest commitments (for a person: those they signed or gave) with
    their current compliance, and the tally of all of them. Two queries."""
    commitments = Commitment.objects.visible_to(user)
    if bearer is not None:
        commitments = commitments.filter(bearers=bearer)
    elif person is not None:
        commitments = commitments.filter(
            pk__in=Signatory.objects.visible_to(user).filter(person=person).values("commitment")
        )
    else:
        return []
    shown = list(commitments.order_by("-made_on", "-id")[:BRIEF_LENGTH])
    context = {
        "commitments": shown,
        "tally": figures.tally(user, commitments, label=""),
    }
    return [
        Panel(
            template="commitments/_brief_commitments.html",
            context=context,
            records=shown,
            order=45,
        )
    ]

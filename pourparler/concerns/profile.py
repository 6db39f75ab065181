"""What concerns add to the bearer profile and the person page.

* Bearer timeline: the concerns opened about the bearer and the representations made
  about them.
* Bearer panel: the concerns still open with the bearer (open, raised, responded or
  persisting) with their status, and the bearer's outcome figures.
* Person timeline: the representations made to the person and the responses they gave.

Everything is read through ``visible_to(user)``; the profile page audits what it shows.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.bearers.models import WeaponBearer
from pourparler.concerns import figures
from pourparler.concerns.choices import RepresentationMode
from pourparler.concerns.models import ACTIVE_STATUSES, Concern, Representation, Response
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person
from pourparler.ui.extensions import Panel, TimelineEntry

# What a representation is called in a timeline, by its mode.
REPRESENTATION_KIND: dict[str, Any] = {
    RepresentationMode.ORAL: _("Oral representation"),
    RepresentationMode.WRITTEN: _("Written representation"),
}

# How many open concerns the bearer panel lists; the rest are one click away.
PANEL_LENGTH = 10


def _concern_entry(concern: Concern) -> TimelineEntry:
    return TimelineEntry(
        when=concern.opened_on,
        kind=gettext("Concern opened"),
        title=concern.summary,
        url=reverse("concern_detail", args=[concern.pk]),
        record=concern,
        tags=(str(concern.get_status_display()),),
    )


def _representation_entry(representation: Representation, concern: Concern) -> TimelineEntry:
    return TimelineEntry(
        when=representation.made_on,
        kind=str(REPRESENTATION_KIND.get(representation.mode, representation.get_mode_display())),
        title=concern.summary,
        url=reverse("concern_detail", args=[concern.pk]),
        record=representation,
        level=representation.level,
        level_label=str(representation.get_level_display()),
    )


def _with_concerns(queryset: Any) -> Any:
    """Attach each record's concern in the same query.

    A record under a concern is visible only if its concern is (``access_via``), so the
    join shows nothing the read path would hide.
    """
    return queryset.select_related("concern")


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """The newest concerns opened about the bearer and representations made about them."""
    concerns = Concern.objects.visible_to(user).filter(bearers=bearer)
    entries = [_concern_entry(c) for c in concerns.order_by("-opened_on", "-id")[:limit]]
    representations = _with_concerns(
        Representation.objects.visible_to(user)
        .filter(concern__in=concerns.values("pk"))
        .order_by("-made_on", "-created_at")
    )
    entries += [_representation_entry(r, r.concern) for r in representations[:limit]]
    return entries


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The concerns still open with the bearer, and the bearer's outcome figures."""
    concerns = Concern.objects.visible_to(user).filter(bearers=bearer)
    active = list(
        concerns.filter(status__in=ACTIVE_STATUSES).order_by("-opened_on", "-id")[
            : PANEL_LENGTH + 1
        ]
    )
    outcome = figures.outcome(user, concerns, label=bearer.name)
    context = {
        "bearer": bearer,
        "concerns": active[:PANEL_LENGTH],
        "more": len(active) > PANEL_LENGTH,
        "outcome": outcome,
    }
    return [
        Panel(
            template="concerns/_bearer_panel.html",
            context=context,
            records=active[:PANEL_LENGTH],
            order=50,
        )
    ]


def person_timeline(user: Any, person: Person, limit: int) -> list[TimelineEntry]:
    """The newest representations made to the person, and the responses they gave."""
    representations = _with_concerns(
        Representation.objects.visible_to(user)
        .filter(to_person=person)
        .order_by("-made_on", "-created_at")
    )
    entries = [_representation_entry(r, r.concern) for r in representations[:limit]]
    responses = _with_concerns(
        Response.objects.visible_to(user)
        .filter(from_person=person)
        .order_by("-received_on", "-created_at")
    )
    entries += [
        TimelineEntry(
            when=r.received_on,
            kind=gettext("Response to a concern"),
            title=f"{r.concern.summary}: {r.get_kind_display()}",
            url=reverse("concern_detail", args=[r.concern.pk]),
            record=r,
        )
        for r in responses[:limit]
    ]
    return entries


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """Representations made during the interaction, with their concerns."""
    representations = _with_concerns(
        Representation.objects.visible_to(user)
        .filter(interaction=interaction)
        .order_by("-made_on", "-created_at")
    )
    return [_representation_entry(r, r.concern) for r in representations]


# The meeting brief lists this many open concerns and recent representations.
BRIEF_LENGTH = 5


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Person | None = None
) -> list[Panel]:
    """The concerns still open with the bearer and the last representations made about
    them (for a person: the representations made to them, and their concerns); counts
    for the rest. Four queries at most, whatever the number of records."""
    representations = Representation.objects.visible_to(user)
    if bearer is not None:
        concerns = Concern.objects.visible_to(user).filter(bearers=bearer)
        representations = representations.filter(concern__in=concerns.values("pk"))
    elif person is not None:
        representations = representations.filter(to_person=person)
        concerns = Concern.objects.visible_to(user).filter(pk__in=representations.values("concern"))
    else:
        return []
    active_all = concerns.filter(status__in=ACTIVE_STATUSES)
    active = list(active_all.order_by("-opened_on", "-id")[:BRIEF_LENGTH])
    made = list(_with_concerns(representations).order_by("-made_on", "-created_at")[:BRIEF_LENGTH])
    context = {
        "concerns": active,
        "open_count": active_all.count(),
        "representations": made,
        "representation_count": representations.count(),
    }
    return [
        Panel(
            template="concerns/_brief_concerns.html",
            context=context,
            records=[*active, *made],
            order=40,
        )
    ]

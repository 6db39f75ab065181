"""What dissemination and training add to the bearer profile: sessions on the timeline,
and a panel of people reached by year."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.training.figures import reach_by_year
from pourparler.training.models import DisseminationSession
from pourparler.ui.extensions import Panel, TimelineEntry


def _entry(session: DisseminationSession) -> TimelineEntry:
    return TimelineEntry(
        when=session.held_on,
        kind=str(session.get_kind_display()),
        title=session.place_name,
        url=reverse("session_detail", args=[session.pk]),
        record=session,
        level=session.level,
        level_label=str(session.get_level_display()),
        tags=(f"{session.participants} reached",),
    )


def bearer_timeline(user: Any, bearer: WeaponBearer, limit: int) -> list[TimelineEntry]:
    """The newest sessions held for the bearer's members."""
    sessions = (
        DisseminationSession.objects.visible_to(user)
        .filter(bearer=bearer)
        .order_by("-held_on", "-created_at")
    )
    return [_entry(session) for session in sessions[:limit]]


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """People reached by year among the bearer's members, from the sessions the user sees."""
    sessions = DisseminationSession.objects.visible_to(user).filter(bearer=bearer)
    years = reach_by_year(sessions)
    return [
        Panel(
            template="training/_bearer_panel.html",
            context={"bearer": bearer, "years": years},
            order=60,
        )
    ]


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """The sessions this interaction records in the contact log."""
    sessions = DisseminationSession.objects.visible_to(user).filter(interaction=interaction)
    return [_entry(session) for session in sessions.order_by("-held_on", "-created_at")]

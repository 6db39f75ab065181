"""What integration adds to the bearer profile: the five pillars as a heat-map row."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from pourparler.bearers.models import WeaponBearer
from pourparler.dialogue.models import Interaction
from pourparler.integration.figures import heat_rows
from pourparler.integration.models import IntegrationAssessment
from pourparler.ui.extensions import Panel, TimelineEntry


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The current level of each pillar, from the assessments the user may see."""
    row = heat_rows(user, [bearer])[0]
    shown = [cell.assessment for cell in row.cells if cell.assessment is not None]
    return [
        Panel(
            template="integration/_bearer_panel.html",
            context={"bearer": bearer, "row": row},
            records=shown,
            order=50,
        )
    ]


def interaction_links(user: Any, interaction: Interaction) -> list[TimelineEntry]:
    """Assessments of a pillar that cite this interaction as evidence (of a bearer the user
    may see: the pages hide the others too)."""
    assessments = (
        IntegrationAssessment.objects.visible_to(user)
        .filter(interactions=interaction, bearer__in=WeaponBearer.objects.visible_to(user))
        .select_related("bearer")
        .order_by("-assessed_on", "-created_at")
    )
    return [
        TimelineEntry(
            when=a.assessed_on,
            kind=gettext("Integration: %(pillar)s")
            % {"pillar": str(a.get_pillar_display()).lower()},
            title=a.bearer.name,
            url=reverse("assessment_detail", args=[a.pk]),
            record=a,
            tags=(str(a.get_level_display()),),
        )
        for a in assessments
    ]


def brief_sections(
    user: Any, *, bearer: WeaponBearer | None = None, person: Any = None
) -> list[Panel]:
    """The bearer's current level in each pillar, for the meeting brief (none for a
    person: integration is assessed per bearer)."""
    if bearer is None:
        return []
    row = heat_rows(user, [bearer])[0]
    shown = [cell.assessment for cell in row.cells if cell.assessment is not None]
    return [
        Panel(
            template="integration/_brief_integration.html",
            context={"bearer": bearer, "row": row},
            records=shown,
            order=60,
        )
    ]

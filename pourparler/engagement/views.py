"""The plan page: the channels and next steps for a bearer, with their reasons."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import get_visible_or_404
from pourparler.core.audit import record_list
from pourparler.core.http import AuthedRequest
from pourparler.engagement.planner import (
    GAP_LEVEL,
    LEVEL_NAMES,
    LEVEL_WORDS,
    RECENT_DAYS,
    plan_for,
)
from pourparler.people.models import Person


def bearer_plan(request: AuthedRequest, bearer_pk: str) -> HttpResponse:
    """Show the engagement plan for a bearer: suggestions with their reasons, the most
    central people we know, and the levels without recent contact."""
    user = request.user
    bearer = get_visible_or_404(WeaponBearer, user, bearer_pk)
    plan = plan_for(user, bearer)
    # The page names people: an audited read of each one shown.
    record_list(user, Person, plan.person_ids)
    context = {
        "nav": "bearers",
        "bearer": bearer,
        "plan": plan,
        "profile": plan.profile,
        # (code, name in the language of the page, what the level covers)
        "levels": [
            (level, LEVEL_NAMES[level], LEVEL_WORDS[level]) for level in plan.levels_without_contact
        ],
        # Each central person with the name of their level in the language of the page.
        "central": [
            (c, LEVEL_NAMES.get(c.level, c.level)) for c in plan.profile.central_people or ()
        ],
        "recent_days": RECENT_DAYS,
        "gap_level": GAP_LEVEL,
    }
    return render(request, "engagement/plan.html", context)

"""What the engagement planner adds to the bearer profile: the first suggestions and the
levels without recent contact, with a link to the whole plan.

The panel leaves out the network of people (the plan page builds it), so it costs a few
counting queries and names nobody; everything is read through ``visible_to(user)``.
"""

from __future__ import annotations

from typing import Any

from pourparler.bearers.models import WeaponBearer
from pourparler.engagement.planner import LEVEL_NAMES, RECENT_DAYS, and_list, plan_for
from pourparler.ui.extensions import Panel

# How many suggestions the panel shows.
PANEL_LENGTH = 3


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The first suggestions of the plan, and the levels without recent contact."""
    plan = plan_for(user, bearer, network=False)
    context = {
        "bearer": bearer,
        "suggestions": plan.suggestions[:PANEL_LENGTH],
        # The plan page may add more, from the network of people the panel leaves out.
        "more": len(plan.suggestions) > PANEL_LENGTH,
        "levels": plan.levels_without_contact,
        # "the strategic and tactical", in the language of the page.
        "level_words": and_list([str(LEVEL_NAMES[level]) for level in plan.levels_without_contact]),
        "recent_days": RECENT_DAYS,
    }
    return [Panel(template="engagement/_bearer_panel.html", context=context, order=60)]

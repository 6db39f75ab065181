"""What the maps app adds to the bearer profile: the areas the bearer holds today and the
people living there (each counted once), with a link to the bearer's map.

Read through ``maps.reading``, so only areas the viewer may see are counted; the page
audits the areas shown (``Panel.records``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.maps.population import PopulationBasis, estimate_union
from pourparler.maps.reading import areas_visible_to, in_force
from pourparler.ui.extensions import Panel


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """The bearer's areas of control in force today and the people living there."""
    today = timezone.localdate()
    areas = list(
        areas_visible_to(user)
        .filter(in_force(today, today, "starts_on", "ends_on"), bearer=bearer)
        .order_by("-starts_on")
    )
    if not areas:
        return []
    basis = PopulationBasis(user, {area.country_id for area in areas})
    context = {
        "bearer": bearer,
        "areas": areas,
        "people": estimate_union(areas, basis),
        "by_control": {
            control: estimate_union([a for a in areas if a.control == control], basis)
            for control in sorted({a.control for a in areas})
        },
    }
    return [Panel(template="maps/_bearer_panel.html", context=context, records=areas, order=70)]

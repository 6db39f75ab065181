"""What integration adds to the bearer profile: the five pillars as a heat-map row."""

from __future__ import annotations

from typing import Any

from pourparler.bearers.models import WeaponBearer
from pourparler.integration.figures import heat_rows
from pourparler.ui.extensions import Panel


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

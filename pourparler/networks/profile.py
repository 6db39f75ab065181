"""What the networks app adds to the bearer profile: a link to the bearer's chain of
command and influence network.

The panel reads nothing (the networks page builds the pictures), so it adds no query
to the profile and names nobody.
"""

from __future__ import annotations

from typing import Any

from pourparler.bearers.models import WeaponBearer
from pourparler.ui.extensions import Panel


def bearer_panels(user: Any, bearer: WeaponBearer) -> list[Panel]:
    """A link to the bearer's networks page."""
    return [Panel(template="networks/_bearer_panel.html", context={"bearer": bearer}, order=65)]

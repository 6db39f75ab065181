"""Template context shared by every page."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from pourparler.core.audit import is_auditor
from pourparler.core.twofactor import fully_signed_in, second_factor_required
from pourparler.ui.extensions import nav_entries


def site(request: HttpRequest) -> dict[str, Any]:
    """Tell every template whether it runs in demo mode, whether a second factor is
    required, and whether the user has passed every sign-in step (the navigation shows
    only then)."""
    return {
        "demo_mode": settings.DEMO_MODE,
        "second_factor_required": second_factor_required(),
        "fully_signed_in": fully_signed_in(getattr(request, "user", None)),
        # Called only if a template asks (the navigation): the audit log link.
        "is_auditor": functools.partial(is_auditor, getattr(request, "user", None)),
        # The registers domain apps add to the navigation (ui/extensions.py).
        "nav_entries": nav_entries,
    }

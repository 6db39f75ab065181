"""Template filters that write outcome figures the way a reader expects them."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A share as a whole percentage ("67 %"), or a dash when there is nothing to count."""
    if value is None:
        return "—"
    return gettext("%(percent)s %%") % {"percent": round(value * 100)}


@register.filter
def days(value: float | None) -> str:
    """A median number of days ("12 days", "1 day", "4.5 days"), or a dash."""
    if value is None:
        return "—"
    whole = value == int(value)
    number = str(int(value)) if whole else number_format(f"{value:g}")
    # The plural form follows the whole number of days (Arabic has six forms).
    count = int(value) if whole else math.ceil(value)
    return ngettext("%(number)s day", "%(number)s days", count) % {"number": number}

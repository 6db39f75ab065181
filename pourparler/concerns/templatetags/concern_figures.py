"""Template filters that write outcome figures the way a reader expects them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A share as a whole percentage ("67 %"), or a dash when there is nothing to count."""
    if value is None:
        return "—"
    return f"{round(value * 100)} %"


@register.filter
def days(value: float | None) -> str:
    """A median number of days ("12 days", "1 day", "4.5 days"), or a dash."""
    if value is None:
        return "—"
    number = f"{value:g}"
    return f"{number} day" if value == 1 else f"{number} days"

"""Template filters that write the register's figures the way a reader expects them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """A share as a whole percentage ("67 %"), or a dash when there is nothing to count."""
    if value is None:
        return "—"
    return f"{round(value * 100)} %"

"""Paging without exact counts: a count over a large filtered set costs far more than
the page it describes (see ../shared/PERFORMANCE.md), so pages only say whether more follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of results and the links around it."""

    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """Say whether an earlier page exists."""
        return self.number > 1


def page_of(queryset: QuerySet[Any], request: HttpRequest, size: int = 50) -> Page[Any]:
    """Return the requested page of a queryset, fetching one row more to know if more follow."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=number, has_next=len(rows) > size)


def query_without_page(request: HttpRequest) -> str:
    """Return the current query string without its page number, for pager links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

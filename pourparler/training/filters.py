"""The filters shared by the session list and the figures page."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import RestrictedQuerySet
from pourparler.training.choices import SessionKind
from pourparler.training.models import DisseminationSession

FILTER_NAMES = ("kind", "level", "bearer", "topic", "delegation", "since", "until", "year")


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _parse_year(value: str) -> int | None:
    try:
        year = int(value)
    except ValueError:
        return None
    return year if 1900 <= year <= 9999 else None


def visible_sessions(
    user: Any, params: Mapping[str, str]
) -> tuple[RestrictedQuerySet[DisseminationSession], dict[str, str]]:
    """Return the sessions the user may see, narrowed by the request's filters, and the
    filters as understood (unknown values are ignored, an unknown bearer matches nothing)."""
    sessions = DisseminationSession.objects.visible_to(user)
    filters = {name: str(params.get(name, "")).strip() for name in FILTER_NAMES}
    if filters["kind"] in SessionKind.values:
        sessions = sessions.filter(kind=filters["kind"])
    if filters["level"] in Level.values:
        sessions = sessions.filter(level=filters["level"])
    if filters["bearer"]:
        try:
            bearer = WeaponBearer.objects.visible_to(user).get(pk=filters["bearer"])
        except (WeaponBearer.DoesNotExist, ValueError, TypeError):
            sessions = sessions.none()
        else:
            sessions = sessions.filter(bearer=bearer)
    if filters["topic"]:
        sessions = sessions.filter(topics__code=filters["topic"])
    if filters["delegation"]:
        sessions = sessions.filter(compartment__code=filters["delegation"])
    since = _parse_date(filters["since"])
    until = _parse_date(filters["until"])
    year = _parse_year(filters["year"])
    if since:
        sessions = sessions.filter(held_on__gte=since)
    if until:
        sessions = sessions.filter(held_on__lte=until)
    if year:
        sessions = sessions.filter(held_on__year=year)
    return sessions, filters

"""The maps app's read path: ``visible_to``, then hide the areas of bearers the viewer may
not see.

``AreaOfControl.bearer`` is deliberately not in ``access_via``: the read path would then
open every area under a granted bearer, restricted ones and other delegations' included.
A bearer grant opens the non-restricted areas of that bearer (``access_bearer_link``);
and every page, figure and endpoint starts here, so an area of a bearer the viewer may
not see is as missing as its bearer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import Action, RestrictedQuerySet
from pourparler.maps.models import AreaOfControl


def areas_visible_to(user: Any, action: Action = "view") -> RestrictedQuerySet[AreaOfControl]:
    """Return the areas of control the user may see (or change), of bearers they may see."""
    bearers = WeaponBearer.objects.visible_to(user).values("pk")
    return AreaOfControl.objects.visible_to(user, action).filter(bearer__in=bearers)


def in_force(
    since: datetime.date | None, until: datetime.date | None, start: str, end: str | None = None
) -> Q:
    """Rows whose period (``start`` to ``end``, open when empty) meets ``since``–``until``.

    With no ``end`` field, the row is a moment (``start`` alone) that must fall inside.
    """
    condition = Q()
    if until is not None:
        condition &= Q(**{f"{start}__lte": until})
    if since is not None:
        if end is None:
            condition &= Q(**{f"{start}__gte": since})
        else:
            condition &= Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": since})
    return condition

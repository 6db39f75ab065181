"""The access app's read path: ``visible_to``, then hide what points at hidden bearers.

Every page, figure and panel of the app starts here. Each function starts from
``Model.objects.visible_to(user, action)`` (compartment, restriction, grants, tombstones)
and then drops records whose bearer or unit the viewer may not see, as ``access_via``
would, without opening restricted records to bearer grants (see ``access.models``).
Linked records shown beside them (the bearers of an incident, the passage it happened
at) come through the same functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.access import Action, RestrictedQuerySet


def visible_bearers(user: Any) -> RestrictedQuerySet[WeaponBearer]:
    """Return the bearers the user may see."""
    return WeaponBearer.objects.visible_to(user)


def _known_bearer_and_unit(user: Any) -> Q:
    bearers = WeaponBearer.objects.visible_to(user).values("pk")
    units = Unit.objects.visible_to(user).values("pk")
    return (Q(bearer__isnull=True) | Q(bearer__in=bearers)) & (
        Q(unit__isnull=True) | Q(unit__in=units)
    )


def acceptance_visible_to(
    user: Any, action: Action = "view"
) -> RestrictedQuerySet[AcceptanceAssessment]:
    """Return the acceptance assessments the user may see, about bearers they may see."""
    bearers = WeaponBearer.objects.visible_to(user).values("pk")
    return AcceptanceAssessment.objects.visible_to(user, action).filter(bearer__in=bearers)


def passages_visible_to(
    user: Any, action: Action = "view"
) -> RestrictedQuerySet[CheckpointPassage]:
    """Return the checkpoint passages the user may see, at checkpoints they may see."""
    return CheckpointPassage.objects.visible_to(user, action).filter(_known_bearer_and_unit(user))


def constraints_visible_to(
    user: Any, action: Action = "view"
) -> RestrictedQuerySet[AccessConstraint]:
    """Return the access constraints the user may see."""
    return AccessConstraint.objects.visible_to(user, action).filter(_known_bearer_and_unit(user))


def incidents_visible_to(
    user: Any, action: Action = "view"
) -> RestrictedQuerySet[SecurityIncident]:
    """Return the security incidents the user may see (not those at a hidden passage)."""
    passages = passages_visible_to(user).values("pk")
    return SecurityIncident.objects.visible_to(user, action).filter(
        Q(passage__isnull=True) | Q(passage__in=passages)
    )


def with_visible_bearers(incidents: Any, user: Any) -> Any:
    """Prefetch the bearers involved in incidents, only those the user may see."""
    return incidents.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user))
    )

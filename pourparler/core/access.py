"""The one read path: who may see and change which records.

Every query that can reach a user starts from ``Model.objects.visible_to(user, action)``.
The rules (see docs/security.md):

* A record is held either as organisation-wide reference data (the bearer registry,
  delegations) or in a delegation's compartment (people and dialogue).
* Staff read and write the compartments of the delegations they are currently posted
  to with a content role; headquarters analysts also read every delegation's
  non-restricted records.
* A record marked restricted is visible only to its named members, whatever their role.
* Tombstoned records are invisible.
* A row whose parent (``access_via``) is invisible is invisible too.
* Auditors and administrators see reference data but no compartment content.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from pourparler.core.choices import CONTENT_ROLES, ORGANISATION_READ_ROLES, AccessScope

if TYPE_CHECKING:
    from pourparler.core.models import Record

Action = Literal["view", "change"]
_CACHE_ATTR = "_pourparler_clearance"


@dataclass(frozen=True)
class Clearance:
    """What one user may reach, computed once per request from their current postings."""

    user_id: uuid.UUID
    read_compartments: frozenset[uuid.UUID]
    write_compartments: frozenset[uuid.UUID]
    reads_every_compartment: bool
    roles: frozenset[str]

    @property
    def has_content_role(self) -> bool:
        """Say whether the user works with dialogue content at all."""
        return bool(self.roles & CONTENT_ROLES)

    def compartments_for(self, action: Action) -> frozenset[uuid.UUID]:
        """Return the compartments the user may reach for an action."""
        return self.read_compartments if action == "view" else self.write_compartments


def clearance_for(user: Any, *, today: datetime.date | None = None) -> Clearance | None:
    """Return the user's clearance, or None for an anonymous or inactive user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and today is None:
        return cached
    day = today or timezone.localdate()
    membership_model = apps.get_model("core", "Membership")
    postings = membership_model.objects.filter(
        user_id=user.pk,
        deleted_at__isnull=True,
        starts_on__lte=day,
        delegation__deleted_at__isnull=True,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    read: set[uuid.UUID] = set()
    write: set[uuid.UUID] = set()
    roles: set[str] = set()
    for delegation_id, role in postings.values_list("delegation_id", "role"):
        roles.add(role)
        if role in CONTENT_ROLES:
            read.add(delegation_id)
            write.add(delegation_id)
    clearance = Clearance(
        user_id=user.pk,
        read_compartments=frozenset(read),
        write_compartments=frozenset(write),
        reads_every_compartment=bool(roles & ORGANISATION_READ_ROLES),
        roles=frozenset(roles),
    )
    if today is None:
        setattr(user, _CACHE_ATTR, clearance)
    return clearance


def forget_clearance(user: Any) -> None:
    """Drop a cached clearance (after a posting changes)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


_R = TypeVar("_R", bound="Record")


class RestrictedQuerySet(models.QuerySet[_R]):
    """A queryset that knows how to cut itself down to what a user may reach."""

    def visible_to(self, user: Any, action: Action = "view") -> RestrictedQuerySet[_R]:
        """Return only the live records the user may see (or change)."""
        clearance = clearance_for(user)
        if clearance is None:
            return self.none()
        model = self.model
        qs = self.filter(deleted_at__isnull=True)
        if model.access_scope == AccessScope.COMPARTMENT:
            if not (action == "view" and clearance.reads_every_compartment):
                qs = qs.filter(compartment_id__in=clearance.compartments_for(action))
        elif action == "change" and not clearance.write_compartments:
            return self.none()
        qs = qs.filter(_unrestricted_or_named(model, user.pk))
        for parent_name in model.access_via:
            parent = model._meta.get_field(parent_name).related_model
            visible_parents = parent.objects.visible_to(user, "view").values("pk")  # type: ignore[union-attr]
            qs = qs.filter(
                Q(**{f"{parent_name}__isnull": True}) | Q(**{f"{parent_name}__in": visible_parents})
            )
        return qs

    def alive(self) -> RestrictedQuerySet[_R]:
        """Return records without a tombstone, with no access check (service layer only)."""
        return self.filter(deleted_at__isnull=True)


def _unrestricted_or_named(model: type[models.Model], user_id: uuid.UUID) -> Q:
    field = model._meta.get_field("restricted_to")
    through = field.remote_field.through  # type: ignore[union-attr]
    source = field.m2m_field_name()  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
    named = through.objects.filter(**{source: OuterRef("pk"), target: user_id})
    return Q(restricted=False) | Q(Exists(named))


class RestrictedManager(models.Manager[_R]):
    """The manager every record has; its only door for readers is ``visible_to``."""

    def get_queryset(self) -> RestrictedQuerySet[_R]:
        return RestrictedQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any, action: Action = "view") -> RestrictedQuerySet[_R]:
        """Return only the live records the user may see (or change)."""
        return self.get_queryset().visible_to(user, action)

    def alive(self) -> RestrictedQuerySet[_R]:
        """Return records without a tombstone, with no access check (service layer only)."""
        return self.get_queryset().alive()


def get_visible_or_404(
    queryset: RestrictedQuerySet[_R] | type[_R], user: Any, pk: Any, action: Action = "view"
) -> _R:
    """Fetch one record the user may reach, or raise the same 404 as a missing one.

    A queryset passed in is narrowed again by ``visible_to``, so callers cannot forget it.
    """
    if isinstance(queryset, type):
        queryset = queryset.objects.get_queryset()
    try:
        return queryset.visible_to(user, action).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.") from None

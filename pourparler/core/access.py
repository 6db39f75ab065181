"""The one read path: who may see and change which records.

Every query that can reach a user starts from ``Model.objects.visible_to(user, action)``.
The rules (docs/security.md has the full matrix):

* A record is held either as organisation-wide reference data (the bearer registry,
  delegations, postings) or in a delegation's compartment (people and dialogue).
* Staff read and write the compartments of the delegations they are currently posted
  to with a content role; headquarters analysts also read every delegation's
  non-restricted records.
* A record marked restricted is visible only to its named members, whatever their role.
* Need-to-know grants, until they expire, open a delegation's compartment (restricted
  records stay closed), one record (even a restricted one) with the rows under it, or
  one bearer (even a restricted one) with its registry rows and the non-restricted
  interactions about it. A read grant never allows a change.
* Organisation-wide records are changed by staff with a content role, unless the model
  names the roles that manage it (``change_roles``: postings by administrators).
* Tombstoned records are invisible.
* A row whose parent (``access_via``) is invisible is invisible too.
* Auditors and administrators see reference data but no compartment content unless granted.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from pourparler.core.choices import (
    CONTENT_ROLES,
    ORGANISATION_READ_ROLES,
    AccessScope,
    GrantAccess,
)

if TYPE_CHECKING:
    from pourparler.core.models import Record

Action = Literal["view", "change"]
_CACHE_ATTR = "_pourparler_clearance"
_BEARER_LABEL = "bearers.WeaponBearer"


@dataclass(frozen=True)
class Clearance:
    """What one user may reach, computed once per request from postings and grants."""

    user_id: uuid.UUID
    read_compartments: frozenset[uuid.UUID]
    write_compartments: frozenset[uuid.UUID]
    reads_every_compartment: bool
    roles: frozenset[str]
    # Record grants: (model label, action) -> ids of records opened by a live grant.
    record_grants: dict[tuple[str, str], frozenset[uuid.UUID]] = field(default_factory=dict)

    @property
    def has_content_role(self) -> bool:
        """Say whether the user works with dialogue content at all."""
        return bool(self.roles & CONTENT_ROLES)

    def compartments_for(self, action: Action) -> frozenset[uuid.UUID]:
        """Return the compartments the user may reach for an action."""
        return self.read_compartments if action == "view" else self.write_compartments

    def granted(self, label: str, action: Action) -> frozenset[uuid.UUID]:
        """Return the ids of records of one model opened to the user by grants."""
        return self.record_grants.get((label, action), frozenset())


def clearance_for(user: Any, *, now: datetime.datetime | None = None) -> Clearance | None:
    """Return the user's clearance, or None for an anonymous or inactive user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and now is None:
        return cached
    moment = now or timezone.now()
    day = timezone.localdate(moment)
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
    records: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    for grant in _live_grants(user, moment):
        actions: tuple[Action, ...] = (
            ("view", "change") if grant["access"] == GrantAccess.WRITE else ("view",)
        )
        if grant["delegation_id"]:
            read.add(grant["delegation_id"])
            if "change" in actions:
                write.add(grant["delegation_id"])
            continue
        if grant["bearer_id"]:
            label, record_id = _BEARER_LABEL, grant["bearer_id"]
        else:
            model = _model_of_content_type(grant["record_type_id"])
            label, record_id = model._meta.label, grant["record_id"]
        for action in actions:
            records[(label, action)].add(record_id)
    clearance = Clearance(
        user_id=user.pk,
        read_compartments=frozenset(read),
        write_compartments=frozenset(write),
        reads_every_compartment=bool(roles & ORGANISATION_READ_ROLES),
        roles=frozenset(roles),
        record_grants={key: frozenset(ids) for key, ids in records.items()},
    )
    if now is None:
        setattr(user, _CACHE_ATTR, clearance)
    return clearance


def _live_grants(user: Any, moment: datetime.datetime) -> list[dict[str, Any]]:
    grant_model = apps.get_model("core", "Grant")
    groups = user.groups.values("pk")
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in grant_model.objects.filter(deleted_at__isnull=True, expires_at__gt=moment)
        .filter(Q(grantee_id=user.pk) | Q(grantee_group__in=groups))
        # A grant never opens anything to the person who made it (say, through a group).
        .exclude(created_by_id=user.pk)
        .values("access", "delegation_id", "bearer_id", "record_type_id", "record_id")
    ]
    return rows


def _model_of_content_type(content_type_id: int) -> type[models.Model]:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    model = content_type_model.objects.get_for_id(content_type_id).model_class()
    assert model is not None
    return model


def forget_clearance(user: Any) -> None:
    """Drop a cached clearance (after a posting or a grant changes)."""
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
        by_rule = _unrestricted_or_named(model, user.pk)
        if model.access_scope == AccessScope.COMPARTMENT:
            if action == "view" and clearance.reads_every_compartment:
                # Every delegation's records, but never one that belongs to none.
                by_rule &= Q(compartment_id__isnull=False)
            else:
                by_rule &= Q(compartment_id__in=clearance.compartments_for(action))
        elif action == "change" and not may_change_reference(model, clearance):
            by_rule = Q(pk__in=[])
        qs = self.filter(deleted_at__isnull=True).filter(
            by_rule | _by_grant(model, clearance, action)
        )
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


def may_change_reference(model: type[models.Model], clearance: Clearance) -> bool:
    """Say whether the user may change organisation-wide records of this model.

    It takes a posting with the right role: a grant on a delegation opens its compartment,
    never the registry every delegation shares.
    """
    change_roles = getattr(model, "change_roles", None)
    if change_roles is not None:
        return bool(clearance.roles & change_roles)
    return clearance.has_content_role


def _by_grant(model: type[models.Model], clearance: Clearance, action: Action) -> Q:
    """Rows opened by grants on the row itself, on its parent, or on a bearer it concerns."""
    opened = Q(pk__in=[])
    own = clearance.granted(model._meta.label, action)
    if own:
        opened |= Q(pk__in=own)
    for parent_name in getattr(model, "access_via", ()):
        parent = cast("type[models.Model]", model._meta.get_field(parent_name).related_model)
        parent_label = parent._meta.label
        parent_ids = clearance.granted(parent_label, action)
        if parent_ids:
            under = Q(**{f"{parent_name}__in": parent_ids})
            if parent_label == _BEARER_LABEL:
                # A grant on a bearer opens what is about it, never a row restricted to
                # named people (as for access_bearer_link below); a grant on a record
                # opens the rows under it, restricted or not.
                under &= Q(restricted=False)
            opened |= under
    bearer_link = getattr(model, "access_bearer_link", None)
    bearers = clearance.granted(_BEARER_LABEL, action)
    if bearer_link and bearers:
        opened |= _about_bearers(model, bearer_link, bearers) & Q(restricted=False)
    return opened


def _about_bearers(model: type[models.Model], link: str, bearers: frozenset[uuid.UUID]) -> Q:
    """Rows about one of the bearers, through a foreign key or a many-to-many link."""
    if model._meta.get_field(link).many_to_many:
        return Q(Exists(_through_rows(model, link, f"{_target(model, link)}__in", bearers)))
    return Q(**{f"{link}__in": bearers})


def _unrestricted_or_named(model: type[models.Model], user_id: uuid.UUID) -> Q:
    named = _through_rows(model, "restricted_to", _target(model, "restricted_to"), user_id)
    return Q(restricted=False) | Q(Exists(named))


def _m2m(model: type[models.Model], name: str) -> models.ManyToManyField[Any, Any]:
    return cast("models.ManyToManyField[Any, Any]", model._meta.get_field(name))


def _target(model: type[models.Model], name: str) -> str:
    return _m2m(model, name).m2m_reverse_field_name()


def _through_rows(model: type[models.Model], name: str, lookup: str, value: Any) -> Any:
    """Rows of a many-to-many link table that point at the outer row and match a value."""
    link = _m2m(model, name)
    through = cast("type[models.Model]", link.remote_field.through)
    return through._default_manager.filter(**{link.m2m_field_name(): OuterRef("pk"), lookup: value})


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

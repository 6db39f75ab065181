"""The one write path every domain service builds on.

Each function runs inside one transaction, bumps the version, re-checks permission
after writing (so a write that would leave the record out of the actor's reach is
rolled back) and writes the change-log entry in the same transaction.
Domain apps wrap these in ``do_<verb>_<noun>(..., *, actor)`` functions.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from pourparler.core import audit
from pourparler.core.access import Action, clearance_for, forget_clearance, may_change_reference
from pourparler.core.choices import REGISTRY_STEWARD_ROLES, AccessScope, ChangeAction, Role
from pourparler.core.context import current_request_id
from pourparler.core.crypto import encrypted_fields, seal_logged_values
from pourparler.core.fields import EncryptedTextField
from pourparler.core.models import ChangeLogEntry, Delegation, Grant, Membership, Record, User

_R = TypeVar("_R", bound=Record)
_P = ParamSpec("_P")
_T = TypeVar("_T")

# Bookkeeping fields that every record has; they are logged but never set by callers.
_BOOKKEEPING = frozenset(
    {
        "id",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "version",
        "deleted_at",
        "deleted_by",
    }
)


_service_depth: contextvars.ContextVar[int] = contextvars.ContextVar("service_depth", default=0)


class EditConflict(Exception):
    """Someone saved the record after the editor loaded it; the edit was refused."""

    def __init__(self, current: Record, attempted: Mapping[str, Any]) -> None:
        super().__init__(f"{current._meta.label} {current.pk} is at version {current.version}")
        self.current = current
        self.attempted = dict(attempted)


class RecordGone(Exception):
    """The record was deleted while someone was editing it."""


def snapshot(obj: models.Model, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return a JSON-ready picture of a record's fields, for the change log.

    Encrypted fields are logged encrypted, never as plaintext; one unchanged since the
    ``previous`` snapshot keeps its token there, so it does not show as changed.
    """
    exclude = set(getattr(obj, "changelog_exclude", ()))
    data: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(obj)
        if isinstance(field, EncryptedTextField):
            secret[field.attname] = data[field.attname]
    if secret:
        data.update(seal_logged_values(obj, secret, previous))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name in exclude:
                continue
            data[field.name] = sorted(
                str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
            )
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def write_service(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run a domain write service in one transaction; record a refused edit after rollback."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        token = _service_depth.set(_service_depth.get() + 1)
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except EditConflict as conflict:
            # Only the outermost service records the refusal, after its own rollback.
            if _service_depth.get() == 1:
                actor = kwargs.get("actor")
                _log_conflict(conflict, actor if isinstance(actor, User) else None)
            raise
        finally:
            _service_depth.reset(token)

    return wrapper


def ensure_permitted(obj: Record, actor: User, action: Action = "change") -> None:
    """Raise PermissionDenied unless the actor may reach the record for this action."""
    model = type(obj)
    if not model.objects.visible_to(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("You may not change this record.")


# Fields that decide who may see a record. Changing them takes access by rule (a posting
# or a delegation grant), never a grant on the record itself or on its bearer: otherwise
# a grant holder could move a record out of its compartment or lift its restriction.
_CONTAINMENT = frozenset({"compartment", "compartment_id", "restricted", "restricted_to"})


def _holds_by_rule(obj: Record, actor: User) -> bool:
    """Say whether the actor may change the record without counting record or bearer grants."""
    clearance = clearance_for(actor)
    if clearance is None:
        return False
    if obj.restricted and not obj.restricted_to.filter(pk=actor.pk).exists():
        return False
    if type(obj).access_scope == AccessScope.COMPARTMENT:
        return obj.compartment_id in clearance.write_compartments
    return may_change_reference(type(obj), clearance)


def _ensure_containment_kept(obj: Record, actor: User, changing: set[str]) -> None:
    if changing & _CONTAINMENT and not _holds_by_rule(obj, actor):
        raise PermissionDenied(
            "Only a member of the delegation may move this record or change who may see it."
        )


def _log(
    obj: Record,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: User | None,
) -> ChangeLogEntry:
    entry = ChangeLogEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_version=obj.version,
        compartment_id=obj.compartment_id,
        before=before,
        after=after,
    )
    audit.record_change(entry)
    return entry


def _log_conflict(conflict: EditConflict, actor: User | None) -> None:
    current = conflict.current
    with transaction.atomic():
        before = snapshot(current)
        attempted = {
            **before,
            **json.loads(json.dumps(conflict.attempted, cls=DjangoJSONEncoder, default=str)),
        }
        # What the editor tried to save is as confidential as what is stored.
        secret = {f.attname for f in encrypted_fields(type(current))}
        tried = {name: attempted[name] for name in conflict.attempted if name in secret}
        attempted.update(seal_logged_values(current, tried, before))
        _log(current, ChangeAction.CONFLICT, before, attempted, actor)


def _set_m2m(obj: Record, m2m: Mapping[str, Iterable[Any]] | None) -> None:
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(list(values))


def _keep_actor_in_restriction(obj: Record, actor: User) -> None:
    if obj.restricted and not obj.restricted_to.filter(pk=actor.pk).exists():
        obj.restricted_to.add(actor)


def create_record(obj: _R, *, actor: User, m2m: Mapping[str, Iterable[Any]] | None = None) -> _R:
    """Insert a new record, its many-to-many links, and a change-log entry."""
    now = timezone.now()
    with transaction.atomic():
        obj.created_by = obj.updated_by = actor
        obj.created_at = obj.updated_at = now
        obj.version = 1
        obj.full_clean(exclude=list(m2m or ()))
        obj.save(force_insert=True)
        _set_m2m(obj, m2m)
        _keep_actor_in_restriction(obj, actor)
        ensure_permitted(obj, actor, "change")
        _log(obj, ChangeAction.CREATE, None, snapshot(obj), actor)
    return obj


def _lock(obj: _R) -> _R:
    model = type(obj)
    try:
        return model.objects.select_for_update().filter(deleted_at__isnull=True).get(pk=obj.pk)
    except model.DoesNotExist:
        raise RecordGone(f"{model._meta.verbose_name} was deleted.") from None


def update_record(
    obj: _R,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> _R:
    """Apply changes to a record the editor saw at ``expected_version``.

    Raises EditConflict when the stored version moved on: nothing is overwritten.
    """
    if _BOOKKEEPING & set(changes):
        raise ValueError("Bookkeeping fields are set by the service layer only.")
    with transaction.atomic():
        current = _lock(obj)
        ensure_permitted(current, actor, "change")
        if current.version != expected_version:
            attempted = dict(changes)
            for name, values in (m2m or {}).items():
                attempted[name] = sorted(str(getattr(v, "pk", v)) for v in values)
            raise EditConflict(current, attempted)
        before = snapshot(current)
        changing = {name for name, value in changes.items() if getattr(current, name) != value}
        if m2m and "restricted_to" in m2m:
            wanted = {getattr(v, "pk", v) for v in m2m["restricted_to"]}
            if wanted != set(current.restricted_to.values_list("pk", flat=True)):
                changing.add("restricted_to")
        _ensure_containment_kept(current, actor, changing)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=list(m2m or ()))
        current.version = expected_version + 1
        current.updated_by = actor
        current.updated_at = timezone.now()
        current.save()
        _set_m2m(current, m2m)
        _keep_actor_in_restriction(current, actor)
        ensure_permitted(current, actor, "change")
        _ensure_containment_kept(current, actor, changing)
        _log(current, ChangeAction.UPDATE, before, snapshot(current, before), actor)
    return current


def delete_record(obj: _R, *, actor: User, expected_version: int) -> _R:
    """Put a tombstone on a record; nothing is erased, and the deletion is logged."""
    with transaction.atomic():
        current = _lock(obj)
        ensure_permitted(current, actor, "change")
        _ensure_may_delete(current, actor)
        if current.version != expected_version:
            raise EditConflict(current, {"deleted_at": "(delete requested)"})
        before = snapshot(current)
        now = timezone.now()
        current.deleted_at = now
        current.deleted_by = actor
        current.updated_at = now
        current.updated_by = actor
        current.version = expected_version + 1
        current.save()
        _log(current, ChangeAction.DELETE, before, snapshot(current, before), actor)
    return current


def _ensure_may_delete(obj: Record, actor: User) -> None:
    """Organisation-wide records are tombstoned only by the roles named for it."""
    model = type(obj)
    if model.access_scope != AccessScope.ORGANISATION:
        return
    roles = model.delete_roles or model.change_roles or REGISTRY_STEWARD_ROLES
    clearance = clearance_for(actor)
    if clearance is None or not clearance.roles & roles:
        raise PermissionDenied("Your role may not remove this shared record.")


def seed_reference_records(model: type[_R], rows: Iterable[dict[str, Any]], *, key: str) -> int:
    """Add reference rows (countries, topics) that are missing, logged as made by the system.

    Rows already present (matched on ``key``) are left alone, so seeding twice adds nothing.
    """
    with transaction.atomic():
        existing = set(model.objects.values_list(key, flat=True))
        fresh = [model(**row) for row in rows if row[key] not in existing]
        if not fresh:
            return 0
        model.objects.bulk_create(fresh)
        content_type = ContentType.objects.get_for_model(model)
        request_id = current_request_id()
        entries = ChangeLogEntry.objects.bulk_create(
            ChangeLogEntry(
                actor=None,
                actor_name="system",
                request_id=request_id,
                action=ChangeAction.CREATE,
                content_type=content_type,
                object_id=obj.pk,
                object_version=obj.version,
                compartment_id=None,
                before=None,
                after=snapshot(obj),
            )
            for obj in fresh
        )
        audit.record_changes(entries)
    return len(fresh)


def require_visible(model: type[_R], records: Iterable[Any], actor: User) -> list[_R]:
    """Return the given records (or ids) if the actor may see every one, else refuse.

    Linking a record to something the actor cannot see would leak its existence.
    """
    ids = {getattr(r, "pk", r) for r in records}
    if not ids:
        return []
    found = list(model.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise PermissionDenied("A linked record does not exist or is not visible to you.")
    return found


def _log_user_change(
    user: User, action: str, before: dict[str, Any] | None, actor: User | None
) -> None:
    after = snapshot(user)
    after.pop("password", None)
    if before:
        before.pop("password", None)
    entry = ChangeLogEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        object_version=1,
        compartment_id=None,
        before=before,
        after=after,
    )
    audit.record_change(entry)


@write_service
def do_create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    """Open an account for a member of staff (the password is stored as an Argon2 hash)."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _log_user_change(user, ChangeAction.CREATE, None, actor)
    return user


@write_service
def do_create_delegation(
    *,
    actor: User | None,
    name: str,
    code: str,
    countries: Iterable[Any] = (),
    is_headquarters: bool = False,
) -> Delegation:
    """Open a delegation, which is also a compartment."""
    delegation = Delegation(name=name, code=code, is_headquarters=is_headquarters)
    if actor is None:
        # Only the bootstrap (an empty database, from the command line) opens
        # delegations without an actor; it is logged as the system.
        delegation.full_clean()
        delegation.save(force_insert=True)
        delegation.countries.set(list(countries))
        _log(delegation, ChangeAction.CREATE, None, snapshot(delegation), None)
        return delegation
    return create_record(delegation, actor=actor, m2m={"countries": list(countries)})


@write_service
def do_post_member(
    *,
    actor: User | None,
    user: User,
    delegation: Delegation,
    role: str,
    starts_on: Any = None,
    ends_on: Any = None,
) -> Membership:
    """Post a member of staff to a delegation with a role."""
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("Nobody may post themselves: ask another administrator.")
    membership = Membership(user=user, delegation=delegation, role=role, ends_on=ends_on)
    if starts_on is not None:
        membership.starts_on = starts_on
    if actor is None:
        membership.full_clean()
        membership.save(force_insert=True)
        _log(membership, ChangeAction.CREATE, None, snapshot(membership), None)
    else:
        create_record(membership, actor=actor)
    audit.record_permission_change(membership, "posted", actor=actor)
    forget_clearance(user)
    return membership


class GrantRefused(PermissionDenied):
    """A need-to-know grant that the actor may not make."""


def _grant_compartment(grant: Grant) -> uuid.UUID | None:
    """Return the compartment a grant opens into (None for a bearer)."""
    if grant.delegation_id:
        return grant.delegation_id
    if grant.record_type is not None and grant.record_id:
        model = grant.record_type.model_class()
        assert model is not None
        compartment: uuid.UUID | None = (
            model._default_manager.filter(pk=grant.record_id)
            .values_list("compartment_id", flat=True)
            .first()
        )
        return compartment
    return None


def _check_grantor(actor: User, grant: Grant) -> None:
    clearance = clearance_for(actor)
    if clearance is None:
        raise GrantRefused("Sign in to grant access.")
    if grant.grantee_id == actor.pk:
        raise GrantRefused("Nobody may grant access to themselves.")
    if grant.grantee_group_id and actor.groups.filter(pk=grant.grantee_group_id).exists():
        raise GrantRefused("Nobody may grant access to a group they belong to.")
    if Role.ADMINISTRATOR in clearance.roles:
        return
    compartment = _grant_compartment(grant)
    # Only a head of delegation posted there now: a head who has rotated out grants nothing.
    heads_of = heads_now(actor)
    if compartment is None or compartment not in heads_of:
        raise GrantRefused("Only the head of the delegation concerned may grant this access.")
    if grant.record_type is not None and grant.record_id:
        # A head may not open a record restricted to others: they cannot see it either.
        target = cast("type[Record] | None", grant.record_type.model_class())
        assert target is not None
        if not target.objects.visible_to(actor).filter(pk=grant.record_id).exists():
            raise GrantRefused("Only the head of the delegation concerned may grant this access.")


@write_service
def do_grant_access(
    *,
    actor: User,
    access: str,
    reason: str,
    expires_at: datetime.datetime,
    grantee: User | None = None,
    grantee_group: Any = None,
    bearer: Any = None,
    delegation: Delegation | None = None,
    record: Record | None = None,
) -> Grant:
    """Give a user or group need-to-know access to a bearer, a delegation or a record."""
    now = timezone.now()
    if expires_at <= now:
        raise ValueError("A grant must expire in the future.")
    if expires_at > now + datetime.timedelta(days=settings.GRANT_MAX_DAYS):
        raise ValueError(
            f"A grant may run for {settings.GRANT_MAX_DAYS} days at most; renew it if need be."
        )
    if not reason.strip():
        raise ValueError("Say why access is needed.")
    grant = Grant(
        grantee=grantee,
        grantee_group=grantee_group,
        access=access,
        reason=reason,
        expires_at=expires_at,
        bearer=bearer,
        delegation=delegation,
        restricted=True,
    )
    if record is not None:
        grant.record_type = ContentType.objects.get_for_model(type(record))
        grant.record_id = record.pk
    _check_grantor(actor, grant)
    named = [actor] + ([grantee] if grantee is not None else [])
    create_record(grant, actor=actor, m2m={"restricted_to": named})
    audit.record_grant_change(grant, "granted", actor=actor)
    if grantee is not None:
        forget_clearance(grantee)
    return grant


@write_service
def do_revoke_grant(grant: Grant, *, actor: User, expected_version: int) -> Grant:
    """Withdraw a grant before it expires."""
    _check_grantor(actor, grant)
    revoked = delete_record(grant, actor=actor, expected_version=expected_version)
    audit.record_grant_change(revoked, "revoked", actor=actor)
    return revoked


def _narrow(obj: _R, changes: Mapping[str, Any], actor: User) -> _R:
    """Write a change that only narrows someone's access (a posting or grant ending
    earlier), logged like any update. Kept apart from ``update_record``, which asks for the
    right to change the record: whoever may end access need not be allowed to widen it."""
    current = cast("_R", type(obj)._default_manager.select_for_update().get(pk=obj.pk))
    before = snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by = actor
    current.updated_at = timezone.now()
    current.save()
    _log(current, ChangeAction.UPDATE, before, snapshot(current, before), actor)
    return current


def heads_now(user: User) -> set[uuid.UUID]:
    """The delegations a user is posted to now as head of delegation (a head who has
    rotated out heads nothing)."""
    today = timezone.localdate()
    return set(
        Membership.objects.alive()
        .filter(user=user, role=Role.HEAD_OF_DELEGATION, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("delegation_id", flat=True)
    )


def is_head_of(user: User, delegation_id: Any) -> bool:
    """Say whether the user is posted now as head of this delegation."""
    return delegation_id in heads_now(user)


@write_service
def do_end_posting(
    membership: Membership, *, actor: User, ends_on: datetime.date, reason: str
) -> Membership:
    """End a posting on a day, never later than it already ends: by the member themself
    (leaving), the head of that delegation now, or an administrator."""
    clearance = clearance_for(actor)
    allowed = membership.user_id == actor.pk or membership.delegation_id in heads_now(actor)
    if not allowed and (clearance is None or Role.ADMINISTRATOR not in clearance.roles):
        raise PermissionDenied("Only the member, the head of the delegation or an administrator.")
    if membership.ends_on is not None and membership.ends_on <= ends_on:
        return membership
    if ends_on < membership.starts_on - datetime.timedelta(days=1):
        raise ValueError("A posting cannot end before it starts.")
    ended = _narrow(membership, {"ends_on": ends_on}, actor)
    audit.record_permission_change(ended, reason, actor=actor)
    forget_clearance(membership.user)
    return ended


@write_service
def do_end_grant(grant: Grant, *, actor: User, at: datetime.datetime, reason: str) -> Grant:
    """Make a grant expire at a moment, never later than it already does: by its holder
    (giving it up) or by whoever may revoke it."""
    if grant.grantee_id != actor.pk:
        _check_grantor(actor, grant)
    if grant.expires_at <= at:
        return grant
    ended = _narrow(grant, {"expires_at": at}, actor)
    audit.record_grant_change(ended, reason, actor=actor)
    if grant.grantee is not None:
        forget_clearance(grant.grantee)
    return ended

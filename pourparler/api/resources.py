"""The five operations of a resource, registered from one description.

Every record type the API offers is a ``Resource``: its model, its output schema, what a
list may be filtered on, and the service functions that create, change and delete it.
``register(router, resource)`` adds, under ``/<path>/``:

========  =================  ============================================================
GET       ``/<path>/``       a page of what the caller may see, filtered, in a stable order
POST      ``/<path>/``       create through the service (201 with the record)
GET       ``/<path>/{id}/``  one record, or the same 404 for a missing and a forbidden one
PATCH     ``/<path>/{id}/``  change it; the body names the ``version`` it was read at, and a
                             stale one is a 409 with the record as it now stands
DELETE    ``/<path>/{id}/``  tombstone it through the service, ``?version=N`` (204)
========  =================  ============================================================

Reads start from ``Model.objects.visible_to(user)``; one record is
``get_visible_or_404``; lists and reads of compartment records are audited like the
pages (``record_list``, ``record_read``). A resource without a service for some write
simply has no such operation. Each operation declares every answer it can give, so the
OpenAPI schema is what the fuzzer holds the API to.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param
from ninja.responses import Status

from pourparler.api.schemas import (
    MAX_VERSION,
    ErrorOut,
    NoFilters,
    PageParams,
    QueryInt,
    ValidationErrorOut,
    VersionIn,
    conflict_of,
    page_of,
)
from pourparler.core.access import RestrictedQuerySet, get_visible_or_404
from pourparler.core.audit import record_list, record_read
from pourparler.core.choices import AccessScope
from pourparler.core.models import Record, User
from pourparler.core.services import EditConflict

M = TypeVar("M", bound=Record)
QS = RestrictedQuerySet[Any]


class InvalidInput(Exception):
    """The request names something wrong: field -> what is wrong with it."""

    def __init__(self, errors: Mapping[str, Iterable[str]]) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__(self.errors)

    @classmethod
    def of(cls, field: str, message: str) -> InvalidInput:
        """One problem with one field."""
        return cls({field: [message]})

    def as_list(self) -> list[dict[str, Any]]:
        """The problems in the shape of a 422 body."""
        return [
            {
                "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
                "msg": message,
                "type": "invalid",
            }
            for field, messages in self.errors.items()
            for message in messages
        ]


NOT_VISIBLE = "No such record, or not one you may see."


def actor_of(request: HttpRequest) -> User:
    """Return the user the request acts as (the token's owner or the signed-in user)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def linked(model: type[M], pk: uuid.UUID, user: User, field: str) -> M:
    """Return the linked record ``pk`` if the user may see it; else a 422 on ``field``.

    A missing and a forbidden record get the same answer.
    """
    found = model.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise InvalidInput.of(field, NOT_VISIBLE)
    return found


def maybe_linked(model: type[M], pk: uuid.UUID | None, user: User, field: str) -> M | None:
    """Like ``linked``, for a link that may be left empty."""
    return None if pk is None else linked(model, pk, user, field)


def all_linked(model: type[M], pks: Iterable[uuid.UUID], user: User, field: str) -> list[M]:
    """Return every linked record named, if the user may see them all; else a 422."""
    wanted = set(pks)
    found = list(model.objects.visible_to(user).filter(pk__in=wanted)) if wanted else []
    if len(found) != len(wanted):
        raise InvalidInput.of(field, NOT_VISIBLE)
    return found


def colleague(pk: uuid.UUID, field: str) -> User:
    """Return the member of staff ``pk`` (an active account), or a 422 on ``field``."""
    return colleagues([pk], field)[0]


def maybe_colleague(pk: uuid.UUID | None, field: str) -> User | None:
    """Like ``colleague``, for a link that may be left empty."""
    return None if pk is None else colleague(pk, field)


def colleagues(pks: Iterable[uuid.UUID], field: str) -> list[User]:
    """Return the members of staff named (active accounts), or a 422 on ``field``."""
    wanted = set(pks)
    found = list(User.objects.filter(pk__in=wanted, is_active=True)) if wanted else []
    if len(found) != len(wanted):
        raise InvalidInput.of(field, "No such colleague.")
    return found


def given(payload: Schema, *names: str) -> dict[str, Any]:
    """Return the fields of a PATCH body that the caller sent, among ``names``."""
    sent = payload.model_fields_set
    return {name: getattr(payload, name) for name in names if name in sent}


Filter = Callable[[QS, Any, User], QS]
Prepare = Callable[[QS, User], QS]


def _unchanged(queryset: QS, user: User) -> QS:
    return queryset


@dataclass(frozen=True)
class Resource(Generic[M]):
    """One kind of record offered by the API, and how to list, read and write it.

    ``create(payload, actor)``, ``update(record, payload, actor)`` (the payload carries
    ``version``) and ``delete(record, version, actor)`` call the app's services; a
    missing one leaves the operation out. ``prepare(queryset, user)`` adds the joins and
    the prefetches (through ``visible_to``) the output needs beyond the named users
    (``restricted_to``, always prefetched); ``filter(queryset,
    filters, user)`` applies the list's query parameters (``filters`` schema).
    """

    model: type[M]
    path: str
    out: type[Schema]
    tag: str
    order: tuple[str, ...]
    filters: type[Schema] = NoFilters
    filter: Filter | None = None
    prepare: Prepare = _unchanged
    create_in: type[Schema] | None = None
    create: Callable[[Any, User], M] | None = None
    update_in: type[Schema] | None = None
    update: Callable[[M, Any, User], M] | None = None
    delete: Callable[[M, int, User], M] | None = None

    @property
    def noun(self) -> str:
        """The singular in words, for summaries."""
        return str(self.model._meta.verbose_name)

    @property
    def a_noun(self) -> str:
        """The singular with its article: "a weapon bearer", "an interaction"."""
        return f"{'an' if self.noun[:1] in 'aeiou' else 'a'} {self.noun}"

    @property
    def audited(self) -> bool:
        """Reads of compartment records (confidential content) go into the audit chain."""
        return self.model.access_scope == AccessScope.COMPARTMENT

    def ready(self, queryset: QS, user: User) -> QS:
        """Add what the output schema reads: the named users, and ``prepare``'s links."""
        return self.prepare(queryset.prefetch_related("restricted_to"), user)

    def queryset(self, user: User) -> QS:
        """Everything of this kind the user may see, ready for the output schema."""
        return self.ready(self.model.objects.visible_to(user), user)

    def fetch(self, user: User, pk: Any) -> M:
        """One record the user may see, or the 404 a missing one gets."""
        return cast(M, get_visible_or_404(self.queryset(user), user, pk))


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}
BAD_BODY: dict[int, type[Schema]] = {400: ErrorOut, 422: ValidationErrorOut}


def _signature(**params: Any) -> inspect.Signature:
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    rest = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
        for name, annotation in params.items()
    ]
    return inspect.Signature([request, *rest])


def _view(func: Callable[..., Any], name: str, doc: str, **params: Any) -> Callable[..., Any]:
    func.__name__ = func.__qualname__ = name
    func.__doc__ = doc
    func.__signature__ = _signature(**params)  # type: ignore[attr-defined]
    return func


def _query(schema: Any) -> Any:
    return cast(Any, Annotated)[schema, param.Query()]


def _conflict(resource: Resource[M], user: User, exc: EditConflict) -> Status[Any]:
    current = resource.fetch(user, exc.current.pk)
    if resource.audited:
        record_read(user, current)
    detail = (
        f"The {resource.noun} changed since you read it: it is now at version "
        f"{current.version}. Merge your change into it and send that version."
    )
    return Status(409, {"detail": detail, "current": current})


def _write(call: Callable[[], M]) -> M:
    """Run a service; turn what it refuses into the API's answers."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise InvalidInput(_messages(exc)) from None
    except IntegrityError:
        raise InvalidInput.of(NON_FIELD_ERRORS, "This conflicts with an existing record.") from None
    except ValueError as exc:
        raise InvalidInput.of(NON_FIELD_ERRORS, str(exc)) from None


def _messages(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in exc.message_dict[field]] for field in exc.message_dict}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def register(router: Router, resource: Resource[Any]) -> None:
    """Add the resource's operations to a router."""
    _register_list(router, resource)
    _register_detail(router, resource)
    if resource.create is not None and resource.create_in is not None:
        _register_create(router, resource)
    if resource.update is not None and resource.update_in is not None:
        _register_update(router, resource)
    if resource.delete is not None:
        _register_delete(router, resource)


def _register_list(router: Router, resource: Resource[Any]) -> None:
    def list_records(
        request: HttpRequest, page: PageParams, filters: Schema | None = None
    ) -> dict[str, Any]:
        user = actor_of(request)
        queryset = resource.model.objects.visible_to(user)
        if resource.filter is not None and filters is not None:
            queryset = resource.filter(queryset, filters, user)
        queryset = resource.ready(queryset.order_by(*resource.order), user)
        rows = list(queryset[page.offset : page.offset + page.limit + 1])
        items = rows[: page.limit]
        if resource.audited:
            sent = filters.model_dump(exclude_none=True) if filters is not None else {}
            record_list(user, resource.model, items, filters=sent or None)
        more = len(rows) > page.limit
        return {
            "items": items,
            "limit": page.limit,
            "offset": page.offset,
            "next_offset": page.offset + page.limit if more else None,
        }

    name = f"list_{resource.path.replace('-', '_')}"
    params = {"page": _query(PageParams)}
    if resource.filter is not None:
        params["filters"] = _query(resource.filters)
    router.add_api_operation(
        f"/{resource.path}/",
        ["GET"],
        _view(
            list_records,
            name,
            f"List the {resource.model._meta.verbose_name_plural} you may see.",
            **params,
        ),
        summary=f"List {resource.model._meta.verbose_name_plural}",
        response={200: page_of(resource.out), **ERRORS, 422: ValidationErrorOut},
        operation_id=name,
        tags=[resource.tag],
    )


def _register_detail(router: Router, resource: Resource[Any]) -> None:
    def read_record(request: HttpRequest, pk: uuid.UUID) -> Any:
        user = actor_of(request)
        record = resource.fetch(user, pk)
        if resource.audited:
            record_read(user, record)
        return record

    name = f"get_{resource.model._meta.model_name}"
    router.add_api_operation(
        f"/{resource.path}/{{pk}}/",
        ["GET"],
        _view(
            read_record,
            name,
            f"Read one {resource.noun}; a missing one and one you may not see are the same 404.",
            pk=uuid.UUID,
        ),
        summary=f"Read {resource.a_noun}",
        response={200: resource.out, **ERRORS, 404: ErrorOut, 422: ValidationErrorOut},
        operation_id=name,
        tags=[resource.tag],
    )


def _register_create(router: Router, resource: Resource[Any]) -> None:
    create = resource.create
    assert create is not None

    def create_record(request: HttpRequest, payload: Schema) -> Status[Any]:
        user = actor_of(request)
        record = _write(lambda: create(payload, user))
        return Status(201, resource.fetch(user, record.pk))

    name = f"create_{resource.model._meta.model_name}"
    router.add_api_operation(
        f"/{resource.path}/",
        ["POST"],
        _view(create_record, name, f"Record a new {resource.noun}.", payload=resource.create_in),
        summary=f"Record {resource.a_noun}",
        response={201: resource.out, **ERRORS, **BAD_BODY},
        operation_id=name,
        tags=[resource.tag],
    )


def _register_update(router: Router, resource: Resource[Any]) -> None:
    update = resource.update
    assert update is not None and resource.update_in is not None
    assert issubclass(resource.update_in, VersionIn), "An update body carries the version."

    def update_record(request: HttpRequest, pk: uuid.UUID, payload: VersionIn) -> Any:
        user = actor_of(request)
        record = resource.fetch(user, pk)
        try:
            changed = _write(lambda: update(record, payload, user))
        except EditConflict as exc:
            return _conflict(resource, user, exc)
        return resource.fetch(user, changed.pk)

    name = f"update_{resource.model._meta.model_name}"
    router.add_api_operation(
        f"/{resource.path}/{{pk}}/",
        ["PATCH"],
        _view(
            update_record,
            name,
            f"Change a {resource.noun}: send the version you read and only the fields to "
            "change. A stale version is a 409 with the record as it now stands.",
            pk=uuid.UUID,
            payload=resource.update_in,
        ),
        summary=f"Change {resource.a_noun}",
        response={
            200: resource.out,
            **ERRORS,
            **BAD_BODY,
            404: ErrorOut,
            409: conflict_of(resource.out),
        },
        operation_id=name,
        tags=[resource.tag],
    )


def _register_delete(router: Router, resource: Resource[Any]) -> None:
    delete = resource.delete
    assert delete is not None

    def delete_record(request: HttpRequest, pk: uuid.UUID, version: int) -> Any:
        user = actor_of(request)
        record = resource.fetch(user, pk)
        try:
            _write(lambda: delete(record, version, user))
        except EditConflict as exc:
            return _conflict(resource, user, exc)
        return Status(204, None)

    name = f"delete_{resource.model._meta.model_name}"
    version = cast(Any, Annotated)[
        QueryInt, param.Query(ge=1, le=MAX_VERSION, description="The version you last read.")
    ]
    router.add_api_operation(
        f"/{resource.path}/{{pk}}/",
        ["DELETE"],
        _view(
            delete_record,
            name,
            f"Delete a {resource.noun} (a tombstone: nothing is erased, and it is logged). "
            "A stale version is a 409 with the record as it now stands.",
            pk=uuid.UUID,
            version=version,
        ),
        summary=f"Delete {resource.a_noun}",
        response={
            204: None,
            **ERRORS,
            404: ErrorOut,
            409: conflict_of(resource.out),
            422: ValidationErrorOut,
        },
        operation_id=name,
        tags=[resource.tag],
    )

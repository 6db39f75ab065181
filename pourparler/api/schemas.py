"""Shapes every resource of the API shares: the record's bookkeeping, text and date types
that the database can always store, errors, pages and conflicts."""

from __future__ import annotations

import copy
import datetime
import functools
import re
import uuid
from typing import Annotated, Any, cast

from django.db.models import Manager
from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    create_model,
)

# Pages: at most this many rows, starting at most this far in.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
# Versions are counted from 1; anything past this is no version a record can have.
MAX_VERSION = 2**31 - 1
# The longest free text taken (notes, descriptions), in characters.
LONG_TEXT = 20_000
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)


def _storable(value: str | None) -> str | None:
    """Refuse text no database column can hold: NUL characters and lone surrogates."""
    if value is None:
        return None
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


def _in_range(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"Give a date between {EARLIEST} and {LATEST}.")
    return value


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")


def _iso_day(value: Any) -> Any:
    """Take a day only as RFC 3339 text (2024-05-31), never as a number of seconds."""
    if value is None or isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


def _iso_moment(value: Any) -> Any:
    """Take a time only as RFC 3339 text with its offset, never as a number of seconds."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise ValueError("Give a time as YYYY-MM-DDTHH:MM:SS with its offset (Z or +HH:MM).")
    return value


def _query_int(value: Any) -> Any:
    """Take a whole-number query parameter only as digits (not 1.0, not 1e3)."""
    if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,12}", value):
        raise ValueError("Give a whole number.")
    if isinstance(value, bool):
        raise ValueError("Give a whole number.")
    return value


def _query_flag(value: Any) -> Any:
    """Take a yes/no query parameter only as true or false."""
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("Give true or false.")


# Text the database can store; give its length with Field(max_length=...).
Text = Annotated[str, AfterValidator(_storable)]
# Dates and times as RFC 3339 text only, within a range every database can store.
Day = Annotated[datetime.date, BeforeValidator(_iso_day), AfterValidator(_in_range)]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_moment), AfterValidator(_in_range)]
# Body values of the exact JSON type (pydantic would otherwise take "1" for 1, 0 for false).
Flag = StrictBool
Version = Annotated[
    StrictInt, Field(ge=1, le=MAX_VERSION, description="The version you last read.")
]
Latitude = Annotated[StrictFloat | StrictInt, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat | StrictInt, Field(ge=-180, le=180)]
# Query parameters: yes/no only as true or false, whole numbers only as digits.
QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]
QueryInt = Annotated[int, BeforeValidator(_query_int)]


def ids(manager: Manager[Any]) -> list[uuid.UUID]:
    """Return the ids of the linked records that were prefetched through the read path."""
    return [row.pk for row in manager.all()]


class RecordOut(Schema):
    """What every record carries: its id, version, authors and times, and who may see it."""

    id: uuid.UUID
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: uuid.UUID | None = Field(validation_alias="created_by_id")
    updated_by: uuid.UUID | None = Field(validation_alias="updated_by_id")
    compartment: uuid.UUID | None = Field(
        validation_alias="compartment_id",
        description="The delegation whose compartment holds the record (none: organisation-wide).",
    )
    restricted: bool
    restricted_to: list[uuid.UUID] = Field(
        description="Users who alone may see a restricted record."
    )

    @staticmethod
    def resolve_restricted_to(obj: Any) -> list[uuid.UUID]:
        return ids(obj.restricted_to) if obj.restricted else []


class VersionIn(Schema):
    """The version of the record the change was made against."""

    version: Version


def changes_of(schema: type[Schema], *, exclude: tuple[str, ...] = ()) -> type[VersionIn]:
    """Return the PATCH body of a record made with ``schema``: its version, and any of
    the fields (but ``exclude``), each optional; only the fields sent are changed."""
    fields: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name in exclude:
            continue
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[name] = (cast(Any, info.annotation) | None, optional)
    return create_model(
        schema.__name__.removesuffix("In") + "Changes",
        __base__=VersionIn,
        __doc__="The version you read, and only the fields to change.",
        **fields,
    )


class ErrorOut(Schema):
    """What went wrong, in words."""

    detail: str


class FieldErrorOut(Schema):
    """One problem with the request, and where it is (``["body", "name"]``)."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """Every problem found with the request, field by field."""

    detail: list[FieldErrorOut]


class PageParams(Schema):
    """Which slice of the list to return."""

    limit: QueryInt = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    offset: QueryInt = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class NoFilters(Schema):
    """A list without filters."""


@functools.cache
def page_of(out: type[Schema]) -> type[Schema]:
    """Return the schema of a page of ``out`` rows (no total: counts are dear, see paging.py)."""
    return create_model(
        f"{out.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[out], ...),  # type: ignore[valid-type]
        limit=(int, ...),
        offset=(int, ...),
        next_offset=(
            int | None,
            Field(..., description="The offset of the next page; null on the last page."),
        ),
    )


@functools.cache
def conflict_of(out: type[Schema]) -> type[Schema]:
    """Return the schema of a 409: the record as it now stands, for the caller to merge."""
    return create_model(
        f"{out.__name__.removesuffix('Out')}Conflict",
        __base__=Schema,
        detail=(str, ...),
        current=(out, ...),
    )

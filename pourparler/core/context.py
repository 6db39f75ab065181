"""The request id that ties a change-log entry to the request that made it."""

from __future__ import annotations

import contextvars
import logging
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    """Return this request's id, or a fresh one for work outside a request (CLI, jobs)."""
    value = _request_id.get()
    if not value:
        value = f"cli-{uuid.uuid4().hex[:16]}"
        _request_id.set(value)
    return value


def set_request_id(value: str) -> contextvars.Token[str]:
    """Bind a request id to the current context."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    """Restore the request id that was bound before."""
    _request_id.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Add the request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True

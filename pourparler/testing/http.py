"""Helpers for tests that go through HTTP, as a user would."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def page_body(content: bytes) -> bytes:
    """Return a page without its per-request CSRF token, to compare two pages."""
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', content)


def count_queries(action: Callable[[], object]) -> int:
    """Run an action and return how many SQL queries it issued."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)

"""Who is calling the API: a personal token, or a browser session that passed both factors.

Every operation requires one of the two (the API is outside the login and second-factor
walls of ``core/middleware.py``, which send browsers to pages; this is its own wall):

* ``TokenAuth``: ``Authorization: Bearer <token>``. An unknown, expired or revoked token,
  or one whose owner may no longer sign in, is a 401 that does not say which; a
  read-scope token asking to change anything is a 403. A request that names a token
  never falls back to the session.
* ``SessionAuth``: the session cookie of a user signed in with every factor the server
  requires (a password-only session is refused with a 401, as if signed out). Changes
  carry the CSRF token (``X-CSRFToken``), as forms do.

Either way the request then acts as the token's owner or the signed-in user:
``request.auth`` is that user, for the read path and the services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from pourparler.api import tokens
from pourparler.core.models import User
from pourparler.core.twofactor import fully_signed_in

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A personal API token in the Authorization header."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = tokens.authenticate(token)
        if found is None:
            raise AuthenticationError(401, "Unauthorized")
        if request.method not in SAFE_METHODS and not found.may_write:
            raise AuthorizationError(403, "This token may read only.")
        # request.user stays anonymous: the session middleware would otherwise start a
        # session (and send a cookie) for a caller that has none. Handlers use request.auth.
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser session of a user signed in with both factors; CSRF-checked on changes."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user: Any = getattr(request, "user", None)
        if not fully_signed_in(user):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user if isinstance(user, User) else None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return self(request)


API_AUTH = [TokenAuth(), SessionAuth()]

"""Middleware: request ids, the login wall, the second-factor wall, session timeouts and
the Permissions-Policy header."""

from __future__ import annotations

import datetime
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext, ngettext

from pourparler.core.context import reset_request_id, set_request_id
from pourparler.core.twofactor import confirmed_device, is_verified, second_factor_required

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id, echo it in a header and bind it for the change log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


# The REST API authenticates every request itself (a personal token or a session that
# passed both factors, pourparler/api/auth.py) and answers 401 in JSON, not a redirect:
# the two walls below leave it alone, and the API's own wall stands in for both.
API_PREFIX = "/api/"


class LoginRequiredMiddleware:
    """Send anonymous visitors to the login page, except for a few public paths."""

    # /i18n/: the language switcher works on the sign-in page too (a POST with CSRF that
    # sets a cookie and redirects to a safe local address; it reads no record).
    PUBLIC_PREFIXES = ("/login/", "/healthz", "/static/", "/i18n/", API_PREFIX)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(self.PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


# Session keys: when the session was signed in, and when it was last seen in use.
SIGNED_IN_AT = "pourparler_signed_in_at"
LAST_SEEN = "pourparler_last_seen"
# Last activity is rewritten at most once a minute, so browsing does not write the
# session on every page; the idle timeout is therefore exact to the minute.
ACTIVITY_RESOLUTION_SECONDS = 60


def _stamp_sign_in(session: SessionBase, now: int) -> None:
    """Start the session's clocks; its expiry is fixed now and never moves with activity."""
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    session.set_expiry(
        datetime.datetime.fromtimestamp(now + settings.SESSION_COOKIE_AGE, tz=datetime.UTC)
    )


def _duration(seconds: int) -> str:
    """Say a timeout in words, in the request's language: "30 minutes", "8 hours"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


class SessionTimeoutMiddleware:
    """Sign out a session idle for SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE.

    The absolute limit counts from sign-in (the session's expiry is set once, so the
    cookie and the stored session are not extended by activity); the idle limit from the
    last request. Either way the user is signed out and sent to the login page with a
    message saying why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._check(request, int(time.time()))
            if expired is not None:
                return expired
        response = self.get_response(request)
        # A sign-in during this request starts the clocks at once.
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            _stamp_sign_in(request.session, int(time.time()))
        return response

    def _check(self, request: HttpRequest, now: int) -> HttpResponse | None:
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        if not isinstance(signed_in_at, int):
            _stamp_sign_in(session, now)
            return None
        max_age = settings.SESSION_COOKIE_AGE
        if now - signed_in_at >= max_age:
            return self._sign_out(
                request,
                gettext("Signed out: a session lasts at most %(duration)s.")
                % {"duration": _duration(max_age)},
            )
        last_seen = session.get(LAST_SEEN)
        if not isinstance(last_seen, int):
            last_seen = signed_in_at
        idle = settings.SESSION_IDLE_SECONDS
        if idle and now - last_seen >= idle:
            return self._sign_out(
                request,
                gettext("Signed out after %(duration)s without activity.")
                % {"duration": _duration(idle)},
            )
        if now - last_seen >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_SEEN] = now
        return None

    @staticmethod
    def _sign_out(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class SecondFactorMiddleware:
    """Send a user who signed in with a password only to the code page or to enrolment.

    Runs after django-otp's OTPMiddleware. Every path is walled except the sign-in,
    second-factor and sign-out pages, the health check and static files. Off when
    ``settings.REQUIRE_SECOND_FACTOR`` is (demo mode).
    """

    EXEMPT_PREFIXES = (
        "/login/",
        "/logout/",
        "/account/two-factor/",
        "/i18n/",
        "/healthz",
        "/static/",
        API_PREFIX,
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and second_factor_required()
            and not is_verified(user)
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            target = "login_verify" if confirmed_device(user) is not None else "two_factor"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)


# Powerful browser features Pourparler never uses, denied to every page and frame.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response


class NoStoreMiddleware:
    """Keep pages for signed-in users out of every cache, the browser's included.

    A laptop left behind or seized must not hold decrypted names and notes in its
    browser cache. Static files are served before this runs and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response

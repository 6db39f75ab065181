"""Sign-in pages after the password: the second-factor code, enrolment, and the lockout page.

The password step is Django's LoginView (``ui/urls.py``) behind django-axes. Then
``SecondFactorMiddleware`` sends the user here: to ``/login/verify/`` when they have a
confirmed authenticator, to ``/account/two-factor/`` to set one up otherwise.

The code a user types is checked and forgotten: it is never logged, stored or put in an
audit event, and Django's error reports mask it (``sensitive_post_parameters``).
"""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from pourparler.core.http import AuthedRequest
from pourparler.core.models import AuthenticatorDevice
from pourparler.core.twofactor import (
    CODE_DIGITS,
    AlreadyEnrolled,
    CodeCheck,
    check_code,
    confirmed_device,
    do_confirm_totp_device,
    do_enrol_totp_device,
    is_verified,
    manual_key,
    pending_device,
    qr_svg,
    record_verification,
)

_CODE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")


class CodeForm(forms.Form):
    """The six-digit code an authenticator app shows."""

    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "class": "code",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not _CODE.match(code):
            raise forms.ValidationError(
                gettext("Type the %(digits)s digits your app shows.") % {"digits": CODE_DIGITS}
            )
        return code


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is proved: a safe ``next``, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refusal(result: CodeCheck) -> str:
    if result.throttled:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)s second before trying again.",
            "Too many wrong codes. Wait %(seconds)s seconds before trying again.",
            result.wait_seconds,
        ) % {"seconds": result.wait_seconds}
    return gettext("That code did not match. Check that your phone's clock is right and try again.")


def _verified(
    request: HttpRequest, device: AuthenticatorDevice, message: str | None = None
) -> HttpResponse:
    """Mark the session as verified with this device and go on."""
    otp_login(request, device)
    # A new session key for the stronger sign-in, as login() does for the password.
    request.session.cycle_key()
    if message:
        messages.success(request, message)
    return HttpResponseRedirect(_next_url(request))


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask a user who gave their password for the code from their authenticator."""
    if not request.user.is_authenticated:
        return redirect_to_login(_next_url(request))
    user = request.user
    if is_verified(user):
        return HttpResponseRedirect(_next_url(request))
    device = confirmed_device(user)
    if device is None:
        return redirect_to_login(_next_url(request), "two_factor")
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        result = check_code(device, form.cleaned_data["code"])
        record_verification(user, device, result)
        if result.accepted:
            return _verified(request, device)
        error = _refusal(result)
    return render(
        request,
        "ui/login_verify.html",
        {"form": form, "error": error, "next": _next_url(request)},
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthedRequest) -> HttpResponse:
    """Set up the authenticator app, or say that it is set up.

    The enrolment page shows the seed (QR code and text): it is marked not to be cached,
    so no browser or proxy keeps a copy on disk.
    """
    user = request.user
    device = confirmed_device(user)
    if device is not None:
        if not is_verified(user):
            return redirect_to_login(_next_url(request), "login_verify")
        return render(request, "ui/two_factor.html", {"device": device, "enrolled": True})
    try:
        pending = pending_device(user) or do_enrol_totp_device(actor=user)
    except AlreadyEnrolled:
        return redirect("two_factor")
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        result = do_confirm_totp_device(pending, form.cleaned_data["code"], actor=user)
        if result.accepted:
            return _verified(request, pending, gettext("Two-factor sign-in is set up."))
        error = _refusal(result)
    return render(
        request,
        "ui/two_factor.html",
        {
            "form": form,
            "error": error,
            "enrolled": False,
            "qr_svg": qr_svg(pending),
            "secret": manual_key(pending),
            "digits": CODE_DIGITS,
            "next": _next_url(request),
        },
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout response: the same page whatever the user name (existing or not)."""
    cooloff = settings.AXES_COOLOFF_TIME
    seconds = math.ceil(cooloff.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    response = render(
        request,
        "ui/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response

"""Request typing: pages behind the login wall always have a signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from pourparler.core.models import User


class AuthedRequest(HttpRequest):
    """A request that passed LoginRequiredMiddleware."""

    user: User

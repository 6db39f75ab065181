"""Personal API tokens: made, listed, revoked and checked.

A token is ``ppt_`` followed by 43 characters of URL-safe base64: 32 random bytes from the
operating system. It is printed once, when it is made; the database keeps its SHA-256
(a fast hash is right for a random 256-bit secret: there is nothing to guess) and its
first characters. Making and revoking a token are events in the audit chain
(``permission_changed``), and so is every attempt to use a token that exists but is
revoked or expired, or whose owner may no longer sign in. A token nobody holds is
refused without a trace in the chain (anyone could fill it so), only in the log.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pourparler.api.models import ApiToken, TokenScope
from pourparler.core import audit
from pourparler.core.choices import AuditKind
from pourparler.core.models import User

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "ppt_"  # noqa: S105 (the mark every token starts with, not a secret)
# How many characters of the token are kept in clear to tell tokens apart.
SHOWN_CHARACTERS = len(TOKEN_PREFIX) + 8
# Last use is written at most once a minute, so reading does not write on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token cannot be made as asked (a bad expiry, an unknown scope)."""


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the row, and the secret that is shown this once only."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """Return the SHA-256 of a token, as stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _expiry(days: int | None, now: datetime.datetime) -> datetime.datetime:
    wanted = settings.API_TOKEN_DAYS if days is None else days
    longest = settings.API_TOKEN_MAX_DAYS
    if wanted < 1:
        raise TokenRefused("A token must be valid for at least one day.")
    if wanted > longest:
        raise TokenRefused(f"A token may be valid for {longest} days at most; make a new one then.")
    return now + datetime.timedelta(days=wanted)


def issue_token(
    user: User,
    *,
    scope: str = TokenScope.READ,
    days: int | None = None,
    name: str = "",
    actor: User | None = None,
) -> IssuedToken:
    """Make a token for a user and return it with its secret (shown once, never stored).

    ``actor`` is who asked for it (None: the operator at the console, logged as the system).
    """
    if scope not in TokenScope.values:
        raise TokenRefused(f"Unknown scope {scope!r}: use read or read_write.")
    if not user.is_active:
        raise TokenRefused(f"{user.get_username()} may not sign in: no token for them.")
    now = timezone.now()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip()[:100],
        prefix=secret[:SHOWN_CHARACTERS],
        secret_hash=hash_secret(secret),
        scope=scope,
        created_at=now,
        expires_at=_expiry(days, now),
    )
    with transaction.atomic():
        token.full_clean()
        token.save(force_insert=True)
        _audit(token, "api_token_created", actor)
    return IssuedToken(token=token, secret=secret)


def revoke_token(token: ApiToken, *, actor: User | None = None) -> ApiToken:
    """Revoke a token now; it stops working at once. Revoking twice changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            _audit(locked, "api_token_revoked", actor)
    return locked


def tokens_of(user: User) -> list[ApiToken]:
    """Return a user's tokens, newest first, revoked and expired ones included."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "id"))


def _audit(token: ApiToken, action: str, actor: User | None) -> None:
    audit.append_event(
        AuditKind.PERMISSION_CHANGED,
        actor=actor,
        obj=token,
        detail={
            "action": action,
            "user": str(token.user_id),
            "token": token.prefix,
            "scope": token.scope,
            "expires_at": token.expires_at,
        },
    )


def authenticate(secret: str) -> ApiToken | None:
    """Return the live token this secret is, with its user, or None.

    None for an unknown, revoked or expired token and for a user who may no longer
    sign in: the caller answers the same 401 for all of them.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()
    if token is None:
        logger.warning("API token refused: unknown token %s…", secret[:SHOWN_CHARACTERS])
        return None
    now = timezone.now()
    state = token.state(now)
    if state == "active" and not token.user.is_active:
        state = "owner inactive"
    if state != "active":
        logger.warning("API token %s… refused: %s", token.prefix, state)
        with transaction.atomic():
            audit.append_event(
                AuditKind.LOGIN_FAILED,
                actor=None,
                actor_name="anonymous",
                obj=token,
                detail={
                    "username": token.user.get_username(),
                    "factor": "api_token",
                    "token": token.prefix,
                    "reason": state,
                },
            )
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

"""`pourparler token create|list|revoke`: personal API tokens, from the console."""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pourparler.api.models import ApiToken, TokenScope
from pourparler.api.tokens import TokenRefused, issue_token, revoke_token, tokens_of
from pourparler.core.models import User

SCOPES = {"read": TokenScope.READ, "read-write": TokenScope.READ_WRITE}


class Command(BaseCommand):
    help = (
        "Make, list and revoke personal API tokens. A token acts as its owner in the API "
        "(Authorization: Bearer <token>) and is printed once, when made. Each change is "
        "logged in the audit chain as made by the system (the operator at the console)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="make a token and print it once")
        create.add_argument("username")
        create.add_argument("--scope", choices=sorted(SCOPES), default="read")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"days it stays valid (default {settings.API_TOKEN_DAYS}, "
            f"at most {settings.API_TOKEN_MAX_DAYS})",
        )
        create.add_argument("--name", default="", help="what the token is for")
        listing = commands.add_parser("list", help="list a user's tokens (never the secrets)")
        listing.add_argument("username")
        revoke = commands.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("id", help="the token's id, as `token list` shows it")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(_user(options["username"]))
        else:
            self._revoke(str(options["id"]))

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        try:
            issued = issue_token(
                user, scope=SCOPES[options["scope"]], days=options["days"], name=options["name"]
            )
        except TokenRefused as exc:
            raise CommandError(str(exc)) from None
        token = issued.token
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token {token.pk} ({token.prefix}…) for {user.get_username()}, scope "
            f"{options['scope']}, valid until {token.expires_at:%Y-%m-%d %H:%M} UTC. "
            "It is shown this once: keep it like a password."
        )

    def _list(self, user: User) -> None:
        now = timezone.now()
        found = tokens_of(user)
        if not found:
            self.stdout.write(f"{user.get_username()} has no API token.")
            return
        for token in found:
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}  {token.prefix}…  {token.scope:<10}  {token.state(now):<7}  "
                f"expires {token.expires_at:%Y-%m-%d}  last used {used}  {token.name}".rstrip()
            )

    def _revoke(self, token_id: str) -> None:
        try:
            token = ApiToken.objects.get(pk=uuid.UUID(token_id))
        except (ValueError, ApiToken.DoesNotExist):
            raise CommandError(f"No token with id {token_id!r}.") from None
        was_revoked = token.revoked_at is not None
        revoked = revoke_token(token)
        if was_revoked:
            self.stdout.write(f"Token {token.pk} was already revoked on {revoked.revoked_at}.")
        else:
            self.stdout.write(f"Revoked token {token.pk} ({token.prefix}…); it no longer works.")


def _user(username: str) -> User:
    user = User.objects.filter(username=str(username).strip()).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    return user

"""`pourparler reset_second_factor USERNAME`: remove a user's authenticator (a lost phone)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pourparler.core.models import User
from pourparler.core.twofactor import do_remove_totp_devices


class Command(BaseCommand):
    help = (
        "Remove every authenticator of a user, after checking who is asking: the next "
        "sign-in sets up a new one. Logged as made by the system (the operator at the console)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = str(options["username"]).strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = do_remove_totp_devices(user, actor=None)
        self.stdout.write(
            f"Removed {removed} authenticator{'s' if removed != 1 else ''} of {username}; "
            "the next sign-in sets up a new one."
            if removed
            else f"{username} has no authenticator; the next sign-in sets one up."
        )

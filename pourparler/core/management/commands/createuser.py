"""`pourparler createuser`: open an account and post it to a delegation, from the console."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pourparler.core.choices import Role
from pourparler.core.models import Delegation, User
from pourparler.core.services import do_create_user, do_post_member


def _roles() -> str:
    return ", ".join(f"{value} ({label})" for value, label in Role.choices)


class Command(BaseCommand):
    help = (
        "Create a member of staff and post them to a delegation with a role. The password "
        "is asked twice, or read from standard input with --password-stdin. Both writes are "
        "logged as made by the system (the operator at the console)."
    )
    # Lets tests hand in a stream to read the password from.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--delegation", required=True, help="code of the delegation, e.g. hq")
        parser.add_argument("--role", required=True, help=f"one of: {_roles()}")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = str(options["username"]).strip()
        role = str(options["role"]).strip()
        code = str(options["delegation"]).strip()
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Valid roles: {_roles()}.")
        delegation = Delegation.objects.alive().filter(code=code).first()
        if delegation is None:
            codes = sorted(Delegation.objects.alive().values_list("code", flat=True))
            known = (
                f"Valid delegations: {', '.join(codes)}." if codes else "No delegation exists yet."
            )
            raise CommandError(f"Unknown delegation {code!r}. {known}")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")

        profile = {
            "username": username,
            "first_name": options["first_name"],
            "last_name": options["last_name"],
            "email": options["email"],
        }
        stdin: TextIO = options.get("stdin") or sys.stdin
        password = self._read_password(stdin, from_stdin=bool(options["password_stdin"]))
        try:
            password_validation.validate_password(password, user=User(**profile))
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None

        try:
            with transaction.atomic():
                user = do_create_user(actor=None, password=password, **profile)
                do_post_member(actor=None, user=user, delegation=delegation, role=role)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {username}, posted to {delegation.name} as {Role(role).label}."
            )
        )

    def _read_password(self, stdin: TextIO, *, from_stdin: bool) -> str:
        if from_stdin:
            password = stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password may not be empty.")
        return password

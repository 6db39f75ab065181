"""`pourparler subject_access PERSON_ID --as USERNAME --format json|html --out FILE`."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from pourparler.core.models import User
from pourparler.people import subject_access


class Command(BaseCommand):
    help = (
        "Write everything USERNAME may see about one person to FILE (mode 0600, never "
        "overwritten), as JSON or a printable HTML document, for a subject-access request. "
        "The same rules as the person page's export apply (head of delegation of the "
        "person's delegation, or a write grant), and the export is recorded in the audit "
        "log under USERNAME. See pourparler/people/subject_access.py."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("person_id", help="the person's id (from the person page's address)")
        parser.add_argument(
            "--as", dest="username", required=True, help="the member of staff exporting"
        )
        parser.add_argument(
            "--format", choices=sorted(subject_access.FORMATS), default="json", dest="fmt"
        )
        parser.add_argument("--out", required=True, type=Path, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("No such user.")
        try:
            # Made first (only the owner may read it; an existing file is refused), so a
            # file that cannot be written is known before anything is exported.
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot create {out}: {error.strerror}.") from None
        with os.fdopen(fd, "wb") as handle:
            try:
                done = subject_access.export(
                    user, options["person_id"], options["fmt"], channel="command line"
                )
            except (Http404, PermissionDenied) as refused:
                out.unlink()
                if isinstance(refused, Http404):
                    # The same answer for a missing person and one the user may not see.
                    raise CommandError("No such person, or the user may not see them.") from None
                raise CommandError(str(refused)) from None
            handle.write(done.content)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out} ({len(done.content)} bytes, {options['fmt']}); the export is "
                "in the audit log."
            )
        )

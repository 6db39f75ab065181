"""`pourparler audit verify` and `pourparler audit checkpoint`: the tamper-evident log."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pourparler.core import audit


class Command(BaseCommand):
    help = (
        "verify: walk the whole audit chain, recompute every hash, check the seq order, the "
        "links, the head row, every signed checkpoint and that each change-log entry is the "
        "one audited; print 'OK: N events, M checkpoints' or name the first bad entry and "
        "exit non-zero. checkpoint: sign the chain as it stands now."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify = commands.add_parser("verify", help="check the whole chain and its checkpoints")
        verify.add_argument(
            "--batch-size", type=int, default=2000, help="events read per query (default 2000)"
        )
        verify.add_argument(
            "--skip-changelog",
            action="store_true",
            help="do not compare change-log entries with their audit events",
        )
        checkpoint = commands.add_parser("checkpoint", help="sign the chain as it stands now")
        checkpoint.add_argument(
            "--enqueue",
            action="store_true",
            help="leave the signing to the background worker (docs/jobs.md)",
        )
        init_key = commands.add_parser(
            "init-key", help="write a new checkpoint signing key (0600) and PATH.pub"
        )
        init_key.add_argument("--out", required=True, type=Path, help="where to write the key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(options["batch_size"], not options["skip_changelog"], options["verbosity"])
        elif options["subcommand"] == "init-key":
            self._init_key(options["out"])
        elif options.get("enqueue"):
            self._enqueue_checkpoint()
        else:
            self._checkpoint()

    def _verify(self, batch_size: int, check_changelog: bool, verbosity: int) -> None:
        started = time.monotonic()
        try:
            result = audit.verify_database(
                batch_size=max(1, batch_size), check_changelog=check_changelog
            )
        except audit.AuditKeyError as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            raise CommandError(result.summary())
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if verbosity > 1:
            self.stdout.write(f"Verified in {seconds:.2f} s.")

    def _checkpoint(self) -> None:
        try:
            checkpoint = audit.write_checkpoint(actor=None)
        except (audit.AuditKeyError, audit.AuditChainBroken) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint at seq {checkpoint.seq}, hash {checkpoint.hash}, signed with key "
                f"{checkpoint.public_key_id}."
            )
        )

    def _enqueue_checkpoint(self) -> None:
        from pourparler.jobs.tasks import audit_checkpoint

        job = audit_checkpoint.enqueue()
        self.stdout.write(f"Queued checkpoint job {job.id}; `pourparler jobs show {job.id}`.")

    def _init_key(self, path: Path) -> None:
        try:
            public = audit.write_signing_key(path)
        except (audit.AuditKeyError, FileExistsError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path} (keep it secret) and {public}; set "
                f"POURPARLER_AUDIT_SIGNING_KEY_FILE={path}."
            )
        )

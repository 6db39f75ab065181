"""`pourparler retention run [--dry-run]` and `pourparler retention show`."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pourparler.core import retention

HELP = """\
Apply the retention periods (POURPARLER_RETENTION_*, see .env.example and
pourparler/core/retention.py for what starts each clock).

  retention show
      Print each kind of record with its period and action.

  retention run [--dry-run] [--vacuum]
      Anonymise or delete what has expired, one record per transaction, as the system:
      each change is in the change log and the audit chain, and anonymising also
      removes the earlier names and text from the change log. Prints, per kind, how many
      records were examined, had expired, were anonymised and were deleted.
      --dry-run counts what would be done and writes nothing.
      --vacuum then rewrites an SQLite file so replaced text does not linger in its free
      pages (needs no other writer; PostgreSQL: VACUUM FULL the tables instead).
      --enqueue leaves the same run (with --dry-run if given) to the background worker
      (`pourparler worker`, docs/jobs.md) and prints the job's id; `pourparler jobs show
      ID` then says what it did.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("show", help="print the period and action of each kind")
        run = actions.add_parser("run", help="anonymise or delete what has expired")
        run.add_argument("--dry-run", action="store_true", help="count only; write nothing")
        run.add_argument("--vacuum", action="store_true", help="rewrite the SQLite file afterwards")
        run.add_argument(
            "--enqueue", action="store_true", help="leave the run to the background worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "show":
                self._show()
            elif options["enqueue"]:
                self._enqueue(options["dry_run"], options["vacuum"])
            else:
                self._run(options["dry_run"], options["vacuum"])
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

    def _show(self) -> None:
        for rule in retention.rules():
            period = "kept for ever" if rule.keeps_for_ever else f"{rule.days} days, then"
            action = "" if rule.keeps_for_ever else f" {rule.action}"
            self.stdout.write(f"{rule.kind}: {period}{action}")

    def _enqueue(self, dry_run: bool, vacuum: bool) -> None:
        if vacuum:
            raise CommandError("--vacuum needs no other writer: run it by hand, not as a job.")
        from pourparler.jobs.tasks import retention_run

        job = retention_run.enqueue(dry_run=dry_run)
        self.stdout.write(f"Queued retention job {job.id}; `pourparler jobs show {job.id}`.")

    def _run(self, dry_run: bool, vacuum: bool) -> None:
        # The progress lines go to a terminal only, never into a captured log.
        stream = sys.stderr if sys.stderr.isatty() else None
        report = retention.run(dry_run=dry_run, stream=stream, vacuum=vacuum)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed. What a run would do now:")
        self.stdout.write(report.table())
        rewritten = sum(kind.entries_rewritten for kind in report.kinds)
        if not dry_run:
            self.stdout.write(f"Change-log entries rewritten: {rewritten}")
        if report.vacuumed:
            self.stdout.write("The SQLite file was rewritten (VACUUM).")
        self.stdout.write(self.style.SUCCESS(f"Done in {report.seconds:.2f} s."))

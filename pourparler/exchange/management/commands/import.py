"""`pourparler import KIND FILE [--dry-run] [--as USERNAME]`: import one file."""

from __future__ import annotations

import os
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from pourparler.core.models import User
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.engine import kinds
from pourparler.exchange.models import ImportRun
from pourparler.exchange.services import run_import

# How many conflicts, errors and notes the console lists (the run's page has them all).
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import FILE of KIND into the registers as USERNAME (every fact is logged under that "
        "name with its source, file and row). The whole file is checked first: one invalid "
        "row and nothing is written. --dry-run lists what would be created, updated and in "
        "conflict, and writes nothing. Importing the same file again changes nothing. "
        "See docs/imports.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", help=f"the file's format: {', '.join(kinds())}")
        parser.add_argument("file", type=Path, help="the file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--as",
            dest="username",
            default=os.environ.get("POURPARLER_USER", ""),
            help="the member of staff importing (default: $POURPARLER_USER)",
        )
        parser.add_argument("--encoding", default=None, help="the file's encoding, if not detected")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="generic files: which column holds a field (name, kind, aliases, countries…)",
        )
        parser.add_argument("--source", default="", help="generic files: name the dataset")
        parser.add_argument(
            "--year", default="", help="raw population tables: the year of the figures"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        kind = options["kind"].replace("_", "-")
        if kind not in kinds():
            raise CommandError(f"Unknown kind {kind!r}: one of {', '.join(kinds())}.")
        if not options["username"]:
            raise CommandError("Say who is importing: --as USERNAME.")
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No such user.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        mapping: dict[str, str] = {}
        for pair in options["map"]:
            name, sep, column = pair.partition("=")
            if not sep or not name.strip() or not column.strip():
                raise CommandError(f"--map takes FIELD=COLUMN, not {pair!r}.")
            mapping[name.strip()] = column.strip()
        run_options: dict[str, Any] = {}
        if mapping:
            run_options["mapping"] = mapping
        if options["source"]:
            run_options["source"] = options["source"]
        if options["year"]:
            run_options["year"] = options["year"]
        started = time.perf_counter()
        try:
            run = run_import(
                kind,
                data,
                path.name,
                actor=user,
                dry_run=options["dry_run"],
                options=run_options,
                encoding=options["encoding"],
                show_progress=True,
            )
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        except LookupError as unknown:
            raise CommandError(f"Unknown encoding: {unknown}.") from None
        self._report(run, time.perf_counter() - started)

    def _report(self, run: ImportRun, seconds: float) -> None:
        out = self.stdout
        report = run.report or {}
        if run.status in (RunStatus.REFUSED, RunStatus.FAILED):
            errors = report.get("errors", [])
            for error in errors[:SHOWN]:
                where = f"{error['file']}, row {error['row']}"
                if error.get("column"):
                    where += f", column {error['column']}"
                self.stderr.write(f"{where}: {error['reason']}")
            if len(errors) > SHOWN:
                self.stderr.write(f"… and {len(errors) - SHOWN} more.")
            if report.get("failure"):
                self.stderr.write(report["failure"])
            raise CommandError(
                f"{run.file_name} was refused: nothing was written ({run.get_status_display()})."
            )
        rate = run.rows / seconds if seconds > 0 else 0.0
        verb = "would be" if run.dry_run else "were"
        out.write(
            f"{run.file_name} ({run.source}, {run.encoding}): {run.rows} rows in {seconds:.1f} s "
            f"({rate:.0f} rows/s)."
        )
        for model, counts in report.get("by_model", {}).items():
            out.write(
                f"  {model}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['conflicts']} in conflict"
            )
        for conflict in report.get("conflicts", [])[:SHOWN]:
            out.write(
                self.style.WARNING(
                    f"  conflict, row {conflict['row']}: {conflict['model']} “{conflict['what']}” "
                    f"was changed by hand since the last import: {conflict.get('fields', {})}"
                )
            )
        for note in report.get("notes", [])[:SHOWN]:
            out.write(f"  note: {note}")
        if len(report.get("notes", [])) > SHOWN:
            out.write(f"  … and {len(report['notes']) - SHOWN} more notes.")
        if run.dry_run:
            out.write(
                self.style.SUCCESS(
                    f"Dry run: {run.created} {verb} created, {run.updated} updated, "
                    f"{run.conflicts} in conflict, {run.queued} sent for review. Nothing was "
                    "written."
                )
            )
        elif not run.changed_anything and not run.queued:
            out.write(self.style.SUCCESS("No changes: the registers already hold this file."))
        else:
            out.write(
                self.style.SUCCESS(
                    f"Done: {run.created} created, {run.updated} updated, {run.unchanged} "
                    f"unchanged, {run.conflicts} in conflict, {run.queued} sent for review "
                    f"(run {run.pk})."
                )
            )

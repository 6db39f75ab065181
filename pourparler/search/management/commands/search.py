"""`pourparler search rebuild`: remake the search index from the records."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pourparler.search import index
from pourparler.search.registry import KINDS


class Command(BaseCommand):
    help = (
        "rebuild [KIND...]: remake the search entries of bearers, people, interactions and "
        "concerns (or the kinds named) from the records, in one transaction per kind. "
        "Needed after writes that bypass the services (a bulk load); harmless otherwise."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        commands = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = commands.add_parser("rebuild", help="remake the index from the records")
        rebuild.add_argument("kinds", nargs="*", metavar="KIND", help=", ".join(sorted(KINDS)))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        unknown = sorted(set(options["kinds"]) - set(KINDS))
        if unknown:
            raise CommandError(f"Unknown kind {', '.join(unknown)}: one of {', '.join(KINDS)}.")
        kinds = [KINDS[k] for k in options["kinds"]] or list(KINDS.values())

        def progress(label: str, done: int) -> None:
            if done % 10000 == 0:
                self.stderr.write(f"  {label}: {done}")

        counts = index.rebuild(kinds, progress)
        seconds = time.monotonic() - started
        total = sum(counts.values())
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n}")
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt: {total} records in {seconds:.1f} s.")
        )

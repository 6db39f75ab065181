"""``pourparler generate``: fill an empty, migrated database with a generated world."""

from __future__ import annotations

import datetime
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from pourparler.generate.scales import FACTORS, scale_for
from pourparler.generate.world import BENCH_PASSWORD, NotEmpty, generate_world, logins


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a deterministic, realistic world at the "
        "size of a global organisation (small, medium or large), through bulk writes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(FACTORS), default="small")
        parser.add_argument(
            "--factor",
            type=float,
            default=None,
            help="A custom size as a fraction of the large scale (0 < factor ≤ 1).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same world.")
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="The last day of the ten years generated (YYYY-MM-DD; default today). "
            "Give it to reproduce a world on another day.",
        )
        parser.add_argument(
            "--password-env",
            default="POURPARLER_BENCH_PASSWORD",
            help="The environment variable holding the password every generated account "
            "gets (default POURPARLER_BENCH_PASSWORD; unset: the fixed bench password).",
        )
        parser.add_argument("--chunk", type=int, default=20_000, help="Rows per transaction.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before writing (scripts, benches)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scale = scale_for(options["scale"], options["factor"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        password = os.environ.get(options["password_env"]) or BENCH_PASSWORD
        until = options["until"] or timezone.localdate()
        target = f"{connection.vendor} database {connection.settings_dict.get('NAME')}"
        self.stdout.write(
            f"Generating the {scale.name} world (seed {options['seed']}, up to {until}) into "
            f"the {target}: {scale.interactions:,} interactions, {scale.people:,} people, "
            f"{scale.audit_events:,} audit events…"
        )
        if not options["yes"]:
            answer = input("Write it? Type yes to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing written.")
        started = time.perf_counter()
        try:
            generator = generate_world(
                scale,
                seed=options["seed"],
                until=until,
                password=password,
                progress=not options["no_progress"],
                out=self.stdout,
                chunk=options["chunk"],
            )
        except NotEmpty as error:
            raise CommandError(
                f"{error} `pourparler generate` fills an empty database only: point "
                "DATABASE_URL (or the SQLite file) at a fresh one and run `pourparler migrate`."
            ) from None
        seconds = time.perf_counter() - started
        figures = sorted(generator.writer.figures.values(), key=lambda f: -f.rows)
        rows = sum(f.rows for f in figures)
        self.stdout.write(
            f"\n{rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s in all)\n"
        )
        self.stdout.write(f"  {'table':<42} {'rows':>12} {'rows/s':>10}\n")
        for figure in figures:
            self.stdout.write(f"  {figure.table:<42} {figure.rows:>12,} {figure.rate:>10,.0f}\n")
        secret = (
            "the fixed bench password"
            if password == BENCH_PASSWORD
            else f"${options['password_env']}"
        )
        self.stdout.write(f"\nSign-ins (every account has {secret}):\n")
        for member in logins(generator):
            self.stdout.write(f"  {member.username:<28} {member.role:<26} {member.delegation}\n")
        if password == BENCH_PASSWORD:
            self.stdout.write(f"\nThe fixed bench password is: {BENCH_PASSWORD}\n")

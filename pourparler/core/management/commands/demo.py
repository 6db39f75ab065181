"""`pourparler demo`: load the fictional demo world into a demo database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from pourparler.demo.world import load_demo_world, print_demo_logins


class Command(BaseCommand):
    help = (
        "Load the fictional demo world (Varnia and Kestria: bearers, people, interactions) "
        "into an empty demo database and print the demo sign-ins. Needs POURPARLER_DEMO=1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Refusing to load demo data: demo mode is off. Demo data must never enter a "
                "real database. To try Pourparler, set POURPARLER_DEMO=1 (ideally with a data "
                "directory of its own, POURPARLER_DATA_DIR=...) and run `pourparler demo` again."
            )
        self._migrate_if_needed()
        try:
            loaded = load_demo_world(stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if loaded:
            self.stdout.write(self.style.SUCCESS("Demo world loaded."))
        else:
            self.stdout.write(
                "The database already holds data (a delegation exists): nothing was loaded."
            )
        print_demo_logins(self.stdout)

    def _migrate_if_needed(self) -> None:
        """Bring a fresh demo database up to date, so `pourparler demo` is all one needs."""
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stdout.write(f"Applying {len(plan)} migrations to the demo database…")
            call_command("migrate", interactive=False, verbosity=0)

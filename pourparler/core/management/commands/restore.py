"""`pourparler restore BACKUP`: load a backup into an empty database and prove it exact."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pourparler.core import audit
from pourparler.core.backup import BackupError, Restored, restore_postgres, restore_sqlite
from pourparler.core.choices import AuditKind


class Command(BaseCommand):
    help = (
        "Load a backup made by `pourparler backup` into the configured database, which must "
        "be empty (SQLite: no file yet or an empty one; PostgreSQL: a new database), after "
        "checking the file against its manifest; then compare every table with the manifest "
        "and append a 'restored from a backup' event to the audit chain. Stop the server first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="the backup file (its manifest beside it)")

    def handle(self, *args: Any, **options: Any) -> None:
        backup: Path = options["backup"].resolve()
        try:
            if connection.vendor == "sqlite":
                target = Path(connection.settings_dict["NAME"])
                connection.close()
                restored = restore_sqlite(backup, target)
            else:
                settings_dict = dict(connection.settings_dict)
                connection.close()
                restored = restore_postgres(backup, settings_dict)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not restored.exact:
            raise CommandError(
                "The restored database differs from the backup: "
                + "; ".join(restored.problems[:10])
            )
        self._record(backup, restored)
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {backup.name} (taken {manifest.taken_at}): {len(manifest.tables)} "
                f"tables, every one equal to the backup; audit chain at #{manifest.audit_seq}."
            )
        )

    def _record(self, backup: Path, restored: Restored) -> None:
        manifest = restored.manifest
        with transaction.atomic():
            audit.append_event(
                AuditKind.RESTORE,
                actor=None,
                actor_name="system",
                detail={
                    "backup": backup.name,
                    "backup_sha256": manifest.file_sha256,
                    "taken_at": manifest.taken_at,
                    "audit_seq": manifest.audit_seq,
                    "tables": len(manifest.tables),
                },
            )

"""`pourparler backup [PATH]`: a consistent copy of the whole database, with its manifest."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pourparler.core.backup import BackupError, manifest_path, take_backup


class Command(BaseCommand):
    help = (
        "Copy the whole database while the server runs (SQLite: the online backup API; "
        "PostgreSQL: pg_dump in one snapshot) to PATH (default: "
        "POURPARLER_DATA_DIR/backups/pourparler-<time>.<sqlite3|dump>), readable by its owner "
        "only, and write PATH.manifest.json: the SHA-256 of the copy, the audit chain's head "
        "and a digest of every table, which `pourparler restore` checks. The keys are not in "
        "the backup: keep them apart (docs/operations.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="where to write the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        if path is None:
            from django.db import connection

            suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.DATA_DIR) / "backups" / f"pourparler-{stamp}.{suffix}"
        try:
            manifest = take_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t.rows for t in manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {path.resolve()} ({len(manifest.tables)} tables, {rows} rows, "
                f"audit chain at #{manifest.audit_seq}, SHA-256 {manifest.file_sha256[:16]}…)"
            )
        )
        self.stdout.write(f"Manifest: {manifest_path(path.resolve())}")

"""`pourparler keys`: the master key and the data keys of encryption at rest."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pourparler.core import crypto, keys

HELP = """\
Manage the keys of encryption at rest (docs/architecture.md, "Encryption at rest").

  keys init --out PATH
      Write a new random master key (base64) to PATH, readable by you only. PATH must lie
      outside the data directory and the database's directory. Then set
      POURPARLER_MASTER_KEY_FILE=PATH. Keep a copy somewhere safe: without the master key
      the database cannot be read.

  keys status
      Show the master key in use (its id: the first 8 hex digits of its SHA-256, never the
      key) and every data key: compartment, wrapping master key, created, retired.

  keys rotate --new-key-file PATH [--data-keys]
      Stop the application first. Re-wrap every data key under the master key in PATH
      (made with `keys init`), in one transaction. With --data-keys, also make a fresh
      data key per compartment, re-encrypt every encrypted value and every encrypted copy
      in the change log under it, and destroy the old data keys. People's search tokens
      derive from the master key and are rebuilt either way. All or nothing: if anything
      fails, nothing changes. Afterwards point POURPARLER_MASTER_KEY_FILE at PATH and
      start the application again. Keep the old key only as long as you keep backups
      made before the rotation: they need it.

  keys verify
      Decrypt every encrypted value and change-log copy with the configured master key and
      list whatever fails (exit status 1 if anything does).
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        init = actions.add_parser("init", help="write a new master key file")
        init.add_argument("--out", required=True, help="where to write the key (0600)")
        actions.add_parser("status", help="show the master key id and the data keys")
        rotate = actions.add_parser("rotate", help="move everything under a new master key")
        rotate.add_argument("--new-key-file", required=True, help="the new master key file")
        rotate.add_argument(
            "--data-keys",
            action="store_true",
            help="also replace every data key and re-encrypt every value",
        )
        actions.add_parser("verify", help="decrypt every value and report failures")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except (ImproperlyConfigured, crypto.CryptoError) as error:
            raise CommandError(str(error)) from error

    def _init(self, *, out: str, **options: Any) -> None:
        path = Path(out).expanduser()
        crypto.check_key_location(path)
        key = crypto.new_key()
        try:
            crypto.write_key_file(path, key)
        except FileExistsError:
            raise CommandError(f"{path} exists: a key file is never overwritten.") from None
        self.stdout.write(f"Wrote master key {crypto.key_id(key)} to {path} (mode 0600).")
        self.stdout.write(f"Use it with: POURPARLER_MASTER_KEY_FILE={path.resolve()}")

    def _status(self, **options: Any) -> None:
        state = keys.status()
        self.stdout.write(f"Master key {state.master.key_id} ({state.master.source}).")
        if not state.data_keys:
            self.stdout.write("No data keys yet (one is made with the first encrypted value).")
        for row in state.data_keys:
            if row["destroyed"]:
                condition = "destroyed"
            elif row["retired_at"]:
                condition = "retired"
            else:
                condition = "active"
            if not row["destroyed"] and not row["usable"]:
                condition += ", NOT readable with this master key"
            self.stdout.write(
                f"  {row['compartment']:<20} {row['id']}  master {row['master_key_id']}  "
                f"created {row['created_at']:%Y-%m-%d %H:%M}  {condition}"
            )

    def _rotate(self, *, new_key_file: str, data_keys: bool, **options: Any) -> None:
        path = Path(new_key_file).expanduser()
        crypto.check_key_location(path)
        new_key = crypto.read_key_file(path)
        report = keys.rotate(new_key, data_keys=data_keys, stream=sys.stderr)
        self.stdout.write(
            f"Rotated master key {report.old_master_key_id} -> {report.new_master_key_id}."
        )
        if data_keys:
            self.stdout.write(
                f"  {report.new_data_keys} new data keys; {report.retired_data_keys} old ones "
                f"destroyed; {report.values} values and {report.logged_values} change-log "
                "copies re-encrypted."
            )
        else:
            self.stdout.write(f"  {report.rewrapped} data keys re-wrapped.")
        for name, count in report.indexed.items():
            self.stdout.write(f"  {count} search index entries rebuilt ({name}).")
        if report.scrubbed:
            self.stdout.write("  SQLite file rewritten (VACUUM) and its WAL emptied.")
        self.stdout.write(
            self.style.WARNING(
                f"Now set POURPARLER_MASTER_KEY_FILE={path.resolve()} and start the "
                "application again."
            )
        )

    def _verify(self, **options: Any) -> None:
        report = keys.verify(stream=sys.stderr)
        self.stdout.write(
            f"Master key {crypto.master_key().key_id}: {report.data_keys} data keys, "
            f"{report.values} values, {report.logged_values} change-log copies checked."
        )
        if report.failures:
            for failure in report.failures[:100]:
                self.stderr.write(f"  FAILED {failure}")
            raise CommandError(f"{len(report.failures)} values do not decrypt.")
        self.stdout.write(self.style.SUCCESS("Every value decrypts."))

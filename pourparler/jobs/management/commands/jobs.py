"""`pourparler jobs list` and `pourparler jobs show ID`: what the worker has to do and did."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.models import DBTaskResult

from pourparler.jobs import pdfs


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class Command(BaseCommand):
    help = (
        "list: the latest jobs (id, job, status, queued, started, finished). "
        "show ID: one job with what it returned (counts and ids only). "
        "purge: drop the prepared PDFs past their time."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="the latest jobs, newest first")
        listing.add_argument("--limit", type=int, default=20, help="how many (default 20)")
        show = actions.add_parser("show", help="one job and what it returned")
        show.add_argument("id", help="the job's id")
        actions.add_parser("purge", help="drop the prepared PDFs past their time")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge":
            self.stdout.write(f"Prepared PDFs purged: {pdfs.purge_expired()}")
            return
        if options["action"] == "list":
            rows = DBTaskResult.objects.order_by("-enqueued_at")[: max(1, options["limit"])]
            for row in rows:
                self.stdout.write(
                    f"{row.id}  {row.task_name:<18} {row.status:<10} "
                    f"{_when(row.enqueued_at)}  {_when(row.started_at)}  {_when(row.finished_at)}"
                )
            return
        try:
            row = DBTaskResult.objects.get(pk=options["id"])
        except (DBTaskResult.DoesNotExist, ValidationError) as missing:
            raise CommandError(f"No job {options['id']}.") from missing
        self.stdout.write(f"job: {row.task_name} ({row.task_path})")
        self.stdout.write(f"status: {row.status}")
        self.stdout.write(f"queued: {_when(row.enqueued_at)}")
        self.stdout.write(f"started: {_when(row.started_at)}")
        self.stdout.write(f"finished: {_when(row.finished_at)}")
        if row.return_value is not None:
            # A prepared PDF is shown by its size, never its (sealed) bytes.
            shown = {k: v for k, v in row.return_value.items() if k != "pdf"}
            self.stdout.write("returned: " + json.dumps(shown, sort_keys=True))
        if row.exception_class_path:
            self.stdout.write(f"failed: {row.exception_class_path}")

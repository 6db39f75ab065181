"""`pourparler worker`: run the background jobs as they are queued (django-tasks-db's
``db_worker``, under the project's name). ``--batch`` runs what is queued and exits."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = (
        "Run the background jobs (imports of big files, retention runs, audit checkpoints) "
        "as they are queued; --batch runs what is queued now and exits. One process runs "
        "one job at a time: start several for more (each with its own --worker-id). "
        "See docs/jobs.md."
    )

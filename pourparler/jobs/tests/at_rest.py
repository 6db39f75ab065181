"""The run behind test_at_rest.py, in a process of its own against a real SQLite file.

    python -m pourparler.jobs.tests.at_rest COPY_DIR

Records a person named by a canary, has the worker prepare their brief as PDF (a real
`pourparler worker --batch`, the database backend), then copies the database with its
-wal and -shm files while the connection is open, and prints one JSON object: the canary,
the job's outcome, whether the sealed PDF opens and holds the canary.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from io import StringIO
from pathlib import Path
from typing import Any


def run(copy_dir: Path) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pourparler.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from pourparler.jobs import pdfs
    from pourparler.testing.pdf import pdf_text
    from pourparler.testing.personas import build_world, make_person

    call_command("migrate", interactive=False, verbosity=0)
    canary = f"CANARY-{secrets.token_hex(16)}"
    world = build_world()
    person = make_person(world.alice, world.varnia, full_name=canary)
    job = pdfs.enqueue("person_brief", person.pk, world.alice)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    row = DBTaskResult.objects.get(pk=job)
    result = row.return_value or {}
    pdf = pdfs.unseal(result["pdf"], job_id=job, user_id=str(world.alice.pk))
    name = Path(settings.DATABASES["default"]["NAME"])
    copy_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{name}{suffix}")
        if source.exists():
            shutil.copyfile(source, copy_dir / source.name)
    return {
        "canary": canary,
        "status": row.status,
        "outcome": result.get("outcome"),
        "opens": pdf.startswith(b"%PDF-"),
        "holds_canary": canary in pdf_text(pdf),
        "pdf_start": pdf[:12].decode("latin-1"),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))

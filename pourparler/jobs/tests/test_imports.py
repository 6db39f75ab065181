"""A big upload, confirmed, is imported by the worker: all or nothing, as the person who
confirmed it, whose right to import is checked again when the job runs."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import ChangeLogEntry, Membership
from pourparler.exchange.choices import RunStatus
from pourparler.exchange.engine import ImportContext
from pourparler.exchange.importers.generic import GenericBearers
from pourparler.exchange.models import ImportRun
from pourparler.exchange.tests.helpers import REGISTRY, client_for, table_counts
from pourparler.jobs import runner
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db

# Three bearers, as a delegation's spreadsheet exports them (Windows-1252).
LIST = (
    "Groupe;Type;Pays\r\n"
    "Front populaire de Mbomou;groupe arme;CF\r\n"
    "Forces armées centrafricaines;armed forces;CAF\r\n"
    "Milice d'autodéfense de Kémo;militia;Central African Republic\r\n"
)
MAPPING = {"map_name": "Groupe", "map_kind": "Type", "map_countries": "Pays"}


@pytest.fixture
def big(settings: Any, data_dir: Path) -> Path:
    """Any file over 10 bytes is 'big': it goes to the worker."""
    settings.JOBS_IMPORT_BYTES = 10
    return data_dir


def preview(client: Client) -> ImportRun:
    data = {
        "file": SimpleUploadedFile("liste.csv", LIST.encode("cp1252")),
        "default_kind": "non_state_armed_group",
        "id_scheme": "other",
        "source": "Liste de mars",
        **MAPPING,
    }
    assert client.post(reverse("import_upload"), data).status_code == 302
    return ImportRun.objects.get(dry_run=True)


def confirm(client: Client, run: ImportRun) -> ImportRun:
    response = client.post(reverse("import_confirm", args=[run.pk]))
    assert response.status_code == 302
    queued = ImportRun.objects.get(dry_run=False)
    assert response["Location"] == reverse("import_detail", args=[queued.pk])
    return queued


def test_a_big_file_is_imported_by_the_worker(
    world: World, big: Path, run_worker: Callable[[], str], django_assert_num_queries: Any
) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    # Queued: nothing written yet; the file waits under the queued run's id.
    assert queued.status == RunStatus.QUEUED
    assert WeaponBearer.objects.count() == 0
    assert [p.name for p in (big / "uploads").glob("*.upload")] == [f"{queued.pk.hex}.upload"]
    job = DBTaskResult.objects.get()
    # The job carries ids only: the run and the person who confirmed.
    assert job.args_kwargs == {"args": [str(queued.pk), str(world.alice.pk)], "kwargs": {}}
    assert queued.report == {"job": str(job.pk)}
    detail = reverse("import_detail", args=[queued.pk])
    assert b"The file is queued" in client.get(detail).content
    # Session, user, second factor, postings, grants, the run: the job adds no query.
    with django_assert_num_queries(6):
        page = client.get(detail)
    assert b'<meta http-equiv="refresh" content="3">' in page.content
    assert b"Waiting for the worker" in page.content
    assert b"No worker has taken" not in page.content
    # Confirming again queues nothing more.
    client.post(reverse("import_confirm", args=[ImportRun.objects.get(dry_run=True).pk]))
    assert (ImportRun.objects.filter(dry_run=False).count(), DBTaskResult.objects.count()) == (1, 1)

    run_worker()

    queued.refresh_from_db()
    assert (queued.status, queued.created, queued.created_by) == (
        RunStatus.COMPLETED,
        3,
        world.alice,
    )
    assert queued.report["job"] == str(job.pk)
    assert sorted(WeaponBearer.objects.values_list("name", flat=True)) == [
        "Forces armées centrafricaines",
        "Front populaire de Mbomou",
        "Milice d'autodéfense de Kémo",
    ]
    # Written under the person's name, with the job's id as the request id.
    created = ChangeLogEntry.objects.filter(object_id__in=WeaponBearer.objects.values("pk"))
    assert {(e.actor_id, e.request_id) for e in created} == {(world.alice.pk, f"job-{job.pk}")}
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    assert job.return_value["outcome"] == RunStatus.COMPLETED
    assert job.return_value["created"] == 3
    assert list((big / "uploads").glob("*.upload")) == []
    page = client.get(reverse("import_detail", args=[queued.pk]))
    assert b"http-equiv" not in page.content
    assert "Forces armées centrafricaines".encode() in page.content


def test_a_small_file_is_still_imported_at_once(world: World, data_dir: Path) -> None:
    client = client_for(world.alice)
    client.post(reverse("import_confirm", args=[preview(client).pk]))
    assert ImportRun.objects.get(dry_run=False).status == RunStatus.COMPLETED
    assert WeaponBearer.objects.count() == 3
    assert DBTaskResult.objects.count() == 0


def test_the_page_says_when_no_worker_takes_the_job_up(world: World, big: Path) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    long_ago = timezone.now() - datetime.timedelta(minutes=12)
    ImportRun.objects.filter(pk=queued.pk).update(created_at=long_ago)
    page = client.get(reverse("import_detail", args=[queued.pk]))
    assert b"No worker has taken this import up for 12 minutes" in page.content
    assert b"pourparler worker" in page.content


def test_the_page_shows_how_far_the_job_has_gone(
    world: World, big: Path, run_worker: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    runner.write_progress(queued.pk, "writing", 2, 5)
    page = client.get(reverse("import_detail", args=[queued.pk]))
    assert b'<progress max="5" value="2"' in page.content
    assert b"Writing the records: batch 2 of 5" in page.content
    # The real job tells its progress step by step, and leaves no file behind.
    told: list[tuple[str, int, int]] = []
    real = runner.write_progress

    def spy(key: Any, step: str, done: int, total: int) -> None:
        told.append((step, done, total))
        real(key, step, done, total)

    monkeypatch.setattr(runner, "write_progress", spy)
    run_worker()
    assert ("bearers", 3, 3) in told
    assert told[-1][0] == "writing"
    assert told[-1][1] == told[-1][2]
    assert runner.read_progress(queued.pk) is None


def test_a_job_for_someone_whose_posting_ended_imports_nothing_and_says_so(
    world: World, big: Path, run_worker: Callable[[], str]
) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=world.alice).update(ends_on=yesterday)
    before = table_counts(*REGISTRY)

    run_worker()

    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert queued.updated_by is None  # closed by the system: alice may no longer write it
    assert table_counts(*REGISTRY) == before
    assert list((big / "uploads").glob("*.upload")) == []
    job = DBTaskResult.objects.get()
    assert (job.status, job.return_value["outcome"]) == ("SUCCESSFUL", "refused")
    page = client_for(world.bob).get(reverse("import_detail", args=[queued.pk]))
    assert b"may no longer import into the registers" in page.content


def test_a_file_refused_in_the_job_leaves_the_registers_as_they_were(
    world: World, big: Path, run_worker: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    real_apply = GenericBearers.apply

    def apply_then_refuse(self: GenericBearers, items: list[Any], ctx: ImportContext) -> None:
        real_apply(self, items, ctx)
        ctx.flush()  # every bearer written...
        ctx.error(3, "Groupe", "refused at the last row")  # ...then one row refused

    monkeypatch.setattr(GenericBearers, "apply", apply_then_refuse)
    before = table_counts(*REGISTRY)

    run_worker()

    queued.refresh_from_db()
    assert (queued.status, queued.errors, queued.created) == (RunStatus.REFUSED, 1, 0)
    assert table_counts(*REGISTRY) == before
    assert DBTaskResult.objects.get().return_value["outcome"] == RunStatus.REFUSED
    page = client.get(reverse("import_detail", args=[queued.pk]))
    assert b"refused at the last row" in page.content
    assert b"http-equiv" not in page.content


def test_a_job_that_breaks_down_writes_nothing_and_keeps_no_data_in_its_row(
    world: World, big: Path, run_worker: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    real_apply = GenericBearers.apply

    def apply_then_break(self: GenericBearers, items: list[Any], ctx: ImportContext) -> None:
        real_apply(self, items, ctx)
        ctx.flush()
        raise RuntimeError("Front populaire de Mbomou broke it")

    monkeypatch.setattr(GenericBearers, "apply", apply_then_break)
    before = table_counts(*REGISTRY)

    run_worker()

    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED
    assert table_counts(*REGISTRY) == before
    job = DBTaskResult.objects.get()
    assert (job.status, job.exception_class_path) == ("FAILED", "pourparler.jobs.runner.JobFailed")
    # The traceback django-tasks-db keeps names the kind of job, not what broke it.
    assert "Mbomou" not in job.traceback
    assert "RuntimeError" not in job.traceback
    page = client.get(reverse("import_detail", args=[queued.pk]))
    assert b"stopped on an unexpected error" in page.content
    assert list((big / "uploads").glob("*.upload")) == []


def test_the_waiting_page_speaks_french_and_arabic(world: World, big: Path) -> None:
    client = client_for(world.alice)
    queued = confirm(client, preview(client))
    ImportRun.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    runner.write_progress(queued.pk, "bearers", 1, 3)
    detail = reverse("import_detail", args=[queued.pk])
    with translation.override(settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = html.unescape(client.get(detail).content.decode())
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        arabic = client.get(detail, headers={"accept-language": "ar"}).content.decode()
    assert "En attente du processus d'arrière-plan" in french
    assert "Vérification des lignes dans les registres : 1 sur 3" in french
    assert "depuis 3 minutes" in french and "Waiting for the worker" not in french
    assert "بانتظار عملية الخلفية" in arabic and "منذ 3 دقائق" in arabic

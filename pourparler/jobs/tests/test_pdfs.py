"""Briefs as PDF prepared by the worker: as the person who asked, for them alone, kept
encrypted for a short while, and nothing when they may no longer see the record."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pourparler.core.choices import AuditKind
from pourparler.core.crypto import DecryptionError
from pourparler.core.models import AuditEvent, Membership
from pourparler.exchange.tests.helpers import client_for
from pourparler.handover.services import do_prepare_handover
from pourparler.jobs import pdfs
from pourparler.testing.pdf import pdf_text
from pourparler.testing.personas import World, make_bearer, make_person

pytestmark = pytest.mark.django_db

NAME = "Col. Idris Maren"


def prepare(world: World, kind: str, pk: object) -> tuple[str, str]:
    response = client_for(world.alice).post(reverse("brief_prepare", args=[kind, pk]))
    assert response.status_code == 302
    job = DBTaskResult.objects.get()
    assert response["Location"] == reverse("brief_prepared", args=[job.pk])
    return str(job.pk), response["Location"]


def test_a_person_s_brief_prepared_by_the_worker(
    world: World, data_dir: Path, run_worker: Callable[[], str], django_assert_num_queries: Any
) -> None:
    person = make_person(world.alice, world.varnia, NAME, bearer=make_bearer(world.alice))
    alice = client_for(world.alice)
    job, page_url = prepare(world, "person_brief", person.pk)
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["args"] == ["person_brief", str(person.pk), str(world.alice.pk), "en"]
    # Session, user, second factor, postings, grants, the purge, the job: no more.
    with django_assert_num_queries(7):
        page = alice.get(page_url)
    assert b'<meta http-equiv="refresh"' in page.content
    assert b"Waiting for the worker" in page.content

    run_worker()

    page = alice.get(page_url)
    assert b"http-equiv" not in page.content
    assert b"The PDF is ready" in page.content
    download = alice.get(reverse("brief_prepared_pdf", args=[job]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    assert NAME in pdf_text(download.content)
    # At rest: the job's row holds the PDF sealed, not the PDF, its base64 or its text.
    row.refresh_from_db()
    stored = json.dumps(row.return_value)
    assert row.return_value["pdf"].startswith("pp1:")
    for plain in (b"%PDF", base64.b64encode(download.content[:60]), NAME.encode()):
        assert plain.decode() not in stored
    assert not list(data_dir.rglob("*.pdf"))
    # The brief's reads were audited as alice, under the job's request id.
    read = AuditEvent.objects.filter(kind=AuditKind.READ, object_id=person.pk).latest("seq")
    assert (read.actor_id, read.request_id) == (world.alice.pk, f"job-{job}")


def test_only_the_person_who_asked_sees_or_fetches_it(
    world: World, data_dir: Path, run_worker: Callable[[], str]
) -> None:
    person = make_person(world.alice, world.varnia, NAME)
    job, page_url = prepare(world, "person_brief", person.pk)
    run_worker()
    for other in (world.bob, world.dave, world.hana):
        client = client_for(other)
        assert client.get(page_url).status_code == 404
        assert client.get(reverse("brief_prepared_pdf", args=[job])).status_code == 404
    # A record the asker may not see is the 404 of a missing one, and queues nothing.
    dave = client_for(world.dave)
    assert dave.post(reverse("brief_prepare", args=["person_brief", person.pk])).status_code == 404
    assert dave.post(reverse("brief_prepare", args=["nonsense", person.pk])).status_code == 404
    assert DBTaskResult.objects.count() == 1


def test_someone_whose_posting_ended_gets_no_pdf(
    world: World, data_dir: Path, run_worker: Callable[[], str]
) -> None:
    person = make_person(world.alice, world.varnia, NAME)
    job, page_url = prepare(world, "person_brief", person.pk)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=world.alice).update(ends_on=yesterday)

    run_worker()

    row = DBTaskResult.objects.get()
    assert (row.status, row.return_value["outcome"]) == ("SUCCESSFUL", "refused")
    assert "pdf" not in row.return_value
    page = client_for(world.alice).get(page_url)
    assert b"you may no longer see this record" in page.content
    assert client_for(world.alice).get(reverse("brief_prepared_pdf", args=[job])).status_code == 404


def test_a_prepared_pdf_is_purged_after_its_time(
    world: World, data_dir: Path, run_worker: Callable[[], str]
) -> None:
    bearer = make_bearer(world.alice)
    job, page_url = prepare(world, "bearer_brief", bearer.pk)
    run_worker()
    alice = client_for(world.alice)
    assert alice.get(reverse("brief_prepared_pdf", args=[job])).status_code == 200
    assert pdfs.purge_expired() == 0
    later = timezone.now() - datetime.timedelta(minutes=16)
    DBTaskResult.objects.filter(pk=job).update(finished_at=later)
    page = alice.get(page_url)  # every page of a prepared PDF purges first
    assert b"is gone" in page.content
    assert DBTaskResult.objects.get().return_value == {"outcome": "expired"}
    assert alice.get(reverse("brief_prepared_pdf", args=[job])).status_code == 404


def test_a_sealed_pdf_opens_only_for_its_job_and_person(
    world: World, data_dir: Path, run_worker: Callable[[], str]
) -> None:
    bearer = make_bearer(world.alice)
    job, _ = prepare(world, "bearer_brief", bearer.pk)
    run_worker()
    token = DBTaskResult.objects.get().return_value["pdf"]
    assert pdfs.unseal(token, job_id=job, user_id=str(world.alice.pk)).startswith(b"%PDF-")
    with pytest.raises(DecryptionError):
        pdfs.unseal(token, job_id=job, user_id=str(world.bob.pk))


def test_the_page_says_when_no_worker_takes_the_pdf_up(world: World, data_dir: Path) -> None:
    bearer = make_bearer(world.alice)
    job, page_url = prepare(world, "bearer_brief", bearer.pk)
    DBTaskResult.objects.filter(pk=job).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = client_for(world.alice).get(page_url)
    assert b"No worker has taken this PDF up for 5 minutes" in page.content


def test_a_handover_brief_prepared_by_the_worker(
    world: World, data_dir: Path, run_worker: Callable[[], str]
) -> None:
    handover = do_prepare_handover(
        actor=world.alice,
        delegation=world.varnia,
        outgoing=world.alice,
        successor=world.bob,
        effective_on=timezone.localdate() + datetime.timedelta(days=20),
        note="See the colonel first.",
    )
    job, page_url = prepare(world, "handover_brief", handover.pk)
    run_worker()
    alice = client_for(world.alice)
    page = alice.get(page_url)
    assert reverse("handover_detail", args=[handover.pk]).encode() in page.content
    download = alice.get(reverse("brief_prepared_pdf", args=[job]))
    assert download["Content-Disposition"].startswith('attachment; filename="handover-brief-')
    assert "See the colonel first." in pdf_text(download.content)
    assert "See the colonel" not in json.dumps(DBTaskResult.objects.get().return_value)

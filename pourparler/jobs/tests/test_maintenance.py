"""Retention runs and audit checkpoints as jobs: queued from the command line, run by the
worker, the same work as the commands do at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditCheckpoint, AuditEvent, AuditHead, Membership
from pourparler.jobs.tasks import audit_checkpoint
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def sign_in_attempt(username: str, age: datetime.timedelta) -> None:
    row = AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.7",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=1,
    )
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - age)


def test_a_retention_run_as_a_job(world: World, run_worker: Callable[[], str]) -> None:
    sign_in_attempt("old-guess", datetime.timedelta(days=200))
    sign_in_attempt("new-guess", datetime.timedelta(days=3))
    queued = command("retention", "run", "--enqueue")
    job = DBTaskResult.objects.get()
    assert f"Queued retention job {job.pk}" in queued
    assert job.args_kwargs == {"args": [], "kwargs": {"dry_run": False}}
    # Nothing happens until the worker runs.
    assert AccessAttempt.objects.count() == 2

    run_worker()

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["new-guess"]
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    logins = next(k for k in job.return_value["kinds"] if k["kind"] == "login_attempt")
    assert (logins["expired"], logins["deleted"]) == (1, 1)
    # Audited as the system, under the job's request id.
    events = AuditEvent.objects.filter(kind=AuditKind.RETENTION, detail__kind="login_attempt")
    assert {(e.actor_id, e.request_id) for e in events} == {(None, f"job-{job.pk}")}
    shown = command("jobs", "show", str(job.pk))
    assert "status: SUCCESSFUL" in shown
    assert '"deleted": 1' in shown
    assert str(job.pk) in command("jobs", "list")


def test_a_dry_run_job_changes_nothing_and_vacuum_is_not_a_job(
    world: World, run_worker: Callable[[], str]
) -> None:
    sign_in_attempt("old-guess", datetime.timedelta(days=200))
    command("retention", "run", "--enqueue", "--dry-run")
    run_worker()
    assert AccessAttempt.objects.count() == 1
    assert DBTaskResult.objects.get().return_value["outcome"] == "dry run"
    with pytest.raises(CommandError, match="--vacuum"):
        command("retention", "run", "--enqueue", "--vacuum")


def test_an_audit_checkpoint_as_a_job(world: World, run_worker: Callable[[], str]) -> None:
    before = AuditCheckpoint.objects.count()
    assert "Queued checkpoint job" in command("audit", "checkpoint", "--enqueue")
    assert AuditCheckpoint.objects.count() == before
    head = AuditHead.objects.get()

    run_worker()

    checkpoint = AuditCheckpoint.objects.latest("seq")
    assert AuditCheckpoint.objects.count() == before + 1
    assert (checkpoint.seq, checkpoint.hash) == (head.seq, head.hash)
    job = DBTaskResult.objects.get()
    assert job.return_value == {
        "outcome": "signed",
        "seq": head.seq,
        "hash": head.hash,
        "key_id": checkpoint.public_key_id,
    }
    assert command("audit", "verify").startswith("OK")


def test_a_checkpoint_asked_by_someone_who_is_no_longer_an_auditor_is_not_signed(
    world: World, run_worker: Callable[[], str]
) -> None:
    before = AuditCheckpoint.objects.count()
    audit_checkpoint.enqueue(str(world.audrey.pk))  # an auditor, whose posting ends
    audit_checkpoint.enqueue(str(world.alice.pk))  # a field delegate: never could
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=world.audrey).update(ends_on=yesterday)

    run_worker()

    assert AuditCheckpoint.objects.count() == before
    outcomes = [job.return_value for job in DBTaskResult.objects.order_by("enqueued_at")]
    assert outcomes == [{"outcome": "refused"}, {"outcome": "refused"}]


def test_a_checkpoint_asked_by_an_auditor_is_signed_in_their_name(
    world: World, run_worker: Callable[[], str]
) -> None:
    audit_checkpoint.enqueue(str(world.audrey.pk))
    run_worker()
    event = AuditEvent.objects.filter(kind=AuditKind.CHECKPOINT).latest("seq")
    assert event.actor_id == world.audrey.pk


def test_an_unknown_job_is_a_command_error(world: World) -> None:
    with pytest.raises(CommandError, match="No job"):
        command("jobs", "show", "not-a-job")


def test_the_worker_stops_when_nothing_is_queued(
    world: World, run_worker: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="django_tasks_db"):
        run_worker()
    assert "No more tasks to run" in caplog.text

"""Integration assessments through the API: the five operations, filters and pages, the
404 of another delegation's and of a restricted assessment, one about a bearer the caller
may not see out of reach as on the pages, audited reads and pinned queries."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.api.models import TokenScope
from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.tests.conftest import assess
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 1)


def body(world: World, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    return {
        "compartment": str(world.varnia.pk),
        "bearer": str(varnia.army.pk),
        "pillar": "doctrine",
        "level": 2,
        "assessed_on": "2026-03-02",
        "assessed_by": str(world.bob.pk),
        "evidence": "The new field manual has a chapter on detention.",
        "interactions": [str(varnia.meeting.pk)],
        "sessions": [],
        **fields,
    }


def test_create_read_and_list_with_filters_and_pages(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post("/integration-assessments/", body(world, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body(world, varnia).items():
        assert record[name] == value, name
    assert alice_api.get(f"/integration-assessments/{record['id']}/").json() == record

    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    older = assess(world.alice, world.varnia, varnia.army, "sanctions", 1, DAY)
    other = assess(world.alice, world.varnia, police, "doctrine", 3, DAY)
    every = {record["id"], str(older.pk), str(other.pk)}
    assert set(ids_of(alice_api.get("/integration-assessments/"))) == every
    assert ids_of(alice_api.get("/integration-assessments/", pillar="sanctions")) == [str(older.pk)]
    assert ids_of(alice_api.get("/integration-assessments/", bearer=str(police.pk))) == [
        str(other.pk)
    ]
    assert ids_of(alice_api.get("/integration-assessments/", date_from="2026-03-01")) == [
        record["id"]
    ]
    first = alice_api.get("/integration-assessments/", limit=2).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = alice_api.get("/integration-assessments/", limit=2, offset=2)
    assert rest.json()["next_offset"] is None
    assert {row["id"] for row in first["items"]} | set(ids_of(rest)) == every


def test_evidence_about_another_bearer_is_a_field_error(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    elsewhere = make_interaction(world.alice, world.varnia, bearers=[police])
    refused = alice_api.post(
        "/integration-assessments/", body(world, varnia, interactions=[str(elsewhere.pk)])
    )
    assert refused.status_code == 422
    assert ["body", "interactions"] in [error["loc"] for error in refused.json()["detail"]]
    assert IntegrationAssessment.objects.count() == 0


def test_change_needs_the_current_version(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/integration-assessments/", body(world, varnia)).json()
    path = f"/integration-assessments/{record['id']}/"
    changed = alice_api.patch(path, {"version": 1, "level": 3, "interactions": []})
    assert changed.status_code == 200, changed.content
    assert changed.json()["level"] == 3 and changed.json()["interactions"] == []
    assert changed.json()["version"] == 2
    stale = alice_api.patch(path, {"version": 1, "level": 0})
    assert stale.status_code == 409
    assert stale.json()["current"] == changed.json()
    assert alice_api.get(path).json()["level"] == 3
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.CONFLICT]
    )


def test_delete_is_a_logged_tombstone(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    record = alice_api.post("/integration-assessments/", body(world, varnia)).json()
    path = f"/integration-assessments/{record['id']}/"
    assert alice_api.delete(path, version=2).status_code == 409
    assert alice_api.delete(path, version=1).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get("/integration-assessments/")) == []
    row = IntegrationAssessment.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == world.alice


def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_one(
    world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = alice_api.post("/integration-assessments/", body(world, varnia)).json()
    closed = alice_api.post(
        "/integration-assessments/",
        body(world, varnia, restricted=True, restricted_to=[str(world.alice.pk)]),
    ).json()
    bob_api = ApiClient(world.bob)
    missing = dave_api.get(f"/integration-assessments/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, record in ((dave_api, shared), (dave_api, closed), (bob_api, closed)):
        path = f"/integration-assessments/{record['id']}/"
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(path, {"version": 1}).status_code == 404
        assert api.delete(path, version=1).status_code == 404
    assert ids_of(dave_api.get("/integration-assessments/")) == []
    assert ids_of(bob_api.get("/integration-assessments/")) == [shared["id"]]


def test_an_assessment_of_a_bearer_the_caller_may_not_see_is_out_of_reach(
    world: World, alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    assessment = assess(world.carol, world.varnia, hidden, "doctrine", 1, DAY)
    path = f"/integration-assessments/{assessment.pk}/"
    assert alice_api.get(path).json() == {"detail": "Not found."}
    assert alice_api.patch(path, {"version": 1, "level": 4}).status_code == 404
    assert ids_of(alice_api.get("/integration-assessments/")) == []
    assert ids_of(ApiClient(world.carol).get("/integration-assessments/")) == [str(assessment.pk)]


def test_a_read_only_token_may_not_write(world: World, varnia: Varnia) -> None:
    assessment = assess(world.alice, world.varnia, varnia.army, "doctrine", 1, DAY)
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    path = f"/integration-assessments/{assessment.pk}/"
    assert reader.post("/integration-assessments/", body(world, varnia)).status_code == 403
    assert reader.patch(path, {"version": 1, "level": 4}).status_code == 403
    assert reader.delete(path, version=1).status_code == 403
    assert IntegrationAssessment.objects.alive().count() == 1


def test_reads_are_audited(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    assessment = assess(world.alice, world.varnia, varnia.army, "doctrine", 1, DAY)
    before = AuditEvent.objects.count()
    alice_api.get("/integration-assessments/", pillar="doctrine")
    alice_api.get(f"/integration-assessments/{assessment.pk}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    assert events[0].detail["ids"] == [str(assessment.pk)]


# 3 to know the caller, 1 for the rows, 1 for the named users, 2 for the evidence cited
# (interactions, sessions), 3 to audit.
QUERIES = 10


def test_a_list_and_a_detail_cost_a_fixed_number_of_queries(
    world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    def add(number: int) -> None:
        alice_api.post("/integration-assessments/", body(world, varnia, level=number % 5))

    add(1)
    alice_api.get("/topics/")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as few:
        alice_api.get("/integration-assessments/")
    for number in range(2, 6):
        add(number)
    with django_assert_num_queries(QUERIES):
        rows = ids_of(alice_api.get("/integration-assessments/"))
    assert len(rows) == 5 and len(few.captured_queries) == QUERIES
    with django_assert_num_queries(QUERIES):
        assert alice_api.get(f"/integration-assessments/{rows[0]}/").status_code == 200

"""Dissemination sessions through the API: the five operations, filters and pages, the
404 of another delegation's and of a restricted session, a bearer the caller may not see
left unnamed as on the pages, audited reads and a pinned number of queries."""

from __future__ import annotations

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
from pourparler.dialogue.models import Topic
from pourparler.testing.personas import World, make_bearer
from pourparler.training.models import DisseminationSession
from pourparler.training.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def body(world: World, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    topic = Topic.objects.get(code="health-care")
    return {
        "compartment": str(world.varnia.pk),
        "kind": "course",
        "held_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "place_name": "Barracks of the 1st Brigade",
        "bearer": str(varnia.army.pk),
        "units": [str(varnia.brigade.pk)],
        "level": "operational",
        "participants": 30,
        "women": 4,
        "topics": [str(topic.pk)],
        "language": "fr",
        "facilitators": [str(world.alice.pk)],
        "external_facilitators": "Maj. Ines Korr, army legal adviser",
        "tested": 25,
        "pre_score": 41.5,
        "post_score": 72,
        "interaction": str(varnia.meeting.pk),
        "notes": "The commander asked for a second course in the north.",
        **fields,
    }


def test_create_read_and_list_with_filters_and_pages(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post("/sessions/", body(world, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body(world, varnia).items():
        assert record[name] == value, name
    assert record["score_gain"] == 30.5
    assert record["version"] == 1 and record["created_by"] == str(world.alice.pk)
    assert alice_api.get(f"/sessions/{record['id']}/").json() == record

    older = make_session(world.alice, world.varnia, varnia.army, held_on=None, kind="briefing")
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    other = make_session(world.alice, world.varnia, police)
    assert set(ids_of(alice_api.get("/sessions/"))) == {record["id"], str(older.pk), str(other.pk)}
    assert ids_of(alice_api.get("/sessions/", kind="course")) == [record["id"]]
    assert ids_of(alice_api.get("/sessions/", bearer=str(police.pk))) == [str(other.pk)]
    assert ids_of(alice_api.get("/sessions/", date_from="2026-03-03")) == []
    assert ids_of(alice_api.get("/sessions/", level="operational")) == [record["id"]]
    first = alice_api.get("/sessions/", limit=2)
    assert len(first.json()["items"]) == 2 and first.json()["next_offset"] == 2
    rest = alice_api.get("/sessions/", limit=2, offset=2)
    assert rest.json()["next_offset"] is None
    assert set(ids_of(first) + ids_of(rest)) == {record["id"], str(older.pk), str(other.pk)}


def test_the_service_rules_are_field_errors(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    refused = alice_api.post("/sessions/", body(world, varnia, women=31))
    assert refused.status_code == 422
    assert ["body", "women"] in [error["loc"] for error in refused.json()["detail"]]
    stranger = alice_api.post("/sessions/", body(world, varnia, bearer=str(uuid.uuid4())))
    assert stranger.status_code == 422
    assert DisseminationSession.objects.count() == 0


def test_change_needs_the_current_version(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/sessions/", body(world, varnia)).json()
    path = f"/sessions/{record['id']}/"
    changed = alice_api.patch(path, {"version": 1, "participants": 32, "post_score": 80})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert changed.json()["participants"] == 32 and changed.json()["score_gain"] == 38.5

    stale = alice_api.patch(path, {"version": 1, "participants": 10})
    assert stale.status_code == 409
    assert stale.json()["current"] == changed.json()
    assert alice_api.get(path).json()["participants"] == 32
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.CONFLICT]
    )


def test_delete_is_a_logged_tombstone(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    record = alice_api.post("/sessions/", body(world, varnia)).json()
    path = f"/sessions/{record['id']}/"
    assert alice_api.delete(path, version=3).status_code == 409
    assert alice_api.delete(path, version=1).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert record["id"] not in ids_of(alice_api.get("/sessions/"))
    row = DisseminationSession.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == world.alice


def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_one(
    world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = alice_api.post("/sessions/", body(world, varnia)).json()
    closed = alice_api.post(
        "/sessions/", body(world, varnia, restricted=True, restricted_to=[str(world.alice.pk)])
    ).json()
    bob_api = ApiClient(world.bob)
    missing = dave_api.get(f"/sessions/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, record in ((dave_api, shared), (dave_api, closed), (bob_api, closed)):
        answer = api.get(f"/sessions/{record['id']}/")
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(f"/sessions/{record['id']}/", {"version": 1}).status_code == 404
        assert api.delete(f"/sessions/{record['id']}/", version=1).status_code == 404
    assert ids_of(dave_api.get("/sessions/")) == []
    assert ids_of(bob_api.get("/sessions/")) == [shared["id"]]
    assert alice_api.get(f"/sessions/{closed['id']}/").status_code == 200


def test_a_bearer_the_caller_may_not_see_is_not_named(world: World, alice_api: ApiClient) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    session = make_session(world.carol, world.varnia, hidden, place_name="Hill farm")
    row = alice_api.get(f"/sessions/{session.pk}/").json()
    assert row["place_name"] == "Hill farm" and row["bearer"] is None
    assert ids_of(alice_api.get("/sessions/", bearer=str(hidden.pk))) == []
    assert ApiClient(world.carol).get(f"/sessions/{session.pk}/").json()["bearer"] == str(hidden.pk)


def test_a_read_only_token_may_not_write(world: World, varnia: Varnia) -> None:
    session = make_session(world.alice, world.varnia, varnia.army)
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.post("/sessions/", body(world, varnia)).status_code == 403
    assert reader.patch(f"/sessions/{session.pk}/", {"version": 1}).status_code == 403
    assert reader.delete(f"/sessions/{session.pk}/", version=1).status_code == 403
    assert DisseminationSession.objects.alive().count() == 1


def test_reads_are_audited(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    session = make_session(world.alice, world.varnia, varnia.army)
    before = AuditEvent.objects.count()
    alice_api.get("/sessions/", kind="briefing")
    alice_api.get(f"/sessions/{session.pk}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    assert events[0].detail["ids"] == [str(session.pk)]


# 3 to know the caller, 1 for the rows, 1 for the named users, 5 for the links shown
# (bearer, interaction, units, topics, facilitators), 3 to audit.
QUERIES = 13


def test_a_list_and_a_detail_cost_a_fixed_number_of_queries(
    world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    def add(number: int) -> None:
        alice_api.post("/sessions/", body(world, varnia, place_name=f"Camp {number}"))

    add(1)
    alice_api.get("/topics/")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as few:
        alice_api.get("/sessions/")
    for number in range(2, 6):
        add(number)
    with django_assert_num_queries(QUERIES):
        rows = ids_of(alice_api.get("/sessions/"))
    assert len(rows) == 5 and len(few.captured_queries) == QUERIES
    with django_assert_num_queries(QUERIES):
        assert alice_api.get(f"/sessions/{rows[0]}/").status_code == 200

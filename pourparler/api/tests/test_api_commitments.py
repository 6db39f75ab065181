"""Commitments through the API: the five operations, filters and pages, the 404 of
another delegation's and of a restricted commitment, the derived compliance read only,
a bearer the caller may not see left out of the links, audited reads, pinned queries."""

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
from pourparler.commitments.models import Commitment
from pourparler.commitments.services import do_record_compliance
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def body(world: World, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    return {
        "compartment": str(world.varnia.pk),
        "instrument": "security_guarantee",
        "title": "Safe passage for ambulances on the north road",
        "bearers": [str(varnia.army.pk)],
        "scope": "Ambulances marked with the emblem are not stopped at checkpoints.",
        "made_on": "2026-01-15",
        "place_name": "Brigade headquarters",
        "interactions": [str(varnia.meeting.pk)],
        **fields,
    }


def test_create_read_and_list_with_filters_and_pages(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post("/commitments/", body(world, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body(world, varnia).items():
        assert record[name] == value, name
    assert record["current_compliance"] is None
    assert alice_api.get(f"/commitments/{record['id']}/").json() == record
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    other = alice_api.post(
        "/commitments/",
        body(world, varnia, bearers=[str(police.pk)], instrument="order", interactions=[]),
    ).json()
    both = {record["id"], other["id"]}
    assert set(ids_of(alice_api.get("/commitments/"))) == both
    assert ids_of(alice_api.get("/commitments/", bearer=str(police.pk))) == [other["id"]]
    assert ids_of(alice_api.get("/commitments/", instrument="order")) == [other["id"]]
    first = alice_api.get("/commitments/", limit=1).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    rest = alice_api.get("/commitments/", limit=1, offset=1)
    assert {first["items"][0]["id"], *ids_of(rest)} == both


def test_the_compliance_follows_the_observations_and_is_read_only(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/commitments/", body(world, varnia)).json()
    commitment = Commitment.objects.get(pk=record["id"])
    do_record_compliance(
        commitment,
        actor=world.alice,
        observed_on=datetime.date(2026, 2, 1),
        assessment="breached",
        note="An ambulance was held for six hours.",
    )
    shown = alice_api.get(f"/commitments/{record['id']}/").json()
    assert shown["current_compliance"] == "breached"
    assert shown["compliance_observed_on"] == "2026-02-01"
    assert ids_of(alice_api.get("/commitments/", compliance="breached")) == [record["id"]]
    changed = alice_api.patch(
        f"/commitments/{record['id']}/",
        {"version": shown["version"], "current_compliance": "kept", "place_name": "Camp"},
    ).json()
    assert changed["current_compliance"] == "breached" and changed["place_name"] == "Camp"


def test_change_needs_the_current_version(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/commitments/", body(world, varnia)).json()
    path = f"/commitments/{record['id']}/"
    changed = alice_api.patch(path, {"version": 1, "terms": "Until the end of the year."})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    stale = alice_api.patch(path, {"version": 1, "terms": "Forever."})
    assert stale.status_code == 409
    assert stale.json()["current"] == changed.json()
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.CONFLICT]
    )


def test_delete_is_a_logged_tombstone(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    record = alice_api.post("/commitments/", body(world, varnia)).json()
    path = f"/commitments/{record['id']}/"
    assert alice_api.delete(path, version=4).status_code == 409
    assert alice_api.delete(path, version=1).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get("/commitments/")) == []
    row = Commitment.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == world.alice


def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_one(
    world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = alice_api.post("/commitments/", body(world, varnia)).json()
    closed = alice_api.post(
        "/commitments/", body(world, varnia, restricted=True, restricted_to=[str(world.alice.pk)])
    ).json()
    bob_api = ApiClient(world.bob)
    missing = dave_api.get(f"/commitments/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, record in ((dave_api, shared), (dave_api, closed), (bob_api, closed)):
        path = f"/commitments/{record['id']}/"
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(path, {"version": 1}).status_code == 404
        assert api.delete(path, version=1).status_code == 404
    assert ids_of(dave_api.get("/commitments/")) == []
    assert ids_of(bob_api.get("/commitments/")) == [shared["id"]]


def test_a_bearer_the_caller_may_not_see_is_left_out_and_kept(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    carol_api = ApiClient(world.carol)
    both = [str(varnia.army.pk), str(hidden.pk)]
    record = carol_api.post("/commitments/", body(world, varnia, bearers=both)).json()
    shown = alice_api.get(f"/commitments/{record['id']}/").json()
    assert shown["bearers"] == [str(varnia.army.pk)]
    assert ids_of(alice_api.get("/commitments/", bearer=str(hidden.pk))) == []
    alice_api.patch(f"/commitments/{record['id']}/", {"version": 1, "bearers": both[:1]})
    assert set(carol_api.get(f"/commitments/{record['id']}/").json()["bearers"]) == set(both)


def test_a_read_only_token_may_not_write(world: World, varnia: Varnia) -> None:
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.post("/commitments/", body(world, varnia)).status_code == 403
    assert Commitment.objects.count() == 0


# 3 to know the caller, 1 for the rows, 1 for the named users, 2 for the links (bearers,
# interactions), 3 to audit.
QUERIES = 10


def test_reads_are_audited_and_cost_a_fixed_number_of_queries(
    world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    first = alice_api.post("/commitments/", body(world, varnia)).json()
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as few:
        alice_api.get("/commitments/")
    alice_api.get(f"/commitments/{first['id']}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    for _ in range(4):
        alice_api.post("/commitments/", body(world, varnia))
    with django_assert_num_queries(QUERIES):
        assert len(ids_of(alice_api.get("/commitments/"))) == 5
    assert len(few.captured_queries) == QUERIES
    with django_assert_num_queries(QUERIES):
        assert alice_api.get(f"/commitments/{first['id']}/").status_code == 200

"""Humanitarian access through the API: acceptance assessments, checkpoint passages,
access constraints and security incidents, through their five operations, with filters
and pages; another delegation's and a restricted record are the 404 of a missing one; a
record about a bearer the caller may not see is hidden exactly as the pages hide it
(``access.reading``); reads are audited; the queries of a list and a detail are pinned."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import (
    acceptance_visible_to,
    constraints_visible_to,
    incidents_visible_to,
    passages_visible_to,
)
from pourparler.api.models import TokenScope
from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

Body = Callable[[World, Varnia, WeaponBearer], dict[str, Any]]


def s(record: Any) -> str:
    return str(record.pk)


@dataclass(frozen=True)
class Case:
    """One access resource: a body about a bearer, a change, a filter that picks it."""

    path: str
    model: type[Record]
    body: Body
    change: dict[str, Any]
    pick: dict[str, str]
    other: dict[str, Any]
    reader: Callable[[Any], Any]
    queries: int

    def __str__(self) -> str:
        return self.path


# 3 to know the caller, 1 for the rows, 1 for the named users, 3 to audit; an incident's
# bearers cost 1 more.
CASES = [
    Case(
        "acceptance-assessments",
        AcceptanceAssessment,
        lambda w, v, bearer: {
            "compartment": s(w.varnia),
            "bearer": s(bearer),
            "status": "partly",
            "assessed_on": "2026-03-02",
            "note": "They let us into the barracks but not the cells.",
        },
        {"status": "accepted"},
        {"status": "partly"},
        {"status": "refused"},
        acceptance_visible_to,
        8,
    ),
    Case(
        "checkpoint-passages",
        CheckpointPassage,
        lambda w, v, bearer: {
            "compartment": s(w.varnia),
            "place_name": "Bridge checkpoint",
            "bearer": s(bearer),
            "occurred_at": "2026-03-02T08:15:00Z",
            "outcome": "delayed",
            "delay_minutes": 90,
            "team_size": 3,
            "latitude": 12.5,
            "longitude": 30.25,
            "note": "The sergeant asked for our movement notification.",
        },
        {"team_size": 4},
        {"outcome": "delayed"},
        {"outcome": "passed", "delay_minutes": None},
        passages_visible_to,
        8,
    ),
    Case(
        "access-constraints",
        AccessConstraint,
        lambda w, v, bearer: {
            "compartment": s(w.varnia),
            "category": "movement",
            "subcategory": "movement_checkpoint",
            "occurred_on": "2026-03-02",
            "bearer": s(bearer),
            "effect": "reduced",
            "description": "Roadblock on the road north; convoys held for days.",
        },
        {"effect": "suspended", "ended_on": "2026-03-09"},
        {"category": "movement"},
        {"category": "violence", "subcategory": None},
        constraints_visible_to,
        8,
    ),
    Case(
        "security-incidents",
        SecurityIncident,
        lambda w, v, bearer: {
            "compartment": s(w.varnia),
            "occurred_at": "2026-03-02T16:00:00Z",
            "kind": "threat",
            "severity": "serious",
            "bearers": [s(bearer)],
            "staff_affected": 2,
            "description": "A driver was threatened at gunpoint.",
        },
        {"severity": "critical", "staff_affected": 3},
        {"kind": "threat"},
        {"kind": "looting"},
        incidents_visible_to,
        9,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_create_read_and_list_with_filters_and_pages(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in case.body(world, varnia, varnia.army).items():
        assert record[name] == value, name
    assert record["version"] == 1 and record["created_by"] == str(world.alice.pk)
    assert alice_api.get(f"/{case.path}/{record['id']}/").json() == record

    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    other = alice_api.post(f"/{case.path}/", {**case.body(world, varnia, police), **case.other})
    assert other.status_code == 201, other.content
    both = {record["id"], other.json()["id"]}
    assert set(ids_of(alice_api.get(f"/{case.path}/"))) == both
    assert ids_of(alice_api.get(f"/{case.path}/", bearer=s(police))) == [other.json()["id"]]
    assert ids_of(alice_api.get(f"/{case.path}/", **case.pick)) == [record["id"]]
    assert ids_of(alice_api.get(f"/{case.path}/", date_from="2026-03-03")) == []
    first = alice_api.get(f"/{case.path}/", limit=1).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    rest = alice_api.get(f"/{case.path}/", limit=1, offset=1)
    assert rest.json()["next_offset"] is None
    assert {first["items"][0]["id"], *ids_of(rest)} == both


@pytest.mark.parametrize("case", CASES, ids=str)
def test_change_needs_the_current_version(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    path = f"/{case.path}/{record['id']}/"
    changed = alice_api.patch(path, {"version": 1, **case.change})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    for name, value in case.change.items():
        assert changed.json()[name] == value
    stale = alice_api.patch(path, {"version": 1, **case.body(world, varnia, varnia.army)})
    assert stale.status_code == 409
    assert stale.json()["current"] == changed.json()
    assert alice_api.get(path).json() == changed.json()
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.CONFLICT]
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_delete_is_a_logged_tombstone(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    path = f"/{case.path}/{record['id']}/"
    assert alice_api.delete(path, version=5).status_code == 409
    assert alice_api.delete(path, version=1).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get(f"/{case.path}/")) == []
    row = case.model.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == world.alice


@pytest.mark.parametrize("case", CASES, ids=str)
def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_one(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    closed = alice_api.post(
        f"/{case.path}/",
        {
            **case.body(world, varnia, varnia.army),
            "restricted": True,
            "restricted_to": [s(world.alice)],
        },
    ).json()
    bob_api = ApiClient(world.bob)
    missing = dave_api.get(f"/{case.path}/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, record in ((dave_api, shared), (dave_api, closed), (bob_api, closed)):
        path = f"/{case.path}/{record['id']}/"
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(path, {"version": 1}).status_code == 404
        assert api.delete(path, version=1).status_code == 404
    assert ids_of(dave_api.get(f"/{case.path}/")) == []
    assert ids_of(bob_api.get(f"/{case.path}/")) == [shared["id"]]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_record_about_a_hidden_bearer_is_hidden_as_on_the_pages(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    carol_api = ApiClient(world.carol)
    secret = carol_api.post(f"/{case.path}/", case.body(world, varnia, hidden))
    assert secret.status_code == 201, secret.content
    seen = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    listed = ids_of(alice_api.get(f"/{case.path}/", limit=200))
    pages = {str(pk) for pk in case.reader(world.alice).values_list("pk", flat=True)}
    assert set(listed) == pages
    if case.model is SecurityIncident:
        # An incident is not hidden by the bearers involved; the hidden one is not named.
        assert alice_api.get(f"/{case.path}/{secret.json()['id']}/").json()["bearers"] == []
        assert set(listed) == {seen["id"], secret.json()["id"]}
    else:
        assert listed == [seen["id"]]
        path = f"/{case.path}/{secret.json()['id']}/"
        assert alice_api.get(path).json() == {"detail": "Not found."}
        assert alice_api.patch(path, {"version": 1}).status_code == 404
    assert secret.json()["id"] in ids_of(carol_api.get(f"/{case.path}/"))


def test_an_incident_at_a_hidden_passage_is_hidden(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    carol_api = ApiClient(world.carol)
    stopped = {"outcome": "incident", "delay_minutes": None}
    passage = carol_api.post(
        "/checkpoint-passages/", {**CASES[1].body(world, varnia, hidden), **stopped}
    ).json()
    incident = carol_api.post(
        "/security-incidents/",
        {**CASES[3].body(world, varnia, varnia.army), "passage": passage["id"]},
    ).json()
    assert alice_api.get(f"/security-incidents/{incident['id']}/").status_code == 404
    assert ids_of(alice_api.get("/security-incidents/")) == []
    refused = alice_api.post(
        "/security-incidents/",
        {**CASES[3].body(world, varnia, varnia.army), "passage": passage["id"]},
    )
    assert refused.status_code == 422


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_read_only_token_may_not_write(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    path = f"/{case.path}/{record['id']}/"
    assert reader.get(path).status_code == 200
    assert reader.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).status_code == 403
    assert reader.patch(path, {"version": 1, **case.change}).status_code == 403
    assert reader.delete(path, version=1).status_code == 403
    assert case.model.objects.alive().count() == 1


@pytest.mark.parametrize("case", CASES, ids=str)
def test_reads_are_audited_and_cost_a_fixed_number_of_queries(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    first = alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army)).json()
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as few:
        alice_api.get(f"/{case.path}/")
    alice_api.get(f"/{case.path}/{first['id']}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    assert events[0].detail["ids"] == [first["id"]]
    for _ in range(4):
        alice_api.post(f"/{case.path}/", case.body(world, varnia, varnia.army))
    with django_assert_num_queries(case.queries):
        assert len(ids_of(alice_api.get(f"/{case.path}/"))) == 5
    assert len(few.captured_queries) == case.queries
    with django_assert_num_queries(case.queries):
        assert alice_api.get(f"/{case.path}/{first['id']}/").status_code == 200

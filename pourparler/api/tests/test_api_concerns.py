"""Concerns through the API: concerns, their sources, representations, responses and
follow-ups through the five operations, filters and pages; the status and its history
read only, moved only as the concern's life allows; the 404 of another delegation's and
of a restricted concern; a bearer or person the caller may not see left out (and kept on
an edit); audited reads, pinned queries."""

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
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.concerns.tests.helpers import days_ago, open_concern, represent, topic
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.testing.personas import World, make_bearer, make_person

pytestmark = pytest.mark.django_db


def day(days: int) -> str:
    """The date so many days ago, as the API writes it."""
    return days_ago(days).isoformat()


def concern_body(world: World, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    return {
        "compartment": str(world.varnia.pk),
        "summary": "Shelling of the Kessel Ford market",
        "description": "Two shells hit the market at noon; three traders were killed.",
        "occurred_on": day(40),
        "date_precision": "day",
        "opened_on": day(35),
        "bearers": [str(varnia.army.pk)],
        "unit": str(varnia.brigade.pk),
        "category": str(topic("conduct-of-hostilities").pk),
        "legal_framework": "ihl",
        "rule": "Rule 1 of customary IHL (distinction)",
        "place_name": "Kessel Ford",
        "latitude": 34.5,
        "longitude": 69.25,
        "confidentiality": "confidential",
        **fields,
    }


@pytest.fixture
def concern(world: World, varnia: Varnia) -> Concern:
    """Alice's concern about the Varnian army, opened 30 days ago and raised 20 days ago."""
    opened = open_concern(world.alice, world.varnia, [varnia.army], opened=30)
    represent(world.alice, opened, 20)
    return opened


def child_body(path: str, concern: Concern, world: World, varnia: Varnia) -> dict[str, Any]:
    """A body to record one record of ``path`` under the concern."""
    under = {"concern": str(concern.pk)}
    if path == "concern-sources":
        return {
            **under,
            "kind": "witness",
            "reliability": "B",
            "credibility": "2",
            "description": "A shopkeeper saw the shells land.",
            "received_on": day(25),
        }
    if path == "representations":
        return {
            **under,
            "made_on": day(10),
            "mode": "written",
            "level": "strategic",
            "to_person": str(varnia.colonel.pk),
            "to_whom": "Brigade commander",
            "made_by": [str(world.alice.pk)],
            "content": "We reminded the command of the rule of distinction.",
            "interaction": str(varnia.meeting.pk),
        }
    if path == "concern-responses":
        return {
            **under,
            "received_on": day(5),
            "kind": "investigation",
            "mode": "oral",
            "representation": None,
            "from_person": str(varnia.colonel.pk),
            "from_whom": "",
            "content": "An inquiry is opened.",
        }
    assert path == "concern-follow-ups"
    return {
        **under,
        "action": "Ask whether the inquiry started.",
        "owner": str(world.alice.pk),
        "due_on": (datetime.date.today() + datetime.timedelta(days=14)).isoformat(),
    }


CHILDREN: dict[str, tuple[type[Record], dict[str, Any]]] = {
    "concern-sources": (ConcernSource, {"reliability": "A"}),
    "representations": (Representation, {"to_whom": "Chief of staff"}),
    "concern-responses": (Response, {"content": "They will investigate this month."}),
    "concern-follow-ups": (ConcernFollowUp, {"action": "Call the brigade's legal adviser."}),
}


# --- Concerns -----------------------------------------------------------------------------


def test_concerns_are_opened_read_listed_filtered_and_paged(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post("/concerns/", concern_body(world, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in concern_body(world, varnia).items():
        assert record[name] == value, name
    assert record["status"] == "open" and record["status_on"] == day(35)
    assert record["raised_on"] is None and record["raised_level"] is None
    assert alice_api.get(f"/concerns/{record['id']}/").json() == record
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    other = alice_api.post(
        "/concerns/",
        concern_body(
            world,
            varnia,
            bearers=[str(police.pk)],
            unit=None,
            category=str(topic("detention").pk),
            opened_on=day(3),
        ),
    ).json()
    both = {record["id"], other["id"]}
    assert set(ids_of(alice_api.get("/concerns/"))) == both
    assert ids_of(alice_api.get("/concerns/", bearer=str(police.pk))) == [other["id"]]
    assert ids_of(alice_api.get("/concerns/", category=str(topic("detention").pk))) == [other["id"]]
    assert ids_of(alice_api.get("/concerns/", date_to=day(10))) == [record["id"]]
    assert set(ids_of(alice_api.get("/concerns/", delegation=str(world.varnia.pk)))) == both
    assert ids_of(alice_api.get("/concerns/", status="closed")) == []
    first = alice_api.get("/concerns/", limit=1).json()
    assert first["items"][0]["id"] == other["id"] and first["next_offset"] == 1
    assert ids_of(alice_api.get("/concerns/", limit=1, offset=1)) == [record["id"]]
    # A unit of none of the bearers named, and facts after the opening, are refused.
    wrong_unit = alice_api.post("/concerns/", concern_body(world, varnia, bearers=[str(police.pk)]))
    assert wrong_unit.status_code == 422
    assert wrong_unit.json()["detail"][0]["loc"] == ["body", "unit"]
    late = alice_api.post("/concerns/", concern_body(world, varnia, occurred_on=day(1)))
    assert late.status_code == 422
    assert late.json()["detail"][0]["loc"] == ["body", "opened_on"]


def test_the_status_follows_the_concern_s_life_and_its_history_is_read_only(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/concerns/", concern_body(world, varnia)).json()
    path = f"/concerns/{record['id']}/"
    pk = record["id"]
    early = alice_api.post(
        f"{path}status-changes/", {"version": 1, "status": "addressed", "note": "Done."}
    )
    assert early.status_code == 422  # an open concern is raised first
    made = alice_api.post(
        "/representations/",
        {
            "concern": pk,
            "made_on": day(20),
            "level": "operational",
            "content": "We asked for an inquiry.",
        },
    ).json()
    alice_api.post(
        "/concern-responses/",
        {"concern": pk, "received_on": day(15), "kind": "denied", "representation": made["id"]},
    )
    concern = alice_api.get(path).json()
    assert concern["status"] == "responded" and concern["raised_level"] == "operational"
    assert concern["raised_on"] == day(20) and concern["responded_on"] == day(15)
    move = {"status": "addressed", "changed_on": day(2), "note": "The battery was moved."}
    stale = alice_api.post(f"{path}status-changes/", {"version": 1, **move})
    assert stale.status_code == 409 and stale.json()["current"] == concern
    moved = alice_api.post(f"{path}status-changes/", {"version": concern["version"], **move})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "addressed" and moved.json()["addressed_on"] == day(2)
    assert moved.json()["version"] == concern["version"] + 1
    refused = alice_api.post(
        f"{path}status-changes/",
        {"version": moved.json()["version"], "status": "closed", "note": "Nothing more."},
    )
    assert refused.status_code == 422
    history = alice_api.get("/concern-status-changes/", concern=pk).json()["items"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "open"),
        ("open", "raised"),
        ("raised", "responded"),
        ("responded", "addressed"),
    ]
    assert history[-1]["note"] == "The battery was moved."
    one = history[0]["id"]
    assert alice_api.get(f"/concern-status-changes/{one}/").json() == history[0]
    # The status is never written as a field, and its history never by hand.
    alice_api.patch(path, {"version": moved.json()["version"], "status": "open", "rule": "Art. 3"})
    assert alice_api.get(path).json()["status"] == "addressed"
    assert alice_api.post("/concern-status-changes/", {"concern": pk}).status_code == 405
    assert alice_api.delete(f"/concern-status-changes/{one}/", version=1).status_code == 405


def test_a_bearer_or_person_the_caller_may_not_see_is_left_out_and_kept(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    shadow = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    informant = make_person(
        world.carol,
        world.varnia,
        full_name="Sheikh Amal",
        restricted=True,
        restricted_to=[world.carol],
    )
    carol_api = ApiClient(world.carol)
    both = [str(varnia.army.pk), str(shadow.pk)]
    record = carol_api.post(
        "/concerns/", concern_body(world, varnia, bearers=both, unit=None)
    ).json()
    path = f"/concerns/{record['id']}/"
    assert alice_api.get(path).json()["bearers"] == [str(varnia.army.pk)]
    assert ids_of(alice_api.get("/concerns/", bearer=str(shadow.pk))) == []
    assert alice_api.patch(path, {"version": 1, "bearers": both[:1]}).status_code == 200
    assert set(carol_api.get(path).json()["bearers"]) == set(both)
    refused = alice_api.post("/concerns/", concern_body(world, varnia, bearers=both))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "bearers"]
    made = carol_api.post(
        "/representations/",
        {
            "concern": record["id"],
            "made_on": day(5),
            "level": "tactical",
            "to_person": str(informant.pk),
            "content": "Raised through the elder.",
        },
    ).json()
    assert made["to_person"] == str(informant.pk)
    shown = alice_api.get(f"/representations/{made['id']}/").json()
    assert shown["to_person"] is None and shown["content"] == "Raised through the elder."
    changed = alice_api.patch(
        f"/representations/{made['id']}/", {"version": 1, "to_whom": "The elder"}
    )
    assert changed.status_code == 200, changed.content
    assert carol_api.get(f"/representations/{made['id']}/").json()["to_person"] == str(informant.pk)
    named = alice_api.post(
        "/representations/",
        {
            "concern": record["id"],
            "made_on": day(4),
            "level": "tactical",
            "to_person": str(informant.pk),
            "content": "Again.",
        },
    )
    assert named.status_code == 422
    assert named.json()["detail"][0]["loc"] == ["body", "to_person"]


# --- Every resource: changes, deletes, the 404, read-only tokens, queries --------------


def test_a_concern_change_needs_the_version_and_a_delete_is_a_logged_tombstone(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post("/concerns/", concern_body(world, varnia)).json()
    path = f"/concerns/{record['id']}/"
    changed = alice_api.patch(path, {"version": 1, "rule": "Common Article 3"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and changed.json()["rule"] == "Common Article 3"
    stale = alice_api.patch(path, {"version": 1, "rule": "Rule 14"})
    assert stale.status_code == 409 and stale.json()["current"] == changed.json()
    emptied = alice_api.patch(path, {"version": 2, "occurred_on": None})
    assert emptied.status_code == 422
    assert emptied.json()["detail"][0]["loc"] == ["body", "occurred_on"]
    assert alice_api.delete(path, version=1).status_code == 409
    assert alice_api.delete(path, version=2).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get("/concerns/")) == []
    assert ids_of(alice_api.get("/concern-status-changes/")) == []
    row = Concern.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == world.alice


@pytest.mark.parametrize("path", sorted(CHILDREN))
def test_a_child_is_recorded_read_listed_changed_with_its_version_and_deleted(
    path: str, world: World, varnia: Varnia, concern: Concern, alice_api: ApiClient
) -> None:
    model, change = CHILDREN[path]
    body = child_body(path, concern, world, varnia)
    created = alice_api.post(f"/{path}/", body)
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body.items():
        assert record[name] == value, name
    assert record["compartment"] == str(world.varnia.pk)
    url = f"/{path}/{record['id']}/"
    assert alice_api.get(url).json() == record
    assert record["id"] in ids_of(alice_api.get(f"/{path}/", concern=str(concern.pk)))
    assert ids_of(alice_api.get(f"/{path}/", concern=str(uuid.uuid4()))) == []
    changed = alice_api.patch(url, {"version": 1, **change})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert all(changed.json()[k] == v for k, v in change.items())
    stale = alice_api.patch(url, {"version": 1, **change})
    assert stale.status_code == 409 and stale.json()["current"] == changed.json()
    assert alice_api.delete(url, version=1).status_code == 409
    assert alice_api.delete(url, version=2).status_code == 204
    assert alice_api.get(url).status_code == 404
    assert record["id"] not in ids_of(alice_api.get(f"/{path}/"))
    row = model.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [
            ChangeAction.CREATE,
            ChangeAction.UPDATE,
            ChangeAction.CONFLICT,  # the stale change
            ChangeAction.CONFLICT,  # the stale delete
            ChangeAction.DELETE,
        ]
    )


def test_lists_filter_on_their_own_fields(
    world: World, varnia: Varnia, concern: Concern, alice_api: ApiClient
) -> None:
    made = ids_of(alice_api.get("/representations/", level="operational"))
    assert made == [str(Representation.objects.get(concern=concern).pk)]
    assert ids_of(alice_api.get("/representations/", level="strategic")) == []
    source = alice_api.post(
        "/concern-sources/", child_body("concern-sources", concern, world, varnia)
    ).json()
    assert ids_of(alice_api.get("/concern-sources/", kind="witness")) == [source["id"]]
    assert ids_of(alice_api.get("/concern-sources/", kind="media")) == []
    answer = alice_api.post(
        "/concern-responses/", child_body("concern-responses", concern, world, varnia)
    ).json()
    assert ids_of(alice_api.get("/concern-responses/", kind="investigation")) == [answer["id"]]
    assert ids_of(alice_api.get("/concern-responses/", date_to=day(6))) == []
    due = alice_api.post(
        "/concern-follow-ups/", child_body("concern-follow-ups", concern, world, varnia)
    ).json()
    assert ids_of(alice_api.get("/concern-follow-ups/", owner=str(world.alice.pk))) == [due["id"]]
    assert ids_of(alice_api.get("/concern-follow-ups/", due_before=day(0))) == []
    # Marked done it is done today; reopened it is not done any more.
    done = alice_api.patch(f"/concern-follow-ups/{due['id']}/", {"version": 1, "status": "done"})
    assert done.json()["status"] == "done" and done.json()["done_on"] == day(0)
    assert ids_of(alice_api.get("/concern-follow-ups/", status="open")) == []
    reopened = alice_api.patch(
        f"/concern-follow-ups/{due['id']}/", {"version": 2, "status": "open"}
    )
    assert reopened.json()["done_on"] is None
    # A source received tomorrow is refused.
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    late = alice_api.patch(
        f"/concern-sources/{source['id']}/", {"version": 1, "received_on": tomorrow}
    )
    assert late.status_code == 422
    assert late.json()["detail"][0]["loc"] == ["body", "received_on"]


ALL = ["concerns", "concern-status-changes", *sorted(CHILDREN)]


def add_one(path: str, api: ApiClient, world: World, varnia: Varnia, concern: Concern) -> str:
    """Record one more row of ``path`` through the API and return its id."""
    if path in ("concerns", "concern-status-changes"):
        # A new concern, restricted like the one given; it is opened with a status move.
        named = [str(user.pk) for user in concern.restricted_to.all()]
        body = concern_body(world, varnia, restricted=concern.restricted, restricted_to=named)
        fresh = api.post("/concerns/", body).json()
        if path == "concerns":
            return str(fresh["id"])
        return str(ConcernStatusChange.objects.get(concern_id=fresh["id"]).pk)
    created = api.post(f"/{path}/", child_body(path, concern, world, varnia))
    assert created.status_code == 201, created.content
    return str(created.json()["id"])


@pytest.mark.parametrize("path", ALL)
def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_one(
    path: str, world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = open_concern(world.carol, world.varnia, [varnia.army], opened=30)
    closed = open_concern(
        world.carol,
        world.varnia,
        [varnia.army],
        opened=30,
        restricted=True,
        restricted_to=[world.carol],
    )
    carol_api = ApiClient(world.carol)
    for each in (shared, closed):
        represent(world.carol, each, 20)
    open_row = add_one(path, carol_api, world, varnia, shared)
    closed_row = add_one(path, carol_api, world, varnia, closed)
    missing = dave_api.get(f"/{path}/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, row in ((dave_api, open_row), (dave_api, closed_row), (alice_api, closed_row)):
        url = f"/{path}/{row}/"
        answer = api.get(url)
        assert answer.status_code == 404 and answer.json() == missing.json()
        if path != "concern-status-changes":
            assert api.patch(url, {"version": 1}).status_code == 404
            assert api.delete(url, version=1).status_code == 404
    assert ids_of(dave_api.get(f"/{path}/")) == []
    assert open_row in ids_of(alice_api.get(f"/{path}/", limit=200))
    assert closed_row not in ids_of(alice_api.get(f"/{path}/", limit=200))
    if path in CHILDREN:
        refused = dave_api.post(f"/{path}/", child_body(path, shared, world, varnia))
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "concern"]
    if path == "concerns":
        move = {"version": 1, "status": "closed", "note": "No answer."}
        assert dave_api.post(f"/concerns/{open_row}/status-changes/", move).status_code == 404


@pytest.mark.parametrize("path", ["concerns", *sorted(CHILDREN)])
def test_a_read_only_token_may_not_write(
    path: str, world: World, varnia: Varnia, concern: Concern
) -> None:
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    model = Concern if path == "concerns" else CHILDREN[path][0]
    before = model.objects.count()
    if path == "concerns":
        body = concern_body(world, varnia)
    else:
        body = child_body(path, concern, world, varnia)
    assert reader.post(f"/{path}/", body).status_code == 403
    move = {"version": concern.version, "status": "closed", "note": "No answer."}
    assert reader.post(f"/concerns/{concern.pk}/status-changes/", move).status_code == 403
    assert model.objects.count() == before
    assert Concern.objects.get(pk=concern.pk).status == "raised"


# 3 to know the caller, 1 for the rows, 1 for the named users, 3 to audit; the links shown
# through the read path 1 each: a concern's bearers and unit, a representation's staff,
# person and contact, a response's person.
QUERIES = {
    "concerns": 10,
    "concern-status-changes": 8,
    "concern-sources": 8,
    "representations": 11,
    "concern-responses": 9,
    "concern-follow-ups": 8,
}


@pytest.mark.parametrize("path", ALL)
def test_reads_are_audited_and_cost_a_fixed_number_of_queries(
    path: str,
    world: World,
    varnia: Varnia,
    concern: Concern,
    alice_api: ApiClient,
    django_assert_num_queries: Any,
) -> None:
    first = add_one(path, alice_api, world, varnia, concern)
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as few:
        rows_before = len(ids_of(alice_api.get(f"/{path}/")))
    alice_api.get(f"/{path}/{first}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    for _ in range(3):
        add_one(path, alice_api, world, varnia, concern)
    with django_assert_num_queries(QUERIES[path]):
        assert len(ids_of(alice_api.get(f"/{path}/"))) == rows_before + 3
    assert len(few.captured_queries) == QUERIES[path]
    with django_assert_num_queries(QUERIES[path]):
        assert alice_api.get(f"/{path}/{first}/").status_code == 200


EMPTIED = {
    "concerns": ["occurred_on", "opened_on", "bearers", "category", "summary", "restricted"],
    "concern-sources": ["kind", "reliability"],
    "representations": ["made_on", "level", "content"],
    "concern-responses": ["received_on", "kind"],
    "concern-follow-ups": ["action", "status"],
}


def test_emptying_a_field_a_record_cannot_be_without_is_a_422(
    world: World, varnia: Varnia, concern: Concern, alice_api: ApiClient
) -> None:
    for path, names in EMPTIED.items():
        row = add_one(path, alice_api, world, varnia, concern)
        for name in names:
            answer = alice_api.patch(f"/{path}/{row}/", {"version": 1, name: None})
            assert answer.status_code == 422, (path, name, answer.content)
            assert answer.json()["detail"][0]["loc"] == ["body", name], (path, name)
    # Left out, or null, the opening day of a new concern is today.
    body = concern_body(world, varnia, opened_on=None, occurred_on=day(2))
    assert alice_api.post("/concerns/", body).json()["opened_on"] == day(0)


def test_an_analyst_reads_every_delegation_s_concerns_but_changes_none(
    world: World, varnia: Varnia, concern: Concern
) -> None:
    hana = ApiClient(world.hana)
    path = f"/concerns/{concern.pk}/"
    assert hana.get(path).json()["status"] == "raised"
    assert hana.patch(path, {"version": concern.version, "rule": "Art. 3"}).status_code == 403
    move = {"version": concern.version, "status": "closed", "note": "No answer."}
    assert hana.post(f"{path}status-changes/", move).status_code == 403
    body = child_body("representations", concern, world, varnia)
    assert hana.post("/representations/", body).status_code == 403
    assert Concern.objects.get(pk=concern.pk).status == "raised"
    assert Representation.objects.filter(concern=concern).count() == 1

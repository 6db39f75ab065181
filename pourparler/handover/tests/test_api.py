"""Handovers and joint introductions through the API: prepared (with the service's
refusals), read, listed, filtered and paged; done in one act from the version read (409
on a stale one, 204 when the act ends the caller's own access); a draft dropped, a done
one kept; another delegation answered like a missing record; audited reads; queries
pinned and constant in the number of rows."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pourparler.api.models import TokenScope
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Membership
from pourparler.handover.models import Handover, Introduction
from pourparler.handover.services import do_link_introduction, do_prepare_handover
from pourparler.people.models import Relationship
from pourparler.people.services import do_create_relationship
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def s(record: Any) -> str:
    return str(record.pk)


def body(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "delegation": s(world.varnia),
        "outgoing": s(world.alice),
        "successor": s(world.bob),
        "effective_on": day(14),
        "note": "See the colonel first; he keeps his word.",
        **fields,
    }


@pytest.fixture
def alice_api(world: World) -> ApiClient:
    return ApiClient(world.alice)


def test_a_handover_is_prepared_read_listed_filtered_and_paged(
    world: World, alice_api: ApiClient
) -> None:
    created = alice_api.post("/handovers/", body(world))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body(world).items():
        assert record[name] == value, name
    assert record["state"] == "draft" and record["passed"] == {} and record["done_at"] is None
    assert alice_api.get(f"/handovers/{record['id']}/").json() == record
    carol_api = ApiClient(world.carol)
    older = carol_api.post(
        "/handovers/",
        body(world, outgoing=s(world.bob), successor=s(world.alice), effective_on=day(3)),
    )
    assert older.status_code == 201, older.content
    both = [record["id"], older.json()["id"]]
    assert ids_of(alice_api.get("/handovers/")) == both  # latest effective date first
    assert ids_of(alice_api.get("/handovers/", outgoing=s(world.bob))) == both[1:]
    assert ids_of(alice_api.get("/handovers/", date_from=day(10))) == both[:1]
    assert ids_of(alice_api.get("/handovers/", state="done")) == []
    page = alice_api.get("/handovers/", limit=1).json()
    assert page["next_offset"] == 1
    assert ids_of(alice_api.get("/handovers/", limit=1, offset=1)) == both[1:]


def test_the_services_refusals_answer_as_such(world: World, alice_api: ApiClient) -> None:
    # Someone else's handover may be prepared by the head of delegation only.
    refused = alice_api.post("/handovers/", body(world, outgoing=s(world.bob)))
    assert refused.status_code == 403
    # A successor not posted there, or the outgoing delegate themself: a 422 saying why.
    for successor in (world.dave, world.alice):
        answer = alice_api.post("/handovers/", body(world, successor=s(successor)))
        assert answer.status_code == 422, answer.content
        assert answer.json()["detail"][0]["loc"] == ["body"]
    unknown = alice_api.post("/handovers/", body(world, successor=str(uuid.uuid4())))
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "successor"]
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.post("/handovers/", body(world)).status_code == 403
    assert Handover.objects.count() == 0


def test_confirming_passes_everything_in_one_act_from_the_version_read(
    world: World, alice_api: ApiClient
) -> None:
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, bearer=army)
    relationship = do_create_relationship(colonel, actor=world.alice, holder=world.alice)
    record = alice_api.post("/handovers/", body(world)).json()
    confirm = f"/handovers/{record['id']}/confirm/"
    assert ApiClient(world.bob).post(confirm, {"version": 1}).status_code == 403
    stale = alice_api.post(confirm, {"version": 2})
    assert stale.status_code == 409 and stale.json()["current"] == record
    assert Relationship.objects.get(pk=relationship.pk).holder == world.alice
    done = alice_api.post(confirm, {"version": 1})
    assert done.status_code == 200, done.content
    handover = done.json()
    assert handover["state"] == "done" and handover["version"] == 2
    assert handover["passed"]["relationships"] == 1
    assert handover["passed"]["postings ended"] == 1
    assert Relationship.objects.get(pk=relationship.pk).holder == world.bob
    assert alice_api.post(confirm, {"version": 1}).status_code == 409
    again = alice_api.post(confirm, {"version": 2})
    assert again.status_code == 422
    assert again.json()["detail"][0]["msg"] == "This handover was already done."
    # A handover done stays: it is the record of the act.
    kept = alice_api.delete(f"/handovers/{record['id']}/", version=2)
    assert kept.status_code == 422
    event = AuditEvent.objects.filter(kind=AuditKind.PERMISSION_CHANGED).order_by("-seq").first()
    assert event is not None and event.detail["action"] == "handed over"


def test_an_act_that_ends_the_callers_own_access_answers_204(
    world: World, alice_api: ApiClient
) -> None:
    record = alice_api.post("/handovers/", body(world, effective_on=day(-1))).json()
    done = alice_api.post(f"/handovers/{record['id']}/confirm/", {"version": 1})
    assert done.status_code == 204, done.content
    assert done.content == b""
    assert alice_api.get(f"/handovers/{record['id']}/").status_code == 404
    posting = Membership.objects.get(user=world.alice, delegation=world.varnia)
    assert posting.ends_on == timezone.localdate() - datetime.timedelta(days=1)
    assert ApiClient(world.bob).get(f"/handovers/{record['id']}/").json()["state"] == "done"


def test_a_draft_is_dropped_as_a_logged_tombstone(world: World, alice_api: ApiClient) -> None:
    record = alice_api.post("/handovers/", body(world)).json()
    path = f"/handovers/{record['id']}/"
    assert alice_api.delete(path, version=2).status_code == 409
    assert ApiClient(world.bob).delete(path, version=1).status_code == 403
    assert alice_api.delete(path, version=1).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get("/handovers/")) == []
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [ChangeAction.CREATE, ChangeAction.CONFLICT, ChangeAction.DELETE]
    )
    # Never edited: a wrong draft is dropped and prepared again, as on the pages.
    assert alice_api.patch(path, {"version": 2, "note": "x"}).status_code == 405


def test_another_delegation_gets_the_404_of_a_missing_handover(
    world: World, alice_api: ApiClient
) -> None:
    record = alice_api.post("/handovers/", body(world)).json()
    dave_api = ApiClient(world.dave)
    missing = dave_api.get(f"/handovers/{uuid.uuid4()}/")
    assert missing.status_code == 404
    path = f"/handovers/{record['id']}/"
    assert dave_api.get(path).json() == missing.json()
    assert dave_api.post(f"{path}confirm/", {"version": 1}).json() == missing.json()
    assert dave_api.delete(path, version=1).status_code == 404
    assert ids_of(dave_api.get("/handovers/")) == []
    linked = dave_api.post(
        "/handover-introductions/",
        {"handover": record["id"], "interaction": s(make_interaction(world.dave, world.kestria))},
    )
    assert linked.status_code == 422
    assert linked.json()["detail"][0]["loc"] == ["body", "handover"]
    assert Handover.objects.get(pk=record["id"]).version == 1


def test_joint_introductions_are_recorded_listed_and_removed(
    world: World, alice_api: ApiClient
) -> None:
    record = alice_api.post("/handovers/", body(world)).json()
    joint = make_interaction(world.alice, world.varnia, our_participants=[world.alice, world.bob])
    alone = make_interaction(world.alice, world.varnia, our_participants=[world.alice])
    intro = {"handover": record["id"], "interaction": s(joint)}
    created = alice_api.post("/handover-introductions/", intro)
    assert created.status_code == 201, created.content
    row = created.json()
    assert {k: row[k] for k in intro} == intro and row["compartment"] == s(world.varnia)
    url = f"/handover-introductions/{row['id']}/"
    assert alice_api.get(url).json() == row
    assert ids_of(alice_api.get("/handover-introductions/", handover=record["id"])) == [row["id"]]
    assert ids_of(alice_api.get("/handover-introductions/", interaction=s(alone))) == []
    for refused in (intro, {**intro, "interaction": s(alone)}):
        answer = alice_api.post("/handover-introductions/", refused)
        assert answer.status_code == 422, answer.content
    hidden = ApiClient(world.dave)
    assert hidden.get(url).status_code == 404
    assert hidden.delete(url, version=1).status_code == 404
    assert ids_of(hidden.get("/handover-introductions/")) == []
    assert alice_api.delete(url, version=2).status_code == 409
    assert alice_api.delete(url, version=1).status_code == 204
    assert alice_api.get(url).status_code == 404
    assert Introduction.objects.get(pk=row["id"]).deleted_by == world.alice


# 3 to know the caller, 1 for the rows, 1 for the named users, 3 to audit.
QUERIES = {"handovers": 8, "handover-introductions": 8}


def add_rows(world: World, count: int) -> None:
    """``count`` more draft handovers, each with a joint introduction."""
    for n in range(count):
        handover = do_prepare_handover(
            actor=world.carol,
            delegation=world.varnia,
            outgoing=world.alice,
            successor=world.bob,
            effective_on=timezone.localdate() + datetime.timedelta(days=10 + n),
        )
        joint = make_interaction(
            world.alice, world.varnia, our_participants=[world.alice, world.bob]
        )
        do_link_introduction(handover, actor=world.alice, interaction=joint)


def test_reads_are_audited_and_cost_a_fixed_number_of_queries(
    world: World, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    add_rows(world, 1)
    first = Handover.objects.get()
    before = AuditEvent.objects.count()
    alice_api.get("/handovers/")
    alice_api.get(f"/handovers/{first.pk}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]

    def cost(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            answer = alice_api.get(f"/{path}/")
        assert answer.status_code == 200, answer.content
        return len(captured.captured_queries), len(answer.json()["items"])

    few = {path: cost(path) for path in QUERIES}
    add_rows(world, 3)
    for path, expected in QUERIES.items():
        many, rows = cost(path)
        assert rows == few[path][1] + 3
        assert many == few[path][0] == expected, path
        one = alice_api.get(f"/{path}/").json()["items"][0]["id"]
        with django_assert_num_queries(expected, info=path):
            assert alice_api.get(f"/{path}/{one}/").status_code == 200

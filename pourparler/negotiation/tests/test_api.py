"""Negotiation files through the API: the file and each kind of row (create, read, list
with filters and pages, change with the version, 409 on a stale one, logged tombstone),
another delegation's or a restricted file answered like a missing one, red lines signed
off only by the head of delegation (a text change clears it), people the caller may not
see left out and kept, versions read only with their content, audited reads, queries
pinned and constant in the number of rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.api.models import TokenScope
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.negotiation.choices import IslandKind, Layer, Side
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Scenario,
    Stakeholder,
)
from pourparler.negotiation.services import do_add_to_file
from pourparler.negotiation.tests.helpers import fill, open_file
from pourparler.people.models import Person
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


@dataclass
class Table:
    """Alice's file in Varnia, about the army, across the table from the colonel."""

    army: WeaponBearer
    colonel: Person
    file: NegotiationFile


@pytest.fixture
def table(world: World) -> Table:
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, bearer=army)
    return Table(army, colonel, open_file(world, bearer=army, counterpart=colonel))


@pytest.fixture
def alice_api(world: World) -> ApiClient:
    return ApiClient(world.alice)


@pytest.fixture
def dave_api(world: World) -> ApiClient:
    return ApiClient(world.dave)


def s(record: Any) -> str:
    return str(record.pk)


def file_body(world: World, table: Table, **fields: Any) -> dict[str, Any]:
    return {
        "compartment": s(world.varnia),
        "title": "Access to Orun camp",
        "objective": "Visit every detainee held at the camp.",
        "bearer": s(table.army),
        "holder": s(world.bob),
        "status": "open",
        "opened_on": "2026-03-01",
        "counterparts": [s(table.colonel)],
        "interactions": [],
        "restricted": False,
        "restricted_to": [],
        **fields,
    }


def versions_of(file_id: Any) -> list[str]:
    return list(
        NegotiationVersion.objects.filter(file_id=file_id)
        .order_by("number")
        .values_list("summary", flat=True)
    )


# --- Files ----------------------------------------------------------------------------------


def test_a_file_is_opened_read_listed_filtered_and_paged(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    created = alice_api.post("/negotiation-files/", file_body(world, table))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in file_body(world, table).items():
        assert record[name] == value, name
    assert record["created_by"] == s(world.alice)
    assert alice_api.get(f"/negotiation-files/{record['id']}/").json() == record
    assert versions_of(record["id"]) == ["File opened"]
    both = {record["id"], s(table.file)}
    assert set(ids_of(alice_api.get("/negotiation-files/"))) == both
    assert ids_of(alice_api.get("/negotiation-files/", holder=s(world.bob))) == [record["id"]]
    assert ids_of(alice_api.get("/negotiation-files/", date_to="2026-03-31")) == [record["id"]]
    assert set(ids_of(alice_api.get("/negotiation-files/", counterpart=s(table.colonel)))) == both
    assert ids_of(alice_api.get("/negotiation-files/", status="closed")) == []
    first = alice_api.get("/negotiation-files/", limit=1).json()
    assert first["next_offset"] == 1
    rest = ids_of(alice_api.get("/negotiation-files/", limit=1, offset=1))
    assert {first["items"][0]["id"], *rest} == both
    # A holder not posted to the delegation, a bearer that does not exist: refused by field.
    refused = alice_api.post("/negotiation-files/", file_body(world, table, holder=s(world.dave)))
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "holder"]
    missing = alice_api.post(
        "/negotiation-files/", file_body(world, table, bearer=str(uuid.uuid4()))
    )
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "bearer"]


def test_a_file_change_needs_the_version_and_a_delete_is_a_logged_tombstone(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    path = f"/negotiation-files/{table.file.pk}/"
    changed = alice_api.patch(path, {"version": 1, "status": "closed", "title": "Orun, closed"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and changed.json()["status"] == "closed"
    stale = alice_api.patch(path, {"version": 1, "objective": "Something else."})
    assert stale.status_code == 409 and stale.json()["current"] == changed.json()
    assert alice_api.patch(path, {"version": 2, "title": None}).status_code == 422
    assert alice_api.delete(path, version=1).status_code == 409
    assert alice_api.delete(path, version=2).status_code == 204
    assert alice_api.get(path).status_code == 404
    assert ids_of(alice_api.get("/negotiation-files/")) == []
    assert NegotiationFile.objects.get(pk=table.file.pk).deleted_by == world.alice
    actions = ChangeLogEntry.objects.filter(object_id=table.file.pk).values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        [
            ChangeAction.CREATE,
            ChangeAction.UPDATE,
            ChangeAction.CONFLICT,
            ChangeAction.CONFLICT,
            ChangeAction.DELETE,
        ]
    )
    assert versions_of(table.file.pk) == ["File opened", "File details changed"]


def test_another_delegation_and_a_colleague_not_named_get_the_404_of_a_missing_file(
    world: World, table: Table, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    closed = alice_api.post(
        "/negotiation-files/",
        file_body(world, table, holder=s(world.alice), restricted=True),
    ).json()
    assert closed["restricted_to"] == [s(world.alice)]
    bob_api = ApiClient(world.bob)
    missing = dave_api.get(f"/negotiation-files/{uuid.uuid4()}/")
    assert missing.status_code == 404
    shared = s(table.file)
    for api, pk in ((dave_api, shared), (dave_api, closed["id"]), (bob_api, closed["id"])):
        path = f"/negotiation-files/{pk}/"
        answer = api.get(path)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(path, {"version": 1, "title": "Mine"}).status_code == 404
        assert api.delete(path, version=1).status_code == 404
        # Adding a row to it is refused like naming a missing file.
        added = api.post("/negotiation-bottom-lines/", {"file": pk, "text": "Anything"})
        assert added.status_code == 422 and added.json()["detail"][0]["loc"] == ["body", "file"]
    assert ids_of(dave_api.get("/negotiation-files/")) == []
    assert ids_of(bob_api.get("/negotiation-files/")) == [shared]


def test_a_counterpart_the_caller_may_not_see_is_left_out_and_kept(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    informant = make_person(world.carol, world.varnia, full_name="Sheikh Amal", restricted=True)
    meeting = make_interaction(world.alice, world.varnia, bearers=[table.army])
    carol_api = ApiClient(world.carol)
    both = [s(table.colonel), s(informant)]
    record = carol_api.post(
        "/negotiation-files/", file_body(world, table, counterparts=both)
    ).json()
    path = f"/negotiation-files/{record['id']}/"
    assert alice_api.get(path).json()["counterparts"] == [s(table.colonel)]
    assert ids_of(alice_api.get("/negotiation-files/", counterpart=s(informant))) == []
    refused = alice_api.post("/negotiation-files/", file_body(world, table, counterparts=both))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "counterparts"]
    changed = alice_api.patch(
        path, {"version": 1, "counterparts": [], "interactions": [s(meeting)]}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["counterparts"] == [] and changed.json()["interactions"] == [s(meeting)]
    assert carol_api.get(path).json()["counterparts"] == [s(informant)]


def test_a_read_only_token_may_not_write(world: World, table: Table) -> None:
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.get("/negotiation-files/").status_code == 200
    assert reader.post("/negotiation-files/", file_body(world, table)).status_code == 403
    refused = reader.post("/negotiation-scenarios/", {"file": s(table.file), "text": "Walk out"})
    assert refused.status_code == 403
    assert NegotiationFile.objects.count() == 1 and Scenario.objects.count() == 0


# --- The rows of the tools ------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of row: its path, model, a body (beyond the file) and a change."""

    path: str
    model: type[Any]
    body: dict[str, Any]
    change: dict[str, Any]
    name: str

    def __str__(self) -> str:
        return self.path


KINDS = [
    Kind(
        "negotiation-island-items",
        IslandItem,
        {"kind": "norm", "agreed": False, "text": "Detainees may receive visits."},
        {"agreed": True},
        "Island item",
    ),
    Kind(
        "negotiation-iceberg-entries",
        IcebergEntry,
        {"side": "us", "layer": "position", "text": "Visit all detainees."},
        {"layer": "motive", "text": "Dignity of every detainee."},
        "Iceberg entry",
    ),
    Kind(
        "negotiation-stakeholders",
        Stakeholder,
        {"person": None, "name": "Elder of Orun", "influence": 3, "proximity": 1, "note": ""},
        {"proximity": -2, "note": "Close to the governor."},
        "Stakeholder",
    ),
    Kind(
        "negotiation-red-lines",
        RedLine,
        {"text": "No armed escort inside the camp."},
        {"text": "No armed escort anywhere in the camp."},
        "Red line",
    ),
    Kind(
        "negotiation-bottom-lines",
        BottomLine,
        {"text": "A first visit within a month."},
        {"text": "A first visit within six weeks."},
        "Bottom line",
    ),
    Kind(
        "negotiation-scenarios",
        Scenario,
        {
            "text": "They allow a visit to one block only.",
            "costs": "Others unseen.",
            "benefits": "A first foot in the door.",
            "likelihood": "high",
        },
        {"likelihood": "low"},
        "Scenario",
    ),
]


def link_body(world: World, file: NegotiationFile, **fields: Any) -> dict[str, Any]:
    elder = do_add_to_file(file, Stakeholder, actor=world.alice, name="Elder")
    imam = do_add_to_file(file, Stakeholder, actor=world.alice, name="Imam")
    return {"source": s(elder), "target": s(imam), "strength": 2, "note": "Cousins", **fields}


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_row_is_added_read_listed_changed_with_its_version_and_removed(
    kind: Kind, world: World, table: Table, alice_api: ApiClient
) -> None:
    body = {"file": s(table.file), **kind.body}
    created = alice_api.post(f"/{kind.path}/", body)
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in body.items():
        assert record[name] == value, name
    assert record["compartment"] == s(world.varnia)
    url = f"/{kind.path}/{record['id']}/"
    assert alice_api.get(url).json() == record
    other = open_file(world, bearer=table.army, counterpart=table.colonel, title="Second")
    alice_api.post(f"/{kind.path}/", {**body, "file": s(other)})
    assert ids_of(alice_api.get(f"/{kind.path}/", file=s(table.file))) == [record["id"]]
    assert len(ids_of(alice_api.get(f"/{kind.path}/", limit=1))) == 1

    changed = alice_api.patch(url, {"version": 1, **kind.change})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert all(changed.json()[k] == v for k, v in kind.change.items())
    stale = alice_api.patch(url, {"version": 1, **kind.change})
    assert stale.status_code == 409 and stale.json()["current"] == changed.json()
    assert alice_api.delete(url, version=1).status_code == 409
    assert alice_api.delete(url, version=2).status_code == 204
    assert alice_api.get(url).status_code == 404
    assert ids_of(alice_api.get(f"/{kind.path}/", file=s(table.file))) == []
    row = kind.model.objects.get(pk=record["id"])
    assert row.deleted_at is not None and row.deleted_by == world.alice
    actions = ChangeLogEntry.objects.filter(object_id=record["id"]).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [
            ChangeAction.CREATE,
            ChangeAction.UPDATE,
            ChangeAction.CONFLICT,
            ChangeAction.CONFLICT,
            ChangeAction.DELETE,
        ]
    )
    assert versions_of(table.file.pk)[1:] == [
        f"{kind.name} added",
        f"{kind.name} changed",
        f"{kind.name} removed",
    ]


def test_a_link_joins_two_stakeholders_of_the_same_file(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    body = {"file": s(table.file), **link_body(world, table.file)}
    created = alice_api.post("/negotiation-stakeholder-links/", body)
    assert created.status_code == 201, created.content
    record = created.json()
    assert {k: record[k] for k in body} == body
    url = f"/negotiation-stakeholder-links/{record['id']}/"
    assert alice_api.get(url).json() == record
    changed = alice_api.patch(url, {"version": 1, "strength": 3})
    assert changed.status_code == 200 and changed.json()["strength"] == 3
    assert alice_api.patch(url, {"version": 1, "strength": 1}).status_code == 409
    # One end in another file, or both ends the same, is refused on the target.
    other = open_file(world, bearer=table.army, counterpart=table.colonel, title="Second")
    stranger = do_add_to_file(other, Stakeholder, actor=world.alice, name="Trader")
    for target in (s(stranger), body["source"]):
        refused = alice_api.post("/negotiation-stakeholder-links/", {**body, "target": target})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "target"]
    # Removing a stakeholder removes its links.
    source = alice_api.get(f"/negotiation-stakeholders/{body['source']}/").json()
    gone = alice_api.delete(f"/negotiation-stakeholders/{source['id']}/", version=source["version"])
    assert gone.status_code == 204
    assert alice_api.get(url).status_code == 404


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_row_of_a_file_one_may_not_see_is_the_404_of_a_missing_one(
    kind: Kind, world: World, table: Table, dave_api: ApiClient
) -> None:
    closed = open_file(
        world,
        bearer=table.army,
        counterpart=table.colonel,
        restricted=True,
        restricted_to=[world.alice],
    )
    carol_api = ApiClient(world.carol)
    alice_api = ApiClient(world.alice)
    shared = alice_api.post(f"/{kind.path}/", {"file": s(table.file), **kind.body}).json()
    hidden = alice_api.post(f"/{kind.path}/", {"file": s(closed), **kind.body}).json()
    missing = dave_api.get(f"/{kind.path}/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, row in ((dave_api, shared), (dave_api, hidden), (carol_api, hidden)):
        url = f"/{kind.path}/{row['id']}/"
        answer = api.get(url)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(url, {"version": 1, **kind.change}).status_code == 404
        assert api.delete(url, version=1).status_code == 404
    assert ids_of(dave_api.get(f"/{kind.path}/")) == []
    assert ids_of(carol_api.get(f"/{kind.path}/")) == [shared["id"]]
    assert kind.model.objects.get(pk=hidden["id"]).version == 1


def test_only_the_head_of_delegation_signs_off_a_red_line_and_a_new_text_clears_it(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    line = alice_api.post(
        "/negotiation-red-lines/", {"file": s(table.file), "text": "No armed escort."}
    ).json()
    assert line["set_by"] == s(world.alice) and line["signed_off_by"] is None
    sign = f"/negotiation-red-lines/{line['id']}/sign-off/"
    refused = alice_api.post(sign, {"version": 1})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only the head of delegation signs off a red line."}
    carol_api = ApiClient(world.carol)
    signed = carol_api.post(sign, {"version": 1})
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed_off_by"] == s(world.carol)
    assert signed.json()["signed_off_at"] is not None and signed.json()["version"] == 2
    stale = carol_api.post(sign, {"version": 1})
    assert stale.status_code == 409 and stale.json()["current"] == signed.json()
    assert dave_sign_off_is_missing(world, sign)
    # The same text keeps the sign-off; a new text clears it.
    url = f"/negotiation-red-lines/{line['id']}/"
    kept = alice_api.patch(url, {"version": 2, "text": "No armed escort."}).json()
    assert kept["signed_off_by"] == s(world.carol)
    cleared = alice_api.patch(url, {"version": 3, "text": "No armed escort at all."}).json()
    assert cleared["signed_off_by"] is None and cleared["signed_off_at"] is None
    assert ids_of(alice_api.get("/negotiation-red-lines/", signed_off="false")) == [line["id"]]
    assert versions_of(table.file.pk)[-1] == "Red line changed; its sign-off is cleared"


def dave_sign_off_is_missing(world: World, url: str) -> bool:
    answer = ApiClient(world.dave).post(url, {"version": 1})
    return answer.status_code == 404 and answer.json() == {"detail": "Not found."}


def test_a_stakeholder_whose_person_is_hidden_shows_none_and_keeps_them(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    informant = make_person(world.carol, world.varnia, full_name="Sheikh Amal", restricted=True)
    carol_api = ApiClient(world.carol)
    body = {"file": s(table.file), "person": s(informant), "influence": 2}
    record = carol_api.post("/negotiation-stakeholders/", body).json()
    url = f"/negotiation-stakeholders/{record['id']}/"
    assert record["person"] == s(informant)
    assert alice_api.get(url).json()["person"] is None
    refused = alice_api.post("/negotiation-stakeholders/", body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "person"]
    changed = alice_api.patch(url, {"version": 1, "influence": 3})
    assert changed.status_code == 200 and changed.json()["person"] is None
    assert carol_api.get(url).json()["person"] == s(informant)
    nameless = alice_api.post("/negotiation-stakeholders/", {"file": s(table.file)})
    assert nameless.status_code == 422 and nameless.json()["detail"][0]["loc"] == ["body", "name"]


# --- Versions -------------------------------------------------------------------------------


def test_versions_are_read_only_and_their_content_shows_what_the_reader_may_see(
    world: World, table: Table, alice_api: ApiClient
) -> None:
    informant = make_person(world.carol, world.varnia, full_name="Sheikh Amal", restricted=True)
    carol_api = ApiClient(world.carol)
    carol_api.patch(
        f"/negotiation-files/{table.file.pk}/",
        {"version": 1, "counterparts": [s(table.colonel), s(informant)]},
    )
    carol_api.post(
        "/negotiation-stakeholders/",
        {"file": s(table.file), "person": s(informant), "note": "Trusted by both."},
    )
    listed = alice_api.get("/negotiation-versions/", file=s(table.file)).json()["items"]
    assert [v["number"] for v in listed] == [3, 2, 1]
    assert [v["summary"] for v in listed] == [
        "Stakeholder added",
        "File details changed",
        "File opened",
    ]
    assert "content" not in listed[0]
    newest = listed[0]["id"]
    assert alice_api.get(f"/negotiation-versions/{newest}/").json() == listed[0]
    content = alice_api.get(f"/negotiation-versions/{newest}/content/")
    assert content.status_code == 200, content.content
    seen = content.json()
    assert seen["number"] == 3 and seen["title"] == "Release of the Orun detainees"
    assert seen["counterparts"] == [s(table.colonel)]
    assert seen["stakeholders"][0]["person"] is None
    assert seen["stakeholders"][0]["note"] == "Trusted by both."
    assert b"Sheikh" not in content.content and s(informant).encode() not in content.content
    full = carol_api.get(f"/negotiation-versions/{newest}/content/").json()
    assert set(full["counterparts"]) == {s(table.colonel), s(informant)}
    assert full["stakeholders"][0]["person"] == s(informant)
    # Written by the services only; another delegation gets the 404 of a missing one.
    assert alice_api.post("/negotiation-versions/", {"file": s(table.file)}).status_code == 405
    dave_api = ApiClient(world.dave)
    assert dave_api.get(f"/negotiation-versions/{newest}/").status_code == 404
    assert dave_api.get(f"/negotiation-versions/{newest}/content/").json() == {
        "detail": "Not found."
    }
    assert ids_of(dave_api.get("/negotiation-versions/")) == []


# --- Audit and queries ----------------------------------------------------------------------


def test_reads_are_audited(world: World, table: Table, alice_api: ApiClient) -> None:
    before = AuditEvent.objects.count()
    alice_api.get("/negotiation-files/")
    alice_api.get(f"/negotiation-files/{table.file.pk}/")
    version = NegotiationVersion.objects.get(file=table.file)
    alice_api.get(f"/negotiation-versions/{version.pk}/content/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.kind, e.actor_id) for e in events] == [
        (AuditKind.LIST, world.alice.pk),
        (AuditKind.READ, world.alice.pk),
        (AuditKind.READ, world.alice.pk),
    ]
    assert events[0].detail["ids"] == [s(table.file)]
    assert events[1].object_id == table.file.pk and events[2].object_id == version.pk


# 3 to know the caller, 1 for the rows, 1 for the named users, 3 to audit; a file 2 more
# for its counterparts and interactions, a stakeholder 1 for its person. A version's
# content: 3 to know the caller, 1 for the version, 3 to name what it points at (people,
# interactions, bearer), 3 to audit.
QUERIES = {
    "negotiation-files": 10,
    "negotiation-island-items": 8,
    "negotiation-iceberg-entries": 8,
    "negotiation-stakeholders": 9,
    "negotiation-stakeholder-links": 8,
    "negotiation-red-lines": 8,
    "negotiation-bottom-lines": 8,
    "negotiation-scenarios": 8,
    "negotiation-versions": 8,
}
CONTENT_QUERIES = 10


def add_rows(world: World, table: Table, count: int) -> None:
    """``count`` more files, each with a contact and a row of every kind (a stakeholder
    with a person)."""
    meeting = make_interaction(world.alice, world.varnia, bearers=[table.army])
    for n in range(count):
        file = open_file(
            world,
            bearer=table.army,
            counterpart=table.colonel,
            title=f"File {n}",
            interactions=[meeting],
        )
        fill(world, file, tag=f" {n}")
        do_add_to_file(file, Stakeholder, actor=world.alice, person=table.colonel)
        do_add_to_file(file, IslandItem, actor=world.alice, kind=IslandKind.NORM, text="Norm")
        do_add_to_file(
            file, IcebergEntry, actor=world.alice, side=Side.US, layer=Layer.POSITION, text="P"
        )
        do_add_to_file(file, BottomLine, actor=world.alice, text="Bottom")
        do_add_to_file(file, Scenario, actor=world.alice, text="Scenario")


def test_every_list_and_detail_costs_a_fixed_number_of_queries(
    world: World, table: Table, alice_api: ApiClient, django_assert_num_queries: Any
) -> None:
    alice_api.get("/negotiation-files/")  # the token's first use is noted once
    add_rows(world, table, 1)

    def cost(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            answer = alice_api.get(path, limit=200)
        assert answer.status_code == 200, answer.content
        return len(captured.captured_queries), len(answer.json()["items"])

    few = {path: cost(f"/{path}/") for path in QUERIES}
    add_rows(world, table, 2)
    for path, expected in QUERIES.items():
        many, rows = cost(f"/{path}/")
        assert rows > few[path][1], path
        assert many == few[path][0] == expected, path
        rows = alice_api.get(f"/{path}/", limit=200).json()["items"]
        # A stakeholder with a person (one without needs no query for it).
        first = next((row for row in rows if row.get("person")), rows[0])["id"]
        with django_assert_num_queries(expected, info=path):
            assert alice_api.get(f"/{path}/{first}/").status_code == 200
    newest = NegotiationVersion.objects.order_by("-created_at").first()
    assert newest is not None
    with django_assert_num_queries(CONTENT_QUERIES):
        assert alice_api.get(f"/negotiation-versions/{newest.pk}/content/").status_code == 200

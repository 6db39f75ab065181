"""Commitments, their signatories and compliance observations through the API: the five
operations, filters and pages, the 404 of another delegation's and of a restricted
commitment, the derived compliance read only, a bearer, person or piece of evidence the
caller may not see left out (and kept on an edit), audited reads, pinned queries."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pourparler.access.services import do_record_incident, do_record_passage
from pourparler.api.models import TokenScope
from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import do_record_compliance, do_register_commitment
from pourparler.concerns.tests.helpers import open_concern
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.testing.personas import World, make_bearer, make_person

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


# --- Signatories and compliance observations ----------------------------------------------


@pytest.fixture
def commitment(world: World, varnia: Varnia) -> Commitment:
    """Alice's commitment from the Varnian army, made on 15 January 2026."""
    return do_register_commitment(
        actor=world.alice,
        compartment=world.varnia,
        instrument="security_guarantee",
        title="Safe passage for ambulances",
        scope="Ambulances are not stopped.",
        bearers=[varnia.army],
        made_on=datetime.date(2026, 1, 15),
    )


def signatory(commitment: Commitment, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    return {
        "commitment": str(commitment.pk),
        "capacity": "military",
        "bearer": str(varnia.army.pk),
        "person": str(varnia.colonel.pk),
        "name_as_signed": "Col. I. Maren",
        "signed_as": "Commander, 1st Brigade",
        "signed_on": "2026-01-15",
        **fields,
    }


def observation(commitment: Commitment, **fields: Any) -> dict[str, Any]:
    return {
        "commitment": str(commitment.pk),
        "observed_on": "2026-02-01",
        "assessment": "breached",
        "note": "An ambulance was held for six hours at the bridge.",
        "concerns": [],
        "incidents": [],
        "passages": [],
        **fields,
    }


def test_signatories_are_recorded_read_listed_filtered_and_paged(
    world: World, varnia: Varnia, commitment: Commitment, alice_api: ApiClient
) -> None:
    created = alice_api.post("/signatories/", signatory(commitment, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in signatory(commitment, varnia).items():
        assert record[name] == value, name
    assert record["compartment"] == str(world.varnia.pk)
    assert alice_api.get(f"/signatories/{record['id']}/").json() == record
    other = alice_api.post(
        "/signatories/",
        signatory(commitment, varnia, person=None, capacity="political", name_as_signed="Minister"),
    ).json()
    assert set(ids_of(alice_api.get("/signatories/", commitment=str(commitment.pk)))) == {
        record["id"],
        other["id"],
    }
    assert ids_of(alice_api.get("/signatories/", capacity="political")) == [other["id"]]
    assert ids_of(alice_api.get("/signatories/", person=str(varnia.colonel.pk))) == [record["id"]]
    first = alice_api.get("/signatories/", limit=1).json()
    assert first["next_offset"] == 1
    assert ids_of(alice_api.get("/signatories/", limit=1, offset=1)) == [other["id"]]
    # A party that is not one of the commitment's, and a name missing, are refused.
    stranger = make_bearer(world.alice, name="Front of the Hills", kind="non_state_armed_group")
    refused = alice_api.post(
        "/signatories/", signatory(commitment, varnia, bearer=str(stranger.pk))
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "bearer"]
    nameless = signatory(commitment, varnia, person=None, name_as_signed="")
    assert alice_api.post("/signatories/", nameless).status_code == 422
    # A person of another delegation is refused like a missing one.
    foreign = alice_api.post(
        "/signatories/", signatory(commitment, varnia, person=str(varnia.kestrian.pk))
    )
    assert foreign.status_code == 422 and foreign.json()["detail"][0]["loc"] == ["body", "person"]


def test_observations_are_recorded_with_evidence_and_give_the_compliance(
    world: World, varnia: Varnia, commitment: Commitment, alice_api: ApiClient
) -> None:
    concern = open_concern(world.alice, world.varnia, [varnia.army], opened=40)
    passage = do_record_passage(
        actor=world.alice,
        compartment=world.varnia,
        bearer=varnia.army,
        place_name="Bridge checkpoint",
        outcome="incident",
    )
    incident = do_record_incident(
        actor=world.alice,
        compartment=world.varnia,
        kind="threat",
        description="A driver was threatened.",
        bearers=[varnia.army],
        passage=passage,
    )
    evidence = {
        "concerns": [str(concern.pk)],
        "incidents": [str(incident.pk)],
        "passages": [str(passage.pk)],
    }
    created = alice_api.post("/compliance-observations/", observation(commitment, **evidence))
    assert created.status_code == 201, created.content
    record = created.json()
    for name, value in observation(commitment, **evidence).items():
        assert record[name] == value, name
    assert alice_api.get(f"/compliance-observations/{record['id']}/").json() == record
    later = alice_api.post(
        "/compliance-observations/",
        observation(commitment, observed_on="2026-03-01", assessment="kept"),
    ).json()
    assert alice_api.get(f"/commitments/{commitment.pk}/").json()["current_compliance"] == "kept"
    listed = ids_of(alice_api.get("/compliance-observations/", commitment=str(commitment.pk)))
    assert listed == [later["id"], record["id"]]
    assert ids_of(alice_api.get("/compliance-observations/", assessment="breached")) == [
        record["id"]
    ]
    assert ids_of(alice_api.get("/compliance-observations/", date_from="2026-02-15")) == [
        later["id"]
    ]
    assert ids_of(alice_api.get("/compliance-observations/", limit=1, offset=1)) == [record["id"]]
    early = alice_api.post(
        "/compliance-observations/", observation(commitment, observed_on="2025-12-01")
    )
    assert early.status_code == 422
    assert early.json()["detail"][0]["loc"] == ["body", "observed_on"]


def test_hidden_evidence_is_left_out_refused_by_name_and_kept_on_an_edit(
    world: World, varnia: Varnia, commitment: Commitment, alice_api: ApiClient
) -> None:
    secret = open_concern(
        world.carol, world.varnia, [varnia.army], restricted=True, restricted_to=[world.carol]
    )
    carol_api = ApiClient(world.carol)
    body = observation(commitment, concerns=[str(secret.pk)])
    record = carol_api.post("/compliance-observations/", body).json()
    path = f"/compliance-observations/{record['id']}/"
    assert alice_api.get(path).json()["concerns"] == []
    refused = alice_api.post("/compliance-observations/", body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "concerns"]
    changed = alice_api.patch(path, {"version": 1, "concerns": [], "assessment": "partly_kept"})
    assert changed.status_code == 200, changed.content
    assert carol_api.get(path).json()["concerns"] == [str(secret.pk)]


def test_a_signatory_whose_person_or_party_is_hidden_is_hidden_with_them(
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
    both = commitment_of(world, [varnia.army, shadow])
    for_shadow = carol_api.post(
        "/signatories/", signatory(both, varnia, bearer=str(shadow.pk), person=None)
    ).json()
    by_informant = carol_api.post(
        "/signatories/", signatory(both, varnia, person=str(informant.pk))
    ).json()
    shown = carol_api.post("/signatories/", signatory(both, varnia)).json()
    assert ids_of(alice_api.get("/signatories/")) == [shown["id"]]
    for hidden in (for_shadow, by_informant):
        assert alice_api.get(f"/signatories/{hidden['id']}/").json() == {"detail": "Not found."}
    assert ids_of(alice_api.get("/signatories/", bearer=str(shadow.pk))) == []


def commitment_of(world: World, bearers: list[Any], **fields: Any) -> Commitment:
    return do_register_commitment(
        actor=world.carol,
        compartment=world.varnia,
        instrument="order",
        title="Order on the treatment of detainees",
        scope="Every detainee is registered within a day.",
        bearers=bearers,
        made_on=datetime.date(2026, 1, 10),
        **fields,
    )


CHILDREN: dict[str, tuple[Any, dict[str, Any]]] = {
    "signatories": (Signatory, {"signed_as": "Chief of staff"}),
    "compliance-observations": (ComplianceObservation, {"note": "Kept at the bridge."}),
}


def child_body(path: str, commitment: Commitment, varnia: Varnia, **fields: Any) -> dict[str, Any]:
    if path == "signatories":
        return signatory(commitment, varnia, **fields)
    return observation(commitment, **fields)


@pytest.mark.parametrize("path", sorted(CHILDREN))
def test_a_child_change_needs_the_version_and_a_delete_is_a_logged_tombstone(
    path: str, world: World, varnia: Varnia, commitment: Commitment, alice_api: ApiClient
) -> None:
    model, change = CHILDREN[path]
    record = alice_api.post(f"/{path}/", child_body(path, commitment, varnia)).json()
    url = f"/{path}/{record['id']}/"
    changed = alice_api.patch(url, {"version": 1, **change})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and all(changed.json()[k] == v for k, v in change.items())
    stale = alice_api.patch(url, {"version": 1, **change})
    assert stale.status_code == 409 and stale.json()["current"] == changed.json()
    assert alice_api.delete(url, version=1).status_code == 409
    assert alice_api.delete(url, version=2).status_code == 204
    assert alice_api.get(url).status_code == 404
    assert ids_of(alice_api.get(f"/{path}/")) == []
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


@pytest.mark.parametrize("path", sorted(CHILDREN))
def test_a_child_of_another_delegation_or_a_restricted_commitment_is_the_404_of_a_missing_one(
    path: str, world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    shared = commitment_of(world, [varnia.army])
    closed = commitment_of(world, [varnia.army], restricted=True, restricted_to=[world.carol])
    carol_api = ApiClient(world.carol)
    open_row = carol_api.post(f"/{path}/", child_body(path, shared, varnia)).json()
    closed_row = carol_api.post(f"/{path}/", child_body(path, closed, varnia)).json()
    assert closed_row["restricted"] and closed_row["restricted_to"] == [str(world.carol.pk)]
    missing = dave_api.get(f"/{path}/{uuid.uuid4()}/")
    assert missing.status_code == 404
    for api, row in ((dave_api, open_row), (dave_api, closed_row), (alice_api, closed_row)):
        url = f"/{path}/{row['id']}/"
        answer = api.get(url)
        assert answer.status_code == 404 and answer.json() == missing.json()
        assert api.patch(url, {"version": 1}).status_code == 404
        assert api.delete(url, version=1).status_code == 404
    assert ids_of(dave_api.get(f"/{path}/")) == []
    assert ids_of(alice_api.get(f"/{path}/")) == [open_row["id"]]
    # Naming a commitment one may not see is refused like a missing one.
    refused = dave_api.post(f"/{path}/", child_body(path, shared, varnia))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "commitment"]


@pytest.mark.parametrize("path", sorted(CHILDREN))
def test_a_read_only_token_may_not_record_a_child(
    path: str, world: World, varnia: Varnia, commitment: Commitment
) -> None:
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    assert reader.post(f"/{path}/", child_body(path, commitment, varnia)).status_code == 403
    assert CHILDREN[path][0].objects.count() == 0


# 3 to know the caller, 1 for the rows, 1 for the named users, 3 to audit; observations
# 3 more for their evidence (concerns, incidents, passages).
CHILD_QUERIES = {"signatories": 8, "compliance-observations": 11}


@pytest.mark.parametrize("path", sorted(CHILDREN))
def test_child_reads_are_audited_and_cost_a_fixed_number_of_queries(
    path: str,
    world: World,
    varnia: Varnia,
    commitment: Commitment,
    alice_api: ApiClient,
    django_assert_num_queries: Any,
) -> None:
    first = alice_api.post(f"/{path}/", child_body(path, commitment, varnia)).json()
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as few:
        alice_api.get(f"/{path}/")
    alice_api.get(f"/{path}/{first['id']}/")
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.kind for e in events] == [AuditKind.LIST, AuditKind.READ]
    for _ in range(3):
        alice_api.post(f"/{path}/", child_body(path, commitment, varnia))
    with django_assert_num_queries(CHILD_QUERIES[path]):
        assert len(ids_of(alice_api.get(f"/{path}/"))) == 4
    assert len(few.captured_queries) == CHILD_QUERIES[path]
    with django_assert_num_queries(CHILD_QUERIES[path]):
        assert alice_api.get(f"/{path}/{first['id']}/").status_code == 200


def test_emptying_a_field_a_record_cannot_be_without_is_a_422(
    world: World, varnia: Varnia, commitment: Commitment, alice_api: ApiClient
) -> None:
    rows = {
        "commitments": (str(commitment.pk), ["made_on", "title", "bearers"]),
        "signatories": (
            alice_api.post("/signatories/", signatory(commitment, varnia)).json()["id"],
            ["capacity", "bearer", "name_as_signed"],
        ),
        "compliance-observations": (
            alice_api.post("/compliance-observations/", observation(commitment)).json()["id"],
            ["observed_on", "assessment", "note"],
        ),
    }
    for path, (row, names) in rows.items():
        for name in names:
            answer = alice_api.patch(f"/{path}/{row}/", {"version": 1, name: None})
            assert answer.status_code == 422, (path, name, answer.content)
            assert answer.json()["detail"][0]["loc"] == ["body", name], (path, name)

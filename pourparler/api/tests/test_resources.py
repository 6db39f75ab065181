"""Every resource of the API through its five operations, as alice's script would use them:
create, read, list, change (and a stale change: 409 with the record as it stands), delete
(a logged tombstone); dave, in another delegation, gets the same 404 as for a missing
record; a read-only token may not write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from pourparler.api.models import TokenScope
from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.models import BearerName, BearerRelation, ExternalId, Unit, WeaponBearer
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.geo.models import AdminArea, Country
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

Body = Callable[[World, Varnia], dict[str, Any]]


def s(value: Any) -> str:
    return str(value.pk)


@dataclass(frozen=True)
class Case:
    """One resource: where it is, a body to create one, a change to make."""

    path: str
    model: type[Record]
    body: Body
    change: dict[str, Any] | None = None
    in_compartment: bool = False

    def __str__(self) -> str:
        return self.path


def afghanistan() -> Country:
    return Country.objects.get(iso2="AF")


CASES = [
    Case("countries", Country, lambda w, v: {"iso2": "QX", "iso3": "QXX", "name": "Quixland"}),
    Case(
        "admin-areas",
        AdminArea,
        lambda w, v: {"country": s(afghanistan()), "pcode": "AF99", "name": "Herat"},
    ),
    Case(
        "bearers",
        WeaponBearer,
        lambda w, v: {
            "name": "Varnian Border Guard",
            "kind": "other_law_enforcement",
            "countries": [s(afghanistan())],
        },
        {"name": "Varnian Border Guard Service"},
    ),
    Case(
        "bearer-names",
        BearerName,
        lambda w, v: {"bearer": s(v.army), "name": "Armée varnienne", "kind": "translation"},
        {"language": "fr"},
    ),
    Case(
        "external-ids",
        ExternalId,
        lambda w, v: {"bearer": s(v.army), "scheme": "ucdp_actor", "value": "1234"},
        {"value": "1235"},
    ),
    Case(
        "bearer-relations",
        BearerRelation,
        lambda w, v: {
            "subject": s(make_bearer(w.alice, name="Front of the Hills")),
            "kind": "splinter_of",
            "other": s(v.army),
            "since": "2019-03-01",
        },
        {"kind": "allied_with"},
    ),
    Case(
        "units",
        Unit,
        lambda w, v: {"bearer": s(v.army), "parent": s(v.brigade), "name": "3rd Battalion"},
        {"echelon": "battalion"},
    ),
    Case(
        "people",
        Person,
        lambda w, v: {"compartment": s(w.varnia), "full_name": "Capt. Lena Orsk"},
        {"notes": "Prefers to meet in the morning."},
        in_compartment=True,
    ),
    Case(
        "person-names",
        PersonName,
        lambda w, v: {"person": s(v.colonel), "name": "Abu Idris"},
        {"transliteration": "Abou Idriss"},
        in_compartment=True,
    ),
    Case(
        "positions",
        Position,
        lambda w, v: {
            "person": s(v.colonel),
            "bearer": s(v.army),
            "unit": s(v.brigade),
            "level": "operational",
            "rank": "Colonel",
            "starts_on": "2023-06-01",
        },
        {"ends_on": "2024-12-31"},
        in_compartment=True,
    ),
    Case(
        "relationships",
        Relationship,
        lambda w, v: {"person": s(v.colonel), "holder": s(w.bob), "strength": "trusted"},
        {"strength": "strained", "notes": "Cooler since the incident at the bridge."},
        in_compartment=True,
    ),
    Case(
        "interactions",
        Interaction,
        lambda w, v: {
            "compartment": s(w.varnia),
            "kind": "call",
            "occurred_at": "2024-05-02T09:30:00Z",
            "bearers": [s(v.army)],
            "their_participants": [s(v.colonel)],
            "our_participants": [s(w.alice)],
            "summary": "Asked for access to the detainees held at the barracks.",
        },
        {"outcomes": "Visit agreed for next week.", "level": "operational"},
        in_compartment=True,
    ),
    Case(
        "follow-ups",
        FollowUp,
        lambda w, v: {
            "interaction": s(v.meeting),
            "action": "Send the list of detainees",
            "owner": s(w.alice),
            "due_on": "2030-01-31",
        },
        {"status": "done", "done_on": "2030-01-15"},
        in_compartment=True,
    ),
]
WRITABLE = [case for case in CASES if case.change is not None]
COMPARTMENT = [case for case in CASES if case.in_compartment]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_create_read_and_list(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    created = alice_api.post(f"/{case.path}/", case.body(world, varnia))
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["version"] == 1
    assert record["created_by"] == str(world.alice.pk)
    for name, value in case.body(world, varnia).items():
        if name not in {"subject"}:  # a new bearer is made for each body
            assert record[name] == value, name
    assert case.model.objects.filter(pk=record["id"], created_by=world.alice).exists()

    read = alice_api.get(f"/{case.path}/{record['id']}/")
    assert read.status_code == 200
    assert read.json() == record
    assert record["id"] in ids_of(alice_api.get(f"/{case.path}/", limit=200))


@pytest.mark.parametrize("case", WRITABLE, ids=str)
def test_change_needs_the_current_version(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    assert case.change is not None
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia)).json()
    path = f"/{case.path}/{record['id']}/"

    changed = alice_api.patch(path, {"version": 1, **case.change})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    for name, value in case.change.items():
        assert changed.json()[name] == value

    # Someone else's script still holds version 1: refused, nothing overwritten.
    stale = alice_api.patch(path, {"version": 1, **case.body(world, varnia), **case.change})
    assert stale.status_code == 409
    assert stale.json()["current"] == changed.json()
    assert "version 2" in stale.json()["detail"]
    assert alice_api.get(path).json() == changed.json()
    kind = ContentType.objects.get_for_model(case.model)
    actions = ChangeLogEntry.objects.filter(content_type=kind, object_id=record["id"])
    assert sorted(actions.values_list("action", flat=True)) == sorted(
        [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.CONFLICT]
    )


@pytest.mark.parametrize("case", WRITABLE, ids=str)
def test_delete_is_a_logged_tombstone(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia)).json()
    path = f"/{case.path}/{record['id']}/"
    # A delegation removes its own records; only heads of delegation (and analysts)
    # remove records of the shared registry.
    head = world.carol
    remover = alice_api if case.in_compartment else ApiClient(head)
    if not case.in_compartment:
        assert alice_api.delete(path, version=1).status_code == 403

    assert remover.delete(path, version=7).status_code == 409
    assert remover.delete(path).status_code == 422  # no version at all
    deleted = remover.delete(path, version=1)
    assert deleted.status_code == 204
    assert deleted.content == b""

    assert remover.get(path).status_code == 404
    assert record["id"] not in ids_of(remover.get(f"/{case.path}/", limit=200))
    row = case.model.objects.get(pk=record["id"])
    assert row.deleted_at is not None
    assert row.deleted_by == remover.user
    entry = ChangeLogEntry.objects.get(object_id=record["id"], action=ChangeAction.DELETE)
    assert entry.actor == remover.user
    assert entry.object_version == 2
    assert remover.delete(path, version=2).status_code == 404


@pytest.mark.parametrize("case", COMPARTMENT, ids=str)
def test_another_delegation_gets_the_404_of_a_missing_record(
    case: Case, world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    record = alice_api.post(f"/{case.path}/", case.body(world, varnia)).json()
    path = f"/{case.path}/{record['id']}/"
    missing = f"/{case.path}/{uuid.uuid4()}/"

    for answer in (dave_api.get(path), dave_api.get(missing)):
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Not found."}
    assert (
        dave_api.patch(path, {"version": 1}).json()
        == dave_api.patch(missing, {"version": 1}).json()
    )
    assert dave_api.delete(path, version=1).status_code == 404
    assert record["id"] not in ids_of(dave_api.get(f"/{case.path}/", limit=200))
    assert case.model.objects.get(pk=record["id"]).version == 1


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_read_only_token_may_not_write(case: Case, world: World, varnia: Varnia) -> None:
    reader = ApiClient(world.alice, scope=TokenScope.READ)
    held = case.model.objects.count()
    assert reader.get(f"/{case.path}/").status_code == 200
    refused = reader.post(f"/{case.path}/", case.body(world, varnia))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This token may read only."}
    assert case.model.objects.count() == held


def test_reads_of_compartment_records_are_audited(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    before = AuditEvent.objects.count()
    listed = ids_of(alice_api.get("/interactions/", kind="bilateral_meeting"))
    alice_api.get(f"/people/{varnia.colonel.pk}/")
    alice_api.get("/bearers/")  # reference data: not audited, as on the pages
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.kind, e.actor_id) for e in events] == [
        (AuditKind.LIST, world.alice.pk),
        (AuditKind.READ, world.alice.pk),
    ]
    assert events[0].detail["ids"] == listed == [str(varnia.meeting.pk)]
    assert events[0].detail["filters"] == {"kind": "bilateral_meeting"}
    assert events[1].object_id == varnia.colonel.pk

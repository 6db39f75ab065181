"""Access pages, tested through HTTP: record, read, edit, delete, and not from elsewhere."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.tests.conftest import (
    assessment,
    client_for,
    constraint,
    incident,
    passage,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.crypto import decrypt_logged_value
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.testing.http import count_queries, page_body
from pourparler.testing.personas import World, make_bearer, make_interaction, make_unit

pytestmark = pytest.mark.django_db


def passage_data(world: World, bearer: WeaponBearer, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "compartment": str(world.varnia.pk),
        "bearer": str(bearer.pk),
        "place_name": "Kessel Ford bridge",
        "latitude": "44.12345",
        "longitude": "21.54321",
        "occurred_at": "2026-11-20T09:30",
        "outcome": "delayed",
        "delay_minutes": "40",
        "team_size": "3",
        "vehicle_count": "2",
        "note": "Sergeant asked for the movement notification again.",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


# -- recording through the forms ---------------------------------------------------------


def test_record_a_passage_and_see_it(world: World, army: WeaponBearer) -> None:
    client = client_for(world.alice)
    assert client.get(reverse("passage_create")).status_code == 200
    response = client.post(reverse("passage_create"), passage_data(world, army))
    assert response.status_code == 302
    saved = CheckpointPassage.objects.get()
    assert response["Location"] == reverse("passage_detail", args=[saved.pk])
    assert (saved.outcome, saved.delay_minutes, saved.team_size, saved.vehicle_count) == (
        "delayed",
        40,
        3,
        2,
    )
    assert saved.bearer == army
    detail = client.get(response["Location"]).content.decode()
    assert "Sergeant asked for the movement notification again." in detail
    assert "held 40 minutes" in detail
    listed = client.get(reverse("passage_list")).content.decode()
    assert "Kessel Ford bridge" in listed


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"delay_minutes": ""}, "delay_minutes", "Say how many minutes the team was held."),
        (
            {"outcome": "passed"},
            "delay_minutes",
            "Only a delayed passage has a delay; leave it empty.",
        ),
        ({"longitude": ""}, "longitude", "Give both latitude and longitude, or neither."),
        ({"latitude": "95"}, "latitude", "Ensure this value is less than or equal to 90."),
        ({"place_name": ""}, "place_name", "This field is required."),
        ({"team_size": "0"}, "team_size", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_the_passage_form_says_what_is_wrong_and_saves_nothing(
    world: World, army: WeaponBearer, extra: dict[str, str], field: str, message: str
) -> None:
    response = client_for(world.alice).post(
        reverse("passage_create"), passage_data(world, army, **extra)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not CheckpointPassage.objects.exists()


def test_a_unit_must_belong_to_the_bearer_of_the_checkpoint(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    front = make_unit(world.alice, group, name="Northern Front")
    response = client_for(world.alice).post(
        reverse("passage_create"), passage_data(world, army, unit=str(front.pk))
    )
    assert response.status_code == 200
    assert "This unit belongs to another bearer." in response.context["form"].errors["unit"]


def test_record_acceptance_shown_by_an_interaction(
    world: World, group: WeaponBearer, army: WeaponBearer
) -> None:
    meeting = make_interaction(world.alice, world.varnia, bearers=[group])
    other = make_interaction(world.alice, world.varnia, bearers=[army])
    client = client_for(world.alice)
    form = client.get(reverse("acceptance_create"), {"bearer": str(group.pk)})
    offered = list(form.context["form"].fields["interaction"].queryset)
    assert offered == [meeting]
    data = {
        "compartment": str(world.varnia.pk),
        "bearer": str(group.pk),
        "status": "partly",
        "assessed_on": "2026-03-02",
        "interaction": str(other.pk),
        "note": "The council lets us work in the villages, not on the front line.",
    }
    refused = client.post(reverse("acceptance_create"), data)
    assert refused.status_code == 200 and not AcceptanceAssessment.objects.exists()
    data["interaction"] = str(meeting.pk)
    response = client.post(reverse("acceptance_create"), data)
    assert response.status_code == 302
    saved = AcceptanceAssessment.objects.get()
    assert (saved.status, saved.interaction, saved.bearer) == ("partly", meeting, group)
    detail = client.get(response["Location"]).content.decode()
    assert "The council lets us work in the villages" in detail
    assert reverse("interaction_detail", args=[meeting.pk]) in detail


def test_record_a_constraint_whose_kind_must_match_its_category(world: World) -> None:
    client = client_for(world.alice)
    data = {
        "compartment": str(world.varnia.pk),
        "category": "movement",
        "subcategory": "entry_visa",
        "occurred_on": "2026-03-02",
        "effect": "suspended",
        "place_name": "Road to Brannoch",
        "description": "The governor closed the road to all humanitarian traffic.",
    }
    wrong = client.post(reverse("access_constraint_create"), data)
    assert wrong.status_code == 200
    assert "This kind belongs to another category of constraint." in wrong.content.decode()
    data["subcategory"] = "movement_closure"
    assert client.post(reverse("access_constraint_create"), data).status_code == 302
    saved = AccessConstraint.objects.get()
    assert (saved.category, saved.subcategory, saved.effect) == (
        "movement",
        "movement_closure",
        "suspended",
    )


def test_record_the_incident_of_a_passage_from_the_passage(
    world: World, army: WeaponBearer
) -> None:
    stopped = passage(world.alice, world.varnia, army, "incident", place="Orlbridge junction")
    client = client_for(world.alice)
    detail = client.get(reverse("passage_detail", args=[stopped.pk])).content.decode()
    start = f"{reverse('security_incident_create')}?passage={stopped.pk}"
    assert start in detail
    form = client.get(start).context["form"]
    assert form.initial["passage"] == stopped.pk
    assert form.initial["place_name"] == "Orlbridge junction"
    response = client.post(
        start,
        {
            "compartment": str(world.varnia.pk),
            "occurred_at": "2026-03-02T10:00",
            "kind": "detention",
            "severity": "serious",
            "staff_affected": "2",
            "passage": str(stopped.pk),
            "place_name": "Orlbridge junction",
            "bearers": [str(army.pk)],
            "description": "Two staff held for six hours and questioned.",
        },
    )
    assert response.status_code == 302
    saved = SecurityIncident.objects.get()
    assert saved.passage == stopped and list(saved.bearers.all()) == [army]
    assert "Two staff held for six hours" in client.get(response["Location"]).content.decode()


def test_only_a_passage_that_ended_in_an_incident_may_carry_one(
    world: World, army: WeaponBearer
) -> None:
    calm = passage(world.alice, world.varnia, army, "passed")
    with pytest.raises(Exception, match="Link only a passage whose outcome was an incident"):
        incident(world.alice, world.varnia, [army], passage=calm)


def test_roles_without_content_may_not_record(world: World) -> None:
    client = client_for(world.audrey)
    for name in (
        "passage_create",
        "acceptance_create",
        "access_constraint_create",
        "security_incident_create",
    ):
        assert client.get(reverse(name)).status_code == 403


# -- isolation ---------------------------------------------------------------------------


def _one_of_each(world: World, army: WeaponBearer) -> dict[str, Record]:
    return {
        "passage": passage(world.alice, world.varnia, army, "incident", place="Varnia-only gate"),
        "acceptance": assessment(
            world.alice, world.varnia, army, "refused", "2026-01-01", note="Varnia-only note"
        ),
        "access_constraint": constraint(world.alice, world.varnia, place_name="Varnia-only road"),
        "security_incident": incident(
            world.alice, world.varnia, [army], place_name="Varnia-only camp"
        ),
    }


def test_another_delegation_gets_the_same_404_as_for_a_random_id(
    world: World, army: WeaponBearer
) -> None:
    records = _one_of_each(world, army)
    dave = client_for(world.dave)
    for name, record in records.items():
        forbidden = dave.get(reverse(f"{name}_detail", args=[record.pk]))
        missing = dave.get(reverse(f"{name}_detail", args=[uuid.uuid4()]))
        assert forbidden.status_code == missing.status_code == 404
        assert page_body(forbidden.content) == page_body(missing.content)
        assert dave.get(reverse(f"{name}_edit", args=[record.pk])).status_code == 404
        deleted = dave.post(reverse(f"{name}_delete", args=[record.pk]), {"version": "1"})
        assert deleted.status_code == 404
        record.refresh_from_db()
        assert record.deleted_at is None


def test_lists_the_overview_and_the_profile_show_nothing_of_another_delegation(
    world: World, army: WeaponBearer
) -> None:
    _one_of_each(world, army)
    dave, alice = client_for(world.dave), client_for(world.alice)
    urls = [
        reverse(name)
        for name in (
            "access_overview",
            "passage_list",
            "acceptance_list",
            "access_constraint_list",
            "security_incident_list",
        )
    ] + [reverse("bearer_detail", args=[army.pk])]
    for url in urls:
        assert b"Varnia-only" not in dave.get(url).content
    seen = b"".join(alice.get(url).content for url in urls)
    for place in (b"Varnia-only gate", b"Varnia-only road", b"Varnia-only camp"):
        assert place in seen


def test_a_restricted_record_is_hidden_from_colleagues_not_named(
    world: World, army: WeaponBearer
) -> None:
    secret = passage(
        world.carol,
        world.varnia,
        army,
        "turned_back",
        place="Quiet ford",
        restricted=True,
        restricted_to=[world.carol],
    )
    for user in (world.alice, world.hana):
        client = client_for(user)
        assert b"Quiet ford" not in client.get(reverse("passage_list")).content
        assert client.get(reverse("passage_detail", args=[secret.pk])).status_code == 404
    assert b"Quiet ford" in client_for(world.carol).get(reverse("passage_list")).content


def test_a_tombstoned_record_is_gone_for_everyone(world: World, army: WeaponBearer) -> None:
    gone = passage(world.alice, world.varnia, army, "delayed", delay_minutes=5, place="Old gate")
    alice = client_for(world.alice)
    response = alice.post(reverse("passage_delete", args=[gone.pk]), {"version": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("passage_list")
    gone.refresh_from_db()
    assert gone.deleted_at is not None and gone.version == 2
    for user in (world.alice, world.carol, world.hana):
        client = client_for(user)
        assert b"Old gate" not in client.get(reverse("passage_list")).content
        assert client.get(reverse("passage_detail", args=[gone.pk])).status_code == 404
        assert client.get(reverse("access_overview")).context["passages"].counts.total == 0


def test_readers_who_may_not_write_get_403_on_edit_and_delete(
    world: World, army: WeaponBearer
) -> None:
    record = passage(world.alice, world.varnia, army)
    hana = client_for(world.hana)
    assert hana.get(reverse("passage_detail", args=[record.pk])).status_code == 200
    assert hana.get(reverse("passage_edit", args=[record.pk])).status_code == 403
    assert (
        hana.post(reverse("passage_delete", args=[record.pk]), {"version": "1"}).status_code == 403
    )
    record.refresh_from_db()
    assert record.deleted_at is None


# -- edits -------------------------------------------------------------------------------


def _form_data(form: Any, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif hasattr(value, "strftime") and hasattr(value, "hour"):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        else:
            data[name] = str(value)
    data.update(changes)
    return data


def test_a_stale_edit_is_refused_and_both_versions_are_kept(
    world: World, army: WeaponBearer
) -> None:
    record = passage(world.alice, world.varnia, army, "delayed", delay_minutes=10, note="First.")
    alice, bob = client_for(world.alice), client_for(world.bob)
    url = reverse("passage_edit", args=[record.pk])
    form_a = alice.get(url).context["form"]
    form_b = bob.get(url).context["form"]
    first = alice.post(url, _form_data(form_a, note="Alice's account.", version="1"))
    assert first.status_code == 302
    second = bob.post(
        url, _form_data(form_b, note="Bob's account.", delay_minutes="25", version="1")
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved" in body
    assert "Alice&#x27;s account." in body and "Bob&#x27;s account." in body
    record.refresh_from_db()
    assert (record.note, record.delay_minutes, record.version) == ("Alice's account.", 10, 2)
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CheckpointPassage), object_id=record.pk
    )
    logged = {
        (e.action, decrypt_logged_value(e, "note", (e.after or {}).get("note"))) for e in entries
    }
    assert (ChangeAction.UPDATE, "Alice's account.") in logged
    assert (ChangeAction.CONFLICT, "Bob's account.") in logged
    assert second.context["version"] == 2


def test_create_update_and_delete_each_write_one_change_log_entry(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    client.post(
        reverse("passage_create"), passage_data(world, army), HTTP_X_REQUEST_ID="req-create-1"
    )
    record = CheckpointPassage.objects.get()
    url = reverse("passage_edit", args=[record.pk])
    form = client.get(url).context["form"]
    client.post(
        url,
        _form_data(form, outcome="turned_back", delay_minutes="", version="1"),
        HTTP_X_REQUEST_ID="req-update-1",
    )
    client.post(
        reverse("passage_delete", args=[record.pk]), {"version": "2"}, HTTP_X_REQUEST_ID="req-del-1"
    )
    entries = list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CheckpointPassage), object_id=record.pk
        ).order_by("object_version")
    )
    assert [(e.action, e.object_version, e.request_id, e.actor) for e in entries] == [
        (ChangeAction.CREATE, 1, "req-create-1", world.alice),
        (ChangeAction.UPDATE, 2, "req-update-1", world.alice),
        (ChangeAction.DELETE, 3, "req-del-1", world.alice),
    ]
    changed = {name for name, _before, _after in entries[1].changed_fields()}
    assert {"outcome", "delay_minutes", "version"} <= changed
    assert all(e.compartment_id == world.varnia.pk for e in entries)


def test_edit_an_incident_keeps_the_bearers_chosen(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    record = incident(world.alice, world.varnia, [army])
    client = client_for(world.alice)
    url = reverse("security_incident_edit", args=[record.pk])
    form = client.get(url).context["form"]
    data = _form_data(form, version="1")
    data["bearers"] = [str(army.pk), str(group.pk)]
    assert client.post(url, data).status_code == 302
    assert set(SecurityIncident.objects.get().bearers.all()) == {army, group}


# -- filters and audit -------------------------------------------------------------------


def test_list_filters(
    world: World, army: WeaponBearer, group: WeaponBearer, police: WeaponBearer
) -> None:
    passage(world.alice, world.varnia, army, "passed", place="Gate A")
    passage(world.alice, world.varnia, army, "turned_back", place="Gate B")
    passage(world.alice, world.varnia, group, "delayed", place="Gate C", delay_minutes=5)
    passage(world.dave, world.kestria, police, "passed", place="Gate K")
    client = client_for(world.hana)

    def shown(**params: str) -> set[str]:
        page = client.get(reverse("passage_list"), params).context["page"]
        return {p.place_name for p in page.items}

    assert shown() == {"Gate A", "Gate B", "Gate C", "Gate K"}
    assert shown(outcome="stopped") == {"Gate B", "Gate C"}
    assert shown(outcome="turned_back") == {"Gate B"}
    assert shown(bearer=str(group.pk)) == {"Gate C"}
    assert shown(place="Gate A") == {"Gate A"}
    assert shown(delegation="kestria") == {"Gate K"}
    assert shown(bearer=str(uuid.uuid4())) == set()
    assert shown(bearer="not-an-id") == set()
    assert shown(until="2025-12-31") == set()


def test_detail_pages_audit_the_read_and_lists_what_they_show(
    world: World, army: WeaponBearer
) -> None:
    record = passage(world.alice, world.varnia, army)
    client = client_for(world.alice)
    client.get(reverse("passage_detail", args=[record.pk]))
    read = AuditEvent.objects.filter(kind=AuditKind.READ, object_id=record.pk)
    assert read.filter(actor=world.alice).count() == 1
    client.get(reverse("passage_list"))
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice).last()
    assert listed is not None and listed.detail["ids"] == [str(record.pk)]


# -- query counts ------------------------------------------------------------------------

# Queries per page, pinned. Every page pays 2 for the clearance, 1 for the second-factor
# device, and 3 per audit append (lock the head, insert, move the head).
# Lists: 5 to find the page and its rows, 2 for the filters' choices, 3 for the audit
# (incidents: 1 more to prefetch the bearers involved). Details: the record, whether the
# user may change it, and the read event; the passage and acceptance pages also list
# what they show beside the record (the incidents at the passage, the bearer's series).
PINNED = {
    "access_overview": 22,
    "passage_list": 11,
    "acceptance_list": 11,
    "access_constraint_list": 11,
    "security_incident_list": 12,
    "passage_detail": 15,
    "acceptance_detail": 14,
    "access_constraint_detail": 10,
    "security_incident_detail": 11,
    "passage_edit": 17,
}


def _make_rows(world: World, army: WeaponBearer, group: WeaponBearer, n: int) -> dict[str, Record]:
    records: dict[str, Record] = {}
    for i in range(n):
        meeting = make_interaction(world.alice, world.varnia, bearers=[army])
        records["passage_detail"] = passage(
            world.alice,
            world.varnia,
            army,
            "incident",
            place=f"Gate {i % 3}",
            when="2026-02-0" + str(i % 9 + 1),
        )
        passage(world.alice, world.varnia, group, "delayed", place="Ford", delay_minutes=10 + i)
        records["acceptance_detail"] = assessment(
            world.alice,
            world.varnia,
            army,
            ("refused", "partly", "accepted")[i % 3],
            f"2025-0{i % 9 + 1}-01",
            interaction=meeting,
        )
        records["access_constraint_detail"] = constraint(
            world.alice, world.varnia, ("movement", "violence")[i % 2], bearer=army
        )
        records["security_incident_detail"] = incident(
            world.alice, world.varnia, [army, group], passage=records["passage_detail"]
        )
    return records


def _count_pages(
    client: Client, world: World, army: WeaponBearer, records: dict[str, Record]
) -> dict[str, int]:
    urls: dict[str, str] = {
        name: reverse(name)
        for name in (
            "access_overview",
            "passage_list",
            "acceptance_list",
            "access_constraint_list",
            "security_incident_list",
        )
    }
    for name, record in records.items():
        urls[name] = reverse(name, args=[record.pk])
    urls["passage_edit"] = reverse("passage_edit", args=[records["passage_detail"].pk])
    return {name: count_queries(lambda u=url: client.get(u)) for name, url in urls.items()}


def test_query_counts_are_pinned_and_do_not_grow_with_rows(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    client = client_for(world.alice)
    client.get("/")
    few = _count_pages(client, world, army, _make_rows(world, army, group, 1))
    many = _count_pages(client, world, army, _make_rows(world, army, group, 6))
    assert few == many == PINNED


def test_an_edit_keeps_the_bearers_its_editor_may_not_see(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    record = incident(world.carol, world.varnia, [army, hidden], place_name="Hill 4")
    client = client_for(world.alice)
    detail = client.get(reverse("security_incident_detail", args=[record.pk])).content
    assert b"Hill 4" in detail and b"Shadow Brigade" not in detail
    url = reverse("security_incident_edit", args=[record.pk])
    page = client.get(url)
    assert b"Shadow Brigade" not in page.content
    data = _form_data(page.context["form"], version="1")
    data["bearers"] = [str(army.pk), str(group.pk)]
    assert client.post(url, data).status_code == 302
    assert set(SecurityIncident.objects.get().bearers.all()) == {army, group, hidden}


def test_the_form_names_every_problem_at_once(world: World, army: WeaponBearer) -> None:
    response = client_for(world.alice).post(
        reverse("passage_create"), passage_data(world, army, delay_minutes="", longitude="")
    )
    errors = response.context["form"].errors
    assert set(errors) == {"delay_minutes", "longitude"}

"""Lists: filters, pages in a stable order, and only what the caller may see."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pourparler.api.tests.conftest import Varnia
from pourparler.api.tests.helpers import ApiClient, ids_of
from pourparler.bearers.choices import BearerKind
from pourparler.dialogue.services import do_create_follow_up
from pourparler.geo.models import Country
from pourparler.people.services import do_add_position, do_create_person
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_bearers_by_kind_country_and_name(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    af = Country.objects.get(iso2="AF")
    front = make_bearer(
        world.alice,
        name="Front des Collines",
        kind=BearerKind.NON_STATE_ARMED_GROUP,
        countries=[af],
    )
    army = str(varnia.army.pk)
    assert ids_of(alice_api.get("/bearers/", kind="non_state_armed_group")) == [str(front.pk)]
    assert ids_of(alice_api.get("/bearers/", country="af")) == [str(front.pk)]
    assert ids_of(alice_api.get("/bearers/", q="collines")) == [str(front.pk)]
    assert ids_of(alice_api.get("/bearers/", q="varnian")) == [army]
    assert alice_api.get("/bearers/", kind="tanks").status_code == 422


def test_interactions_by_bearer_person_kind_level_and_dates(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    other = make_bearer(world.alice, name="Front of the Hills")
    old_call = make_interaction(
        world.alice,
        world.varnia,
        bearers=[other],
        kind="call",
        level="strategic",
        occurred_at=at(40),
    )
    meeting = str(varnia.meeting.pk)
    everything = ids_of(alice_api.get("/interactions/"))
    assert everything == [meeting, str(old_call.pk)]  # newest first
    assert ids_of(alice_api.get("/interactions/", bearer=str(other.pk))) == [str(old_call.pk)]
    assert ids_of(alice_api.get("/interactions/", person=str(varnia.colonel.pk))) == [meeting]
    assert ids_of(alice_api.get("/interactions/", kind="call")) == [str(old_call.pk)]
    assert ids_of(alice_api.get("/interactions/", level="strategic")) == [str(old_call.pk)]
    since = at(10).date().isoformat()
    until = at(30).date().isoformat()
    assert ids_of(alice_api.get("/interactions/", date_from=since)) == [meeting]
    assert ids_of(alice_api.get("/interactions/", date_to=until)) == [str(old_call.pk)]
    # Kestria's meeting about the same bearer, and Kestria's people, stay out of sight.
    assert ids_of(alice_api.get("/interactions/", person=str(varnia.kestrian.pk))) == []
    assert alice_api.get("/interactions/", date_from="40").status_code == 422


def test_people_by_name_bearer_and_delegation(
    world: World, varnia: Varnia, alice_api: ApiClient, dave_api: ApiClient
) -> None:
    stranger = make_person(world.alice, world.varnia, full_name="Sgt. Ana Brisk")
    colonel = str(varnia.colonel.pk)
    assert ids_of(alice_api.get("/people/", q="maren")) == [colonel]
    assert ids_of(alice_api.get("/people/", q="idr mar")) == [colonel]
    assert ids_of(alice_api.get("/people/", bearer=str(varnia.army.pk))) == [colonel]
    assert set(ids_of(alice_api.get("/people/", delegation=str(world.varnia.pk)))) == {
        colonel,
        str(stranger.pk),
    }
    assert ids_of(dave_api.get("/people/", q="maren")) == []
    assert ids_of(dave_api.get("/people/")) == [str(varnia.kestrian.pk)]


def test_positions_current_or_ended(world: World, varnia: Varnia, alice_api: ApiClient) -> None:
    ended = do_add_position(
        varnia.colonel,
        actor=world.alice,
        bearer=varnia.army,
        level="tactical",
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2018, 1, 1),
    )
    held = ids_of(alice_api.get("/positions/", current="true"))
    assert str(ended.pk) not in held and len(held) == 1
    assert ids_of(alice_api.get("/positions/", current="false")) == [str(ended.pk)]
    assert alice_api.get("/positions/", current="1").status_code == 422


def test_follow_ups_by_status_and_due_date(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    soon = do_create_follow_up(
        varnia.meeting,
        actor=world.alice,
        action="Call the colonel",
        due_on=datetime.date(2030, 1, 1),
    )
    later = do_create_follow_up(
        varnia.meeting, actor=world.alice, action="Visit", due_on=datetime.date(2031, 1, 1)
    )
    assert ids_of(alice_api.get("/follow-ups/", due_before="2030-06-01")) == [str(soon.pk)]
    assert ids_of(alice_api.get("/follow-ups/", interaction=str(varnia.meeting.pk))) == [
        str(soon.pk),
        str(later.pk),
    ]
    assert ids_of(alice_api.get("/follow-ups/", status="done")) == []


def test_pages_follow_a_stable_order(world: World, alice_api: ApiClient) -> None:
    made = [
        do_create_person(actor=world.alice, compartment=world.varnia, full_name=f"Officer {n}")
        for n in range(7)
    ]
    first = alice_api.get("/people/", limit=3).json()
    assert [row["id"] for row in first["items"]] == [str(p.pk) for p in made[:3]]
    assert (first["limit"], first["offset"], first["next_offset"]) == (3, 0, 3)
    second = alice_api.get("/people/", limit=3, offset=3).json()
    assert [row["id"] for row in second["items"]] == [str(p.pk) for p in made[3:6]]
    last = alice_api.get("/people/", limit=3, offset=6).json()
    assert [row["id"] for row in last["items"]] == [str(made[6].pk)]
    assert last["next_offset"] is None
    assert alice_api.get("/people/", limit=201).status_code == 422
    assert alice_api.get("/people/", limit=0).status_code == 422
    assert alice_api.get("/people/", offset=-1).status_code == 422
    assert alice_api.get("/people/", limit="3.0").status_code == 422
    repeated = alice_api.client.get("/api/v1/people/?limit=3&limit=5")
    assert repeated.status_code == 422
    assert repeated.json()["detail"][0]["loc"] == ["query", "limit"]


def test_linked_records_one_may_not_see_are_refused_like_missing_ones(
    world: World, varnia: Varnia, alice_api: ApiClient
) -> None:
    body = {
        "compartment": str(world.varnia.pk),
        "kind": "call",
        "occurred_at": "2024-05-02T09:30:00+02:00",
        "bearers": [str(varnia.army.pk)],
        "summary": "Called about the convoy.",
    }
    hidden = alice_api.post(
        "/interactions/", {**body, "their_participants": [str(varnia.kestrian.pk)]}
    )
    missing = alice_api.post(
        "/interactions/", {**body, "their_participants": ["01a2253b-0000-7000-8000-000000000000"]}
    )
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json() == missing.json()
    assert hidden.json()["detail"][0]["loc"] == ["body", "their_participants"]
    no_bearer = alice_api.post("/interactions/", {**body, "bearers": []})
    assert no_bearer.status_code == 422
    assert no_bearer.json()["detail"][0]["loc"] == ["body", "bearers"]
    wrong_kind = alice_api.post("/interactions/", {**body, "kind": "picnic"})
    assert wrong_kind.json()["detail"][0]["loc"] == ["body", "kind"]


def test_an_analyst_reads_every_delegation_but_changes_none(world: World, varnia: Varnia) -> None:
    hana = ApiClient(world.hana)
    assert set(ids_of(hana.get("/interactions/"))) == {
        str(varnia.meeting.pk),
        str(varnia.kestrian_meeting.pk),
    }
    refused = hana.patch(f"/interactions/{varnia.meeting.pk}/", {"version": 1, "summary": "x"})
    assert refused.status_code == 403
    assert ApiClient(world.audrey).get("/interactions/").json()["items"] == []


def test_a_restricted_record_is_only_for_those_named(world: World, alice_api: ApiClient) -> None:
    made = alice_api.post(
        "/people/",
        {"compartment": str(world.varnia.pk), "full_name": "Source K", "restricted": True},
    )
    assert made.status_code == 201
    person = made.json()
    assert person["restricted_to"] == [str(world.alice.pk)]
    path = f"/people/{person['id']}/"
    assert alice_api.get(path).status_code == 200
    for colleague in (world.bob, world.carol, world.hana):
        other = ApiClient(colleague)
        assert other.get(path).status_code == 404
        assert person["id"] not in ids_of(other.get("/people/"))
    shared = alice_api.patch(path, {"version": 1, "restricted_to": [str(world.bob.pk)]})
    assert shared.status_code == 200
    assert set(shared.json()["restricted_to"]) == {str(world.alice.pk), str(world.bob.pk)}
    assert ApiClient(world.bob).get(path).status_code == 200

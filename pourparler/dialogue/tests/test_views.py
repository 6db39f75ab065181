"""Interaction pages, tested through HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import ChangeAction
from pourparler.core.crypto import decrypt_logged_value
from pourparler.core.models import ChangeLogEntry, User
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def quick_entry_data(world: World, army: WeaponBearer, **extra: str) -> dict[str, object]:
    person = make_person(world.alice, world.varnia, bearer=army)
    data: dict[str, object] = {
        "compartment": str(world.varnia.pk),
        "kind": "checkpoint",
        "occurred_at": "2026-11-20T09:30",
        "level": "tactical",
        "bearers": [str(army.pk)],
        "their_participants": [str(person.pk)],
        "our_participants": [str(world.alice.pk)],
        "topics": [str(Topic.objects.get(code="humanitarian-access").pk)],
        "situation": "niac",
        "legal_framework": "ihl",
        "place_name": "Checkpoint 14, Orun road",
        "confidentiality": "confidential",
        "summary": "Ambulance convoy held two hours; commander agreed to call ahead next time.",
        "notes": "",
        "outcomes": "Agreed a phone line for convoys.",
        "fu-TOTAL_FORMS": "3",
        "fu-INITIAL_FORMS": "0",
        "fu-0-action": "Send the convoy schedule to the checkpoint commander",
        "fu-0-owner": str(world.alice.pk),
        "fu-0-due_on": "2026-11-27",
        "fu-1-action": "",
        "fu-2-action": "",
    }
    data.update(extra)
    return data


def test_quick_entry_records_interaction_participants_topics_and_follow_ups(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    assert client.get(reverse("interaction_create")).status_code == 200
    response = client.post(reverse("interaction_create"), quick_entry_data(world, army))
    assert response.status_code == 302
    interaction = Interaction.objects.get(place_name="Checkpoint 14, Orun road")
    assert response["Location"] == reverse("interaction_detail", args=[interaction.pk])
    assert list(interaction.bearers.all()) == [army]
    assert interaction.their_participants.count() == 1
    assert interaction.topics.get().code == "humanitarian-access"
    follow_up = FollowUp.objects.get(interaction=interaction)
    assert follow_up.owner == world.alice and follow_up.compartment == world.varnia
    detail = client.get(response["Location"])
    assert b"Ambulance convoy held two hours" in detail.content
    timeline = client.get(reverse("bearer_detail", args=[army.pk]))
    assert reverse("interaction_detail", args=[interaction.pk]).encode() in timeline.content


def test_quick_entry_shows_errors_and_saves_nothing_when_incomplete(
    world: World, army: WeaponBearer
) -> None:
    data = quick_entry_data(world, army, summary="", **{"fu-1-owner": str(world.alice.pk)})
    response = client_for(world.alice).post(reverse("interaction_create"), data)
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"Say what needs doing." in response.content
    assert not Interaction.objects.exists()


def test_quick_entry_is_refused_to_roles_without_content(world: World) -> None:
    assert client_for(world.audrey).get(reverse("interaction_create")).status_code == 403


def test_another_delegation_gets_the_same_404_as_for_a_random_id(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    dave = client_for(world.dave)
    forbidden = dave.get(reverse("interaction_detail", args=[interaction.pk]))
    missing = dave.get(reverse("interaction_detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert page_body(forbidden.content) == page_body(missing.content)
    for name in ("interaction_edit",):
        assert dave.get(reverse(name, args=[interaction.pk])).status_code == 404
    assert (
        dave.post(
            reverse("interaction_delete", args=[interaction.pk]), {"version": "1"}
        ).status_code
        == 404
    )
    assert Interaction.objects.get(pk=interaction.pk).deleted_at is None


def test_lists_and_home_show_nothing_of_another_delegation(
    world: World, army: WeaponBearer
) -> None:
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        place_name="Varnia-only place",
        our_participants=[world.alice],
        follow_ups=[{"action": "Varnia-only action", "owner": world.alice}],
    )
    for url in (
        reverse("interaction_list"),
        reverse("home"),
        reverse("bearer_detail", args=[army.pk]),
        reverse("person_list"),
    ):
        body = client_for(world.dave).get(url).content
        assert b"Varnia-only" not in body
        assert b"Col. Idris Maren" not in body
    home = client_for(world.alice).get(reverse("home")).content
    assert b"Varnia-only action" in home and b"Varnia-only place" in home


def test_a_stale_edit_is_refused_and_both_versions_are_kept(
    world: World, army: WeaponBearer
) -> None:
    interaction = make_interaction(world.alice, world.varnia, bearers=[army], summary="Original.")
    alice, bob = client_for(world.alice), client_for(world.bob)
    url = reverse("interaction_edit", args=[interaction.pk])
    form_a = alice.get(url).context["form"]
    form_b = bob.get(url).context["form"]

    def post(client: Client, form: Any, summary: str) -> Any:
        data = {}
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
        data.update(
            {
                "summary": summary,
                "version": "1",
                "occurred_at": interaction.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            }
        )
        return client.post(url, data)

    first = post(alice, form_a, "Alice's account.")
    assert first.status_code == 302
    second = post(bob, form_b, "Bob's account.")
    assert second.status_code == 409
    assert b"Not saved" in second.content
    assert b"Alice&#x27;s account." in second.content and b"Bob&#x27;s account." in second.content
    assert Interaction.objects.get(pk=interaction.pk).summary == "Alice's account."
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Interaction), object_id=interaction.pk
    )
    logged = {
        (e.action, decrypt_logged_value(e, "summary", (e.after or {}).get("summary")))
        for e in entries
    }
    assert (ChangeAction.UPDATE, "Alice's account.") in logged
    assert (ChangeAction.CONFLICT, "Bob's account.") in logged
    # Bob saves deliberately over Alice's version from the conflict page.
    resubmit = second.context["version"]
    assert resubmit == 2


def test_readers_who_may_not_write_get_403_on_edit(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    response = client_for(world.hana).get(reverse("interaction_edit", args=[interaction.pk]))
    assert response.status_code == 403


def test_list_filters_by_kind_and_bearer(world: World, army: WeaponBearer) -> None:
    other = make_bearer(world.alice, name="Varnian National Police", kind="police")
    make_interaction(
        world.alice, world.varnia, bearers=[army], kind="checkpoint", place_name="Gate A"
    )
    make_interaction(world.alice, world.varnia, bearers=[other], kind="call", place_name="Gate B")
    client = client_for(world.alice)
    by_kind = client.get(reverse("interaction_list"), {"kind": "checkpoint"}).content
    assert b"Gate A" in by_kind and b"Gate B" not in by_kind
    by_bearer = client.get(reverse("interaction_list"), {"bearer": str(other.pk)}).content
    assert b"Gate B" in by_bearer and b"Gate A" not in by_bearer


def test_follow_up_done_from_home(world: World) -> None:
    interaction = make_interaction(
        world.alice, world.varnia, follow_ups=[{"action": "Call back", "owner": world.alice}]
    )
    follow_up = interaction.follow_ups.get()
    response = client_for(world.alice).post(
        reverse("follow_up_complete", args=[follow_up.pk]), {"version": "1"}
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.version == 2


@pytest.mark.parametrize("url_name", ["interaction_list", "home"])
def test_query_count_does_not_grow_with_rows(
    world: World, army: WeaponBearer, url_name: str
) -> None:
    client = client_for(world.alice)
    make_interaction(world.alice, world.varnia, bearers=[army], our_participants=[world.alice])
    url = reverse(url_name)
    client.get(url)  # warm the session
    few = count_queries(lambda: client.get(url))
    for _ in range(6):
        make_interaction(
            world.alice,
            world.varnia,
            bearers=[army],
            our_participants=[world.alice],
            follow_ups=[{"action": "x", "owner": world.alice}],
        )
    many = count_queries(lambda: client.get(url))
    assert many == few
    # 12 to show the page, 3 to chain the audit event (lock head, insert, move head).
    assert many <= 15


def test_detail_query_count_is_pinned(world: World, army: WeaponBearer) -> None:
    client = client_for(world.alice)
    interaction = make_interaction(
        world.alice, world.varnia, bearers=[army], follow_ups=[{"action": "a"}, {"action": "b"}]
    )
    url = reverse("interaction_detail", args=[interaction.pk])
    client.get(url)
    # 12 to show the page, 6 for what came of it (one per app), 1 for the applicable-law
    # panel (the bearers' situations), 3 to chain the read event (lock head, insert, move
    # head).
    assert count_queries(lambda: client.get(url)) <= 22

"""Every page: the login wall, health, errors, and pinned query counts."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.testing.http import count_queries, give_totp_device, page_body, sign_in, totp_code
from pourparler.testing.personas import (
    PASSWORD,
    World,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


def test_pages_send_anonymous_visitors_to_login(client: Client) -> None:
    for url in ("/", "/bearers/", "/interactions/", "/people/", f"/interactions/{uuid.uuid4()}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_login_and_logout(client: Client, world: World) -> None:
    device = give_totp_device(world.alice)
    bad = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert bad.status_code == 200 and b"did not match" in bad.content
    good = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/"
    assert client.get("/")["Location"] == "/login/verify/?next=/"
    verified = client.post("/login/verify/?next=/", {"code": totp_code(device)})
    assert verified.status_code == 302 and verified["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_unknown_address_gives_the_not_found_page(client: Client, world: World) -> None:
    sign_in(client, world.alice)
    response = client.get("/bearers/not-a-uuid/")
    assert response.status_code == 404
    assert b"not available to you" in response.content


def test_a_forbidden_person_or_bearer_is_the_same_404_as_a_missing_one(
    client: Client, world: World
) -> None:
    hidden = make_bearer(
        world.alice, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    person = make_person(world.alice, world.varnia)
    sign_in(client, world.dave)
    for name, pk in (("bearer_detail", hidden.pk), ("person_detail", person.pk)):
        forbidden = client.get(reverse(name, args=[pk]))
        missing = client.get(reverse(name, args=[uuid.uuid4()]))
        assert forbidden.status_code == missing.status_code == 404
        assert page_body(forbidden.content) == page_body(missing.content)


# Queries per page, pinned: a change that adds a query (or an N+1) must update this table.
# Each page pays two for the clearance (postings, then live grants). Pages that show
# confidential records pay three more to chain their read or list event to the audit log
# (lock the head, insert the event, move the head). Each page pays one more to load the
# second-factor device that verified the session (django-otp's OTPMiddleware).
PINNED = {
    "home": 11,
    "interaction_list": 13,
    "interaction_detail": 22,
    "bearer_list": 9,
    "bearer_detail": 47,  # the areas of control the bearer holds today (maps panel): one query
    "person_list": 9,
    "person_detail": 21,  # the negotiation files where the person is a stakeholder: one query
    "interaction_create": 18,
    "interaction_edit": 23,
}


def _urls(world: World, n: int) -> dict[str, str]:
    army = make_bearer(world.alice, name=f"Army {n}")
    unit = make_unit(world.alice, army)
    person = None
    interaction = None
    for i in range(n):
        person = make_person(world.alice, world.varnia, full_name=f"Person {n}-{i}", bearer=army)
        interaction = make_interaction(
            world.alice,
            world.varnia,
            bearers=[army],
            our_participants=[world.alice],
            their_participants=[person],
            follow_ups=[{"action": f"Act {i}", "owner": world.alice}],
        )
        make_unit(world.alice, army, name=f"Battalion {i}", parent=unit)
    assert person is not None and interaction is not None
    return {
        "home": reverse("home"),
        "interaction_list": reverse("interaction_list"),
        "interaction_detail": reverse("interaction_detail", args=[interaction.pk]),
        "bearer_list": reverse("bearer_list"),
        "bearer_detail": reverse("bearer_detail", args=[army.pk]),
        "person_list": reverse("person_list"),
        "person_detail": reverse("person_detail", args=[person.pk]),
        "interaction_create": reverse("interaction_create"),
        "interaction_edit": reverse("interaction_edit", args=[interaction.pk]),
    }


def test_query_counts_are_pinned_and_do_not_grow_with_rows(client: Client, world: World) -> None:
    sign_in(client, world.alice)
    small = _urls(world, 1)
    client.get("/")
    counted_small = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in small.items()
    }
    large = _urls(world, 5)
    counted_large = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in large.items()
    }
    assert counted_small == PINNED
    assert counted_large == PINNED

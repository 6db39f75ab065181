"""Session pages through HTTP: record, read, edit, delete, isolation, profile, query counts."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import AuditEvent, Membership, User
from pourparler.core.services import update_record
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_unit
from pourparler.training import profile
from pourparler.training.models import DisseminationSession
from pourparler.training.tests.conftest import make_session, topics

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def form_data(world: World, army: WeaponBearer, **extra: object) -> dict[str, object]:
    brigade = make_unit(world.bob, army, name="22nd Mountain Brigade")
    data: dict[str, object] = {
        "compartment": str(world.varnia.pk),
        "kind": "pre_deployment",
        "held_on": "2026-10-05",
        "ends_on": "",
        "place_name": "Brannoch barracks",
        "language": "fr",
        "bearer": str(army.pk),
        "units": [str(brigade.pk)],
        "level": "tactical",
        "participants": "240",
        "women": "11",
        "topics": [str(t.pk) for t in topics("conduct-of-hostilities", "health-care")],
        "facilitators": [str(world.bob.pk)],
        "external_facilitators": "Capt. Arno Vell, brigade legal officer",
        "tested": "",
        "pre_score": "",
        "post_score": "",
        "interaction": "",
        "notes": "The battalion deploys to the Hollow Hills next week.",
    }
    data.update(extra)
    return data


def test_record_a_session_and_see_it_everywhere(world: World, army: WeaponBearer) -> None:
    bob = client_for(world.bob)
    assert bob.get(reverse("session_create")).status_code == 200
    response = bob.post(reverse("session_create"), form_data(world, army))
    assert response.status_code == 302
    session = DisseminationSession.objects.get(place_name="Brannoch barracks")
    assert response["Location"] == reverse("session_detail", args=[session.pk])
    assert (session.participants, session.women, session.language) == (240, 11, "fr")
    assert session.units.get().name == "22nd Mountain Brigade"
    detail = bob.get(response["Location"]).content.decode()
    assert "The battalion deploys to the Hollow Hills next week." in detail
    assert "Capt. Arno Vell" in detail and "French" in detail
    listing = bob.get(reverse("session_list")).content.decode()
    assert reverse("session_detail", args=[session.pk]) in listing
    profile = bob.get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert reverse("session_detail", args=[session.pk]) in profile
    assert "People reached by dissemination and training" in profile
    assert "240 reached" in profile


def test_the_form_explains_what_is_wrong_and_saves_nothing(
    world: World, army: WeaponBearer
) -> None:
    data = form_data(world, army, women="300", pre_score="55", language="klingon")
    response = client_for(world.bob).post(reverse("session_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There cannot be more women than participants." in body
    assert "Say how many took the test when you give scores." in body
    assert "Select a valid choice" in body
    assert not DisseminationSession.objects.exists()


def test_the_form_refuses_units_of_another_bearer(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    station = make_unit(world.bob, police, name="Sarnmouth Police Station")
    data = form_data(world, army, units=[str(station.pk)])
    response = client_for(world.bob).post(reverse("session_create"), data)
    assert response.status_code == 200
    assert "These units belong to another bearer than Varnian Armed Forces" in (
        response.content.decode()
    )
    assert not DisseminationSession.objects.exists()


def test_a_session_can_point_to_the_interaction_that_logs_it(
    world: World, army: WeaponBearer
) -> None:
    interaction = make_interaction(
        world.bob, world.varnia, bearers=[army], kind="pre_deployment", place_name="Brannoch"
    )
    bob = client_for(world.bob)
    data = form_data(world, army, interaction=str(interaction.pk))
    assert bob.post(reverse("session_create"), data).status_code == 302
    session = DisseminationSession.objects.get()
    assert session.interaction == interaction
    detail = bob.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert reverse("interaction_detail", args=[interaction.pk]) in detail


def test_roles_without_content_may_not_record(world: World) -> None:
    assert client_for(world.audrey).get(reverse("session_create")).status_code == 403


def test_another_delegation_gets_the_same_404_as_for_a_random_id(
    world: World, army: WeaponBearer
) -> None:
    session = make_session(world.alice, world.varnia, army, place_name="Varnia-only place")
    dave = client_for(world.dave)
    forbidden = dave.get(reverse("session_detail", args=[session.pk]))
    missing = dave.get(reverse("session_detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert page_body(forbidden.content) == page_body(missing.content)
    assert dave.get(reverse("session_edit", args=[session.pk])).status_code == 404
    delete = dave.post(reverse("session_delete", args=[session.pk]), {"version": "1"})
    assert delete.status_code == 404
    assert DisseminationSession.objects.get(pk=session.pk).deleted_at is None
    for url in (
        reverse("session_list"),
        reverse("session_figures"),
        reverse("bearer_detail", args=[army.pk]),
    ):
        body = dave.get(url).content.decode()
        assert "Varnia-only place" not in body
        assert reverse("session_detail", args=[session.pk]) not in body
    profile = dave.get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert "No session you can see yet." in profile


def test_a_restricted_session_is_hidden_from_colleagues_not_named(
    world: World, army: WeaponBearer
) -> None:
    session = make_session(
        world.carol,
        world.varnia,
        army,
        place_name="Closed workshop",
        restricted=True,
        restricted_to=[world.carol],
    )
    for user in (world.alice, world.hana):
        client = client_for(user)
        assert b"Closed workshop" not in client.get(reverse("session_list")).content
        assert client.get(reverse("session_detail", args=[session.pk])).status_code == 404
    assert b"Closed workshop" in client_for(world.carol).get(reverse("session_list")).content


def test_readers_who_may_not_write_get_403(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    hana = client_for(world.hana)
    assert hana.get(reverse("session_detail", args=[session.pk])).status_code == 200
    assert hana.get(reverse("session_edit", args=[session.pk])).status_code == 403
    assert hana.post(
        reverse("session_delete", args=[session.pk]), {"version": "1"}
    ).status_code == (403)


def test_a_stale_edit_is_refused_and_both_versions_are_shown(
    world: World, army: WeaponBearer
) -> None:
    session = make_session(world.alice, world.varnia, army, participants=20, language="fr")
    url = reverse("session_edit", args=[session.pk])
    alice, bob = client_for(world.alice), client_for(world.bob)
    data = form_data(world, army, held_on="2026-03-02", version="1")
    data.pop("units")
    first = alice.post(url, {**data, "participants": "25"})
    assert first.status_code == 302
    second = bob.post(url, {**data, "participants": "31"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved" in body and ">25<" in body and ">31<" in body
    assert DisseminationSession.objects.get(pk=session.pk).participants == 25
    assert second.context["version"] == 2


def test_delete_puts_a_tombstone(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    alice = client_for(world.alice)
    stale = alice.post(reverse("session_delete", args=[session.pk]), {"version": "7"})
    assert stale.status_code == 302 and DisseminationSession.objects.visible_to(world.alice)
    response = alice.post(reverse("session_delete", args=[session.pk]), {"version": "1"})
    assert response["Location"] == reverse("session_list")
    assert not DisseminationSession.objects.visible_to(world.alice).exists()
    assert DisseminationSession.objects.get(pk=session.pk).deleted_by == world.alice


def test_list_filters(world: World, army: WeaponBearer, police: WeaponBearer) -> None:
    make_session(world.alice, world.varnia, army, kind="course", place_name="Gate A")
    make_session(
        world.alice,
        world.varnia,
        police,
        kind="workshop",
        place_name="Gate B",
        held_on=datetime.date(2025, 1, 9),
        topics=topics("use-of-force"),
    )
    client = client_for(world.alice)

    def places(**params: str) -> set[str]:
        page = client.get(reverse("session_list"), params).context["page"]
        return {s.place_name for s in page.items}

    assert places(kind="course") == {"Gate A"}
    assert places(bearer=str(police.pk)) == {"Gate B"}
    assert places(year="2025") == {"Gate B"}
    assert places(topic="use-of-force") == {"Gate B"}
    assert places(since="2026-01-01") == {"Gate A"}
    assert places(bearer=str(uuid.uuid4())) == set()
    assert places(kind="nonsense") == {"Gate A", "Gate B"}


def test_pages_audit_what_they_show(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    client = client_for(world.alice)
    client.get(reverse("session_list"))
    listed = AuditEvent.objects.filter(kind="list", actor=world.alice).latest("seq")
    assert listed.detail["ids"] == [str(session.pk)]
    client.get(reverse("session_detail", args=[session.pk]))
    read = AuditEvent.objects.filter(kind="read", actor=world.alice).latest("seq")
    assert read.object_id == session.pk


def test_pages_carry_no_inline_style_or_script(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    client = client_for(world.alice)
    for url in (
        reverse("session_list"),
        reverse("session_figures"),
        reverse("session_detail", args=[session.pk]),
        reverse("session_create"),
        reverse("session_edit", args=[session.pk]),
        reverse("bearer_detail", args=[army.pk]),
    ):
        body = client.get(url).content
        assert b"style=" not in body and b"<style" not in body, url


# Queries per page, pinned. Every page pays five before it starts (the session, the user,
# the second-factor device, the clearance's postings and grants); pages that show records
# three more to chain their audit event (lock the head, insert, move the head).
# The figures page runs one aggregate per breakdown. A change that adds a query (or an
# N+1) must update this table.
PINNED = {
    "session_list": 14,
    "session_figures": 19,
    "session_detail": 15,
    "session_create": 15,
    "session_edit": 23,
    # What the bearer profile pays for the sessions (its audit event is shared).
    "bearer_timeline": 1,
    "bearer_panel": 1,
}


def _fill(world: World, army: WeaponBearer, n: int) -> DisseminationSession:
    brigade = make_unit(world.alice, army, name=f"Brigade {n}")
    session = None
    for i in range(n):
        interaction = make_interaction(world.alice, world.varnia, bearers=[army], kind="course")
        session = make_session(
            world.alice,
            world.varnia,
            army,
            held_on=datetime.date(2024 + i % 3, 1 + i, 3),
            units=[brigade],
            topics=topics("conduct-of-hostilities", "detention", "health-care")[: 1 + i % 3],
            facilitators=[world.alice, world.bob],
            interaction=interaction,
            tested=5,
            pre_score=40,
            post_score=60,
            level=["strategic", "operational", "tactical"][i % 3],
        )
    assert session is not None
    return session


def test_query_counts_are_pinned_and_do_not_grow_with_rows(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)

    def counted(session: DisseminationSession) -> dict[str, int]:
        urls = {
            "session_list": reverse("session_list"),
            "session_figures": reverse("session_figures"),
            "session_detail": reverse("session_detail", args=[session.pk]),
            "session_create": reverse("session_create"),
            "session_edit": reverse("session_edit", args=[session.pk]),
        }
        client.get(urls["session_list"])
        counts = {name: count_queries(lambda u=url: client.get(u)) for name, url in urls.items()}
        profile.bearer_panels(world.alice, army)  # computes and caches the clearance
        counts["bearer_timeline"] = count_queries(
            lambda: profile.bearer_timeline(world.alice, army, 30)
        )
        counts["bearer_panel"] = count_queries(lambda: profile.bearer_panels(world.alice, army))
        return counts

    assert counted(_fill(world, army, 1)) == PINNED
    assert counted(_fill(world, army, 6)) == PINNED


def test_a_session_about_a_bearer_the_viewer_may_not_see_does_not_name_it(world: World) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    session = make_session(world.carol, world.varnia, hidden, place_name="Hill farm")
    alice = client_for(world.alice)
    detail = alice.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Hill farm" in detail and "Shadow Brigade" not in detail
    assert "Shadow Brigade" in (
        client_for(world.carol).get(reverse("session_detail", args=[session.pk])).content.decode()
    )


def test_an_edit_keeps_links_the_editor_may_not_see_or_no_longer_offers(
    world: World, army: WeaponBearer
) -> None:
    closed = make_interaction(
        world.carol,
        world.varnia,
        bearers=[army],
        kind="course",
        place_name="Closed course",
        restricted=True,
        restricted_to=[world.carol],
    )
    session = make_session(
        world.carol,
        world.varnia,
        army,
        participants=20,
        interaction=closed,
        facilitators=[world.carol, world.bob],
    )
    data = form_data(world, army, held_on="2026-03-02", version="1", participants="22")
    # Bob's posting ends: he is no longer offered as a facilitator of new sessions.
    posting = Membership.objects.get(user=world.bob)
    update_record(
        posting,
        actor=world.adam,
        expected_version=posting.version,
        changes={"ends_on": datetime.date(2026, 1, 1)},
    )
    alice = client_for(world.alice)
    url = reverse("session_edit", args=[session.pk])
    page = alice.get(url)
    body = page.content.decode()
    assert "Closed course" not in body
    assert "Recorded as an interaction you may not see; the link is kept." in body
    data.pop("units")
    data.pop("interaction")
    data["facilitators"] = [str(world.carol.pk), str(world.bob.pk)]
    response = alice.post(url, data)
    assert response.status_code == 302, response.content.decode()
    stored = DisseminationSession.objects.get(pk=session.pk)
    assert stored.participants == 22
    assert stored.interaction == closed
    assert set(stored.facilitators.all()) == {world.carol, world.bob}

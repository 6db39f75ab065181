"""Concern pages, tested through HTTP as a delegate would use them."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.choices import ConcernStatus
from pourparler.concerns.models import Concern, ConcernSource, Representation, Response
from pourparler.concerns.services import do_record_response, do_schedule_concern_follow_up
from pourparler.concerns.tests.helpers import (
    days_ago,
    fresh,
    open_concern,
    represent,
    respond,
    topic,
)
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import (
    World,
    make_bearer,
    make_interaction,
    make_person,
    make_unit,
)

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def open_data(world: World, army: WeaponBearer, **extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "compartment": str(world.varnia.pk),
        "summary": "Shelling of the Orun market",
        "occurred_on": days_ago(12).isoformat(),
        "date_precision": "day",
        "opened_on": days_ago(10).isoformat(),
        "bearers": [str(army.pk)],
        "category": str(topic("conduct-of-hostilities").pk),
        "legal_framework": "ihl",
        "rule": "Rule 1 (distinction)",
        "place_name": "Orun market",
        "confidentiality": "confidential",
        "description": "Three shells landed on the market at noon; four traders killed.",
        "src-TOTAL_FORMS": "2",
        "src-INITIAL_FORMS": "0",
        "src-0-kind": "witness",
        "src-0-reliability": "B",
        "src-0-credibility": "2",
        "src-0-description": "A trader who was there",
        "src-1-kind": "",
        "src-1-reliability": "F",
        "src-1-credibility": "6",
        "src-1-description": "",
    }
    data.update(extra)
    return data


def test_open_raise_answer_and_address_a_concern_through_the_pages(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    commander = make_person(world.alice, world.varnia, full_name="Col. Ines Korro", bearer=army)
    assert client.get(reverse("concern_create")).status_code == 200
    response = client.post(reverse("concern_create"), open_data(world, army))
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert response["Location"] == reverse("concern_detail", args=[concern.pk])
    assert list(concern.bearers.all()) == [army]
    assert ConcernSource.objects.get(concern=concern).grading == "B2"
    detail = client.get(response["Location"]).content.decode()
    assert (
        "Three shells landed on the market" in detail and "Not raised with the bearer yet" in detail
    )

    url = reverse("representation_create", args=[concern.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "made_on": days_ago(8).isoformat(),
            "mode": "oral",
            "level": "operational",
            "to_person": str(commander.pk),
            "to_whom": "",
            "made_by": [str(world.alice.pk)],
            "content": "Raised the shelling of the market with the brigade commander.",
        },
    )
    assert response.status_code == 302
    concern = fresh(concern)
    assert (concern.status, concern.raised_on, concern.raised_level) == (
        ConcernStatus.RAISED,
        days_ago(8),
        Level.OPERATIONAL,
    )

    response = client.post(
        reverse("concern_response_create", args=[concern.pk]),
        {
            "received_on": days_ago(3).isoformat(),
            "kind": "investigation",
            "mode": "written",
            "representation": str(Representation.objects.get().pk),
            "from_whom": "Brigade legal adviser",
            "content": "A board of inquiry was appointed.",
        },
    )
    assert response.status_code == 302
    assert fresh(concern).status == ConcernStatus.RESPONDED

    response = client.post(
        reverse("concern_status", args=[concern.pk]),
        {
            "version": str(fresh(concern).version),
            "status": "addressed",
            "changed_on": days_ago(1).isoformat(),
            "note": "The battery commander was relieved.",
        },
    )
    assert response.status_code == 302
    assert fresh(concern).status == ConcernStatus.ADDRESSED
    detail = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    for text in (
        "Raised the shelling of the market",
        "Col. Ines Korro",
        "A board of inquiry was appointed.",
        "The battery commander was relieved.",
        "Investigation announced",
    ):
        assert text in detail


def test_a_refused_move_is_explained_on_the_form(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army], opened=10)
    client = client_for(world.alice)
    early = client.post(
        reverse("representation_create", args=[concern.pk]),
        {
            "made_on": days_ago(20).isoformat(),
            "mode": "oral",
            "level": "tactical",
            "content": "Too early.",
        },
    )
    assert early.status_code == 200
    assert "a representation about it cannot be earlier" in early.content.decode()
    closing = client.post(
        reverse("concern_status", args=[concern.pk]),
        {"version": "1", "status": "closed", "changed_on": days_ago(1).isoformat(), "note": ""},
    )
    assert closing.status_code == 200 and b"This field is required." in closing.content
    refused = client.post(
        reverse("concern_status", args=[concern.pk]),
        {"version": "1", "status": "addressed", "changed_on": days_ago(1).isoformat(), "note": "x"},
    )
    # Addressed is not even offered for an open concern.
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    assert fresh(concern).status == ConcernStatus.OPEN
    assert not Representation.objects.exists()


def test_opening_shows_errors_and_saves_nothing_when_incomplete(
    world: World, army: WeaponBearer
) -> None:
    data = open_data(world, army, summary="", **{"src-1-description": "anonymous caller"})
    response = client_for(world.alice).post(reverse("concern_create"), data)
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"Say what kind of source this is." in response.content
    late = open_data(world, army, opened_on=days_ago(20).isoformat())
    response = client_for(world.alice).post(reverse("concern_create"), late)
    assert b"A concern cannot be opened before the facts happened." in response.content
    assert not Concern.objects.exists()


def test_another_delegation_gets_the_same_404_as_for_a_random_id(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    representation = represent(world.alice, concern, 5)
    answer = respond(world.alice, concern, 2)
    dave = client_for(world.dave)
    forbidden = dave.get(reverse("concern_detail", args=[concern.pk]))
    missing = dave.get(reverse("concern_detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert page_body(forbidden.content) == page_body(missing.content)
    for name in (
        "concern_edit",
        "concern_status",
        "representation_create",
        "concern_response_create",
        "concern_source_create",
        "concern_follow_up_create",
    ):
        assert dave.get(reverse(name, args=[concern.pk])).status_code == 404, name
    assert dave.get(reverse("representation_edit", args=[representation.pk])).status_code == 404
    assert dave.get(reverse("concern_response_edit", args=[answer.pk])).status_code == 404
    for name, pk in (
        ("concern_delete", concern.pk),
        ("representation_delete", representation.pk),
        ("concern_response_delete", answer.pk),
    ):
        assert dave.post(reverse(name, args=[pk]), {"version": "9"}).status_code == 404
    assert fresh(concern).deleted_at is None and fresh(concern).status == ConcernStatus.RESPONDED


def test_lists_figures_and_profiles_show_nothing_of_another_delegation(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army], summary="Varnia-only concern")
    represent(world.alice, concern, 5)
    dave = client_for(world.dave)
    for url in (
        reverse("concern_list"),
        reverse("concern_figures"),
        reverse("bearer_detail", args=[army.pk]),
        reverse("concern_list") + f"?bearer={army.pk}",
        reverse("concern_figures") + f"?bearer={army.pk}",
    ):
        body = dave.get(url).content.decode()
        assert "Varnia-only" not in body, url
    figures = dave.get(reverse("concern_figures"))
    assert figures.context["figures"].overall.concerns == 0
    assert figures.context["figures"].by_bearer == []
    alice = client_for(world.alice)
    assert "Varnia-only concern" in alice.get(reverse("concern_list")).content.decode()
    assert alice.get(reverse("concern_figures")).context["figures"].overall.raised == 1
    profile = alice.get(reverse("bearer_detail", args=[army.pk])).content.decode()
    assert "Varnia-only concern" in profile and "Concern opened" in profile


def test_a_restricted_concern_is_hidden_from_colleagues_not_named(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(
        world.carol,
        world.varnia,
        [army],
        summary="Secret detention site",
        restricted=True,
        restricted_to=[world.carol, world.bob],
    )
    for user, sees in ((world.alice, False), (world.hana, False), (world.bob, True)):
        client = client_for(user)
        assert (b"Secret detention site" in client.get(reverse("concern_list")).content) is sees
        status = client.get(reverse("concern_detail", args=[concern.pk])).status_code
        assert status == (200 if sees else 404)


def test_readers_who_may_not_write_get_403(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    hana = client_for(world.hana)
    assert hana.get(reverse("concern_detail", args=[concern.pk])).status_code == 200
    for name in ("concern_edit", "concern_status", "representation_create"):
        assert hana.get(reverse(name, args=[concern.pk])).status_code == 403, name
    assert hana.get(reverse("concern_create")).status_code == 200  # hana writes HQ's
    assert client_for(world.audrey).get(reverse("concern_create")).status_code == 403
    detail = hana.get(reverse("concern_detail", args=[concern.pk])).content
    assert b"Record a representation" not in detail


def test_a_stale_edit_is_refused_and_both_versions_are_shown(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army], summary="Original summary")
    url = reverse("concern_edit", args=[concern.pk])
    alice, bob = client_for(world.alice), client_for(world.bob)
    base = open_data(world, army, opened_on=concern.opened_on.isoformat())
    base["occurred_on"] = concern.occurred_on.isoformat()
    base["version"] = "1"
    assert alice.post(url, {**base, "summary": "Alice's summary"}).status_code == 302
    second = bob.post(url, {**base, "summary": "Bob's summary"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "Not saved" in body and "Alice&#x27;s summary" in body and "Bob&#x27;s summary" in body
    assert fresh(concern).summary == "Alice's summary"
    assert second.context["version"] == 2
    # Saving again from the conflict page applies Bob's version on purpose.
    again = bob.post(url, {**base, "summary": "Bob's summary", "version": "2"})
    assert again.status_code == 302 and fresh(concern).summary == "Bob's summary"


def test_list_filters_by_status_bearer_and_level(world: World, army: WeaponBearer) -> None:
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    raised = open_concern(world.alice, world.varnia, [army], summary="Raised with the army")
    represent(world.alice, raised, 5, Level.STRATEGIC)
    open_concern(world.alice, world.varnia, [police], summary="Not raised with the police")
    client = client_for(world.alice)
    url = reverse("concern_list")
    by_status = client.get(url, {"status": "raised"}).content
    assert b"Raised with the army" in by_status and b"Not raised with the police" not in by_status
    by_bearer = client.get(url, {"bearer": str(police.pk)})
    assert b"Not raised with the police" in by_bearer.content
    assert b"Raised with the army" not in by_bearer.content
    assert by_bearer.context["outcome"].concerns == 1
    by_level = client.get(url, {"level": "not_raised"}).content
    assert b"Not raised with the police" in by_level and b"Raised with the army" not in by_level
    nonsense = client.get(url, {"bearer": "not-a-uuid"})
    assert nonsense.status_code == 200 and nonsense.context["outcome"].concerns == 0


def test_the_figures_page_follows_a_response(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 6)
    client = client_for(world.alice)
    before = client.get(reverse("concern_figures"))
    assert before.context["figures"].overall.response_rate == 0
    assert "0 %" in before.content.decode()
    respond(world.alice, concern, 2)
    after = client.get(reverse("concern_figures"))
    assert after.context["figures"].overall.response_rate == 1
    assert "100 %" in after.content.decode()
    yearly = client.get(reverse("concern_figures"), {"period": "year"})
    assert [o.key for o in yearly.context["figures"].by_period] == [str(concern.opened_on.year)]


def test_pages_audit_what_they_show(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    client = client_for(world.alice)
    client.get(reverse("concern_list"))
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice).latest("seq")
    assert listed.detail["ids"] == [str(concern.pk)]
    client.get(reverse("concern_detail", args=[concern.pk]))
    read = AuditEvent.objects.filter(kind=AuditKind.READ, actor=world.alice).latest("seq")
    assert read.object_id == concern.pk


def test_deleting_a_concern_hides_it_and_everything_under_it(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 3)
    client = client_for(world.alice)
    response = client.post(reverse("concern_delete", args=[concern.pk]), {"version": "2"})
    assert response.status_code == 302
    assert client.get(reverse("concern_detail", args=[concern.pk])).status_code == 404
    assert not Representation.objects.visible_to(world.alice).exists()
    assert client.get(reverse("concern_figures")).context["figures"].overall.concerns == 0


def test_deleting_a_representation_that_would_break_the_life_is_refused_with_a_message(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    representation = represent(world.alice, concern, 5)
    respond(world.alice, concern, 2)
    client = client_for(world.alice)
    response = client.post(
        reverse("representation_delete", args=[representation.pk]),
        {"version": str(representation.version)},
        follow=True,
    )
    assert b"correct it instead of deleting it" in response.content
    assert Representation.objects.visible_to(world.alice).count() == 1


def test_correcting_a_response_keeps_the_concern_in_step(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 6)
    answer = respond(world.alice, concern, 4)
    client = client_for(world.alice)
    url = reverse("concern_response_edit", args=[answer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": "1",
            "received_on": days_ago(2).isoformat(),
            "kind": "no_response",
            "mode": "oral",
            "content": "No answer by the deadline.",
        },
    )
    assert response.status_code == 302
    concern = fresh(concern)
    assert concern.status == ConcernStatus.RAISED and concern.responded_on is None
    assert Response.objects.get().kind == "no_response"


def test_sources_and_follow_ups_are_added_from_the_concern_page(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    client = client_for(world.alice)
    added = client.post(
        reverse("concern_source_create", args=[concern.pk]),
        {"kind": "medical", "reliability": "A", "credibility": "1", "description": "Clinic log"},
    )
    assert added.status_code == 302
    scheduled = client.post(
        reverse("concern_follow_up_create", args=[concern.pk]),
        {"action": "Ask the brigade for the inquiry's findings", "owner": str(world.bob.pk)},
    )
    assert scheduled.status_code == 302
    detail = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert "A1" in detail and "Clinic log" in detail
    assert "Ask the brigade for the inquiry" in detail
    follow_up = concern.follow_ups.get()
    done = client.post(reverse("concern_follow_up_done", args=[follow_up.pk]), {"version": "1"})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "done"


def _fill(world: World, army: WeaponBearer, n: int) -> Concern:
    """Concerns with every kind of link filled in, so each prefetch is paid for."""
    concern = None
    person = make_person(world.alice, world.varnia, full_name=f"Person {n}", bearer=army)
    unit = make_unit(world.alice, army, name=f"Brigade {n}")
    for i in range(n):
        concern = open_concern(
            world.alice,
            world.varnia,
            [army],
            summary=f"Concern {n}-{i}",
            unit=unit,
            sources=[{"kind": "witness", "reliability": "C", "credibility": "3"}],
        )
        meeting = make_interaction(world.alice, world.varnia, bearers=[army])
        represent(
            world.alice,
            concern,
            2,
            to_person=person,
            made_by=[world.alice, world.bob],
            interaction=meeting,
        )
        do_record_response(
            concern,
            actor=world.alice,
            received_on=days_ago(1),
            kind="denied",
            from_person=person,
            representation=concern.representations.get(),
        )
        do_schedule_concern_follow_up(concern, actor=world.alice, action=f"Follow {i}")
    assert concern is not None
    return concern


# Queries per page, pinned: a change that adds a query (or an N+1) must update this table.
# Every page pays 5 before it starts: the session and the user (2), the second-factor
# device (1) and the clearance (2). Pages showing confidential records pay 3 more to chain
# their audit event (lock the head, insert, move the head).
PINNED = {
    # 5 + 3 audit + the page of concerns, their bearers, their categories, the figures
    # box's rows, and the bearers, topics and delegations the filters offer.
    "concern_list": 15,
    # 5 + 3 audit + the concern with its bearers, category and unit (4), the
    # representations with who made them, to whom and during which contact (4), the
    # responses and from whom (2), whether the user may change it, the follow-ups, the
    # sources and the status history.
    "concern_detail": 22,
    # 5 + the figures (rows, bearer links, categories) and what the filters offer
    # (bearers, topics, delegations).
    "concern_figures": 11,
    # 5 + the choices offered: delegations (2), areas, bearers, units, topics, staff.
    "concern_create": 12,
    # 5 + the concern, whether it may change, and the people, staff and contacts offered.
    "representation_create": 10,
}


def _urls(concern: Concern) -> dict[str, str]:
    return {
        "concern_list": reverse("concern_list"),
        "concern_detail": reverse("concern_detail", args=[concern.pk]),
        "concern_figures": reverse("concern_figures"),
        "concern_create": reverse("concern_create"),
        "representation_create": reverse("representation_create", args=[concern.pk]),
    }


def test_query_counts_are_pinned_and_do_not_grow_with_rows(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    small = _urls(_fill(world, army, 1))
    client.get(reverse("concern_list"))
    counted_small = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in small.items()
    }
    large = _urls(_fill(world, army, 6))
    counted_large = {
        name: count_queries(lambda u=url: client.get(u)) for name, url in large.items()
    }
    assert counted_small == counted_large
    assert counted_large == PINNED


def test_the_bearer_profile_query_count_does_not_grow_with_concerns(
    world: World, army: WeaponBearer
) -> None:
    client = client_for(world.alice)
    url = reverse("bearer_detail", args=[army.pk])
    _fill(world, army, 1)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    _fill(world, army, 6)
    assert count_queries(lambda: client.get(url)) == few


def test_a_stale_correction_or_move_is_a_409_and_nothing_is_overwritten(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    representation = represent(world.alice, concern, 5, content="First account.")
    alice, bob = client_for(world.alice), client_for(world.bob)
    url = reverse("representation_edit", args=[representation.pk])
    data = {
        "version": "1",
        "made_on": days_ago(5).isoformat(),
        "mode": "oral",
        "level": "operational",
        "content": "Alice's account.",
    }
    assert alice.post(url, data).status_code == 302
    stale = bob.post(url, {**data, "content": "Bob's account."})
    assert stale.status_code == 409
    assert "Alice&#x27;s account." in stale.content.decode()
    assert Representation.objects.get().content == "Alice's account."

    status_url = reverse("concern_status", args=[concern.pk])
    seen = str(fresh(concern).version)
    move = {"version": seen, "changed_on": days_ago(1).isoformat(), "note": "No change."}
    assert alice.post(status_url, {**move, "status": "persisting"}).status_code == 302
    late = bob.post(status_url, {**move, "status": "closed"})
    assert late.status_code == 409 and b"Not saved" in late.content
    assert fresh(concern).status == ConcernStatus.PERSISTING


def test_an_edit_keeps_the_links_the_editor_may_not_see(world: World, army: WeaponBearer) -> None:
    secret_group = make_bearer(
        world.carol,
        name="Hollow Hills Brigades",
        kind="non_state_armed_group",
        restricted=True,
        restricted_to=[world.carol],
    )
    commander = make_person(
        world.carol,
        world.varnia,
        full_name="Idris Kanaan",
        restricted=True,
        restricted_to=[world.carol],
    )
    concern = open_concern(world.carol, world.varnia, [army, secret_group])
    representation = represent(world.carol, concern, 4, to_person=commander)
    alice = client_for(world.alice)
    page = alice.get(reverse("representation_edit", args=[representation.pk])).content.decode()
    assert "Idris Kanaan" not in page and 'name="to_person"' not in page
    response = alice.post(
        reverse("representation_edit", args=[representation.pk]),
        {
            "version": "1",
            "made_on": days_ago(4).isoformat(),
            "mode": "written",
            "level": "operational",
            "content": "Corrected by Alice.",
        },
    )
    assert response.status_code == 302
    stored = Representation.objects.get()
    assert (stored.mode, stored.to_person) == ("written", commander)
    edit = reverse("concern_edit", args=[concern.pk])
    assert "Hollow Hills" not in alice.get(edit).content.decode()
    data = open_data(world, army, opened_on=concern.opened_on.isoformat())
    data.update(
        {"occurred_on": concern.occurred_on.isoformat(), "version": str(fresh(concern).version)}
    )
    assert alice.post(edit, data).status_code == 302
    assert set(fresh(concern).bearers.all()) == {army, secret_group}

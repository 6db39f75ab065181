"""Handover on rotation: the act, its refusals, the pages, the brief and continuity."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.models import ConcernFollowUp
from pourparler.concerns.services import do_schedule_concern_follow_up
from pourparler.concerns.tests.helpers import open_concern
from pourparler.core import retention
from pourparler.core.access import clearance_for
from pourparler.core.audit import verify_database
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Grant, Membership, User
from pourparler.core.services import EditConflict, do_grant_access
from pourparler.core.tests.test_retention import plaintexts_in_database
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.dialogue.services import do_create_follow_up
from pourparler.handover import reading
from pourparler.handover.models import Handover, Introduction
from pourparler.handover.services import (
    HandoverRefused,
    do_hand_over,
    do_link_introduction,
    do_prepare_handover,
)
from pourparler.negotiation.models import NegotiationFile
from pourparler.negotiation.tests.helpers import open_file
from pourparler.people.models import Person, Relationship
from pourparler.people.services import do_create_relationship
from pourparler.testing.http import page_body, sign_in
from pourparler.testing.pdf import pdf_pages_as_png, pdf_text
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def fresh(user: User) -> User:
    """The user as a new request would load them (no cached clearance)."""
    return User.objects.get(pk=user.pk)


@dataclass
class Held:
    """Alice's share of Varnia's dialogue."""

    bearer: WeaponBearer
    person: Person
    relationship: Relationship
    contact: Interaction
    follow_up: FollowUp
    concern_follow_up: ConcernFollowUp


def alice_holds(world: World) -> Held:
    """A relationship, a follow-up of a contact and one of a concern, all Alice's."""
    bearer = make_bearer(world.alice)
    person = make_person(world.alice, world.varnia, bearer=bearer, level=Level.STRATEGIC)
    relationship = do_create_relationship(person, actor=world.alice, holder=world.alice)
    contact = make_interaction(
        world.alice,
        world.varnia,
        bearers=[bearer],
        their_participants=[person],
        our_participants=[world.alice, world.bob],
        level=Level.STRATEGIC,
    )
    follow_up = do_create_follow_up(
        contact, actor=world.alice, action="Send the IHL booklet", owner=world.alice
    )
    concern = open_concern(world.alice, world.varnia, [bearer])
    concern_follow_up = do_schedule_concern_follow_up(
        concern, actor=world.alice, action="Raise it again with the brigade", owner=world.alice
    )
    return Held(bearer, person, relationship, contact, follow_up, concern_follow_up)


def prepare(world: World, actor: User | None = None, days: int = -1, **fields: Any) -> Handover:
    """Alice hands over to Bob, effective ``days`` from today."""
    values: dict[str, Any] = {
        "delegation": world.varnia,
        "outgoing": world.alice,
        "successor": world.bob,
        "effective_on": today() + datetime.timedelta(days=days),
        "note": "See the colonel first; he dislikes phone calls.",
    }
    values.update(fields)
    return do_prepare_handover(actor=actor or world.alice, **values)


def test_after_a_handover_the_successor_holds_and_the_predecessor_no_longer_sees(
    world: World,
) -> None:
    held = alice_holds(world)
    file = open_file(world, bearer=held.bearer, counterpart=held.person)
    handover = prepare(world)
    client = Client()
    sign_in(client, world.alice)
    preview = client.get(reverse("handover_detail", args=[handover.pk]))
    assert b"Preview: what will pass" in preview.content
    assert b"Col. Idris Maren" in preview.content
    response = client.post(
        reverse("handover_confirm", args=[handover.pk]), {"version": handover.version}
    )
    assert response.status_code == 302
    # Alice's posting ended yesterday: the handover itself is out of her sight now.
    assert response["Location"] == reverse("handover_list")

    done = Handover.objects.get(pk=handover.pk)
    assert done.is_done
    assert done.passed["relationships"] == 1
    assert done.passed["follow-ups"] == 1
    assert done.passed["concern follow-ups"] == 1
    assert done.passed["postings ended"] == 1
    assert done.passed["negotiation files"] == 1
    assert NegotiationFile.objects.get(pk=file.pk).holder_id == world.bob.pk
    assert Relationship.objects.get(pk=held.relationship.pk).holder_id == world.bob.pk
    assert FollowUp.objects.get(pk=held.follow_up.pk).owner_id == world.bob.pk
    assert ConcernFollowUp.objects.get(pk=held.concern_follow_up.pk).owner_id == world.bob.pk

    # The predecessor's access ends where the rules say: her posting ended on the day.
    posting = Membership.objects.get(user=world.alice, delegation=world.varnia)
    assert posting.ends_on == done.effective_on
    alice = fresh(world.alice)
    assert not Relationship.objects.visible_to(alice).exists()
    assert not Interaction.objects.visible_to(alice).exists()
    assert client.get(reverse("handover_detail", args=[handover.pk])).status_code == 404
    bob = fresh(world.bob)
    assert Relationship.objects.visible_to(bob, "change").filter(pk=held.relationship.pk)

    # One change-log entry per moved record, and one audit event for the act.
    moved = [held.relationship.pk, held.follow_up.pk, held.concern_follow_up.pk, posting.pk]
    for pk in moved:
        entries = ChangeLogEntry.objects.filter(object_id=pk, action=ChangeAction.UPDATE)
        assert entries.count() == 1
        assert entries.get().actor == world.alice
    act = AuditEvent.objects.get(
        kind=AuditKind.PERMISSION_CHANGED, object_id=handover.pk, detail__action="handed over"
    )
    assert act.detail["passed"]["relationships"] == 1
    assert act.compartment_id == world.varnia.pk
    assert verify_database().ok


def test_a_future_handover_leaves_the_predecessor_in_until_the_day(world: World) -> None:
    held = alice_holds(world)
    handover = prepare(world, days=7)
    do_hand_over(handover, actor=world.alice, expected_version=handover.version)
    alice = fresh(world.alice)
    # Still posted this week (the successor already holds the relationship)...
    assert Interaction.objects.visible_to(alice).filter(pk=held.contact.pk).exists()
    assert Relationship.objects.get(pk=held.relationship.pk).holder_id == world.bob.pk
    # ...and out the day after the effective date.
    after = timezone.now() + datetime.timedelta(days=8)
    later = clearance_for(alice, now=after)
    assert later is not None and world.varnia.pk not in later.read_compartments


def test_a_grant_on_the_delegation_ends_with_the_posting(world: World) -> None:
    grant = do_grant_access(
        actor=world.carol,
        access="read",
        reason="Covering Kestria's file on Varnia",
        expires_at=timezone.now() + datetime.timedelta(days=60),
        grantee=world.alice,
        delegation=world.varnia,
    )
    handover = prepare(world, actor=world.carol)
    done = do_hand_over(handover, actor=world.carol, expected_version=handover.version)
    assert done.passed["grants ended"] == 1
    assert Grant.objects.get(pk=grant.pk).expires_at <= timezone.now()
    clearance = clearance_for(fresh(world.alice))
    assert clearance is not None and not clearance.read_compartments


def test_refusals_successor_not_posted_someone_elses_handover_stale_version(
    world: World,
) -> None:
    alice_holds(world)
    with pytest.raises(HandoverRefused, match="no current posting"):
        prepare(world, successor=world.dave)
    with pytest.raises(HandoverRefused, match="someone other"):
        prepare(world, successor=world.alice)
    # Bob may not hand over Alice's part; the head of delegation may.
    with pytest.raises(PermissionDenied):
        prepare(world, actor=world.bob, successor=world.carol)
    with pytest.raises(PermissionDenied):
        prepare(world, actor=world.dave)
    handover = prepare(world, actor=world.carol)
    with pytest.raises(PermissionDenied):
        do_hand_over(handover, actor=world.bob, expected_version=handover.version)
    # Two confirmations from the same preview: the second is a conflict, logged.
    do_hand_over(handover, actor=world.carol, expected_version=handover.version)
    with pytest.raises(EditConflict):
        do_hand_over(handover, actor=world.carol, expected_version=handover.version)
    assert ChangeLogEntry.objects.filter(
        object_id=handover.pk, action=ChangeAction.CONFLICT
    ).exists()
    assert Handover.objects.get(pk=handover.pk).version == handover.version + 1


def test_introductions_and_the_brief(world: World, tmp_path: Path) -> None:
    held = alice_holds(world)
    handover = prepare(world, days=10)
    alone = make_interaction(
        world.alice, world.varnia, our_participants=[world.alice], their_participants=[]
    )
    with pytest.raises(HandoverRefused, match="both"):
        do_link_introduction(handover, actor=world.alice, interaction=alone)
    client = Client()
    sign_in(client, world.bob)
    detail = client.get(reverse("handover_detail", args=[handover.pk]))
    assert b"Introductions done: 0 of 1 relationships" in detail.content
    assert b"Record as introduction" in detail.content
    response = client.post(
        reverse("handover_introduction", args=[handover.pk]), {"interaction": held.contact.pk}
    )
    assert response.status_code == 302
    assert Introduction.objects.get().interaction_id == held.contact.pk
    detail = client.get(reverse("handover_detail", args=[handover.pk]))
    assert b"Introductions done: 1 of 1 relationships" in detail.content

    html = client.get(reverse("handover_brief", args=[handover.pk]))
    assert b"Send the IHL booklet" in html.content
    pdf = client.get(reverse("handover_brief_pdf", args=[handover.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content).split())
    for expected in (
        "Handover brief: Alice",
        "Col. Idris Maren",
        "Varnian Armed Forces",
        "Strategic",
        "Send the IHL booklet",
        "Raise it again with the brigade",
        "See the colonel first",
        "Introductions done: 1 of 1",
    ):
        assert expected in text, expected
    assert pdf_pages_as_png(pdf.content, tmp_path / "brief")
    reads = AuditEvent.objects.filter(kind=AuditKind.READ, actor=world.bob, object_id=handover.pk)
    assert reads.count() == 4  # the page twice, the brief, the PDF
    events = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.bob)
    assert any(str(held.relationship.pk) in e.detail.get("ids", []) for e in events)


def test_another_delegation_sees_nothing(world: World) -> None:
    alice_holds(world)
    handover = prepare(world, days=10)
    theirs = make_person(world.dave, world.kestria, full_name="Insp. Oda Brenn")
    kept = do_create_relationship(theirs, actor=world.dave, holder=world.dave)
    client = Client()
    sign_in(client, world.dave)
    missing = client.get(reverse("handover_detail", args=[uuid.uuid4()]))
    for name in ("handover_detail", "handover_brief", "handover_brief_pdf"):
        response = client.get(reverse(name, args=[handover.pk]))
        assert response.status_code == 404
    forbidden = client.get(reverse("handover_detail", args=[handover.pk]))
    assert page_body(forbidden.content) == page_body(missing.content)
    post = client.post(reverse("handover_confirm", args=[handover.pk]), {"version": 1})
    assert post.status_code == 404
    assert b"Alice" not in client.get(reverse("handover_list")).content
    assert client.get(reverse("continuity") + "?delegation=varnia").status_code == 404
    page = client.get(reverse("continuity"))
    assert b"Kestria" in page.content and b"Col. Idris Maren" not in page.content
    # The auditor sees no compartment content, handovers included.
    assert not Handover.objects.visible_to(world.audrey).exists()
    do_hand_over(handover, actor=world.alice, expected_version=handover.version)
    assert Relationship.objects.get(pk=kept.pk).holder_id == world.dave.pk


def test_pages_take_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    held = alice_holds(world)
    handover = prepare(world, days=10)
    client = Client()
    sign_in(client, world.carol)
    # Pinned: the list, the detail (preview with introductions), the brief, continuity.
    pages = {
        reverse("handover_list"): 9,
        reverse("handover_detail", args=[handover.pk]): 24,
        reverse("handover_brief", args=[handover.pk]): 21,
        reverse("continuity"): 14,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    # More of everything: the counts stay the same.
    for n in range(3):
        person = make_person(
            world.alice, world.varnia, full_name=f"Maj. Test {n}", bearer=held.bearer
        )
        do_create_relationship(person, actor=world.alice, holder=world.alice)
        make_interaction(
            world.alice,
            world.varnia,
            bearers=[held.bearer],
            their_participants=[person],
            our_participants=[world.alice, world.bob],
        )
    do_create_relationship(held.person, actor=world.alice, holder=world.hana)
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            client.get(url)


def test_continuity_counts_what_the_reader_may_see(world: World) -> None:
    army = make_bearer(world.alice)
    front = make_bearer(world.alice, "Front of the Hollow Hills")
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        level=Level.TACTICAL,
        occurred_at=timezone.now() - datetime.timedelta(days=120),
    )
    make_interaction(world.alice, world.varnia, bearers=[front], level=Level.OPERATIONAL)
    colonel = make_person(world.alice, world.varnia, bearer=army)
    left = do_create_relationship(colonel, actor=world.alice, holder=world.hana)
    do_create_relationship(colonel, actor=world.alice, holder=world.alice)

    seen = reading.continuity_of(fresh(world.bob), world.varnia)
    assert seen.orphaned == [left]
    assert [b.bearer for b in seen.silent] == [army]
    assert [b.bearer for b in seen.without_level(Level.STRATEGIC)] == [front, army]
    assert [b.bearer for b in seen.without_level(Level.TACTICAL)] == [front]
    assert [b.bearer for b in seen.without_level(Level.OPERATIONAL)] == [army]
    # Another delegation's delegate counts nothing of Varnia's.
    outside = reading.continuity_of(fresh(world.dave), world.varnia)
    assert outside.orphaned == [] and outside.bearers == []


def test_the_head_prepares_a_handover_through_the_form(world: World) -> None:
    client = Client()
    sign_in(client, world.carol)
    form = client.get(reverse("handover_create"))
    assert form.status_code == 200 and b"Alice" in form.content and b"Dave" not in form.content
    fields = {
        "delegation": str(world.varnia.pk),
        "outgoing": str(world.alice.pk),
        "effective_on": (today() + datetime.timedelta(days=5)).isoformat(),
        "note": "Meet the governor.",
    }
    # Only colleagues posted in the delegation are offered; the service's refusals show.
    refused = client.post(reverse("handover_create"), {**fields, "successor": str(world.hana.pk)})
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    same = {**fields, "outgoing": str(world.bob.pk), "successor": str(world.bob.pk)}
    refused = client.post(reverse("handover_create"), same)
    assert refused.status_code == 200 and b"someone other than" in refused.content
    assert not Handover.objects.exists()
    response = client.post(reverse("handover_create"), {**fields, "successor": str(world.bob.pk)})
    handover = Handover.objects.get()
    assert response["Location"] == reverse("handover_detail", args=[handover.pk])
    assert (handover.outgoing, handover.successor, handover.note) == (
        world.alice,
        world.bob,
        "Meet the governor.",
    )


def test_retention_clears_the_advice_of_an_old_handover_and_keeps_what_passed(
    world: World,
) -> None:
    old = prepare(world, days=-11 * 365, note="Colonel Maren dislikes phone calls.")
    recent = prepare(world, days=-30, note="Meet the new brigade commander at the ford.")
    config = {"handover": {"days": 10 * 365, "action": "anonymise"}}

    [report] = retention.run(config=config, now=timezone.now()).kinds

    assert (report.examined, report.anonymised) == (2, 1)
    stored = Handover.objects.get(pk=old.pk)
    assert stored.note == "" and (stored.outgoing, stored.successor) == (world.alice, world.bob)
    assert stored.effective_on == old.effective_on
    assert Handover.objects.get(pk=recent.pk).note == "Meet the new brigade commander at the ford."
    assert "Colonel Maren" not in plaintexts_in_database()

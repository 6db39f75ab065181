"""The subject-access export: what is in it, who may make it, and that it is audited."""

from __future__ import annotations

import datetime
import json
import stat
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.services import do_register_commitment
from pourparler.concerns.services import do_open_concern, do_record_representation
from pourparler.core import retention
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, User
from pourparler.core.services import do_grant_access
from pourparler.dialogue.models import Interaction, Topic
from pourparler.negotiation.models import Stakeholder
from pourparler.negotiation.services import do_add_to_file, do_open_file
from pourparler.people.models import Position
from pourparler.people.services import (
    do_add_person_name,
    do_add_position,
    do_create_relationship,
    do_update_person,
    do_update_position,
)
from pourparler.testing.http import count_queries, page_body, sign_in
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


class Case:
    """A person known in Varnia, with something in every part of the export."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.army: WeaponBearer = make_bearer(world.alice)
        person = make_person(
            world.alice,
            world.varnia,
            full_name="Idris Maren",
            notes="Prefers dawn meetings.",
            languages=["ru"],
        )
        self.person = do_update_person(
            person,
            actor=world.alice,
            expected_version=person.version,
            changes={"full_name": "Col. Idris Maren"},
        )
        do_add_person_name(
            self.person, actor=world.alice, name="<script>alert(1)</script>", language="ru"
        )
        do_add_position(
            self.person,
            actor=world.alice,
            bearer=self.army,
            level="operational",
            rank="Colonel",
            role_title="Commander of the Ninth",
        )
        do_create_relationship(
            self.person, actor=world.alice, holder=world.bob, notes="Met at the ford."
        )
        self.open = make_interaction(
            world.alice,
            world.varnia,
            bearers=[self.army],
            their_participants=[self.person],
            summary="Agreed the ambulance corridor.",
            follow_ups=[{"action": "Send the corridor map"}],
        )
        self.hidden = make_interaction(
            world.alice,
            world.varnia,
            their_participants=[self.person],
            summary="Named a detainee held at the depot.",
            restricted=True,
        )
        concern = do_open_concern(
            actor=world.alice,
            compartment=world.varnia,
            summary="Shelling near the ford",
            description="Two shells.",
            occurred_on=timezone.localdate() - 20 * DAY,
            opened_on=timezone.localdate() - 10 * DAY,
            category=Topic.objects.get(code="conduct-of-hostilities"),
            bearers=[self.army],
        )
        do_record_representation(
            concern,
            actor=world.alice,
            made_on=timezone.localdate() - 5 * DAY,
            level="operational",
            content="We recalled the rule of distinction.",
            to_person=self.person,
        )
        do_register_commitment(
            actor=world.alice,
            compartment=world.varnia,
            instrument="order",
            title="Order on the conduct of troops at the ford",
            scope="No shelling of the ford villages; wounded are let through.",
            bearers=[self.army],
            made_on=timezone.localdate() - 3 * DAY,
            signatories=[
                {
                    "capacity": "military",
                    "bearer": self.army,
                    "person": self.person,
                    "signed_as": "Commander of the Ninth",
                }
            ],
        )
        talks = do_open_file(
            actor=world.alice,
            compartment=world.varnia,
            bearer=self.army,
            title="Visits to the soldiers held by the Ninth",
            counterparts=[self.person],
        )
        do_add_to_file(
            talks, Stakeholder, actor=world.alice, person=self.person, influence=3, proximity=1
        )

    @property
    def url(self) -> str:
        return reverse("person_subject_access", args=[self.person.pk])


@pytest.fixture
def case(world: World) -> Case:
    return Case(world)


_signed_in: dict[Any, Client] = {}


def browser(user: User) -> Client:
    """A client signed in as the user, once per test (each sign-in spends a TOTP step)."""
    client = _signed_in.get(user.pk)
    if client is None:
        client = _signed_in[user.pk] = Client()
        sign_in(client, user)
    return client


@pytest.fixture(autouse=True)
def _fresh_browsers() -> Any:
    _signed_in.clear()
    yield
    _signed_in.clear()


def export_as(user: User, url: str, export_format: str = "json") -> Any:
    return browser(user).post(url, {"format": export_format})


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditKind.EXPORT).order_by("seq"))


def test_the_head_of_delegation_downloads_everything_they_may_see_as_json(case: Case) -> None:
    world = case.world
    response = export_as(world.carol, case.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{case.person.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "pourparler-subject-access/1"
    assert data["exported_by"] == "carol"
    person = data["person"]
    assert (person["id"], person["full_name"]) == (str(case.person.pk), "Col. Idris Maren")
    assert person["notes"] == "Prefers dawn meetings." and person["languages"] == ["ru"]
    assert person["legal_basis"] == "public_interest" and person["purpose"]
    assert [n["name"] for n in data["other_names"]] == ["<script>alert(1)</script>"]
    assert [p["role_title"] for p in data["positions"]] == ["Commander of the Ninth"]
    assert data["positions"][0]["bearer"] == case.army.name
    assert [r["notes"] for r in data["relationships"]] == ["Met at the ford."]
    assert data["relationships"][0]["held_by"] == "Bob"
    # The restricted interaction (named: alice only) is not carol's to see, so not here.
    assert [i["id"] for i in data["interactions"]] == [str(case.open.pk)]
    assert data["interactions"][0]["summary"] == "Agreed the ambulance corridor."
    assert [f["action"] for f in data["interactions"][0]["follow_ups"]] == ["Send the corridor map"]
    assert "detainee" not in response.content.decode()
    assert [r["content"] for r in data["representations_made_to_them"]] == [
        "We recalled the rule of distinction."
    ]
    assert data["responses_they_gave"] == []
    [signed] = data["commitments_they_signed"]
    assert signed["commitment"] == "Order on the conduct of troops at the ford"
    assert (signed["signed_as"], signed["capacity"]) == ("Commander of the Ninth", "military")
    [talks] = data["negotiations_where_they_are_the_counterpart"]
    assert talks["title"] == "Visits to the soldiers held by the Ninth"
    assert talks["about"] == case.army.name
    [stake] = data["negotiations_where_they_are_a_stakeholder"]
    assert (stake["file"], stake["influence"], stake["proximity"]) == (talks["title"], 3, 1)
    # History: what changed and when, never the earlier values.
    actions = [(h["record"], h["action"]) for h in data["history"]]
    assert ("person", "create") in actions and ("person", "update") in actions
    update = next(h for h in data["history"] if h["action"] == "update")
    assert "full_name" in update["fields"] and update["by"] == "alice"
    assert '"Idris Maren"' not in response.content.decode()

    [event] = exports()
    assert event.actor == world.carol and event.object_id is None
    assert event.compartment_id == world.varnia.pk
    assert event.detail["format"] == "json" and event.detail["channel"] == "web"
    assert event.detail["purpose"] == "subject_access"
    assert event.detail["person"] == str(case.person.pk)
    assert event.detail["ids"][0] == str(case.person.pk)
    assert str(case.open.pk) in event.detail["ids"]
    assert str(case.hidden.pk) not in event.detail["ids"]
    assert event.detail["count"] == len(event.detail["ids"]) == 10
    assert "Maren" not in json.dumps(event.detail)


def test_a_restricted_interaction_is_in_the_export_of_someone_it_names(case: Case) -> None:
    world = case.world
    hidden = Interaction.objects.get(pk=case.hidden.pk)
    hidden.restricted_to.add(world.carol)  # as if named from the start
    data = json.loads(export_as(world.carol, case.url).content)
    assert {i["id"] for i in data["interactions"]} == {str(case.open.pk), str(case.hidden.pk)}


def test_the_printable_document_escapes_and_embeds_its_print_stylesheet(case: Case) -> None:
    response = export_as(case.world.carol, case.url, "html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{case.person.pk}.html"'
    )
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "<h1>What we hold about Col. Idris Maren</h1>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script" not in body
    assert "Agreed the ambulance corridor." in body and "Send the corridor map" in body
    assert "We recalled the rule of distinction." in body
    assert "detainee" not in body
    assert "@media print" in body and "@page" in body
    assert "/static/" not in body  # stands alone, offline
    [event] = exports()
    assert event.detail["format"] == "html"


def test_who_may_export(case: Case) -> None:
    world = case.world
    url = case.url
    missing = reverse("person_subject_access", args=[uuid.uuid4()])
    # Cannot see the person: the 404 of a missing person, byte for byte.
    for outsider in (world.dave, world.audrey, world.adam):
        forbidden = export_as(outsider, url)
        assert forbidden.status_code == 404, outsider
        assert page_body(forbidden.content) == page_body(export_as(outsider, missing).content)
    # May see (and, for alice, change) the person, but is not answerable for the export.
    for reader in (world.alice, world.bob, world.hana):
        assert export_as(reader, url).status_code == 403, reader
    assert exports() == []
    # A write grant opens the export: on the person, or on the delegation.
    expires = timezone.now() + 7 * DAY
    do_grant_access(
        actor=world.carol,
        access="write",
        reason="Answers the subject-access request.",
        expires_at=expires,
        grantee=world.alice,
        record=case.person,
    )
    do_grant_access(
        actor=world.carol,
        access="read",
        reason="Reads the file only.",
        expires_at=expires,
        grantee=world.dave,
        delegation=world.varnia,
    )
    assert export_as(world.alice, url).status_code == 200
    assert export_as(world.dave, url).status_code == 403  # a read grant is not enough
    do_grant_access(
        actor=world.carol,
        access="write",
        reason="Covers for the head of delegation.",
        expires_at=expires,
        grantee=world.dave,
        delegation=world.varnia,
    )
    assert export_as(world.dave, url).status_code == 200
    assert [e.actor for e in exports()] == [world.alice, world.dave]


def test_the_person_page_offers_the_export_to_those_who_may_make_it(case: Case) -> None:
    page = reverse("person_detail", args=[case.person.pk])
    for user, shown in ((case.world.carol, True), (case.world.alice, False)):
        body = browser(user).get(page).content.decode()
        assert (case.url in body) is shown, user
        assert ('value="html"' in body) is shown


def test_only_a_post_with_a_known_format_exports(case: Case) -> None:
    client = browser(case.world.carol)
    assert client.get(case.url).status_code == 405
    assert client.post(case.url, {"format": "pdf"}).status_code == 400
    assert client.post(case.url).status_code == 400
    assert exports() == []


def test_the_export_costs_the_same_queries_whatever_the_person_holds(
    case: Case, django_assert_max_num_queries: Any
) -> None:
    client = browser(case.world.carol)
    few = count_queries(lambda: client.post(case.url, {"format": "html"}))
    for n in range(6):
        make_interaction(
            case.world.alice,
            case.world.varnia,
            their_participants=[case.person],
            bearers=[case.army],
            follow_ups=[{"action": f"Call back {n}"}],
        )
        do_add_person_name(case.person, actor=case.world.alice, name=f"Alias {n}")
    many = count_queries(lambda: client.post(case.url, {"format": "html"}))
    assert many == few
    with django_assert_max_num_queries(27):  # measured: 27, the sign-in checks included
        client.post(case.url, {"format": "json"})


def test_the_command_writes_a_private_file_and_audits_it(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "export.html"
    stdout = StringIO()
    call_command(
        "subject_access",
        str(case.person.pk),
        "--as",
        "carol",
        "--format",
        "html",
        "--out",
        str(out),
        stdout=stdout,
    )
    assert "Wrote" in stdout.getvalue()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Col. Idris Maren" in out.read_text()
    [event] = exports()
    assert event.actor == case.world.carol and event.detail["channel"] == "command line"
    with pytest.raises(CommandError, match="Cannot create"):
        call_command("subject_access", str(case.person.pk), "--as", "carol", "--out", str(out))
    for username, person_id in (("dave", case.person.pk), ("carol", uuid.uuid4())):
        target = tmp_path / f"{username}-{person_id}.json"
        with pytest.raises(CommandError, match="No such person, or the user may not see them"):
            call_command("subject_access", str(person_id), "--as", username, "--out", str(target))
        assert not target.exists()
    with pytest.raises(CommandError, match="head of delegation"):
        call_command(
            "subject_access", str(case.person.pk), "--as", "alice", "--out", str(tmp_path / "a")
        )
    with pytest.raises(CommandError, match="No such user"):
        call_command("subject_access", str(case.person.pk), "--as", "nobody", "--out", "x")
    assert len(exports()) == 1


def test_an_anonymised_person_exports_what_is_left(case: Case) -> None:
    [post] = Position.objects.filter(person=case.person)
    do_update_position(
        post,
        actor=case.world.alice,
        expected_version=post.version,
        changes={"ends_on": timezone.localdate()},
    )
    people = {"person": {"days": 365, "action": "anonymise"}}
    later = timezone.now() + 400 * DAY  # a year after the last contact and post
    assert retention.run(config=people, now=later).kinds[0].anonymised == 1
    data = json.loads(export_as(case.world.carol, case.url).content)
    assert data["person"]["full_name"].startswith("Anonymised person")
    assert data["person"]["anonymised_at"] is not None
    assert data["other_names"] == []  # overwritten, then deleted
    assert (data["positions"][0]["rank"], data["positions"][0]["role_title"]) == ("", "")
    assert [i["id"] for i in data["interactions"]] == [str(case.open.pk)]
    assert "Maren" not in json.dumps(data)

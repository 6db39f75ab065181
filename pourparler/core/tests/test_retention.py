"""Retention: what expires, what anonymising leaves behind, and that the audit chain
still verifies afterwards (pourparler/core/retention.py)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django import Settings

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.models import Signatory
from pourparler.commitments.services import do_register_commitment
from pourparler.concerns.services import do_open_concern, do_record_representation
from pourparler.core import retention
from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.crypto import decrypt_logged_value, query_tokens
from pourparler.core.models import AuditEvent, ChangeLogEntry
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.dialogue.services import do_create_follow_up, do_update_interaction
from pourparler.people.models import Person, PersonName, Position, Relationship
from pourparler.people.services import (
    do_add_person_name,
    do_add_position,
    do_create_relationship,
    do_delete_person,
    do_update_person,
    do_update_position,
)
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db

NOW = timezone.now()
YEAR = datetime.timedelta(days=365)
# Everything that identifies the person who is to be anonymised, and nobody else.
SECRETS = (
    "Idris",
    "Maren",
    "Идрис",
    "Qasimov",
    "Prefers dawn meetings",
    "Quartermaster of the Ninth",
    "Met through his cousin",
)
ONLY_PEOPLE = {
    "person": {"days": 365, "action": "anonymise"},
    "interaction": {"days": 0, "action": "anonymise"},
    "follow_up": {"days": 0, "action": "anonymise"},
    "login_attempt": {"days": 0, "action": "delete"},
}


def backdate(model: Any, obj: Any, **fields: Any) -> None:
    """Age a record for the test (bookkeeping dates are set by the services otherwise)."""
    model._base_manager.filter(pk=obj.pk).update(**fields)


def verify_command() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue().strip()


def plaintexts_in_database() -> str:
    """Every value the database holds, decrypted where it is encrypted (rows and change
    log alike), as one text to search."""
    chunks: list[str] = []
    for model in apps.get_models():
        for row in model._base_manager.all():
            for field in model._meta.concrete_fields:
                chunks.append(str(getattr(row, field.attname)))
            if isinstance(row, ChangeLogEntry):
                for side in (row.before, row.after):
                    for key, value in (side or {}).items():
                        chunks.append(str(decrypt_logged_value(row, key, value)))
    return "\n".join(chunks)


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def person_to_forget(world: World, army: WeaponBearer) -> Person:
    """Idris Maren: renamed once, with another name, a post that ended, a relationship,
    an interaction two years ago; recorded three years ago."""
    person = make_person(
        world.alice,
        world.varnia,
        full_name="Idris Maren",
        notes="Prefers dawn meetings.",
        languages=["ru", "fr"],
    )
    person = do_update_person(
        person,
        actor=world.alice,
        expected_version=person.version,
        changes={"full_name": "Col. Idris Qasimov Maren"},
    )
    do_add_person_name(person, actor=world.alice, name="Идрис Марен", transliteration="Idris Maren")
    post = do_add_position(
        person,
        actor=world.alice,
        bearer=army,
        level="operational",
        rank="Major",
        role_title="Quartermaster of the Ninth",
        starts_on=datetime.date(2019, 1, 1),
    )
    do_update_position(
        post,
        actor=world.alice,
        expected_version=post.version,
        changes={"ends_on": (NOW - 2 * YEAR).date()},
    )
    do_create_relationship(
        person, actor=world.alice, holder=world.bob, notes="Met through his cousin."
    )
    make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        their_participants=[person],
        occurred_at=NOW - 2 * YEAR,
        summary="Talked about the ambulance corridor.",
    )
    backdate(Person, person, created_at=NOW - 3 * YEAR)
    return Person.objects.get(pk=person.pk)


def test_an_expired_person_is_anonymised_and_their_former_name_is_nowhere_in_the_database(
    world: World, army: WeaponBearer
) -> None:
    person = person_to_forget(world, army)
    # The test can fail: before the run, the name is there, in rows and change log.
    before = plaintexts_in_database()
    for secret in SECRETS:
        assert secret in before, secret
    interaction = Interaction.objects.get(their_participants=person)

    report = retention.run(config=ONLY_PEOPLE, now=NOW)

    people = next(k for k in report.kinds if k.kind == "person")
    assert (people.examined, people.expired, people.anonymised, people.deleted) == (1, 1, 1, 0)
    assert people.entries_rewritten >= 6
    after = plaintexts_in_database()
    for secret in SECRETS:
        assert secret not in after, secret
    assert verify_command().startswith("OK")

    person = Person._base_manager.get(pk=person.pk)
    assert person.full_name == f"Anonymised person {person.pk.hex[-8:]}"
    assert (person.notes, person.languages) == ("", [])
    assert person.anonymised_at is not None and person.deleted_at is None
    assert person.purpose and person.legal_basis  # why we held it stays on record
    # The blind index no longer knows the old name; it knows the new one.
    assert query_tokens(world.varnia.pk, "Maren")[0] not in person.search_tokens
    assert query_tokens(world.varnia.pk, "Anonymised")[0] in person.search_tokens
    [other] = PersonName._base_manager.filter(person=person)
    assert other.deleted_at is not None and other.name == retention.MARKER
    [post] = Position._base_manager.filter(person=person)
    assert (post.rank, post.role_title, post.bearer_id, post.level) == (
        "",
        "",
        army.pk,
        "operational",
    )
    assert post.starts_on == datetime.date(2019, 1, 1)
    [relationship] = Relationship._base_manager.filter(person=person)
    assert relationship.notes == "" and relationship.holder == world.bob
    # Still counted as a contact of that interaction, whose own text is untouched.
    assert list(interaction.their_participants.all()) == [person]
    assert Interaction.objects.get(pk=interaction.pk).summary.startswith("Talked about")

    # The writes are the system's, in the change log and the chain.
    person_type = ContentType.objects.get_for_model(Person)
    last = ChangeLogEntry.objects.filter(content_type=person_type, object_id=person.pk).first()
    assert last is not None
    assert (last.action, last.actor_id, last.actor_name) == (ChangeAction.UPDATE, None, "system")
    assert {name for name, _, _ in last.changed_fields()} >= {"full_name", "anonymised_at"}
    event = AuditEvent.objects.get(kind=AuditKind.RETENTION, object_id=person.pk)
    assert event.detail["action"] == "anonymise" and event.actor_name == "system"
    assert event.detail["entries_rewritten"] == people.entries_rewritten
    assert AuditEvent.objects.filter(
        kind=AuditKind.RETENTION, detail__kind="person", detail__anonymised=1
    ).exists()

    # A second run finds nothing more to do.
    again = retention.run(config=ONLY_PEOPLE, now=NOW)
    assert next(k for k in again.kinds if k.kind == "person").anonymised == 0
    assert verify_command().startswith("OK")


def test_who_expires_follows_the_clock_of_people(world: World, army: WeaponBearer) -> None:
    forgotten = person_to_forget(world, army)
    holds_a_post = make_person(world.alice, world.varnia, full_name="Lt. Sora Pell", bearer=army)
    backdate(Person, holds_a_post, created_at=NOW - 3 * YEAR)
    spoken_to = make_person(world.alice, world.varnia, full_name="Capt. Anwen Dusk")
    make_interaction(
        world.alice, world.varnia, their_participants=[spoken_to], occurred_at=NOW - 2 * YEAR
    )
    concern = do_open_concern(
        actor=world.alice,
        compartment=world.varnia,
        summary="Shelling near the ford",
        description="Two shells.",
        occurred_on=(NOW - 60 * datetime.timedelta(days=1)).date(),
        opened_on=(NOW - 50 * datetime.timedelta(days=1)).date(),
        category=Topic.objects.get(code="conduct-of-hostilities"),
        bearers=[army],
    )
    do_record_representation(
        concern,
        actor=world.alice,
        made_on=(NOW - 40 * datetime.timedelta(days=1)).date(),
        level="operational",
        content="We reminded them of the rule of distinction.",
        to_person=spoken_to,
    )
    backdate(Person, spoken_to, created_at=NOW - 3 * YEAR)
    deleted = make_person(world.alice, world.varnia, full_name="Sgt. Omar Vell", bearer=army)
    deleted = do_delete_person(deleted, actor=world.alice, expected_version=deleted.version)
    backdate(Person, deleted, created_at=NOW - 3 * YEAR, deleted_at=NOW - 2 * YEAR)
    newcomer = make_person(world.alice, world.varnia, full_name="Maj. Lina Stroud")

    dry = retention.run(config=ONLY_PEOPLE, now=NOW, dry_run=True)
    people = next(k for k in dry.kinds if k.kind == "person")
    assert (people.examined, people.expired, people.anonymised) == (5, 2, 2)

    retention.run(config=ONLY_PEOPLE, now=NOW)

    def anonymised(person: Person) -> bool:
        return Person._base_manager.get(pk=person.pk).anonymised_at is not None

    assert anonymised(forgotten)
    assert anonymised(deleted)  # deleted two years ago: the deletion ended the post
    assert Person._base_manager.get(pk=deleted.pk).full_name.startswith("Anonymised person")
    assert not anonymised(holds_a_post)  # still holds a post
    assert not anonymised(spoken_to)  # a representation was made to them 40 days ago
    assert not anonymised(newcomer)  # recorded today
    assert Person.objects.get(pk=holds_a_post.pk).full_name == "Lt. Sora Pell"
    assert verify_command().startswith("OK")


def test_a_dry_run_writes_nothing(world: World, army: WeaponBearer) -> None:
    person = person_to_forget(world, army)
    entries, events = ChangeLogEntry.objects.count(), AuditEvent.objects.count()
    report = retention.run(config=ONLY_PEOPLE, now=NOW, dry_run=True)
    people = next(k for k in report.kinds if k.kind == "person")
    assert (people.expired, people.anonymised, people.entries_rewritten) == (1, 1, 0)
    assert (ChangeLogEntry.objects.count(), AuditEvent.objects.count()) == (entries, events)
    assert Person.objects.get(pk=person.pk).full_name == "Col. Idris Qasimov Maren"


def test_old_interactions_and_follow_ups_are_anonymised_and_recent_ones_kept(
    world: World, army: WeaponBearer
) -> None:
    person = make_person(world.alice, world.varnia, full_name="Col. Dara Venn")
    old = make_interaction(
        world.alice,
        world.varnia,
        bearers=[army],
        their_participants=[person],
        occurred_at=NOW - 3 * YEAR,
        summary="Dara Venn promised the convoy would pass.",
        notes="He asked for cigarettes.",
        follow_ups=[
            {"action": "Send Dara Venn the IHL booklet", "due_on": (NOW - 3 * YEAR).date()}
        ],
    )
    old = do_update_interaction(
        old,
        actor=world.alice,
        expected_version=old.version,
        changes={"outcomes": "Convoy passed; Dara Venn kept his word."},
    )
    recent = make_interaction(
        world.alice, world.varnia, their_participants=[person], summary="Dara Venn again."
    )
    kept_follow_up = do_create_follow_up(
        old, actor=world.alice, action="Ask Dara Venn about detainees", due_on=NOW.date()
    )
    FollowUp._base_manager.filter(interaction=old).update(created_at=NOW - 3 * YEAR)
    config = {
        "interaction": {"days": 2 * 365, "action": "anonymise"},
        "follow_up": {"days": 2 * 365, "action": "anonymise"},
        "person": {"days": 0, "action": "anonymise"},
    }

    report = retention.run(config=config, now=NOW)

    by_kind = {k.kind: k for k in report.kinds}
    assert set(by_kind) == {"interaction", "follow_up", "person"}
    assert (by_kind["interaction"].examined, by_kind["interaction"].anonymised) == (2, 1)
    assert (by_kind["follow_up"].examined, by_kind["follow_up"].anonymised) == (2, 1)
    assert by_kind["person"].examined == 0  # kept for ever: not even looked at
    old = Interaction.objects.get(pk=old.pk)
    assert (old.summary, old.notes, old.outcomes) == (retention.MARKER, "", "")
    assert list(old.their_participants.all()) == []
    assert old.kind and old.occurred_at and list(old.bearers.all()) == [army]
    follow_ups = {f.pk: f.action for f in FollowUp.objects.filter(interaction=old)}
    assert follow_ups[kept_follow_up.pk] == "Ask Dara Venn about detainees"
    assert sorted(follow_ups.values()) == ["Ask Dara Venn about detainees", retention.MARKER]
    assert Interaction.objects.get(pk=recent.pk).summary == "Dara Venn again."
    # The old texts are gone from the change log of that interaction and follow-up.
    ids = [old.pk, *(pk for pk, action in follow_ups.items() if action == retention.MARKER)]
    for entry in ChangeLogEntry.objects.filter(object_id__in=ids):
        for side in (entry.before, entry.after):
            for key, value in (side or {}).items():
                text = str(decrypt_logged_value(entry, key, value))
                assert "cigarettes" not in text and "kept his word" not in text
                assert "promised" not in text and "booklet" not in text
                assert str(person.pk) not in text
    assert verify_command().startswith("OK")
    again = retention.run(config=config, now=NOW)
    assert [k.anonymised for k in again.kinds] == [0, 0, 0]
    assert {k.kind: k.examined for k in again.kinds} == {
        "interaction": 1,
        "follow_up": 1,
        "person": 0,
    }


def test_the_delete_action_puts_a_tombstone_through_the_change_log(
    world: World, army: WeaponBearer
) -> None:
    old = make_interaction(world.alice, world.varnia, occurred_at=NOW - 3 * YEAR)
    recent = make_interaction(world.alice, world.varnia)
    config = {"interaction": {"days": 365, "action": "delete"}}

    report = retention.run(config=config, now=NOW)

    [interactions] = report.kinds
    assert (interactions.examined, interactions.deleted, interactions.anonymised) == (2, 1, 0)
    assert not Interaction.objects.visible_to(world.alice).filter(pk=old.pk).exists()
    assert Interaction.objects.visible_to(world.alice).filter(pk=recent.pk).exists()
    tombstone = Interaction._base_manager.get(pk=old.pk)
    assert tombstone.deleted_at is not None and tombstone.deleted_by is None
    entry = ChangeLogEntry.objects.filter(object_id=old.pk).first()
    assert entry is not None and (entry.action, entry.actor_name) == ("delete", "system")
    assert entry.object_version == tombstone.version == 2
    assert AuditEvent.objects.filter(kind=AuditKind.RETENTION, object_id=old.pk).exists()
    assert verify_command().startswith("OK")
    assert retention.run(config=config, now=NOW).kinds[0].deleted == 0


def test_old_sign_in_records_are_erased(world: World) -> None:
    def attempt(model: Any, age: datetime.timedelta, username: str) -> None:
        row = model.objects.create(
            username=username,
            ip_address="192.0.2.7",
            user_agent="test",
            http_accept="*/*",
            path_info="/login/",
            **({"failures_since_start": 1} if model is AccessAttempt else {}),
        )
        model.objects.filter(pk=row.pk).update(attempt_time=NOW - age)

    attempt(AccessAttempt, datetime.timedelta(days=200), "old-guess")
    attempt(AccessAttempt, datetime.timedelta(days=3), "new-guess")
    attempt(AccessLog, datetime.timedelta(days=91), "alice")
    attempt(AccessLog, datetime.timedelta(days=89), "alice")
    config = {"login_attempt": {"days": 90, "action": "delete"}}

    [dry] = retention.run(config=config, now=NOW, dry_run=True).kinds
    assert (dry.examined, dry.deleted) == (4, 2)
    assert AccessAttempt.objects.count() == 2
    [logins] = retention.run(config=config, now=NOW).kinds

    assert (logins.examined, logins.expired, logins.deleted) == (4, 2, 2)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["new-guess"]
    assert AccessLog.objects.count() == 1
    counts = AuditEvent.objects.filter(kind=AuditKind.RETENTION, detail__kind="login_attempt")
    assert sorted(e.detail.get("count", 0) for e in counts if "count" in e.detail) == [1, 1]
    assert verify_command().startswith("OK")


def test_the_settings_are_checked() -> None:
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        retention.rules({"person": {"days": 30, "action": "shred"}})
    with pytest.raises(ImproperlyConfigured, match="LOGIN_ATTEMPT_ACTION"):
        retention.rules({"login_attempt": {"days": 30, "action": "anonymise"}})
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        retention.rules({"interaction": {"days": -1, "action": "delete"}})
    with pytest.raises(ImproperlyConfigured, match="unknown kinds"):
        retention.rules({"bearer": {"days": 30, "action": "delete"}})
    assert retention.rules({"person": {"days": 30, "action": " Anonymise "}}) == [
        retention.Rule("person", 30, "anonymise")
    ]


def test_the_defaults_are_humanitarian_ones() -> None:
    assert {r.kind: (r.days, r.action) for r in retention.rules()} == {
        "interaction": (3650, "anonymise"),
        "follow_up": (3650, "anonymise"),
        "person": (1825, "anonymise"),
        "concern": (3650, "anonymise"),
        "acceptance_assessment": (1825, "anonymise"),
        "checkpoint_passage": (1095, "anonymise"),
        "access_constraint": (1825, "anonymise"),
        "security_incident": (3650, "anonymise"),
        "dissemination_session": (1825, "anonymise"),
        "integration_assessment": (3650, "anonymise"),
        "commitment": (3650, "anonymise"),
        "negotiation_file": (3650, "anonymise"),
        "handover": (3650, "anonymise"),
        "area_of_control": (3650, "anonymise"),
        "login_attempt": (90, "delete"),
    }
    # Every kind retention knows has a default, and the run takes them in KINDS order.
    assert [r.kind for r in retention.rules()] == list(retention.KINDS)


def test_the_command_prints_what_it_did(
    world: World, army: WeaponBearer, settings: Settings
) -> None:
    person_to_forget(world, army)
    settings.RETENTION = ONLY_PEOPLE
    out = StringIO()
    call_command("retention", "run", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run: nothing was changed" in text
    assert "person         365 d     anonymise  1         1        1           0" in text
    assert "interaction    for ever" in text
    out = StringIO()
    call_command("retention", "run", stdout=out)
    assert "Change-log entries rewritten:" in out.getvalue()
    assert Person.objects.get().anonymised_at is not None
    out = StringIO()
    call_command("retention", "show", stdout=out)
    assert "person: 365 days, then anonymise" in out.getvalue()
    assert "interaction: kept for ever" in out.getvalue()
    settings.RETENTION = {"person": {"days": 1, "action": "burn"}}
    with pytest.raises(CommandError, match="must be one of"):
        call_command("retention", "run", stdout=StringIO())


def test_an_open_follow_up_of_an_old_interaction_still_due_is_kept(
    world: World, army: WeaponBearer
) -> None:
    old = make_interaction(world.alice, world.varnia, occurred_at=NOW - 3 * YEAR)
    due = do_create_follow_up(
        old, actor=world.alice, action="Deliver the booklets", due_on=NOW.date()
    )
    backdate(FollowUp, due, created_at=NOW - 3 * YEAR)
    done_late = do_create_follow_up(old, actor=world.alice, action="Call the colonel")
    backdate(FollowUp, done_late, created_at=NOW - 3 * YEAR)
    FollowUp._base_manager.filter(pk=done_late.pk).update(
        status=FollowUpStatus.DONE, done_on=(NOW - 3 * YEAR).date()
    )
    config = {"follow_up": {"days": 365, "action": "anonymise"}}
    [follow_ups] = retention.run(config=config, now=NOW).kinds
    assert (follow_ups.examined, follow_ups.anonymised) == (2, 1)
    assert FollowUp.objects.get(pk=due.pk).action == "Deliver the booklets"
    assert FollowUp.objects.get(pk=done_late.pk).action == retention.MARKER


def test_a_signature_counts_as_a_sign_of_life_and_goes_with_the_person(
    world: World, army: WeaponBearer
) -> None:
    forgotten = person_to_forget(world, army)
    signer = make_person(world.alice, world.varnia, full_name="Capt. Anwen Dusk")
    backdate(Person, signer, created_at=NOW - 3 * YEAR)
    old = do_register_commitment(
        actor=world.alice,
        compartment=world.varnia,
        instrument="order",
        title="Order on checkpoints of the Ninth",
        scope="Ambulances pass the Ninth's checkpoints without search delays.",
        bearers=[army],
        made_on=(NOW - 2 * YEAR).date(),
        signatories=[
            {
                "capacity": "military",
                "bearer": army,
                "person": forgotten,
                "name_as_signed": "Maj. I. Q. Maren",
                "signed_as": "Quartermaster of the Ninth",
            }
        ],
    )
    do_register_commitment(
        actor=world.alice,
        compartment=world.varnia,
        instrument="safe_passage",
        title="Safe passage at the ford",
        scope="Our convoys cross the ford on notification.",
        bearers=[army],
        made_on=(NOW - 30 * datetime.timedelta(days=1)).date(),
        signatories=[{"capacity": "military", "bearer": army, "person": signer}],
    )
    assert "Maj. I. Q. Maren" in plaintexts_in_database()

    retention.run(config=ONLY_PEOPLE, now=NOW)

    assert Person._base_manager.get(pk=forgotten.pk).anonymised_at is not None
    assert Person._base_manager.get(pk=signer.pk).anonymised_at is None  # signed 30 days ago
    [signature] = Signatory._base_manager.filter(person=forgotten)
    assert (signature.name_as_signed, signature.signed_as) == ("", "")
    assert (signature.commitment_id, signature.capacity) == (old.pk, "military")
    after = plaintexts_in_database()
    for secret in (*SECRETS, "Maj. I. Q. Maren"):
        assert secret not in after, secret
    assert verify_command().startswith("OK")

"""Retention of the issue-4 records: concerns (with everything under them), acceptance
assessments, checkpoint passages, access constraints, security incidents, dissemination
sessions, integration assessments and commitments (the ``DESCRIPTIONS`` table of
pourparler/core/retention.py).

For each kind: a record past its period is anonymised (its text gone from the row and
from the change log, what the figures need kept, the audit chain still verifying), a
record inside its period or still open is untouched, a dry run writes nothing and the
report counts are right. One test runs the command on a real SQLite file with
``--vacuum`` and looks for the old ciphertext in the file's bytes.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from pourparler.access.services import (
    do_delete_constraint,
    do_record_acceptance,
    do_record_constraint,
    do_record_incident,
    do_record_passage,
    do_update_acceptance,
    do_update_constraint,
    do_update_incident,
    do_update_passage,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import (
    do_record_compliance,
    do_register_commitment,
    do_update_commitment,
)
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.concerns.services import (
    do_change_concern_status,
    do_complete_concern_follow_up,
    do_delete_concern,
    do_open_concern,
    do_record_representation,
    do_record_response,
    do_schedule_concern_follow_up,
    do_update_concern,
    do_update_representation,
)
from pourparler.core import crypto, retention
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent, ChangeLogEntry, Record
from pourparler.core.tests.test_retention import backdate, plaintexts_in_database, verify_command
from pourparler.dialogue.models import Topic
from pourparler.integration.services import do_record_assessment, do_update_assessment
from pourparler.people.models import Person
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person
from pourparler.training.services import do_record_session, do_update_session

pytestmark = pytest.mark.django_db

NOW = timezone.now()
YEAR = datetime.timedelta(days=365)
REPO = Path(__file__).resolve().parents[3]
PARTS = (ConcernSource, Representation, Response, ConcernStatusChange, ConcernFollowUp)


def ago(years: float) -> datetime.datetime:
    return NOW - years * YEAR


def day(years: float) -> datetime.date:
    return timezone.localdate(ago(years))


def only(kind: str, days: int, action: str = "anonymise") -> dict[str, dict[str, Any]]:
    """A configuration that runs one kind only."""
    return {kind: {"days": days, "action": action}}


def fresh(obj: Record) -> Any:
    """The record as stored now, tombstoned or not."""
    return type(obj)._base_manager.get(pk=obj.pk)


def values(obj: Record, names: tuple[str, ...]) -> dict[str, Any]:
    """The stored values of some fields (many-to-many links as sorted ids)."""
    row = fresh(obj)
    found: dict[str, Any] = {}
    for name in names:
        model_field = row._meta.get_field(name)
        if model_field.many_to_many:
            found[name] = sorted(str(pk) for pk in getattr(row, name).values_list("pk", flat=True))
        else:
            assert isinstance(model_field, models.Field)
            found[name] = getattr(row, model_field.attname)
    return found


def counts() -> tuple[int, int]:
    return ChangeLogEntry.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


# --- One case per kind of record without parts -------------------------------------------


@dataclass
class Case:
    """Records of one kind: those that must expire (with the text that must go) and those
    that must be kept (with text that must stay), and the fields the figures need."""

    kind: str
    days: int
    expired: list[Record]
    kept: list[Record]
    gone: tuple[str, ...]
    stays: tuple[str, ...]
    figures: tuple[str, ...]
    anonymised: Callable[[Any], bool]
    examined: int = field(default=0)


def acceptance_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia
    contact = make_interaction(alice, varnia, bearers=[army], occurred_at=ago(6))
    old = do_record_acceptance(
        actor=alice,
        compartment=varnia,
        bearer=army,
        status="partly",
        assessed_on=day(6),
        interaction=contact,
        note="Commander Jaro Petrak let us in after the elders spoke.",
    )
    do_update_acceptance(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"note": "Petrak's deputy, Ivo Lask, confirmed it."},
    )
    recent = do_record_acceptance(
        actor=alice,
        compartment=varnia,
        bearer=army,
        status="accepted",
        assessed_on=day(1),
        note="Major Edda Voss welcomed the convoy.",
    )
    return Case(
        "acceptance_assessment",
        5 * 365,
        [old],
        [recent],
        gone=("Jaro Petrak", "Ivo Lask"),
        stays=("Edda Voss",),
        figures=("bearer", "status", "assessed_on", "interaction", "compartment"),
        anonymised=lambda row: row.note == "",
    )


def passage_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia

    def passage(years: float, note: str, latitude: str, longitude: str, **fields: Any) -> Any:
        return do_record_passage(
            actor=alice,
            compartment=varnia,
            bearer=army,
            place_name="Kessel Ford bridge",
            occurred_at=ago(years),
            note=note,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            **fields,
        )

    old = passage(
        4,
        "Sgt. Vadim Orlov asked for our badges.",
        "41.23457",
        "19.87654",
        outcome="delayed",
        delay_minutes=90,
        team_size=3,
        vehicle_count=2,
    )
    do_update_passage(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"note": "Sgt. Vadim Orlov kept the driver's phone."},
    )
    recent = passage(
        1, "Corporal Lena Fisk waved us through.", "41.11111", "19.22222", outcome="passed"
    )
    return Case(
        "checkpoint_passage",
        3 * 365,
        [old],
        [recent],
        gone=("Vadim Orlov", "badges", "41.23457", "19.87654"),
        stays=("Lena Fisk", "41.11111", "19.22222"),
        figures=(
            "bearer",
            "unit",
            "place_name",
            "admin_area",
            "occurred_at",
            "outcome",
            "delay_minutes",
            "team_size",
            "vehicle_count",
            "compartment",
        ),
        anonymised=lambda row: (row.note, row.latitude, row.longitude) == ("", None, None),
    )


def constraint_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia

    def constraint(description: str, start: float, end: float | None, latitude: str) -> Any:
        return do_record_constraint(
            actor=alice,
            compartment=varnia,
            category="movement",
            subcategory="movement_closure",
            description=description,
            occurred_on=day(start),
            ended_on=day(end) if end is not None else None,
            bearer=army,
            effect="suspended",
            place_name="Dorne road",
            latitude=Decimal(latitude),
            longitude=Decimal("20.10101"),
        )

    ended = constraint("Captain Rusa Helm closed the Dorne road.", 7, 6, "42.00001")
    do_update_constraint(
        ended,
        actor=alice,
        expected_version=ended.version,
        changes={"description": "Captain Rusa Helm closed it for a funeral."},
    )
    # Deleted while it lasted, six years ago: the deletion ended it.
    deleted = constraint("Warden Oskar Blum barred the clinic gate.", 7, None, "42.00002")
    do_delete_constraint(deleted, actor=alice, expected_version=deleted.version)
    backdate(type(deleted), deleted, deleted_at=ago(6))
    lasting = constraint("Colonel Nadia Sorn still blocks the valley.", 7, None, "42.00003")
    recent = constraint("Lt. Piet Aro held the ferry for a week.", 2, 1, "42.00004")
    return Case(
        "access_constraint",
        5 * 365,
        [ended, deleted],
        [lasting, recent],
        gone=("Rusa Helm", "funeral", "Oskar Blum", "42.00001", "42.00002"),
        stays=("Nadia Sorn", "Piet Aro", "42.00003", "42.00004"),
        figures=(
            "category",
            "subcategory",
            "occurred_on",
            "ended_on",
            "place_name",
            "bearer",
            "unit",
            "effect",
            "deleted_at",
        ),
        anonymised=lambda row: (row.description, row.latitude) == (retention.MARKER, None),
    )


def incident_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia
    old = do_record_incident(
        actor=alice,
        compartment=varnia,
        kind="detention",
        severity="serious",
        description="Driver Tomas Bek held six hours by Lt. Ferro.",
        bearers=[army],
        occurred_at=ago(11),
        staff_affected=2,
        place_name="Kessel Ford compound",
        latitude=Decimal("43.55555"),
        longitude=Decimal("21.44444"),
    )
    do_update_incident(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"description": "Driver Tomas Bek and nurse Ama Oyelaran held."},
    )
    recent = do_record_incident(
        actor=alice,
        compartment=varnia,
        kind="threat",
        description="A fighter named Gorin threatened the guard.",
        bearers=[army],
        occurred_at=ago(2),
    )
    return Case(
        "security_incident",
        10 * 365,
        [old],
        [recent],
        gone=("Tomas Bek", "Ferro", "Ama Oyelaran", "43.55555", "21.44444"),
        stays=("Gorin",),
        figures=(
            "kind",
            "severity",
            "occurred_at",
            "place_name",
            "bearers",
            "staff_affected",
            "passage",
        ),
        anonymised=lambda row: (row.description, row.longitude) == (retention.MARKER, None),
    )


def session_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia
    topics = list(Topic.objects.order_by("code")[:2])

    def session(held: float, ends: float | None, outside: str, notes: str) -> Any:
        return do_record_session(
            actor=alice,
            compartment=varnia,
            kind="course",
            bearer=army,
            participants=24,
            women=5,
            topics=topics,
            facilitators=[world.bob],
            held_on=day(held),
            ends_on=day(ends) if ends is not None else None,
            place_name="Camp Orrin",
            language="en",
            tested=20,
            pre_score=Decimal("41.5"),
            post_score=Decimal("73.0"),
            external_facilitators=outside,
            notes=notes,
        )

    old = session(6.01, 6, "Lt-Col. Anke Varga, army legal adviser", "Brigadier Hollis asked more.")
    do_update_session(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"notes": "Brigadier Hollis and Major Quist asked for a second course."},
    )
    one_day = session(6, None, "Capt. Rem Doyle", "Sergeant Ulla Brandt translated.")
    # Began six years ago, ended four years ago: counted from its end.
    long_course = session(6, 4, "Dr Ines Karo", "Two cohorts; Colonel Abeni Toure spoke.")
    recent = session(1, None, "Maj. Sven Holt", "Held in the new hall.")
    return Case(
        "dissemination_session",
        5 * 365,
        [old, one_day],
        [long_course, recent],
        gone=("Anke Varga", "Hollis", "Quist", "Rem Doyle", "Ulla Brandt"),
        stays=("Ines Karo", "Abeni Toure", "Sven Holt"),
        figures=(
            "kind",
            "held_on",
            "ends_on",
            "place_name",
            "bearer",
            "units",
            "level",
            "participants",
            "women",
            "topics",
            "language",
            "facilitators",
            "tested",
            "pre_score",
            "post_score",
            "interaction",
        ),
        anonymised=lambda row: (row.notes, row.external_facilitators) == ("", ""),
    )


def integration_case(world: World, army: WeaponBearer) -> Case:
    alice, varnia = world.alice, world.varnia
    contact = make_interaction(alice, varnia, bearers=[army], occurred_at=ago(11))
    old = do_record_assessment(
        actor=alice,
        compartment=varnia,
        bearer=army,
        pillar="sanctions",
        level=2,
        evidence="Judge Marek Sillo convicted two soldiers.",
        assessed_on=day(11),
        assessed_by=world.bob,
        interactions=[contact],
    )
    do_update_assessment(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"evidence": "Judge Marek Sillo's court; prosecutor Lia Hanne appealed."},
    )
    recent = do_record_assessment(
        actor=alice,
        compartment=varnia,
        bearer=army,
        pillar="doctrine",
        level=3,
        evidence="The new manual, signed by General Oda Brent.",
        assessed_on=day(2),
    )
    return Case(
        "integration_assessment",
        10 * 365,
        [old],
        [recent],
        gone=("Marek Sillo", "Lia Hanne"),
        stays=("Oda Brent",),
        figures=("bearer", "pillar", "level", "assessed_on", "assessed_by", "interactions"),
        anonymised=lambda row: row.evidence == retention.MARKER,
    )


CASES = {
    "acceptance_assessment": acceptance_case,
    "checkpoint_passage": passage_case,
    "access_constraint": constraint_case,
    "security_incident": incident_case,
    "dissemination_session": session_case,
    "integration_assessment": integration_case,
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_record_past_its_period_is_anonymised_and_the_others_are_untouched(
    world: World, army: WeaponBearer, kind: str
) -> None:
    case = CASES[kind](world, army)
    assert case.kind == kind
    config = only(kind, case.days)
    everything = case.expired + case.kept
    # The test can fail: before the run every secret is in the database.
    before = plaintexts_in_database()
    for secret in case.gone + case.stays:
        assert secret in before, secret
    figures = {obj.pk: values(obj, case.figures) for obj in case.expired}
    columns = {obj.pk: tuple(f.name for f in obj._meta.concrete_fields) for obj in case.kept}
    kept = {obj.pk: values(obj, columns[obj.pk]) for obj in case.kept}
    written = counts()

    [dry] = retention.run(config=config, now=NOW, dry_run=True).kinds
    assert (dry.examined, dry.expired, dry.anonymised, dry.deleted) == (
        len(everything),
        len(case.expired),
        len(case.expired),
        0,
    )
    assert counts() == written
    assert plaintexts_in_database() == before

    [report] = retention.run(config=config, now=NOW).kinds

    assert (report.kind, report.days, report.action) == (kind, case.days, "anonymise")
    assert (report.examined, report.expired, report.anonymised, report.deleted) == (
        len(everything),
        len(case.expired),
        len(case.expired),
        0,
    )
    assert report.entries_rewritten >= 2 * len(case.expired)  # at least creation and update
    after = plaintexts_in_database()
    for secret in case.gone:
        assert secret not in after, secret
    for secret in case.stays:
        assert secret in after, secret
    for obj in case.expired:
        row = fresh(obj)
        assert case.anonymised(row), obj
        assert values(obj, case.figures) == figures[obj.pk]
        event = AuditEvent.objects.get(kind=AuditKind.RETENTION, object_id=obj.pk)
        assert event.detail["kind"] == kind and event.actor_name == "system"
        assert row.updated_by is None and row.version > obj.version
    for obj in case.kept:
        assert values(obj, tuple(kept[obj.pk])) == kept[obj.pk]
        assert not case.anonymised(fresh(obj))
    assert verify_command().startswith("OK")

    # Nothing more to do the next night.
    [again] = retention.run(config=config, now=NOW).kinds
    assert (again.examined, again.anonymised) == (len(case.kept), 0)


def test_delete_puts_a_tombstone_on_an_old_passage_and_keeps_its_text_encrypted(
    world: World, army: WeaponBearer
) -> None:
    case = passage_case(world, army)
    [old], [recent] = case.expired, case.kept
    [report] = retention.run(config=only("checkpoint_passage", 3 * 365, "delete"), now=NOW).kinds
    assert (report.examined, report.deleted, report.anonymised) == (2, 1, 0)
    assert fresh(old).deleted_at is not None and fresh(old).note.startswith("Sgt. Vadim")
    assert fresh(recent).deleted_at is None
    assert verify_command().startswith("OK")


# --- Concerns, with what is under them ------------------------------------------------------

CONCERN_SECRETS = (
    "Kessel Ford market",  # place name
    "44.12345",  # coordinates
    "Two shells hit the stalls",  # description, first version
    "Amira Tal",  # the witness, in the source
    "Colonel Brask",  # to whom, in words
    "distinction was ignored",  # what we said, first version
    "Major Ilse Dorn",  # from whom
    "denied any shelling",  # what they said
    "The crater was filled",  # a status note
    "Call Amira's brother",  # a follow-up
)


def old_concern(world: World, army: WeaponBearer) -> Concern:
    """Facts twelve years ago, raised and answered, closed eleven years ago, with a
    source, a representation to a person we know, a follow-up done, and corrections."""
    alice = world.alice
    brask = make_person(alice, world.varnia, full_name="Col. Tarik Brask")
    concern = do_open_concern(
        actor=alice,
        compartment=world.varnia,
        summary="Shelling of the Kessel Ford market",
        description="Two shells hit the stalls at noon.",
        occurred_on=day(12),
        opened_on=day(12),
        category=Topic.objects.get(code="conduct-of-hostilities"),
        bearers=[army],
        place_name="Kessel Ford market",
        latitude=Decimal("44.12345"),
        longitude=Decimal("22.54321"),
        rule="Rule 1 of customary IHL",
        sources=[
            {
                "kind": "witness",
                "reliability": "B",
                "credibility": "2",
                "description": "Amira Tal, a stallholder, saw both impacts.",
                "received_on": day(12),
            }
        ],
    )
    concern = do_update_concern(
        concern,
        actor=alice,
        expected_version=concern.version,
        changes={"description": "Shells hit the market; three dead."},
    )
    representation = do_record_representation(
        concern,
        actor=alice,
        made_on=day(11.9),
        level="operational",
        content="The rule of distinction was ignored.",
        to_person=brask,
        to_whom="Colonel Brask, brigade commander",
        made_by=[world.bob],
    )
    do_update_representation(
        representation,
        actor=alice,
        expected_version=representation.version,
        changes={"content": "We reminded them of the rule of distinction."},
    )
    do_record_response(
        concern,
        actor=alice,
        received_on=day(11.8),
        kind="denied",
        from_whom="Major Ilse Dorn, legal adviser",
        content="They denied any shelling that day.",
    )
    follow_up = do_schedule_concern_follow_up(
        concern, actor=alice, action="Call Amira's brother about the dead.", due_on=day(11.7)
    )
    do_complete_concern_follow_up(
        follow_up, actor=alice, expected_version=follow_up.version, done_on=day(11.7)
    )
    concern = Concern.objects.get(pk=concern.pk)
    return do_change_concern_status(
        concern,
        actor=alice,
        expected_version=concern.version,
        status="closed",
        note="The crater was filled; nothing more to do.",
        changed_on=day(11),
    )


def parts_of(concern: Concern) -> list[Record]:
    return [
        row
        for model in PARTS
        for row in model._base_manager.filter(concern=concern).order_by("created_at")
    ]


CONCERN_FIGURES = (
    "occurred_on",
    "date_precision",
    "admin_area",
    "bearers",
    "unit",
    "category",
    "legal_framework",
    "rule",
    "confidentiality",
    "opened_on",
    "status",
    "status_on",
    "raised_on",
    "raised_level",
    "responded_on",
    "addressed_on",
)


def test_a_concern_closed_long_ago_is_anonymised_with_everything_under_it(
    world: World, army: WeaponBearer
) -> None:
    concern = old_concern(world, army)
    before = plaintexts_in_database()
    for secret in CONCERN_SECRETS:
        assert secret in before, secret
    brask = Representation.objects.get(concern=concern).to_person
    assert brask is not None
    figures = values(concern, CONCERN_FIGURES)
    parts = parts_of(concern)
    assert len(parts) == 8  # a source, a representation, a response, a follow-up, 4 moves
    representation = Representation.objects.get(concern=concern)

    [report] = retention.run(config=only("concern", 10 * 365), now=NOW).kinds

    assert (report.examined, report.expired, report.anonymised) == (1, 1, 1)
    after = plaintexts_in_database()
    for secret in CONCERN_SECRETS:
        assert secret not in after, secret
    # The person stays (their own clock decides), but nothing under the concern links to
    # them any more, not even the change log.
    assert Person.objects.filter(pk=brask.pk).exists()
    for entry in ChangeLogEntry.objects.filter(object_id=representation.pk):
        assert str(brask.pk) not in json.dumps([entry.before, entry.after])

    stored = fresh(concern)
    assert (stored.summary, stored.description) == (retention.MARKER, retention.MARKER)
    assert (stored.place_name, stored.latitude, stored.longitude) == ("", None, None)
    assert values(concern, CONCERN_FIGURES) == figures
    [source] = ConcernSource.objects.filter(concern=concern)
    assert (source.description, source.kind, source.grading) == ("", "witness", "B2")
    representation = Representation.objects.get(concern=concern)
    assert (representation.content, representation.to_whom) == (retention.MARKER, "")
    assert representation.to_person_id is None and representation.level == "operational"
    assert list(representation.made_by.all()) == [world.bob]
    [response] = Response.objects.filter(concern=concern)
    assert (response.content, response.from_whom, response.kind) == ("", "", "denied")
    [follow_up] = ConcernFollowUp.objects.filter(concern=concern)
    assert (follow_up.action, follow_up.status) == (retention.MARKER, "done")
    moves = ConcernStatusChange.objects.filter(concern=concern).order_by("changed_on")
    assert [(m.to_status, m.note) for m in moves] == [
        ("open", ""),
        ("raised", ""),
        ("responded", ""),
        ("closed", ""),
    ]
    # One retention event for the concern; its parts' changes are in the change log, by
    # the system, for every part that held text (the first move has no note).
    assert AuditEvent.objects.filter(kind=AuditKind.RETENTION, object_id=concern.pk).count() == 1
    changed = [fresh(part) for part in parts if fresh(part).version > part.version]
    assert len(changed) == 7 and all(part.updated_by is None for part in changed)
    assert verify_command().startswith("OK")


def test_open_persisting_recent_and_recently_active_concerns_are_kept(
    world: World, army: WeaponBearer
) -> None:
    alice = world.alice
    closed = old_concern(world, army)
    conduct = Topic.objects.get(code="conduct-of-hostilities")

    def concern(summary: str, opened: float) -> Concern:
        return do_open_concern(
            actor=alice,
            compartment=world.varnia,
            summary=summary,
            description=f"{summary}: what happened.",
            occurred_on=day(opened),
            opened_on=day(opened),
            category=conduct,
            bearers=[army],
        )

    def move(obj: Concern, status: str, years: float) -> Concern:
        obj = Concern.objects.get(pk=obj.pk)
        return do_change_concern_status(
            obj,
            actor=alice,
            expected_version=obj.version,
            status=status,
            note=f"{status} note",
            changed_on=day(years),
        )

    never_raised = concern("Looting at Orrin farm", 12)
    persisting = concern("Arrests at the Dorne mill", 12)
    do_record_representation(
        persisting, actor=alice, made_on=day(11.9), level="strategic", content="Raised at HQ."
    )
    persisting = move(persisting, "persisting", 11)
    recently_closed = move(concern("Mines on the Vell road", 3), "closed", 2)
    # Addressed eleven years ago, but raised again last month.
    raised_again = concern("Beatings at the Sarn station", 12)
    do_record_representation(
        raised_again, actor=alice, made_on=day(11.9), level="tactical", content="First time."
    )
    raised_again = move(raised_again, "addressed", 11)
    do_record_representation(
        raised_again, actor=alice, made_on=day(0.1), level="operational", content="Again."
    )
    # Deleted while open, eleven years ago: the deletion ended it.
    deleted = concern("Checkpoint shooting at Tarn", 12)
    deleted = do_delete_concern(deleted, actor=alice, expected_version=deleted.version)
    backdate(Concern, deleted, deleted_at=ago(11))
    config = only("concern", 10 * 365)
    written = counts()

    [dry] = retention.run(config=config, now=NOW, dry_run=True).kinds
    assert (dry.examined, dry.expired, dry.anonymised) == (6, 2, 2)
    assert counts() == written

    [report] = retention.run(config=config, now=NOW).kinds

    assert (report.examined, report.expired, report.anonymised) == (6, 2, 2)
    assert fresh(closed).summary == fresh(deleted).summary == retention.MARKER
    for kept in (never_raised, persisting, recently_closed, raised_again):
        assert fresh(kept).summary == kept.summary != retention.MARKER
        assert fresh(kept).description.endswith("what happened.")
    said = sorted(r.content for r in Representation.objects.filter(concern=raised_again))
    assert said == ["Again.", "First time."]
    assert verify_command().startswith("OK")


def test_new_text_under_an_anonymised_concern_is_examined_again(
    world: World, army: WeaponBearer
) -> None:
    alice = world.alice
    concern = do_open_concern(
        actor=alice,
        compartment=world.varnia,
        summary="Shots at the Orrin clinic",
        description="Two nurses hurt.",
        occurred_on=day(12),
        opened_on=day(12),
        category=Topic.objects.get(code="conduct-of-hostilities"),
        bearers=[army],
    )
    do_record_representation(
        concern, actor=alice, made_on=day(11.9), level="operational", content="Raised."
    )
    concern = Concern.objects.get(pk=concern.pk)
    do_change_concern_status(
        concern,
        actor=alice,
        expected_version=concern.version,
        status="addressed",
        note="Commander Hale disciplined the platoon.",
        changed_on=day(11),
    )
    config = only("concern", 10 * 365)
    assert retention.run(config=config, now=NOW).kinds[0].anonymised == 1
    assert retention.run(config=config, now=NOW).kinds[0].examined == 0

    # A colleague schedules a follow-up on the anonymised concern: it is looked at again,
    # and kept while the follow-up is due; when that is old, its text goes too.
    do_schedule_concern_follow_up(
        fresh(concern),
        actor=alice,
        action="Ask Sergeant Kofi Adu whether the clinic reopened.",
        due_on=day(-0.1),
    )
    [kept] = retention.run(config=config, now=NOW).kinds
    assert (kept.examined, kept.anonymised) == (1, 0)
    [later] = retention.run(config=config, now=NOW + 11 * YEAR).kinds
    assert (later.examined, later.anonymised) == (1, 1)
    assert "Kofi Adu" not in plaintexts_in_database()
    assert ConcernFollowUp.objects.get(concern=concern).action == retention.MARKER
    assert verify_command().startswith("OK")


def test_the_delete_action_tombstones_the_concern_and_hides_what_is_under_it(
    world: World, army: WeaponBearer
) -> None:
    concern = old_concern(world, army)
    [report] = retention.run(config=only("concern", 10 * 365, "delete"), now=NOW).kinds
    assert (report.examined, report.deleted) == (1, 1)
    assert not Concern.objects.visible_to(world.alice).filter(pk=concern.pk).exists()
    assert not Representation.objects.visible_to(world.alice).filter(concern=concern).exists()
    entry = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Concern), object_id=concern.pk
    ).first()
    assert entry is not None and (entry.action, entry.actor_name) == ("delete", "system")
    assert verify_command().startswith("OK")


def test_the_table_names_real_fields_and_the_required_text_gets_the_marker() -> None:
    """Each line of DESCRIPTIONS overwrites fields its model has, with values they accept."""
    for description in retention.DESCRIPTIONS:
        policy = retention.all_policies()[description.kind]
        model = policy.model()
        pairs = [(model, description.overwrite, description.unlink)]
        pairs += [
            (apps.get_model(part.model), part.overwrite, part.unlink) for part in description.parts
        ]
        for target, overwrite, unlink in pairs:
            for name, value in overwrite.items():
                model_field = target._meta.get_field(name)
                assert isinstance(model_field, models.Field), (target, name)
                if value is None:
                    assert model_field.null, (target, name)
                elif value == "":
                    assert model_field.blank, (target, name)  # required text gets the marker
                elif value == retention.EMPTY_NEGOTIATION_VERSION:
                    # A version's picture of the file, with its headings and nothing else.
                    assert json.loads(value)["title"] == retention.MARKER, (target, name)
                else:
                    assert value == retention.MARKER, (target, name)
                    assert len(value) <= (model_field.max_length or len(value)), (target, name)
            for name in unlink:
                assert target._meta.get_field(name).many_to_many, (target, name)
        assert description.kind in retention.KINDS


# --- Commitments, with their signatories and compliance observations -----------------------


def test_a_commitment_no_longer_observed_is_anonymised_with_its_signatories_and_observations(
    world: World, army: WeaponBearer
) -> None:
    alice = world.alice
    dal = make_person(alice, world.varnia, full_name="Cmdr. Yusuf Dal")

    def commitment(title: str, made: float, **fields: Any) -> Commitment:
        return do_register_commitment(
            actor=alice,
            compartment=world.varnia,
            instrument="security_guarantee",
            title=title,
            scope=f"{title}: safe conduct for our convoys on the Kessel road.",
            bearers=[army],
            made_on=day(made),
            **fields,
        )

    old = commitment(
        "Guarantee from Commander Dal",
        12,
        terms="We, the Northern Front, guarantee the convoys of Yusuf Dal's sector.",
        witness="Elder Mira Sahl of Orrin",
        place_name="Orrin school",
        signatories=[
            {
                "capacity": "military",
                "bearer": army,
                "person": dal,
                "name_as_signed": "Y. Dal",
                "signed_as": "Commander of the Northern Front",
                "signed_on": day(12),
            }
        ],
    )
    old = do_update_commitment(
        old,
        actor=alice,
        expected_version=old.version,
        changes={"scope": "Safe conduct on the Kessel road, as Yusuf Dal promised."},
    )
    do_record_compliance(
        old,
        actor=alice,
        observed_on=day(11.5),
        assessment="kept",
        note="Convoy passed; Dal's escort met it at the ford.",
    )
    still_watched = commitment("Order of Colonel Imre Vass", 12)
    do_record_compliance(
        still_watched,
        actor=alice,
        observed_on=day(1),
        assessment="breached",
        note="Vass's men stopped the convoy again.",
    )
    recent = commitment("Declaration of Sheikh Omar Tarn", 2)
    # The person keeps their name (their own clock); what the commitment said of them goes.
    gone = ("Commander Dal", "Dal's sector", "Yusuf Dal promised", "Y. Dal", "Dal's escort")
    gone += ("Mira Sahl",)
    gone += ("Commander of the Northern Front",)
    stays = ("Imre Vass", "Vass's men", "Omar Tarn")
    before = plaintexts_in_database()
    for secret in gone + stays:
        assert secret in before, secret
    figures = ("instrument", "bearers", "made_on", "date_precision", "place_name", "disclosure")
    figures += ("current_compliance", "compliance_observed_on", "interactions")
    kept_figures = values(old, figures)
    config = only("commitment", 10 * 365)
    written = counts()

    [dry] = retention.run(config=config, now=NOW, dry_run=True).kinds
    assert (dry.examined, dry.expired, dry.anonymised) == (3, 1, 1)
    assert counts() == written

    [report] = retention.run(config=config, now=NOW).kinds

    assert (report.examined, report.expired, report.anonymised, report.deleted) == (3, 1, 1, 0)
    after = plaintexts_in_database()
    for secret in gone:
        assert secret not in after, secret
    for secret in stays:
        assert secret in after, secret
    stored = fresh(old)
    assert (stored.title, stored.scope) == (retention.MARKER, retention.MARKER)
    assert (stored.terms, stored.witness) == ("", "")
    assert values(old, figures) == kept_figures
    assert stored.current_compliance == "kept"
    [signatory] = Signatory.objects.filter(commitment=old)
    assert (signatory.name_as_signed, signatory.signed_as) == (retention.MARKER, "")
    assert (signatory.person_id, signatory.capacity, signatory.bearer_id) == (
        None,
        "military",
        army.pk,
    )
    assert signatory.signed_on == day(12)
    [observation] = ComplianceObservation.objects.filter(commitment=old)
    assert (observation.note, observation.assessment) == (retention.MARKER, "kept")
    assert Person.objects.filter(pk=dal.pk).exists()
    assert fresh(still_watched).title == "Order of Colonel Imre Vass"
    assert fresh(recent).title == "Declaration of Sheikh Omar Tarn"
    assert verify_command().startswith("OK")
    [again] = retention.run(config=config, now=NOW).kinds
    assert (again.examined, again.anonymised) == (2, 0)


# --- The old ciphertext does not stay in the SQLite file ------------------------------------


def write_canaries(plan: str) -> None:
    """Run in a process of its own (see the test below): store canaries in a concern
    closed eleven years ago and a checkpoint passage four years old, correct them once,
    and write the canaries and the ciphertext the database holds for them to ``plan``."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from pourparler.testing.personas import build_world

    world = build_world()
    army = make_bearer(world.alice, name="Canary Armed Forces")
    concern = old_concern(world, army)
    passage = do_record_passage(
        actor=world.alice,
        compartment=world.varnia,
        bearer=army,
        place_name="Canary bridge",
        outcome="passed",
        occurred_at=ago(4),
        note="CANARY-passage-note-Sgt-Vadim-Orlov",
        latitude=Decimal("41.98765"),
        longitude=Decimal("19.12345"),
    )
    do_update_passage(
        passage,
        actor=world.alice,
        expected_version=passage.version,
        changes={"note": "CANARY-passage-second-note"},
    )
    records: list[Record] = [concern, *parts_of(concern), passage]
    tokens: list[str] = []
    for obj in records:
        for model_field in crypto.encrypted_fields(type(obj)):
            token = (
                type(obj)._base_manager.filter(pk=obj.pk).values_list(model_field.name, flat=True)
            ).get()
            if token:
                tokens.append(str(token))
        for entry in ChangeLogEntry.objects.filter(object_id=obj.pk):
            for side in (entry.before or {}, entry.after or {}):
                tokens += [v for v in side.values() if isinstance(v, str) and crypto.is_token(v)]
    texts = [*CONCERN_SECRETS, "CANARY-passage-note", "CANARY-passage-second", "41.98765"]
    Path(plan).write_text(json.dumps({"tokens": sorted(set(tokens)), "texts": texts}))


def file_bytes(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file())


def run_pourparler(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.mark.own_database
def test_after_a_run_with_vacuum_the_old_ciphertext_is_not_in_the_sqlite_file(
    tmp_path: Path, migrated_database: Callable[[Path], Path]
) -> None:
    data_dir = tmp_path / "data"
    migrated_database(data_dir / "pourparler.sqlite3")
    key = tmp_path / "keys" / "master.key"
    crypto.write_key_file(key, crypto.new_key())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POURPARLER_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pourparler.settings",
        POURPARLER_TESTING="1",
        POURPARLER_LOG_LEVEL="WARNING",
        POURPARLER_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'pourparler.sqlite3'}",
        POURPARLER_MASTER_KEY_FILE=str(key),
        POURPARLER_AUDIT_CHECKPOINT_EVERY="1000000",
    )
    # Only the two kinds under test expire, on their default periods.
    for kind in retention.KINDS:
        if kind not in ("concern", "checkpoint_passage"):
            env[f"POURPARLER_RETENTION_{kind.upper()}_DAYS"] = "0"
    plan = tmp_path / "plan.json"
    script = (
        "import django; django.setup(); "
        "from pourparler.core.tests.test_retention_records import write_canaries; "
        f"write_canaries({str(plan)!r})"
    )
    run_pourparler(["-c", script], env)
    written = json.loads(plan.read_text())
    tokens = [token.encode() for token in written["tokens"]]
    assert len(tokens) >= 15
    before = file_bytes(data_dir)
    # The scan can fail: the ciphertext is in the file before the run (never the text).
    assert all(token in before for token in tokens)
    assert not any(text.encode() in before for text in written["texts"] if "CANARY" in text)

    # Debian's SQLite zeroes what it deletes (SECURE_DELETE); others leave it in free
    # space, and then only the VACUUM removes it. Turned off here, the test shows that.
    command = (
        "import django; django.setup(); "
        "from django.db import connection; "
        "from django.core.management import call_command; "
        "connection.cursor().execute('PRAGMA secure_delete = OFF'); "
        "call_command('retention', 'run', '--vacuum')"
    )
    out = run_pourparler(["-c", command], env)
    assert "The SQLite file was rewritten (VACUUM)." in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    # kind, period ("3650 d"), action, then examined, expired, anonymised, deleted
    assert lines["concern"][4:] == ["1", "1", "1", "0"]
    assert lines["checkpoint_passage"][4:] == ["1", "1", "1", "0"]

    after = file_bytes(data_dir)
    left = [token for token in tokens if token in after]
    assert left == []
    for text in written["texts"]:
        assert text.encode() not in after, text
    verified = run_pourparler(["-m", "pourparler.cli", "audit", "verify"], env)
    assert verified.startswith("OK")

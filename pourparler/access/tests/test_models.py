"""The four access records and their services: rules, names, encryption, permissions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.services import (
    do_delete_passage,
    do_update_acceptance,
    do_update_incident,
    do_update_passage,
)
from pourparler.access.tests.conftest import assessment, constraint, incident, passage
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import ChangeAction
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, do_grant_access
from pourparler.testing.personas import World, make_bearer, make_interaction, make_unit

pytestmark = pytest.mark.django_db


def test_each_record_reads_well_in_a_pick_list(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    stop = passage(world.alice, world.varnia, army, "turned_back", place="Kessel Ford bridge")
    assert str(stop) == "Kessel Ford bridge, 2026-01-10 10:00: Turned back"
    held = incident(
        world.alice, world.varnia, [army], "detention", place_name="Kessel Ford", severity="serious"
    )
    assert str(held) == "Detention of staff at Kessel Ford, 2026-01-10 (Serious)"
    closed = constraint(world.alice, world.varnia, "movement", place_name="Road to Brannoch")
    assert str(closed) == "Restriction of movement within the country, Road to Brannoch, 2026-01-10"
    stance = assessment(world.alice, world.varnia, group, "partly", "2025-06-01")
    assert str(stance) == f"{group.name}: Partly accepted on 2025-06-01"


def test_confidential_text_is_encrypted_at_rest(world: World, army: WeaponBearer) -> None:
    secret = "Captain Orlov asked for cigarettes to let the convoy through."
    stop = passage(world.alice, world.varnia, army, "delayed", delay_minutes=20, note=secret)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM access_checkpointpassage WHERE id = %s", [stop.pk.hex])
        (stored,) = cursor.fetchone()
    assert stored.startswith("pp1:") and "Orlov" not in stored
    assert CheckpointPassage.objects.get(pk=stop.pk).note == secret
    entry = ChangeLogEntry.objects.get(object_id=stop.pk)
    assert "Orlov" not in str(entry.after)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "delayed"}, "delay_minutes"),
        ({"outcome": "turned_back", "delay_minutes": 15}, "delay_minutes"),
        ({"latitude": 44.1}, "longitude"),
        ({"longitude": 200, "latitude": 10}, "longitude"),
        ({"team_size": 0}, "team_size"),
    ],
)
def test_a_passage_is_refused_when_its_facts_do_not_hold_together(
    world: World, army: WeaponBearer, fields: dict[str, object], field: str
) -> None:
    values = {"outcome": "passed", **fields}
    outcome = str(values.pop("outcome"))
    with pytest.raises(ValidationError) as refused:
        passage(world.alice, world.varnia, army, outcome, **values)
    assert field in refused.value.message_dict
    assert not CheckpointPassage.objects.exists()


def test_a_constraint_must_end_after_it_starts_and_its_unit_needs_its_bearer(
    world: World, army: WeaponBearer
) -> None:
    with pytest.raises(ValidationError) as early:
        constraint(world.alice, world.varnia, ended_on=datetime.date(2025, 12, 31))
    assert "ended_on" in early.value.message_dict
    brigade = make_unit(world.alice, army)
    with pytest.raises(ValidationError) as orphan:
        constraint(world.alice, world.varnia, unit=brigade)
    assert "unit" in orphan.value.message_dict
    kept = constraint(
        world.alice, world.varnia, bearer=army, unit=brigade, subcategory="movement_checkpoint"
    )
    assert kept.unit == brigade and kept.bearer == army
    assert AccessConstraint.objects.count() == 1


def test_acceptance_must_be_shown_by_an_interaction_of_its_delegation_and_bearer(
    world: World, army: WeaponBearer, group: WeaponBearer, police: WeaponBearer
) -> None:
    about_army = make_interaction(world.alice, world.varnia, bearers=[army])
    with pytest.raises(ValidationError, match="not about this bearer"):
        assessment(
            world.alice, world.varnia, group, "accepted", "2026-01-01", interaction=about_army
        )
    in_kestria = make_interaction(world.dave, world.kestria, bearers=[police])
    # Alice may not even see Kestria's interaction: linking it is refused like a missing one.
    with pytest.raises(PermissionDenied):
        assessment(
            world.alice, world.varnia, police, "accepted", "2026-01-01", interaction=in_kestria
        )
    assert not AcceptanceAssessment.objects.exists()


def test_an_incident_links_only_a_passage_of_its_delegation(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    there = passage(world.dave, world.kestria, police, "incident")
    with pytest.raises(PermissionDenied):
        incident(world.alice, world.varnia, [army], passage=there)
    here = passage(world.alice, world.varnia, army, "incident")
    linked = incident(world.alice, world.varnia, [army], passage=here)
    assert list(here.security_incidents.all()) == [linked]
    assert SecurityIncident.objects.count() == 1


def test_an_incident_links_no_passage_at_a_bearer_the_actor_may_not_see(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    # carol's passage is in Varnia and not restricted, but at a bearer only she may see:
    # alice may not see the passage either, so the service refuses it like a missing one.
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    there = passage(world.carol, world.varnia, hidden, "incident")
    assert CheckpointPassage.objects.visible_to(world.alice).filter(pk=there.pk).exists()
    with pytest.raises(PermissionDenied) as refused:
        incident(world.alice, world.varnia, [army], passage=there)
    elsewhere = passage(world.dave, world.kestria, police, "incident")
    with pytest.raises(PermissionDenied) as out_of_reach:
        incident(world.alice, world.varnia, [army], passage=elsewhere)
    assert str(refused.value) == str(out_of_reach.value)
    here = passage(world.alice, world.varnia, army, "incident")
    linked = incident(world.alice, world.varnia, [army], passage=here)
    with pytest.raises(PermissionDenied):
        do_update_incident(
            linked, actor=world.alice, expected_version=1, changes={"passage": there}
        )
    linked.refresh_from_db()
    assert linked.passage == here and linked.version == 1
    assert SecurityIncident.objects.count() == 1
    # carol, who sees the bearer, may link it.
    assert incident(world.carol, world.varnia, [hidden], passage=there).passage == there


def test_linking_a_bearer_the_actor_may_not_see_is_refused(world: World) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", restricted=True, restricted_to=[world.carol]
    )
    with pytest.raises(PermissionDenied):
        passage(world.alice, world.varnia, hidden)
    with pytest.raises(PermissionDenied):
        incident(world.alice, world.varnia, [hidden])
    assert not CheckpointPassage.objects.exists() and not SecurityIncident.objects.exists()


def test_a_write_that_would_leave_the_record_out_of_reach_is_rolled_back(
    world: World, army: WeaponBearer
) -> None:
    stop = passage(world.alice, world.varnia, army)
    with pytest.raises(PermissionDenied):
        do_update_passage(
            stop, actor=world.alice, expected_version=1, changes={"compartment": world.kestria}
        )
    with pytest.raises(PermissionDenied):
        passage(world.alice, world.kestria, army)
    stop.refresh_from_db()
    assert stop.compartment == world.varnia and stop.version == 1
    assert CheckpointPassage.objects.count() == 1


def test_the_author_of_a_restricted_record_stays_among_its_readers(
    world: World, army: WeaponBearer
) -> None:
    stop = passage(world.alice, world.varnia, army, restricted=True, restricted_to=[world.carol])
    assert set(stop.restricted_to.all()) == {world.alice, world.carol}
    assert not CheckpointPassage.objects.visible_to(world.bob).filter(pk=stop.pk).exists()


def test_a_bearer_grant_follows_the_bearer_when_it_changes(
    world: World, army: WeaponBearer, group: WeaponBearer
) -> None:
    stance = assessment(world.alice, world.varnia, army, "unknown", "2026-01-01")
    moved = do_update_acceptance(
        stance, actor=world.alice, expected_version=1, changes={"bearer": group}
    )
    entry = ChangeLogEntry.objects.get(object_id=stance.pk, action=ChangeAction.UPDATE)
    assert {name for name, _b, _a in entry.changed_fields()} == {
        "bearer_id",
        "version",
        "updated_at",
    }
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=group,
        reason="Negotiating the reopening of the market road with the group",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert list(AcceptanceAssessment.objects.visible_to(world.dave)) == [moved]
    do_update_acceptance(moved, actor=world.alice, expected_version=2, changes={"bearer": army})
    assert not AcceptanceAssessment.objects.visible_to(world.dave).exists()


def test_a_stale_service_call_is_refused_and_logged_once(world: World, army: WeaponBearer) -> None:
    stop = passage(world.alice, world.varnia, army)
    do_update_passage(stop, actor=world.alice, expected_version=1, changes={"team_size": 4})
    with pytest.raises(EditConflict):
        do_update_passage(stop, actor=world.bob, expected_version=1, changes={"team_size": 6})
    with pytest.raises(EditConflict):
        do_delete_passage(stop, actor=world.bob, expected_version=1)
    stop.refresh_from_db()
    assert (stop.team_size, stop.version, stop.deleted_at) == (4, 2, None)
    conflicts = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CheckpointPassage),
        object_id=stop.pk,
        action=ChangeAction.CONFLICT,
    )
    assert conflicts.count() == 2
    assert {(e.after or {}).get("team_size") for e in conflicts} >= {6}

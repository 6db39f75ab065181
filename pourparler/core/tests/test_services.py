"""The one write path: versions, conflicts, permission re-checks and the change log."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.bearers.services import do_delete_bearer, do_update_bearer
from pourparler.core.choices import ChangeAction
from pourparler.core.crypto import decrypt_logged_value, is_token
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, RecordGone, do_grant_access
from pourparler.dialogue.models import Interaction
from pourparler.dialogue.services import do_delete_interaction, do_update_interaction
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db


def log_of(obj: Interaction) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("at", "object_version")
    )


def logged(entry: ChangeLogEntry, side: str) -> dict[str, object]:
    """Read one side of an entry as someone allowed to see the record would."""
    data = getattr(entry, side) or {}
    return {name: decrypt_logged_value(entry, name, value) for name, value in data.items()}


def test_it_logs_a_create_with_the_full_record(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Met the brigade.")
    [entry] = log_of(interaction)
    assert entry.action == ChangeAction.CREATE
    assert entry.actor == world.alice and entry.actor_name == "alice"
    assert entry.before is None
    assert is_token(entry.after["summary"])  # the log holds no plaintext
    assert logged(entry, "after")["summary"] == "Met the brigade."
    assert entry.after["version"] == 1
    assert entry.compartment_id == world.varnia.pk
    assert entry.request_id


def test_it_logs_an_update_with_before_and_after_and_bumps_the_version(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="First draft.")
    updated = do_update_interaction(
        interaction, actor=world.bob, expected_version=1, changes={"summary": "Second draft."}
    )
    assert updated.version == 2
    assert updated.updated_by == world.bob
    entry = log_of(interaction)[-1]
    assert entry.action == ChangeAction.UPDATE
    assert logged(entry, "before")["summary"] == "First draft."
    assert logged(entry, "after")["summary"] == "Second draft."
    changed = {name for name, _, _ in entry.changed_fields()}
    assert "summary" in changed and "notes" not in changed  # unchanged text keeps its token


def test_it_logs_many_to_many_changes(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    do_update_interaction(
        interaction,
        actor=world.alice,
        expected_version=1,
        changes={},
        links={"our_participants": [world.alice, world.bob]},
    )
    entry = log_of(interaction)[-1]
    assert sorted(entry.after["our_participants"]) == sorted(
        [str(world.alice.pk), str(world.bob.pk)]
    )


def test_it_refuses_a_stale_edit_and_keeps_both_versions(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia, summary="Original.")
    do_update_interaction(
        interaction, actor=world.alice, expected_version=1, changes={"summary": "Alice's edit."}
    )
    with pytest.raises(EditConflict) as conflict:
        do_update_interaction(
            interaction, actor=world.bob, expected_version=1, changes={"summary": "Bob's edit."}
        )

    assert conflict.value.current.version == 2
    stored = Interaction.objects.get(pk=interaction.pk)
    assert stored.summary == "Alice's edit." and stored.version == 2
    refused = log_of(interaction)[-1]
    assert refused.action == ChangeAction.CONFLICT
    assert refused.actor == world.bob
    assert logged(refused, "before")["summary"] == "Alice's edit."
    assert is_token(refused.after["summary"])  # what Bob tried is as confidential
    assert logged(refused, "after")["summary"] == "Bob's edit."


def test_it_rolls_back_a_write_the_actor_may_not_make(world: World) -> None:
    before = ChangeLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        make_interaction(world.dave, world.varnia, summary="Wrong compartment.")
    assert all(i.summary != "Wrong compartment." for i in Interaction.objects.all())
    assert ChangeLogEntry.objects.count() == before


def test_it_refuses_an_edit_that_moves_a_record_out_of_reach(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    with pytest.raises(PermissionDenied):
        do_update_interaction(
            interaction,
            actor=world.alice,
            expected_version=1,
            changes={"compartment": world.kestria},
        )
    assert Interaction.objects.get(pk=interaction.pk).compartment == world.varnia


def test_it_refuses_an_edit_by_someone_who_may_only_read(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    with pytest.raises(PermissionDenied):
        do_update_interaction(
            interaction, actor=world.hana, expected_version=1, changes={"summary": "HQ rewrite."}
        )


def test_it_deletes_softly_and_logs_the_tombstone(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    do_delete_interaction(interaction, actor=world.carol, expected_version=1)
    stored = Interaction.objects.get(pk=interaction.pk)
    assert stored.deleted_at is not None and stored.deleted_by == world.carol
    entry = log_of(interaction)[-1]
    assert entry.action == ChangeAction.DELETE
    assert entry.before["deleted_at"] is None and entry.after["deleted_at"] is not None
    with pytest.raises(RecordGone):
        do_update_interaction(
            interaction, actor=world.alice, expected_version=2, changes={"summary": "Too late."}
        )


def test_every_write_in_a_service_shares_one_request_id(world: World) -> None:
    interaction = make_interaction(
        world.alice, world.varnia, follow_ups=[{"action": "Call back"}, {"action": "Write"}]
    )
    ids = set(ChangeLogEntry.objects.filter(actor=world.alice).values_list("request_id", flat=True))
    assert interaction.follow_ups.count() == 2
    assert len(ids) >= 1


def test_only_registry_stewards_remove_a_bearer_and_a_grant_opens_no_registry(
    world: World,
) -> None:
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    contact = make_interaction(world.alice, world.varnia, bearers=[army])
    with pytest.raises(PermissionDenied):
        do_delete_bearer(army, actor=world.alice, expected_version=army.version)
    assert WeaponBearer.objects.visible_to(world.alice).filter(pk=army.pk).exists()
    # An auditor given a write grant on Varnia's compartment still may not touch the
    # registry every delegation shares.
    do_grant_access(
        actor=world.carol,
        grantee=world.audrey,
        access="write",
        delegation=world.varnia,
        reason="Correcting the dates of last month's contact log",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert list(Interaction.objects.visible_to(world.audrey, "change")) == [contact]
    assert not WeaponBearer.objects.visible_to(world.audrey, "change").exists()
    with pytest.raises(PermissionDenied):
        do_update_bearer(
            army, actor=world.audrey, expected_version=army.version, changes={"name": "X"}
        )
    removed = do_delete_bearer(army, actor=world.carol, expected_version=army.version)
    assert removed.deleted_by == world.carol
    assert not WeaponBearer.objects.visible_to(world.alice).filter(pk=army.pk).exists()

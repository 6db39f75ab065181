"""Writing sessions: links, the change log, conflicts, permission, and bearer grants."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import forget_clearance
from pourparler.core.choices import ChangeAction
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, do_grant_access
from pourparler.testing.personas import World, make_bearer, make_interaction, make_unit
from pourparler.training.models import DisseminationSession
from pourparler.training.services import do_delete_session, do_update_session
from pourparler.training.tests.conftest import make_session, topics

pytestmark = pytest.mark.django_db


def log_of(session: DisseminationSession) -> list[ChangeLogEntry]:
    return list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(DisseminationSession),
            object_id=session.pk,
        ).order_by("at")
    )


def test_recording_sets_links_and_writes_one_change_entry(world: World, army: WeaponBearer) -> None:
    brigade = make_unit(world.bob, army, name="12th Infantry Brigade")
    interaction = make_interaction(world.bob, world.varnia, bearers=[army], kind="course")
    session = make_session(
        world.bob,
        world.varnia,
        army,
        kind="course",
        units=[brigade],
        topics=topics("conduct-of-hostilities", "detention"),
        facilitators=[world.bob, world.alice],
        interaction=interaction,
    )
    assert list(session.units.all()) == [brigade]
    assert {t.code for t in session.topics.all()} == {"conduct-of-hostilities", "detention"}
    assert set(session.facilitators.all()) == {world.bob, world.alice}
    assert session.bearer == army
    [entry] = log_of(session)
    assert (entry.action, entry.actor, entry.object_version) == (ChangeAction.CREATE, world.bob, 1)
    assert entry.compartment == world.varnia


def test_units_of_another_bearer_are_refused_and_nothing_is_saved(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    station = make_unit(world.alice, police, name="Velmora Central Police Station")
    with pytest.raises(ValidationError, match="another bearer"):
        make_session(world.alice, world.varnia, army, units=[station])
    assert not DisseminationSession.objects.exists()


def test_a_bearer_the_actor_cannot_see_is_refused(world: World) -> None:
    hidden = make_bearer(world.carol, name="Shadow Brigade", restricted=True, restricted_to=[])
    with pytest.raises(PermissionDenied):
        make_session(world.alice, world.varnia, hidden)
    assert not DisseminationSession.objects.exists()


def test_an_interaction_of_another_delegation_is_refused(world: World, army: WeaponBearer) -> None:
    theirs = make_interaction(world.dave, world.kestria, bearers=[army], kind="course")
    with pytest.raises(PermissionDenied):
        make_session(world.alice, world.varnia, army, interaction=theirs)
    with pytest.raises(ValidationError, match="another delegation"):
        # Hana reads both compartments, so only the delegation check stops her.
        make_session(world.hana, world.hq, army, interaction=theirs)
    assert not DisseminationSession.objects.exists()


def test_an_update_is_logged_and_a_stale_one_is_refused(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army, participants=20)
    do_update_session(
        session, actor=world.bob, expected_version=1, changes={"participants": 25, "women": 5}
    )
    with pytest.raises(EditConflict):
        do_update_session(
            session, actor=world.alice, expected_version=1, changes={"participants": 99}
        )
    stored = DisseminationSession.objects.get(pk=session.pk)
    assert (stored.participants, stored.women, stored.version) == (25, 5, 2)
    actions = [(e.action, e.object_version) for e in log_of(session)]
    assert actions == [
        (ChangeAction.CREATE, 1),
        (ChangeAction.UPDATE, 2),
        (ChangeAction.CONFLICT, 2),
    ]
    update = log_of(session)[1]
    assert {name for name, _before, _after in update.changed_fields()} >= {"participants", "women"}


def test_moving_a_session_out_of_reach_is_rolled_back(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    with pytest.raises(PermissionDenied):
        do_update_session(
            session, actor=world.alice, expected_version=1, changes={"compartment": world.kestria}
        )
    assert DisseminationSession.objects.get(pk=session.pk).compartment == world.varnia


def test_changing_the_bearer_drops_the_former_bearers_units(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    brigade = make_unit(world.alice, army)
    session = make_session(world.alice, world.varnia, army, units=[brigade])
    do_update_session(session, actor=world.alice, expected_version=1, changes={"bearer": police})
    stored = DisseminationSession.objects.get(pk=session.pk)
    assert stored.bearer == police
    assert list(stored.units.all()) == []


def test_a_deleted_session_is_gone_for_everyone(world: World, army: WeaponBearer) -> None:
    session = make_session(world.alice, world.varnia, army)
    do_delete_session(session, actor=world.alice, expected_version=1)
    for user in (world.alice, world.carol, world.hana):
        assert not DisseminationSession.objects.visible_to(user).exists()
    assert log_of(session)[-1].action == ChangeAction.DELETE


def test_a_bearer_grant_opens_the_bearers_open_sessions_only(
    world: World, army: WeaponBearer, police: WeaponBearer
) -> None:
    about_army = make_session(world.alice, world.varnia, army)
    closed = make_session(
        world.carol, world.varnia, army, restricted=True, restricted_to=[world.carol]
    )
    about_police = make_session(world.alice, world.varnia, police)
    assert not DisseminationSession.objects.visible_to(world.dave).exists()
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=army,
        reason="Joint course with the Kestrian peace-operation contingent",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    forget_clearance(world.dave)
    seen = set(DisseminationSession.objects.visible_to(world.dave))
    assert seen == {about_army}
    assert closed not in seen and about_police not in seen
    assert not DisseminationSession.objects.visible_to(world.dave, "change").exists()


def test_a_new_link_to_an_interaction_the_editor_cannot_see_is_refused(
    world: World, army: WeaponBearer
) -> None:
    closed = make_interaction(
        world.carol, world.varnia, bearers=[army], restricted=True, restricted_to=[world.carol]
    )
    session = make_session(world.alice, world.varnia, army)
    # Even when the instance was already changed in memory (as a form does).
    session.interaction = closed
    with pytest.raises(PermissionDenied):
        do_update_session(
            session, actor=world.alice, expected_version=1, changes={"interaction": closed}
        )
    assert DisseminationSession.objects.get(pk=session.pk).interaction is None

"""The life of a concern through the service layer: moves, refusals, dates, the log."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.choices import ConcernStatus, ResponseKind
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
from pourparler.concerns.services import (
    TransitionRefused,
    do_change_concern_status,
    do_complete_concern_follow_up,
    do_delete_concern,
    do_delete_representation,
    do_delete_response,
    do_open_concern,
    do_record_representation,
    do_schedule_concern_follow_up,
    do_update_concern,
    do_update_representation,
)
from pourparler.concerns.tests.helpers import (
    days_ago,
    fresh,
    open_concern,
    represent,
    respond,
    topic,
)
from pourparler.core.choices import ChangeAction, Role
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, do_create_user, do_post_member
from pourparler.testing.personas import World, make_bearer, make_person, make_unit

pytestmark = pytest.mark.django_db

S = ConcernStatus


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def history(concern: Concern) -> list[tuple[str, str, object]]:
    return [
        (h.from_status, h.to_status, h.changed_on)
        for h in ConcernStatusChange.objects.filter(concern=concern).order_by(
            "changed_on", "created_at"
        )
    ]


def test_a_concern_from_opening_to_addressed(world: World, army: WeaponBearer) -> None:
    commander = make_person(world.alice, world.varnia, bearer=army, level=Level.OPERATIONAL)
    concern = open_concern(
        world.alice,
        world.varnia,
        [army],
        opened=40,
        occurred=45,
        sources=[{"kind": "witness", "reliability": "B", "credibility": "2"}],
    )
    assert (concern.status, concern.status_on) == (S.OPEN, days_ago(40))
    assert concern.raised_on is None

    represent(world.alice, concern, 33, Level.OPERATIONAL, to_person=commander)
    concern = fresh(concern)
    assert (concern.status, concern.status_on) == (S.RAISED, days_ago(33))
    assert (concern.raised_on, concern.raised_level) == (days_ago(33), Level.OPERATIONAL)

    # A second, higher representation changes neither the status nor the first level.
    represent(world.bob, concern, 25, Level.STRATEGIC)
    concern = fresh(concern)
    assert (concern.status, concern.raised_level) == (S.RAISED, Level.OPERATIONAL)

    respond(world.alice, concern, 20, ResponseKind.INVESTIGATION)
    concern = fresh(concern)
    assert (concern.status, concern.responded_on) == (S.RESPONDED, days_ago(20))

    do_change_concern_status(
        concern,
        actor=world.carol,
        expected_version=concern.version,
        status=S.ADDRESSED,
        changed_on=days_ago(5),
        note="The battalion commander was relieved; markets are now on the no-strike list.",
    )
    concern = fresh(concern)
    assert (concern.status, concern.status_on, concern.addressed_on) == (
        S.ADDRESSED,
        days_ago(5),
        days_ago(5),
    )
    assert history(concern) == [
        ("", S.OPEN, days_ago(40)),
        (S.OPEN, S.RAISED, days_ago(33)),
        (S.RAISED, S.RESPONDED, days_ago(20)),
        (S.RESPONDED, S.ADDRESSED, days_ago(5)),
    ]
    last = ConcernStatusChange.objects.filter(concern=concern, to_status=S.ADDRESSED).get()
    assert last.note.startswith("The battalion commander was relieved")
    assert last.created_by == world.carol
    # Every record under the concern sits in its compartment.
    for model in (ConcernSource, Representation, Response, ConcernStatusChange):
        assert set(model.objects.filter(concern=concern).values_list("compartment", flat=True)) == {
            world.varnia.pk
        }
    # Each move is on the concern's change log, by whoever made it.
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Concern), object_id=concern.pk
    ).order_by("object_version")
    assert [(e.action, e.actor, e.object_version) for e in entries] == [
        (ChangeAction.CREATE, world.alice, 1),
        (ChangeAction.UPDATE, world.alice, 2),
        (ChangeAction.UPDATE, world.alice, 3),
        (ChangeAction.UPDATE, world.carol, 4),
    ]
    assert entries[3].before["status"] == S.RESPONDED and entries[3].after["status"] == S.ADDRESSED


def test_a_month_is_stored_as_its_first_day_and_shown_as_a_month(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army], date_precision="month", occurred=70)
    assert concern.occurred_on == days_ago(70).replace(day=1)
    assert concern.occurred_display == f"{days_ago(70):%B %Y}"


def test_moves_outside_a_concerns_life_are_refused_with_a_reason(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])

    def move(status: str, note: str = "Because.") -> None:
        current = fresh(concern)
        do_change_concern_status(
            current, actor=world.alice, expected_version=current.version, status=status, note=note
        )

    with pytest.raises(TransitionRefused, match="raise it with the bearer first"):
        move(S.ADDRESSED)
    with pytest.raises(TransitionRefused, match="cannot be chosen by hand"):
        move(S.RAISED)
    with pytest.raises(TransitionRefused, match="has not been raised yet"):
        respond(world.alice, concern, 1)
    with pytest.raises(TransitionRefused, match="already open"):
        move(S.OPEN)
    with pytest.raises(ValidationError, match="Say why"):
        move(S.CLOSED, note="  ")
    move(S.CLOSED)
    with pytest.raises(TransitionRefused, match="a closed concern stays closed"):
        move(S.PERSISTING)
    with pytest.raises(TransitionRefused, match="This concern is closed"):
        represent(world.alice, concern, 1)
    assert fresh(concern).status == S.CLOSED
    assert not Representation.objects.filter(concern=concern).exists()


def test_dates_that_do_not_hold_together_are_refused(world: World, army: WeaponBearer) -> None:
    with pytest.raises(ValidationError, match="before the facts happened"):
        open_concern(world.alice, world.varnia, [army], opened=10, occurred=5)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        open_concern(world.alice, world.varnia, [army], opened=-1, occurred=3)
    concern = open_concern(world.alice, world.varnia, [army], opened=20)
    with pytest.raises(ValidationError, match="cannot be earlier"):
        represent(world.alice, concern, 25)
    represent(world.alice, concern, 15)
    with pytest.raises(ValidationError, match="a response cannot come before it"):
        respond(world.alice, concern, 16)
    current = fresh(concern)
    with pytest.raises(ValidationError, match="cannot start before that"):
        do_change_concern_status(
            current,
            actor=world.alice,
            expected_version=current.version,
            status=S.PERSISTING,
            changed_on=days_ago(17),
            note="Shelling continued.",
        )
    with pytest.raises(ValidationError, match="cannot have been opened after that"):
        do_update_concern(
            current,
            actor=world.alice,
            expected_version=current.version,
            changes={"opened_on": days_ago(12)},
        )
    assert Concern.objects.count() == 1 and fresh(concern).opened_on == days_ago(20)


def test_silence_noted_is_on_the_record_but_moves_nothing(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 20)
    respond(world.alice, concern, 5, ResponseKind.NO_RESPONSE)
    concern = fresh(concern)
    assert (concern.status, concern.responded_on) == (S.RAISED, None)
    assert Response.objects.filter(concern=concern).count() == 1


def test_deleting_the_only_representation_or_response_steps_back(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    first = represent(world.alice, concern, 20)
    answer = respond(world.alice, concern, 10)
    assert fresh(concern).status == S.RESPONDED
    with pytest.raises(TransitionRefused, match="correct it instead of deleting it"):
        do_delete_representation(first, actor=world.alice, expected_version=first.version)
    do_delete_response(answer, actor=world.alice, expected_version=answer.version)
    concern = fresh(concern)
    assert (concern.status, concern.responded_on) == (S.RAISED, None)
    do_delete_representation(first, actor=world.alice, expected_version=first.version)
    concern = fresh(concern)
    assert (concern.status, concern.raised_on, concern.raised_level) == (S.OPEN, None, "")
    assert [to for _from, to, _on in history(concern)] == [
        S.OPEN,
        S.RAISED,
        S.RESPONDED,
        S.RAISED,
        S.OPEN,
    ]


def test_correcting_a_representation_moves_the_first_raised_date(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army], opened=30)
    first = represent(world.alice, concern, 20, Level.TACTICAL)
    represent(world.alice, concern, 15, Level.STRATEGIC)
    do_update_representation(
        first, actor=world.alice, expected_version=first.version, changes={"made_on": days_ago(10)}
    )
    concern = fresh(concern)
    assert (concern.raised_on, concern.raised_level) == (days_ago(15), Level.STRATEGIC)


def test_links_to_another_delegation_or_to_hidden_records_are_refused(
    world: World, army: WeaponBearer
) -> None:
    kestrian = make_person(world.dave, world.kestria, full_name="Insp. Lena Voss")
    concern = open_concern(world.alice, world.varnia, [army])
    with pytest.raises(PermissionDenied):
        represent(world.alice, concern, 5, to_person=kestrian)
    # Someone posted to both delegations sees the Kestrian, but may not link them.
    erin = do_create_user(actor=None, username="erin", password=None)
    for delegation in (world.varnia, world.kestria):
        do_post_member(
            actor=None,
            user=erin,
            delegation=delegation,
            role=Role.FIELD_DELEGATE,
            starts_on=days_ago(100),
        )
    with pytest.raises(ValidationError, match="another delegation"):
        represent(erin, concern, 5, to_person=kestrian)
    other_army = make_bearer(world.alice, name="Kestrian Gendarmerie", kind="gendarmerie")
    unit = make_unit(world.alice, other_army)
    with pytest.raises(ValidationError, match="belongs to none of the bearers"):
        open_concern(world.alice, world.varnia, [army], unit=unit)
    with pytest.raises(ValidationError, match="Name the bearer"):
        open_concern(world.alice, world.varnia, [])


def test_restricting_a_concern_carries_the_restriction_to_everything_under_it(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 10)
    do_schedule_concern_follow_up(concern, actor=world.alice, action="Ask again in a month")
    assert Representation.objects.visible_to(world.bob).count() == 1
    do_update_concern(
        concern,
        actor=world.alice,
        expected_version=fresh(concern).version,
        changes={"restricted": True},
        links={"restricted_to": [world.carol]},
    )
    for model in (Representation, ConcernStatusChange, ConcernFollowUp):
        for child in model.objects.filter(concern=concern):
            assert child.restricted
            assert set(child.restricted_to.all()) == {world.alice, world.carol}
    assert not Concern.objects.visible_to(world.bob).exists()
    assert not Representation.objects.visible_to(world.bob).exists()
    assert Representation.objects.visible_to(world.carol).count() == 1
    # A record added later takes the restriction too.
    represent(world.carol, concern, 2)
    assert not Representation.objects.visible_to(world.bob).exists()
    assert not Representation.objects.visible_to(world.hana).exists()


def test_a_write_that_would_leave_the_concern_out_of_reach_is_rolled_back(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 5)
    with pytest.raises(PermissionDenied):
        do_update_concern(
            concern,
            actor=world.alice,
            expected_version=fresh(concern).version,
            changes={"compartment": world.kestria},
        )
    stored = fresh(concern)
    assert stored.compartment == world.varnia and stored.version == 2
    assert set(Representation.objects.values_list("compartment", flat=True)) == {world.varnia.pk}


def test_readers_who_may_not_write_cannot_raise_or_move(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    with pytest.raises(PermissionDenied):
        represent(world.hana, concern, 5)
    with pytest.raises(PermissionDenied):
        do_change_concern_status(
            concern, actor=world.dave, expected_version=1, status=S.CLOSED, note="x"
        )
    assert fresh(concern).status == S.OPEN


def test_two_moves_from_the_same_version_conflict_and_the_refusal_is_logged(
    world: World, army: WeaponBearer
) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    represent(world.alice, concern, 5)
    seen = fresh(concern)
    do_change_concern_status(
        seen, actor=world.alice, expected_version=seen.version, status=S.PERSISTING, note="Again."
    )
    with pytest.raises(EditConflict):
        do_change_concern_status(
            seen, actor=world.bob, expected_version=seen.version, status=S.CLOSED, note="Done."
        )
    assert fresh(concern).status == S.PERSISTING
    conflict = ChangeLogEntry.objects.get(object_id=concern.pk, action=ChangeAction.CONFLICT)
    assert conflict.actor == world.bob
    assert conflict.after["status"] == S.CLOSED and conflict.before["status"] == S.PERSISTING


def test_create_update_delete_each_write_one_entry(world: World, army: WeaponBearer) -> None:
    concern = do_open_concern(
        actor=world.alice,
        compartment=world.varnia,
        summary="Arrests at the Velmora market",
        description="Twelve traders taken away by men in uniform.",
        occurred_on=days_ago(3),
        category=topic("detention"),
        bearers=[army],
    )
    concern_type = ContentType.objects.get_for_model(Concern)
    entries = ChangeLogEntry.objects.filter(content_type=concern_type, object_id=concern.pk)
    assert entries.get().action == ChangeAction.CREATE
    updated = do_update_concern(
        concern, actor=world.bob, expected_version=1, changes={"rule": "Common Article 3"}
    )
    do_delete_concern(updated, actor=world.bob, expected_version=2)
    actions = list(entries.order_by("object_version").values_list("action", "object_version"))
    assert actions == [
        (ChangeAction.CREATE, 1),
        (ChangeAction.UPDATE, 2),
        (ChangeAction.DELETE, 3),
    ]
    update = entries.get(action=ChangeAction.UPDATE)
    assert update.actor == world.bob and update.request_id
    assert ("rule", "", "Common Article 3") in update.changed_fields()
    # The summary is logged encrypted, never as plaintext.
    assert "Velmora" not in str(entries.get(action=ChangeAction.CREATE).after)
    assert not Concern.objects.visible_to(world.alice).exists()


def test_follow_ups_are_scheduled_and_done(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    follow_up = do_schedule_concern_follow_up(
        concern, actor=world.alice, action="Check the no-strike list", due_on=days_ago(1)
    )
    assert follow_up.is_overdue and follow_up.compartment == world.varnia
    done = do_complete_concern_follow_up(follow_up, actor=world.bob, expected_version=1)
    assert done.status == "done" and not done.is_overdue and done.version == 2


def test_a_representation_needs_the_concern_to_be_visible(world: World, army: WeaponBearer) -> None:
    concern = open_concern(world.alice, world.varnia, [army])
    with pytest.raises(PermissionDenied):
        do_record_representation(
            concern, actor=world.dave, made_on=days_ago(1), level="tactical", content="x"
        )
    assert not Representation.objects.exists()

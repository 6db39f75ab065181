"""The one read path: who sees what."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pourparler.bearers.models import BearerName, Unit, WeaponBearer
from pourparler.core.access import forget_clearance, get_visible_or_404
from pourparler.core.models import Membership
from pourparler.core.services import update_record
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.people.models import Person, Position
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person, make_unit

pytestmark = pytest.mark.django_db


def visible_ids(model: type, user: object) -> set[uuid.UUID]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_it_keeps_each_delegation_in_its_compartment(world: World) -> None:
    army = make_bearer(world.alice)
    varnia = make_interaction(world.alice, world.varnia, bearers=[army])
    kestria = make_interaction(world.dave, world.kestria, bearers=[army])

    assert visible_ids(Interaction, world.alice) == {varnia.pk}
    assert visible_ids(Interaction, world.bob) == {varnia.pk}
    assert visible_ids(Interaction, world.dave) == {kestria.pk}


def test_it_lets_headquarters_read_every_unrestricted_record(world: World) -> None:
    open_one = make_interaction(world.alice, world.varnia)
    restricted = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.carol]
    )
    kestria = make_interaction(world.dave, world.kestria)

    assert visible_ids(Interaction, world.hana) == {open_one.pk, kestria.pk}
    assert restricted.pk not in visible_ids(Interaction, world.hana)
    # Reading is not writing: the analyst cannot change Varnia's records.
    assert not Interaction.objects.visible_to(world.hana, "change").exists()


def test_headquarters_does_not_read_a_compartment_record_that_belongs_to_no_delegation(
    world: World,
) -> None:
    stray = make_interaction(world.alice, world.varnia)
    # A row that lost its compartment (a bad import, a bug) is reachable by nobody.
    Interaction.objects.filter(pk=stray.pk).update(compartment=None)
    assert stray.pk not in visible_ids(Interaction, world.hana)
    assert stray.pk not in visible_ids(Interaction, world.alice)


def test_it_hides_a_restricted_record_from_colleagues_not_named(world: World) -> None:
    restricted = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.carol]
    )

    assert restricted.pk in visible_ids(Interaction, world.alice)  # the author stays named
    assert restricted.pk in visible_ids(Interaction, world.carol)
    assert restricted.pk not in visible_ids(Interaction, world.bob)
    assert set(restricted.restricted_to.values_list("username", flat=True)) == {"alice", "carol"}


def test_it_gives_auditors_and_administrators_no_dialogue_content(world: World) -> None:
    make_interaction(world.alice, world.varnia)
    make_person(world.alice, world.varnia)
    for user in (world.audrey, world.adam):
        assert not Interaction.objects.visible_to(user).exists()
        assert not Person.objects.visible_to(user).exists()


def test_it_closes_the_compartment_when_a_posting_ends(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    membership = Membership.objects.get(user=world.bob)
    update_record(
        membership,
        actor=world.adam,
        expected_version=membership.version,
        changes={"ends_on": datetime.date.today() - datetime.timedelta(days=1)},
    )
    forget_clearance(world.bob)

    assert interaction.pk not in visible_ids(Interaction, world.bob)


def test_it_hides_children_of_an_invisible_parent(world: World) -> None:
    army = make_bearer(world.alice)
    secret = make_person(
        world.alice,
        world.varnia,
        full_name="Source K.",
        bearer=army,
        restricted=True,
        restricted_to=[world.carol],
    )
    interaction = make_interaction(
        world.alice,
        world.varnia,
        restricted=True,
        restricted_to=[world.carol],
        follow_ups=[{"action": "Send the report"}],
    )

    assert not Position.objects.visible_to(world.bob).filter(person=secret).exists()
    assert Position.objects.visible_to(world.carol).filter(person=secret).exists()
    assert not FollowUp.objects.visible_to(world.bob).filter(interaction=interaction).exists()
    assert FollowUp.objects.visible_to(world.carol).filter(interaction=interaction).exists()


def test_it_treats_a_restricted_bearer_as_absent_with_all_it_holds(world: World) -> None:
    hidden = make_bearer(
        world.alice,
        name="Shadow Brigade",
        restricted=True,
        restricted_to=[world.carol],
        names=[{"name": "Liwa al-Dhill", "kind": "alias"}],
    )
    unit = make_unit(world.alice, hidden, name="Northern cell")

    for model, pk in ((WeaponBearer, hidden.pk), (Unit, unit.pk)):
        assert pk not in visible_ids(model, world.bob)
        assert pk not in visible_ids(model, world.dave)
        assert pk in visible_ids(model, world.carol)
    assert not BearerName.objects.visible_to(world.dave).filter(bearer=hidden).exists()


def test_it_answers_forbidden_and_missing_alike(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    with pytest.raises(Http404) as forbidden:
        get_visible_or_404(Interaction, world.dave, interaction.pk)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Interaction, world.dave, uuid.uuid4())
    assert str(forbidden.value) == str(missing.value)


def test_it_hides_tombstoned_records(world: World) -> None:
    from pourparler.dialogue.services import do_delete_interaction

    interaction = make_interaction(world.alice, world.varnia)
    do_delete_interaction(interaction, actor=world.alice, expected_version=1)
    assert interaction.pk not in visible_ids(Interaction, world.alice)
    assert Interaction.objects.filter(pk=interaction.pk).exists()  # soft, not erased


def test_it_refuses_links_to_what_the_actor_cannot_see(world: World) -> None:
    kestrian = make_person(world.dave, world.kestria, full_name="Cmdt. Lio Brandt")
    with pytest.raises(PermissionDenied):
        make_interaction(world.alice, world.varnia, their_participants=[kestrian])
    assert not Interaction.objects.filter(compartment=world.varnia).exists()


def test_anonymous_sees_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    make_interaction(world.alice, world.varnia)
    assert not Interaction.objects.visible_to(AnonymousUser()).exists()
    assert not WeaponBearer.objects.visible_to(None).exists()

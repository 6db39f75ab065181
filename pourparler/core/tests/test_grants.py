"""Need-to-know grants: what they open, what they do not, and when they stop."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pytest_django import Settings

from pourparler.core.access import clearance_for, forget_clearance
from pourparler.core.models import Grant, Membership
from pourparler.core.services import GrantRefused, do_grant_access, do_post_member, do_revoke_grant
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.dialogue.services import do_update_interaction
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(days=7)


def later() -> datetime.datetime:
    return timezone.now() + SOON


def sees(user: object, obj: Interaction, action: str = "view") -> bool:
    forget_clearance(user)
    return Interaction.objects.visible_to(user, action).filter(pk=obj.pk).exists()


def test_a_delegation_grant_opens_the_compartment_but_not_its_restricted_files(
    world: World,
) -> None:
    open_one = make_interaction(world.alice, world.varnia)
    closed = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.carol]
    )
    do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        delegation=world.varnia,
        reason="Cross-border convoy planning",
        expires_at=later(),
    )
    assert sees(world.dave, open_one)
    assert not sees(world.dave, closed)
    assert not sees(world.dave, open_one, "change")


def test_a_record_grant_opens_one_restricted_record_and_its_follow_ups(world: World) -> None:
    closed = make_interaction(
        world.alice,
        world.varnia,
        restricted=True,
        restricted_to=[world.carol],
        follow_ups=[{"action": "Brief the head"}],
    )
    other = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.carol]
    )
    do_grant_access(
        actor=world.carol,
        grantee=world.bob,
        access="read",
        record=closed,
        reason="Legal review of the concern",
        expires_at=later(),
    )
    assert sees(world.bob, closed)
    assert not sees(world.bob, other)
    assert FollowUp.objects.visible_to(world.bob).filter(interaction=closed).exists()


def test_a_write_grant_allows_a_change_and_a_read_grant_does_not(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    do_grant_access(
        actor=world.adam,
        grantee=world.audrey,
        access="read",
        record=interaction,
        reason="Audit of a complaint",
        expires_at=later(),
    )
    assert sees(world.audrey, interaction)
    assert not sees(world.audrey, interaction, "change")
    do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="write",
        record=interaction,
        reason="Joint report",
        expires_at=later(),
    )
    forget_clearance(world.dave)
    updated = do_update_interaction(
        interaction,
        actor=world.dave,
        expected_version=1,
        changes={"outcomes": "Joint report sent."},
    )
    assert updated.version == 2


def test_a_bearer_grant_opens_a_restricted_bearer_and_unrestricted_dialogue_about_it(
    world: World,
) -> None:
    hidden = make_bearer(
        world.alice,
        name="Shadow Brigade",
        restricted=True,
        restricted_to=[world.alice, world.carol],
    )
    about = make_interaction(world.alice, world.varnia, bearers=[hidden])
    secret = make_interaction(world.alice, world.varnia, bearers=[hidden], restricted=True)
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=hidden,
        reason="Regional analysis",
        expires_at=later(),
    )
    forget_clearance(world.dave)
    from pourparler.bearers.models import WeaponBearer

    assert WeaponBearer.objects.visible_to(world.dave).filter(pk=hidden.pk).exists()
    assert sees(world.dave, about)
    assert not sees(world.dave, secret)


def test_a_group_grant_reaches_every_member(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    legal = Group.objects.create(name="Legal advisers")
    world.dave.groups.add(legal)
    do_grant_access(
        actor=world.carol,
        grantee_group=legal,
        access="read",
        delegation=world.varnia,
        reason="Legal support",
        expires_at=later(),
    )
    assert sees(world.dave, interaction)


def test_an_expired_grant_stops_working_without_anyone_acting(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    grant = do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        record=interaction,
        reason="Short look",
        expires_at=later(),
    )
    assert sees(world.dave, interaction)
    after = grant.expires_at + datetime.timedelta(seconds=1)
    clearance = clearance_for(world.dave, now=after)
    assert clearance is not None
    assert interaction.pk not in clearance.granted("dialogue.Interaction", "view")
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - SOON)
    assert not sees(world.dave, interaction)


def test_a_revoked_grant_stops_working(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    grant = do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        record=interaction,
        reason="Short look",
        expires_at=later(),
    )
    do_revoke_grant(grant, actor=world.carol, expected_version=1)
    assert not sees(world.dave, interaction)


@pytest.mark.parametrize("who", ["alice", "dave", "hana"])
def test_only_the_head_of_the_delegation_or_an_administrator_grants(world: World, who: str) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    with pytest.raises(GrantRefused):
        do_grant_access(
            actor=getattr(world, who),
            grantee=world.audrey,
            access="read",
            record=interaction,
            reason="No",
            expires_at=later(),
        )
    assert not Grant.objects.exists()


def test_nobody_grants_to_themselves(world: World) -> None:
    with pytest.raises(GrantRefused):
        do_grant_access(
            actor=world.adam,
            grantee=world.adam,
            access="read",
            delegation=world.varnia,
            reason="Curiosity",
            expires_at=later(),
        )


def test_a_grant_needs_a_reason_and_a_future_expiry(world: World) -> None:
    with pytest.raises(ValueError):
        do_grant_access(
            actor=world.carol,
            grantee=world.dave,
            access="read",
            delegation=world.varnia,
            reason=" ",
            expires_at=later(),
        )
    with pytest.raises(ValueError):
        do_grant_access(
            actor=world.carol,
            grantee=world.dave,
            access="read",
            delegation=world.varnia,
            reason="x",
            expires_at=timezone.now() - SOON,
        )


def test_a_grant_runs_for_the_configured_ceiling_at_most(world: World, settings: Settings) -> None:
    settings.GRANT_MAX_DAYS = 30
    ceiling = timezone.now() + datetime.timedelta(days=30)

    def grant(expires_at: datetime.datetime) -> Grant:
        return do_grant_access(
            actor=world.carol,
            grantee=world.dave,
            access="read",
            delegation=world.varnia,
            reason="Covering the Varnia caseload during the head's leave",
            expires_at=expires_at,
        )

    with pytest.raises(ValueError, match="30 days at most"):
        grant(ceiling + datetime.timedelta(hours=1))
    assert not Grant.objects.filter(grantee=world.dave).exists()
    kept = grant(ceiling - datetime.timedelta(minutes=1))
    assert Grant.objects.filter(grantee=world.dave).get() == kept


def test_nobody_grants_to_a_group_they_belong_to_nor_gains_from_their_own_grant(
    world: World,
) -> None:
    interaction = make_interaction(world.alice, world.varnia, restricted=True)
    admins = Group.objects.create(name="Administrators")
    world.adam.groups.add(admins)
    with pytest.raises(GrantRefused):
        do_grant_access(
            actor=world.adam,
            grantee_group=admins,
            access="read",
            record=interaction,
            reason="Curiosity",
            expires_at=later(),
        )
    # Even a grant made before joining the group opens nothing to its maker.
    friends = Group.objects.create(name="Friends")
    do_grant_access(
        actor=world.adam,
        grantee_group=friends,
        access="read",
        record=interaction,
        reason="Curiosity",
        expires_at=later(),
    )
    world.adam.groups.add(friends)
    assert not sees(world.adam, interaction)


def test_a_head_who_has_rotated_out_grants_nothing(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    Membership.objects.filter(user=world.carol, delegation=world.varnia).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    forget_clearance(world.carol)
    with pytest.raises(GrantRefused):
        do_grant_access(
            actor=world.carol,
            grantee=world.dave,
            access="read",
            delegation=world.varnia,
            reason="Handover",
            expires_at=later(),
        )
    assert not sees(world.dave, interaction)


def test_a_head_cannot_open_a_record_restricted_to_others(world: World) -> None:
    interaction = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.alice]
    )
    with pytest.raises(GrantRefused):
        do_grant_access(
            actor=world.carol,
            grantee=world.dave,
            access="read",
            record=interaction,
            reason="Second opinion",
            expires_at=later(),
        )
    assert not sees(world.dave, interaction)


def test_an_administrator_cannot_post_themselves(world: World) -> None:
    with pytest.raises(PermissionDenied):
        do_post_member(
            actor=world.adam, user=world.adam, delegation=world.varnia, role="field_delegate"
        )
    forget_clearance(world.adam)
    assert not Interaction.objects.visible_to(world.adam).exists()


def test_a_write_grant_does_not_let_its_holder_move_or_unrestrict_the_record(
    world: World,
) -> None:
    interaction = make_interaction(
        world.alice, world.varnia, restricted=True, restricted_to=[world.alice, world.carol]
    )
    do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="write",
        record=interaction,
        reason="Joint report",
        expires_at=later(),
    )
    forget_clearance(world.dave)
    for changes in ({"compartment": world.kestria}, {"restricted": False}):
        with pytest.raises(PermissionDenied):
            do_update_interaction(
                interaction, actor=world.dave, expected_version=1, changes=changes
            )
    with pytest.raises(PermissionDenied):
        do_update_interaction(
            interaction,
            actor=world.dave,
            expected_version=1,
            changes={},
            links={"restricted_to": [world.dave]},
        )
    interaction.refresh_from_db()
    assert interaction.compartment == world.varnia and interaction.restricted
    # The content itself stays editable under the grant.
    updated = do_update_interaction(
        interaction, actor=world.dave, expected_version=1, changes={"outcomes": "Sent."}
    )
    assert updated.version == 2
    # Members of the delegation named on the record still change who may see it.
    do_update_interaction(
        updated, actor=world.carol, expected_version=2, changes={"restricted": False}
    )


def test_a_bearer_grant_does_not_open_a_restricted_row_found_through_the_bearer(
    world: World,
) -> None:
    """A position names its bearer in access_via; a grant on that bearer opens what is
    about the bearer, never a row restricted to other people (as for dialogue above)."""
    from pourparler.people.models import Position
    from pourparler.people.services import do_add_position
    from pourparler.testing.personas import make_person

    army = make_bearer(world.alice, name="Varnian Armed Forces")
    colonel = make_person(world.alice, world.varnia, full_name="Col. Idris Maren", bearer=army)
    post = do_add_position(
        colonel, actor=world.alice, bearer=army, level="operational", role_title="Brigade commander"
    )
    secret = do_add_position(
        colonel,
        actor=world.alice,
        bearer=army,
        level="operational",
        role_title="Informant",
        restricted=True,
    )
    secret.restricted_to.set([world.alice, world.carol])

    def positions(user: object) -> set[object]:
        forget_clearance(user)
        return set(Position.objects.visible_to(user).values_list("pk", flat=True))

    assert positions(world.bob) >= {post.pk} and secret.pk not in positions(world.bob)
    do_grant_access(
        actor=world.adam,
        grantee=world.bob,
        access="read",
        bearer=army,
        reason="Regional analysis",
        expires_at=later(),
    )
    assert post.pk in positions(world.bob)
    assert secret.pk not in positions(world.bob)
    assert secret.pk in positions(world.carol)

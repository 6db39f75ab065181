"""Ending access early: a posting or a grant only ever narrows, by those who may."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pourparler.core.choices import AuditKind, ChangeAction
from pourparler.core.models import AuditEvent, ChangeLogEntry, Membership, User
from pourparler.core.services import do_end_grant, do_end_posting, do_grant_access
from pourparler.dialogue.models import Interaction
from pourparler.testing.personas import World, make_interaction

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def fresh(user: User) -> User:
    """The user as the next request loads them (no clearance cached on the object)."""
    return User.objects.get(pk=user.pk)


def posting(world: World, username: str) -> Membership:
    return Membership.objects.get(user=world.users[username], delegation__code="varnia")


def test_a_member_or_their_head_ends_a_posting_and_nobody_else(world: World) -> None:
    meeting = make_interaction(world.alice, world.varnia)
    with pytest.raises(PermissionDenied):
        do_end_posting(posting(world, "alice"), actor=world.bob, ends_on=TODAY, reason="x")
    with pytest.raises(PermissionDenied):
        do_end_posting(posting(world, "alice"), actor=world.dave, ends_on=TODAY, reason="x")

    yesterday = TODAY - datetime.timedelta(days=1)
    ended = do_end_posting(
        posting(world, "alice"), actor=world.carol, ends_on=yesterday, reason="rotated out"
    )
    assert ended.ends_on == yesterday and ended.version == 2
    assert not Interaction.objects.visible_to(fresh(world.alice)).filter(pk=meeting.pk).exists()
    entry = ChangeLogEntry.objects.filter(object_id=ended.pk, action=ChangeAction.UPDATE).get()
    assert entry.actor == world.carol
    assert AuditEvent.objects.filter(
        kind=AuditKind.PERMISSION_CHANGED, object_id=ended.pk, detail__action="rotated out"
    ).exists()
    # Never later than it already ends: a second call asking for later changes nothing.
    again = do_end_posting(ended, actor=world.carol, ends_on=TODAY, reason="again")
    assert (again.ends_on, again.version) == (yesterday, 2)
    # A member may end their own posting (leaving).
    own = do_end_posting(posting(world, "bob"), actor=world.bob, ends_on=TODAY, reason="left")
    assert own.ends_on == TODAY


def test_a_grant_is_given_up_by_its_holder_or_ended_by_its_grantor_never_extended(
    world: World,
) -> None:
    meeting = make_interaction(world.alice, world.varnia)
    grant = do_grant_access(
        actor=world.carol,
        grantee=world.dave,
        access="read",
        delegation=world.varnia,
        reason="Cross-border convoy planning",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    assert Interaction.objects.visible_to(world.dave).filter(pk=meeting.pk).exists()
    with pytest.raises(PermissionDenied):
        do_end_grant(grant, actor=world.alice, at=timezone.now(), reason="x")

    later = timezone.now() + datetime.timedelta(days=60)
    assert do_end_grant(grant, actor=world.dave, at=later, reason="x").version == grant.version
    ended = do_end_grant(grant, actor=world.dave, at=timezone.now(), reason="no longer needed")
    assert ended.version == grant.version + 1
    assert not Interaction.objects.visible_to(fresh(world.dave)).filter(pk=meeting.pk).exists()
    assert AuditEvent.objects.filter(
        kind=AuditKind.GRANT_CHANGED, object_id=grant.pk, detail__action="no longer needed"
    ).exists()

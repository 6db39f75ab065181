"""Writes of the handover app: prepare a handover, do it in one act, record introductions.

The act (``do_hand_over``) runs in one transaction: the outgoing delegate's relationships
and open follow-ups go to the successor, every app's ``<app>/handover.py`` passes on what
it keeps (``transfer(handover, *, actor) -> dict[str, int]``), the outgoing delegate's
posting in the delegation and their grants on its records end on the effective date,
each moved record gets its change-log entry, and one audit event records the act.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from pourparler.concerns.models import ConcernFollowUp
from pourparler.core import audit
from pourparler.core.access import forget_clearance
from pourparler.core.choices import CONTENT_ROLES, AuditKind
from pourparler.core.models import Delegation, Grant, Membership, Record, User
from pourparler.core.services import (
    EditConflict,
    create_record,
    delete_record,
    do_end_grant,
    do_end_posting,
    is_head_of,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction
from pourparler.handover.choices import HandoverState
from pourparler.handover.models import Handover, Introduction
from pourparler.people.models import Relationship

PROJECT_PACKAGE = "pourparler."


class HandoverRefused(ValueError):
    """A handover that cannot be prepared or done as asked; the message says why."""


def postings(user_id: Any, delegation_id: Any, day: datetime.date) -> QuerySet[Membership]:
    """Return a user's live postings in a delegation that are in force on a day."""
    return (
        Membership.objects.alive()
        .filter(user_id=user_id, delegation_id=delegation_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    )


def is_posted(user: User, delegation_id: Any, day: datetime.date | None = None) -> bool:
    """Say whether the user holds a posting with a content role in the delegation on a day."""
    day = day or timezone.localdate()
    return postings(user.pk, delegation_id, day).filter(role__in=CONTENT_ROLES).exists()


def may_hand_over(actor: User, outgoing: User, delegation_id: Any) -> bool:
    """The outgoing delegate themself, or the head of that delegation, may hand over."""
    if actor.pk == outgoing.pk:
        return is_posted(actor, delegation_id)
    return is_head_of(actor, delegation_id)


def _check(
    actor: User,
    delegation_id: Any,
    outgoing: User,
    successor: User,
    effective_on: datetime.date,
) -> None:
    if not may_hand_over(actor, outgoing, delegation_id):
        raise PermissionDenied(
            gettext("Only the outgoing delegate or the head of their delegation may hand over.")
        )
    if successor.pk == outgoing.pk:
        raise HandoverRefused(
            gettext("The successor must be someone other than the outgoing delegate.")
        )
    if not Membership.objects.alive().filter(user=outgoing, delegation_id=delegation_id).exists():
        raise HandoverRefused(gettext("The outgoing delegate was never posted in this delegation."))
    today = timezone.localdate()
    if not is_posted(successor, delegation_id, today) or not is_posted(
        successor, delegation_id, max(today, effective_on + datetime.timedelta(days=1))
    ):
        raise HandoverRefused(
            gettext(
                "%(name)s has no current posting in this delegation that runs past the "
                "effective date: ask an administrator to post them first."
            )
            % {"name": successor.display_name()}
        )


@write_service
def do_prepare_handover(
    *,
    actor: User,
    delegation: Delegation,
    outgoing: User,
    successor: User,
    effective_on: datetime.date,
    note: str = "",
) -> Handover:
    """Prepare a handover as a draft, to preview what will pass before doing it."""
    _check(actor, delegation.pk, outgoing, successor, effective_on)
    handover = Handover(
        outgoing=outgoing,
        successor=successor,
        delegation=delegation,
        effective_on=effective_on,
        note=note,
        compartment=delegation,
    )
    return create_record(handover, actor=actor)


@write_service
def do_cancel_handover(handover: Handover, *, actor: User, expected_version: int) -> Handover:
    """Drop a draft handover (a handover done stays: it is the record of the act)."""
    if handover.is_done:
        raise HandoverRefused(gettext("A handover that was done cannot be cancelled."))
    if not may_hand_over(actor, handover.outgoing, handover.delegation_id):
        raise PermissionDenied(
            gettext("Only the outgoing delegate or the head of their delegation may hand over.")
        )
    return delete_record(handover, actor=actor, expected_version=expected_version)


@dataclass(frozen=True)
class ToPass:
    """What a handover passes on, as one reader may see (or change) it."""

    relationships: QuerySet[Relationship]
    follow_ups: QuerySet[FollowUp]
    concern_follow_ups: QuerySet[ConcernFollowUp]


def to_pass(handover: Handover, user: User, action: Any = "view") -> ToPass:
    """Return what a draft would pass now, or what a done handover passed, as the user
    may see it: relationships held and open follow-ups owned by the outgoing delegate."""
    rel = Relationship.objects.visible_to(user, action).filter(compartment=handover.delegation_id)
    fu = FollowUp.objects.visible_to(user, action).filter(compartment=handover.delegation_id)
    cfu = ConcernFollowUp.objects.visible_to(user, action).filter(
        compartment=handover.delegation_id
    )
    if handover.is_done:
        ids = handover.passed_ids or {}
        return ToPass(
            rel.filter(pk__in=ids.get(Relationship._meta.label, [])),
            fu.filter(pk__in=ids.get(FollowUp._meta.label, [])),
            cfu.filter(pk__in=ids.get(ConcernFollowUp._meta.label, [])),
        )
    open_ = FollowUpStatus.OPEN
    return ToPass(
        rel.filter(holder=handover.outgoing_id, until__isnull=True),
        fu.filter(owner=handover.outgoing_id, status=open_),
        cfu.filter(owner=handover.outgoing_id, status=open_),
    )


def _hand(records: Iterable[Record], field: str, successor: User, *, actor: User) -> list[str]:
    """Make the successor the holder (or owner) of each record, one logged update each; a
    restricted record names the successor too, or they could not see what they hold."""
    moved = []
    for record in records:
        m2m = None
        if record.restricted:
            m2m = {"restricted_to": [*record.restricted_to.all(), successor]}
        update_record(
            record,
            actor=actor,
            expected_version=record.version,
            changes={field: successor},
            m2m=m2m,
        )
        moved.append(str(record.pk))
    return moved


def _app_transfers(handover: Handover, *, actor: User) -> dict[str, int]:
    """Ask every app's ``handover.py`` to pass on what it keeps; merge the counts."""
    counts: dict[str, int] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PACKAGE) or config.name == __package__:
            continue
        name = f"{config.name}.handover"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for kind, count in module.transfer(handover, actor=actor).items():
            counts[kind] = counts.get(kind, 0) + int(count)
    return counts


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after a day, in the installation's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _grants_to_end(handover: Handover) -> list[Grant]:
    """The outgoing delegate's live grants on the delegation or on one of its records."""
    ends = _end_of(handover.effective_on)
    live = Grant.objects.alive().filter(grantee_id=handover.outgoing_id, expires_at__gt=ends)
    found = list(live.filter(delegation_id=handover.delegation_id))
    for grant in live.filter(record_id__isnull=False).select_related("record_type"):
        model = grant.record_type.model_class() if grant.record_type else None
        if model is None or not hasattr(model, "compartment"):
            continue
        compartment = (
            model._default_manager.filter(pk=grant.record_id)
            .values_list("compartment_id", flat=True)
            .first()
        )
        if compartment == handover.delegation_id:
            found.append(grant)
    return found


@write_service
def do_hand_over(handover: Handover, *, actor: User, expected_version: int) -> Handover:
    """Pass the outgoing delegate's relationships, follow-ups and files to the successor,
    and end their posting in the delegation on the effective date, in one act."""
    current = Handover.objects.alive().select_for_update().filter(pk=handover.pk).first()
    if current is None:
        raise HandoverRefused(gettext("This handover was cancelled."))
    if current.version != expected_version:
        raise EditConflict(current, {"state": HandoverState.DONE})
    if current.is_done:
        raise HandoverRefused(gettext("This handover was already done."))
    outgoing, successor = current.outgoing, current.successor
    _check(actor, current.delegation_id, outgoing, successor, current.effective_on)
    passing = to_pass(current, actor, "change")
    ids = {
        Relationship._meta.label: _hand(
            passing.relationships.order_by("created_at"), "holder", successor, actor=actor
        ),
        FollowUp._meta.label: _hand(
            passing.follow_ups.order_by("created_at"), "owner", successor, actor=actor
        ),
        ConcernFollowUp._meta.label: _hand(
            passing.concern_follow_ups.order_by("created_at"), "owner", successor, actor=actor
        ),
    }
    counts = {
        "relationships": len(ids[Relationship._meta.label]),
        "follow-ups": len(ids[FollowUp._meta.label]),
        "concern follow-ups": len(ids[ConcernFollowUp._meta.label]),
    }
    counts.update(_app_transfers(current, actor=actor))
    day = current.effective_on
    ending = [
        m
        for m in Membership.objects.alive().filter(
            user_id=outgoing.pk, delegation_id=current.delegation_id, starts_on__lte=day
        )
        if m.ends_on is None or m.ends_on > day
    ]
    grants = _grants_to_end(current)
    counts["postings ended"] = len(ending)
    counts["grants ended"] = len(grants)
    done = update_record(
        current,
        actor=actor,
        expected_version=expected_version,
        changes={
            "state": HandoverState.DONE,
            "done_at": timezone.now(),
            "passed": counts,
            "passed_ids": ids,
        },
    )
    # The posting ends last: until then the actor may still be the outgoing delegate.
    for membership in ending:
        do_end_posting(membership, actor=actor, ends_on=day, reason="ended at handover")
    for grant in grants:
        do_end_grant(grant, actor=actor, at=_end_of(day), reason="ended at handover")
    audit.append_event(
        AuditKind.PERMISSION_CHANGED,
        actor=actor,
        obj=done,
        detail={
            "action": "handed over",
            "version": done.version,
            "count": sum(counts.values()),
            "outgoing": str(outgoing.pk),
            "successor": str(successor.pk),
            "effective_on": day,
            "passed": counts,
        },
    )
    for user in (outgoing, actor):
        forget_clearance(user)
    return done


@write_service
def do_link_introduction(
    handover: Handover, *, actor: User, interaction: Interaction
) -> Introduction:
    """Record an interaction as a joint introduction of the successor by the outgoing
    delegate; both must be among our participants."""
    require_visible(Handover, [handover], actor)
    [interaction] = require_visible(Interaction, [interaction], actor)
    if interaction.compartment_id != handover.compartment_id:
        raise HandoverRefused(gettext("The introduction must be a contact of the same delegation."))
    ours = set(interaction.our_participants.values_list("pk", flat=True))
    if not {handover.outgoing_id, handover.successor_id} <= ours:
        raise HandoverRefused(
            gettext(
                "A joint introduction has both the outgoing delegate and the successor among "
                "our participants."
            )
        )
    if Introduction.objects.alive().filter(handover=handover, interaction=interaction).exists():
        raise HandoverRefused(gettext("This contact is already recorded as an introduction."))
    introduction = Introduction(
        handover=handover, interaction=interaction, compartment_id=handover.compartment_id
    )
    return create_record(introduction, actor=actor)


@write_service
def do_unlink_introduction(
    introduction: Introduction, *, actor: User, expected_version: int
) -> Introduction:
    """Say that a contact was not a joint introduction after all."""
    return delete_record(introduction, actor=actor, expected_version=expected_version)

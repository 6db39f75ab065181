"""Every write to the dialogue: interactions and their follow-ups."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.choices import FollowUpStatus
from pourparler.dialogue.models import FollowUp, Interaction, Topic
from pourparler.people.models import Person

INTERACTION_LINKS = ("bearers", "their_participants", "our_participants", "topics", "restricted_to")


def _check_links(actor: User, m2m: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    """Refuse links to bearers or people the actor cannot see."""
    links = {name: list(values) for name, values in m2m.items()}
    require_visible(WeaponBearer, links.get("bearers", []), actor)
    require_visible(Person, links.get("their_participants", []), actor)
    require_visible(Topic, links.get("topics", []), actor)
    return links


@write_service
def do_record_interaction(
    *,
    actor: User,
    compartment: Delegation,
    kind: str,
    summary: str,
    bearers: Iterable[WeaponBearer] = (),
    their_participants: Iterable[Person] = (),
    our_participants: Iterable[User] = (),
    topics: Iterable[Topic] = (),
    follow_ups: Sequence[Mapping[str, Any]] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> Interaction:
    """Record a contact with its participants, topics and follow-ups, all or nothing."""
    interaction = Interaction(compartment=compartment, kind=kind, summary=summary, **fields)
    m2m: dict[str, Iterable[Any]] = {
        "bearers": bearers,
        "their_participants": their_participants,
        "our_participants": our_participants,
        "topics": topics,
    }
    if interaction.restricted:
        m2m["restricted_to"] = restricted_to
    links = _check_links(actor, m2m)
    create_record(interaction, actor=actor, m2m=links)
    for entry in follow_ups:
        do_create_follow_up(interaction, actor=actor, **entry)
    return interaction


@write_service
def do_update_interaction(
    interaction: Interaction,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Interaction:
    """Change an interaction seen at ``expected_version``; a stale edit raises EditConflict."""
    checked = _check_links(actor, links or {})
    return update_record(
        interaction, actor=actor, expected_version=expected_version, changes=changes, m2m=checked
    )


@write_service
def do_delete_interaction(
    interaction: Interaction, *, actor: User, expected_version: int
) -> Interaction:
    """Put a tombstone on an interaction."""
    return delete_record(interaction, actor=actor, expected_version=expected_version)


@write_service
def do_create_follow_up(
    interaction: Interaction | None,
    *,
    actor: User,
    action: str,
    owner: User | None = None,
    compartment: Delegation | None = None,
    **fields: Any,
) -> FollowUp:
    """Schedule an action arising from an interaction (or on its own, in a compartment)."""
    if interaction is not None:
        require_visible(Interaction, [interaction], actor)
        compartment_id = interaction.compartment_id
    elif compartment is not None:
        compartment_id = compartment.pk
    else:
        raise ValueError("A follow-up needs an interaction or a compartment.")
    follow_up = FollowUp(
        interaction=interaction, action=action, owner=owner, compartment_id=compartment_id, **fields
    )
    if interaction is not None and interaction.restricted:
        follow_up.restricted = True
        return create_record(
            follow_up, actor=actor, m2m={"restricted_to": interaction.restricted_to.all()}
        )
    return create_record(follow_up, actor=actor)


@write_service
def do_complete_follow_up(
    follow_up: FollowUp,
    *,
    actor: User,
    expected_version: int,
    done_on: datetime.date | None = None,
) -> FollowUp:
    """Mark a follow-up done (today, unless the day it was done is given)."""
    return update_record(
        follow_up,
        actor=actor,
        expected_version=expected_version,
        changes={"status": FollowUpStatus.DONE, "done_on": done_on or timezone.localdate()},
    )


@write_service
def do_update_follow_up(
    follow_up: FollowUp, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> FollowUp:
    """Change a follow-up: what is to be done, by whom, by when, and where it stands."""
    return update_record(follow_up, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_delete_follow_up(follow_up: FollowUp, *, actor: User, expected_version: int) -> FollowUp:
    """Put a tombstone on a follow-up."""
    return delete_record(follow_up, actor=actor, expected_version=expected_version)

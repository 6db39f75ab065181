"""A past handover in Varnia, written through the services.

Lena Okafor, a field delegate posted in Varnia before the others, rotated out seven months
ago. Before leaving she introduced her successor, Tomás Ferreira, to two of her three
interlocutors at joint meetings; the handover passed her relationships and her open
follow-up to him and ended her posting on her last day.
"""

from __future__ import annotations

import datetime
from typing import Any

from pourparler.core.choices import Role
from pourparler.core.services import do_create_user, do_post_member
from pourparler.dialogue.choices import InteractionKind
from pourparler.dialogue.services import do_create_follow_up, do_record_interaction
from pourparler.handover.services import do_hand_over, do_link_introduction, do_prepare_handover
from pourparler.people.services import do_create_relationship

LAST_DAY = 200  # days ago


def populate(world: Any) -> str:
    """Record the former delegate, her introductions and the handover; say what was added."""
    varnia = world.delegations["varnia"]
    successor = world.users["varnia.delegate"]
    former = do_create_user(
        actor=None,
        username="varnia.former",
        password=None,
        first_name="Lena",
        last_name="Okafor",
        email="varnia.former@example.org",
    )
    do_post_member(
        actor=None,
        user=former,
        delegation=varnia,
        role=Role.FIELD_DELEGATE,
        starts_on=world.days_ago(LAST_DAY + 700),
    )
    people = world.people["varnia"][:3]
    for info in people:
        do_create_relationship(
            info.person, actor=former, holder=former, since=world.days_ago(LAST_DAY + 600)
        )
    topics = list(world.topics.values())[:1]
    meetings = []
    for offset, info in zip((25, 12), people[:2], strict=True):
        when = datetime.datetime.combine(
            world.days_ago(LAST_DAY + offset), datetime.time(10, 30), tzinfo=datetime.UTC
        )
        meetings.append(
            # Recorded by the successor, who stays and keeps the record in reach.
            do_record_interaction(
                actor=successor,
                compartment=varnia,
                kind=InteractionKind.BILATERAL_MEETING,
                occurred_at=when,
                level=info.level,
                bearers=[info.bearer.bearer],
                their_participants=[info.person],
                our_participants=[former, successor],
                topics=topics,
                summary=(
                    f"Lena Okafor introduced her successor Tomás Ferreira to {info.label}; "
                    "agreed to keep the monthly meeting."
                ),
            )
        )
    do_create_follow_up(
        meetings[-1],
        actor=successor,
        action="Send the brigade the list of the wounded evacuated in March",
        owner=former,
        due_on=world.days_ago(LAST_DAY - 30),
    )
    handover = do_prepare_handover(
        actor=former,
        delegation=varnia,
        outgoing=former,
        successor=successor,
        effective_on=world.days_ago(LAST_DAY),
        note=(
            "See the brigade commander first: he answers letters, not calls. "
            "The third contact has not met Tomás yet; ask the head to introduce him."
        ),
    )
    for meeting in meetings:
        do_link_introduction(handover, actor=former, interaction=meeting)
    handover.refresh_from_db()
    done = do_hand_over(handover, actor=former, expected_version=handover.version)
    passed = ", ".join(f"{n} {kind}" for kind, n in done.passed.items() if n)
    return f"1 past handover in Varnia ({passed}), {len(meetings)} joint introductions"

"""Builders for the concerns tests, written through the service layer like real data."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from pourparler.bearers.choices import Level
from pourparler.bearers.models import WeaponBearer
from pourparler.concerns.models import Concern, Representation, Response
from pourparler.concerns.services import (
    do_open_concern,
    do_record_representation,
    do_record_response,
)
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Topic


def days_ago(days: int) -> datetime.date:
    """The date so many days before today."""
    return timezone.localdate() - datetime.timedelta(days=days)


def topic(code: str) -> Topic:
    """A topic of the seeded taxonomy."""
    return Topic.objects.get(code=code)


def open_concern(
    actor: User,
    compartment: Delegation,
    bearers: list[WeaponBearer],
    *,
    summary: str = "Shelling of the Kessel Ford market",
    category: str = "conduct-of-hostilities",
    opened: int = 30,
    occurred: int | None = None,
    **fields: Any,
) -> Concern:
    """Open a concern ``opened`` days ago about facts ``occurred`` days ago."""
    return do_open_concern(
        actor=actor,
        compartment=compartment,
        summary=summary,
        description=fields.pop("description", "Two shells hit the market at noon."),
        occurred_on=days_ago(occurred if occurred is not None else opened + 2),
        opened_on=days_ago(opened),
        category=topic(category),
        bearers=bearers,
        **fields,
    )


def represent(
    actor: User, concern: Concern, days: int, level: str = Level.OPERATIONAL, **fields: Any
) -> Representation:
    """Record a representation made ``days`` days ago."""
    return do_record_representation(
        concern,
        actor=actor,
        made_on=days_ago(days),
        level=level,
        content=fields.pop("content", "We reminded the commander of the rule of distinction."),
        **fields,
    )


def respond(actor: User, concern: Concern, days: int, kind: str = "acknowledged") -> Response:
    """Record a response received ``days`` days ago."""
    return do_record_response(
        concern, actor=actor, received_on=days_ago(days), kind=kind, content="Noted."
    )


def fresh(concern: Concern) -> Concern:
    """The concern as stored now."""
    return Concern.objects.get(pk=concern.pk)

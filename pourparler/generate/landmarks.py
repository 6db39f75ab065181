"""Landmarks of a generated world: the accounts and records a benchmark asks for.

Found in the database, not remembered from the run, so a benchmark can point at any
generated database: the busiest delegation and one of its field delegates, its most
contacted bearer, its most met person, a recent interaction and concern anyone posted
there may open, and the headquarters accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count

from pourparler.concerns.models import Concern
from pourparler.core.choices import Role
from pourparler.core.models import Delegation, Membership
from pourparler.dialogue.models import Interaction


@dataclass(frozen=True)
class Landmarks:
    """User names and record ids to aim a benchmark at."""

    delegation: str
    delegate: str
    head: str
    analyst: str
    auditor: str
    bearer_id: uuid.UUID
    person_id: uuid.UUID
    interaction_id: uuid.UUID
    concern_id: uuid.UUID


def _username(delegation: Delegation, role: str) -> str:
    posting = (
        Membership.objects.filter(
            delegation=delegation, role=role, ends_on__isnull=True, deleted_at__isnull=True
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if posting is None:
        raise LookupError(f"No {role} posted to {delegation.code}: is this a generated world?")
    return posting.user.username


def find_landmarks() -> Landmarks:
    """Return the landmarks of the generated world in the default database."""
    live = Interaction._base_manager.filter(deleted_at__isnull=True)
    busiest = live.values("compartment").annotate(n=Count("id")).order_by("-n", "compartment")
    top = busiest.first()
    if top is None or top["compartment"] is None:
        raise LookupError("No interaction: generate a world first (`pourparler generate`).")
    delegation = Delegation.objects.get(pk=top["compartment"])
    hq = Delegation.objects.get(is_headquarters=True)
    open_to_all = live.filter(compartment=delegation, restricted=False)
    bearers = Interaction.bearers.through.objects.filter(
        interaction__in=open_to_all,
        weaponbearer__restricted=False,
        weaponbearer__deleted_at__isnull=True,
    )
    bearer = bearers.values("weaponbearer").annotate(n=Count("id")).order_by("-n").first()
    met = Interaction.their_participants.through.objects.filter(interaction__in=open_to_all)
    person = met.values("person").annotate(n=Count("id")).order_by("-n").first()
    interaction = open_to_all.order_by("-occurred_at").values_list("id", flat=True).first()
    concern = (
        Concern._base_manager.filter(
            compartment=delegation, restricted=False, deleted_at__isnull=True
        )
        .order_by("-opened_on", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if bearer is None or person is None or interaction is None or concern is None:
        raise LookupError(f"{delegation.code} lacks bearers, people or concerns to aim at.")
    return Landmarks(
        delegation=delegation.code,
        delegate=_username(delegation, Role.FIELD_DELEGATE),
        head=_username(delegation, Role.HEAD_OF_DELEGATION),
        analyst=_username(hq, Role.HQ_ANALYST),
        auditor=_username(hq, Role.AUDITOR),
        bearer_id=bearer["weaponbearer"],
        person_id=person["person"],
        interaction_id=interaction,
        concern_id=concern,
    )

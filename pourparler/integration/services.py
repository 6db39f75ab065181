"""Every write to integration: assessments of a bearer's pillars."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.models import Interaction
from pourparler.integration.models import IntegrationAssessment
from pourparler.training.models import DisseminationSession

ASSESSMENT_LINKS = ("interactions", "sessions", "restricted_to")


def _check_links(
    actor: User,
    bearer: WeaponBearer,
    m2m: Mapping[str, Iterable[Any]],
    kept: Mapping[str, Iterable[Any]] | None = None,
) -> dict[str, list[Any]]:
    """Refuse new evidence the actor cannot see or that concerns another bearer; return the
    links to set, with the bearer link.

    Links in ``kept`` were already on the record: an editor keeps evidence a colleague
    linked even when they may not see it themselves, so only additions are checked.
    """
    links = {name: list(values) for name, values in m2m.items()}
    before = {name: {getattr(v, "pk", v) for v in values} for name, values in (kept or {}).items()}
    require_visible(WeaponBearer, [bearer], actor)
    added_interactions = [
        getattr(i, "pk", i)
        for i in links.get("interactions", [])
        if getattr(i, "pk", i) not in before.get("interactions", set())
    ]
    added_sessions = [
        getattr(s, "pk", s)
        for s in links.get("sessions", [])
        if getattr(s, "pk", s) not in before.get("sessions", set())
    ]
    require_visible(Interaction, added_interactions, actor)
    require_visible(DisseminationSession, added_sessions, actor)
    about = Interaction.objects.alive().filter(pk__in=added_interactions, bearers=bearer)
    if about.count() != len(set(added_interactions)):
        raise ValidationError(
            {"interactions": gettext("Some interactions do not concern this bearer.")}
        )
    held_for = DisseminationSession.objects.alive().filter(pk__in=added_sessions, bearer=bearer)
    if held_for.count() != len(set(added_sessions)):
        raise ValidationError({"sessions": gettext("Some sessions were held for another bearer.")})
    return links


@write_service
def do_record_assessment(
    *,
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    pillar: str,
    level: int,
    evidence: str,
    assessed_by: User | None = None,
    interactions: Iterable[Interaction] = (),
    sessions: Iterable[DisseminationSession] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> IntegrationAssessment:
    """Record how far a bearer has integrated the law into one pillar, and on what evidence."""
    assessment = IntegrationAssessment(
        compartment=compartment,
        bearer=bearer,
        pillar=pillar,
        level=level,
        evidence=evidence,
        assessed_by=assessed_by or actor,
        **fields,
    )
    m2m: dict[str, Iterable[Any]] = {"interactions": interactions, "sessions": sessions}
    if assessment.restricted:
        m2m["restricted_to"] = restricted_to
    return create_record(assessment, actor=actor, m2m=_check_links(actor, bearer, m2m))


@write_service
def do_update_assessment(
    assessment: IntegrationAssessment,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> IntegrationAssessment:
    """Correct an assessment seen at ``expected_version``; a stale edit raises EditConflict.

    A new assessment of the same pillar is a new record (``do_record_assessment``): an edit
    is for correcting this one, so the history keeps every earlier judgement.
    """
    if "bearer" in changes or "compartment" in changes:
        raise ValueError("An assessment stays with its bearer and delegation; record a new one.")
    kept = {
        "interactions": assessment.interactions.values_list("pk", flat=True),
        "sessions": assessment.sessions.values_list("pk", flat=True),
    }
    checked = _check_links(actor, assessment.bearer, links or {}, kept)
    return update_record(
        assessment,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        m2m=checked,
    )


@write_service
def do_delete_assessment(
    assessment: IntegrationAssessment, *, actor: User, expected_version: int
) -> IntegrationAssessment:
    """Put a tombstone on an assessment; the pillar's status falls back to the one before."""
    return delete_record(assessment, actor=actor, expected_version=expected_version)

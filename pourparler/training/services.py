"""Every write to dissemination and training: sessions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.models import Interaction, Topic
from pourparler.training.models import DisseminationSession

SESSION_LINKS = ("units", "topics", "facilitators", "restricted_to")


def _check_links(
    actor: User,
    bearer: WeaponBearer,
    compartment_id: Any,
    interaction: Interaction | None,
    m2m: Mapping[str, Iterable[Any]],
    *,
    new_bearer: bool = True,
    new_interaction: bool = True,
) -> dict[str, list[Any]]:
    """Refuse links the actor cannot see, units of another bearer, or another
    delegation's interaction; return the links to set, with the bearer link.

    A bearer or interaction already on the record is not checked for visibility again:
    a colleague may correct the numbers of a session whose interaction is restricted
    from them, and the link stays.
    """
    links = {name: list(values) for name, values in m2m.items()}
    if new_bearer:
        require_visible(WeaponBearer, [bearer], actor)
    units = require_visible(Unit, links.get("units", []), actor)
    strangers = [unit.name for unit in units if unit.bearer_id != bearer.pk]
    if strangers:
        raise ValidationError(
            {"units": f"These units belong to another bearer: {', '.join(sorted(strangers))}."}
        )
    require_visible(Topic, links.get("topics", []), actor)
    if interaction is not None:
        if new_interaction:
            require_visible(Interaction, [interaction], actor)
        if interaction.compartment_id != compartment_id:
            raise ValidationError(
                {"interaction": "The interaction belongs to another delegation's contact log."}
            )
    return links


@write_service
def do_record_session(
    *,
    actor: User,
    compartment: Delegation,
    kind: str,
    bearer: WeaponBearer,
    participants: int,
    units: Iterable[Unit] = (),
    topics: Iterable[Topic] = (),
    facilitators: Iterable[User] = (),
    restricted_to: Iterable[User] = (),
    interaction: Interaction | None = None,
    **fields: Any,
) -> DisseminationSession:
    """Record a dissemination or training session with its audience and topics."""
    session = DisseminationSession(
        compartment=compartment,
        kind=kind,
        bearer=bearer,
        participants=participants,
        interaction=interaction,
        **fields,
    )
    m2m: dict[str, Iterable[Any]] = {
        "units": units,
        "topics": topics,
        "facilitators": facilitators,
    }
    if session.restricted:
        m2m["restricted_to"] = restricted_to
    links = _check_links(actor, bearer, compartment.pk, interaction, m2m)
    return create_record(session, actor=actor, m2m=links)


@write_service
def do_update_session(
    session: DisseminationSession,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> DisseminationSession:
    """Change a session seen at ``expected_version``; a stale edit raises EditConflict."""
    # Compare with what is stored, not with the instance (a form may have changed it).
    row = (
        DisseminationSession.objects.alive()
        .filter(pk=session.pk)
        .values_list("bearer_id", "interaction_id")
        .first()
    )
    stored_bearer, stored_interaction = row if row is not None else (None, None)
    bearer = changes.get("bearer", session.bearer)
    compartment = changes.get("compartment", session.compartment)
    interaction = changes.get("interaction", session.interaction)
    wanted = dict(links or {})
    if "bearer" in changes and "units" not in wanted:
        # Units of the former bearer cannot follow the session to another bearer.
        wanted["units"] = [u for u in session.units.all() if u.bearer_id == bearer.pk]
    checked = _check_links(
        actor,
        bearer,
        getattr(compartment, "pk", None),
        interaction,
        wanted,
        new_bearer=bearer.pk != stored_bearer,
        new_interaction=getattr(interaction, "pk", None) != stored_interaction,
    )
    return update_record(
        session, actor=actor, expected_version=expected_version, changes=changes, m2m=checked
    )


@write_service
def do_delete_session(
    session: DisseminationSession, *, actor: User, expected_version: int
) -> DisseminationSession:
    """Put a tombstone on a session."""
    return delete_record(session, actor=actor, expected_version=expected_version)

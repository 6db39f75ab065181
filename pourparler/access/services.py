"""Every write to humanitarian access records: acceptance, passages, constraints, incidents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied

from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import passages_visible_to
from pourparler.bearers.models import Unit, WeaponBearer
from pourparler.core.models import Delegation, Record, User
from pourparler.core.services import (
    create_record,
    delete_record,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.models import Interaction
from pourparler.geo.models import AdminArea

_R = TypeVar("_R", bound=Record)

# What ``require_visible`` says of a hidden link: the same words as for a missing one.
NOT_VISIBLE = "A linked record does not exist or is not visible to you."

# Foreign keys a form may set, and the model each must be visible in before it is linked.
_LINKED: tuple[tuple[str, type[Record]], ...] = (
    ("bearer", WeaponBearer),
    ("unit", Unit),
    ("interaction", Interaction),
    ("passage", CheckpointPassage),
    ("admin_area", AdminArea),
)


def _check_links(actor: User, fields: Mapping[str, Any], bearers: Iterable[Any] = ()) -> None:
    """Refuse links to records the actor cannot see (linking would reveal they exist).

    A checkpoint passage is seen through the access read path: one at a bearer or unit
    the actor may not see is hidden from them, so it is refused like a missing one.
    """
    for name, model in _LINKED:
        value = fields.get(name)
        if value is None:
            continue
        if model is CheckpointPassage:
            pk = getattr(value, "pk", value)
            if not passages_visible_to(actor).filter(pk=pk).exists():
                raise PermissionDenied(NOT_VISIBLE)
        else:
            require_visible(model, [value], actor)
    require_visible(WeaponBearer, list(bearers), actor)


def _create(
    record: _R,
    *,
    actor: User,
    restricted_to: Iterable[User] = (),
    bearers: Iterable[WeaponBearer] | None = None,
) -> _R:
    fields = {name: getattr(record, name, None) for name, _model in _LINKED}
    _check_links(actor, fields, bearers or ())
    readers = list(restricted_to) if record.restricted else []
    links: dict[str, list[Any]] = {"restricted_to": readers}
    if bearers is not None:
        links["bearers"] = list(bearers)
    return create_record(record, actor=actor, m2m=links)


def _update(
    record: _R,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
    bearers: Iterable[WeaponBearer] | None = None,
) -> _R:
    _check_links(actor, changes)
    will_be_restricted = changes.get("restricted", record.restricted)
    links: dict[str, list[Any]] = {}
    if restricted_to is not None or not will_be_restricted:
        links["restricted_to"] = list(restricted_to or []) if will_be_restricted else []
    if bearers is not None:
        links["bearers"] = list(bearers)
    return update_record(
        record, actor=actor, expected_version=expected_version, changes=changes, m2m=links
    )


# -- acceptance of the offer of services -------------------------------------------------


@write_service
def do_record_acceptance(
    *,
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    status: str,
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> AcceptanceAssessment:
    """Record how far a bearer accepts our offer of services, as seen on a given day."""
    assessment = AcceptanceAssessment(
        compartment=compartment, bearer=bearer, status=status, **fields
    )
    return _create(assessment, actor=actor, restricted_to=restricted_to)


@write_service
def do_update_acceptance(
    assessment: AcceptanceAssessment,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
) -> AcceptanceAssessment:
    """Change an acceptance assessment seen at ``expected_version``."""
    return _update(
        assessment,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        restricted_to=restricted_to,
    )


@write_service
def do_delete_acceptance(
    assessment: AcceptanceAssessment, *, actor: User, expected_version: int
) -> AcceptanceAssessment:
    """Put a tombstone on an acceptance assessment."""
    return delete_record(assessment, actor=actor, expected_version=expected_version)


# -- checkpoint passages -----------------------------------------------------------------


@write_service
def do_record_passage(
    *,
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    place_name: str,
    outcome: str,
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> CheckpointPassage:
    """Record a crossing of a checkpoint, or an attempt, and how it went."""
    passage = CheckpointPassage(
        compartment=compartment, bearer=bearer, place_name=place_name, outcome=outcome, **fields
    )
    return _create(passage, actor=actor, restricted_to=restricted_to)


@write_service
def do_update_passage(
    passage: CheckpointPassage,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
) -> CheckpointPassage:
    """Change a checkpoint passage seen at ``expected_version``."""
    return _update(
        passage,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        restricted_to=restricted_to,
    )


@write_service
def do_delete_passage(
    passage: CheckpointPassage, *, actor: User, expected_version: int
) -> CheckpointPassage:
    """Put a tombstone on a checkpoint passage."""
    return delete_record(passage, actor=actor, expected_version=expected_version)


# -- access constraints ------------------------------------------------------------------


@write_service
def do_record_constraint(
    *,
    actor: User,
    compartment: Delegation,
    category: str,
    description: str,
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> AccessConstraint:
    """Record something that kept us from working, in its category."""
    constraint = AccessConstraint(
        compartment=compartment, category=category, description=description, **fields
    )
    return _create(constraint, actor=actor, restricted_to=restricted_to)


@write_service
def do_update_constraint(
    constraint: AccessConstraint,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    restricted_to: Iterable[User] | None = None,
) -> AccessConstraint:
    """Change an access constraint seen at ``expected_version``."""
    return _update(
        constraint,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        restricted_to=restricted_to,
    )


@write_service
def do_delete_constraint(
    constraint: AccessConstraint, *, actor: User, expected_version: int
) -> AccessConstraint:
    """Put a tombstone on an access constraint."""
    return delete_record(constraint, actor=actor, expected_version=expected_version)


# -- security incidents ------------------------------------------------------------------


@write_service
def do_record_incident(
    *,
    actor: User,
    compartment: Delegation,
    kind: str,
    description: str,
    bearers: Iterable[WeaponBearer] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> SecurityIncident:
    """Record a security incident and the bearers involved in it."""
    incident = SecurityIncident(
        compartment=compartment, kind=kind, description=description, **fields
    )
    return _create(incident, actor=actor, restricted_to=restricted_to, bearers=list(bearers))


@write_service
def do_update_incident(
    incident: SecurityIncident,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    bearers: Iterable[WeaponBearer] | None = None,
    restricted_to: Iterable[User] | None = None,
) -> SecurityIncident:
    """Change a security incident seen at ``expected_version``.

    Bearers the editor may not see stay linked: the form could not offer them, so their
    absence from ``bearers`` is not a choice to remove them.
    """
    if bearers is not None:
        _check_links(actor, {}, bearers)
        # Read the stored links afresh: a page may have prefetched only the visible ones.
        stored = SecurityIncident.bearers.through.objects.filter(securityincident_id=incident.pk)
        seen = WeaponBearer.objects.visible_to(actor).values("pk")
        unseen = stored.exclude(weaponbearer_id__in=seen).values_list("weaponbearer_id", flat=True)
        links: list[Any] = [*bearers, *unseen]
        bearers = links
    return _update(
        incident,
        actor=actor,
        expected_version=expected_version,
        changes=changes,
        restricted_to=restricted_to,
        bearers=bearers,
    )


@write_service
def do_delete_incident(
    incident: SecurityIncident, *, actor: User, expected_version: int
) -> SecurityIncident:
    """Put a tombstone on a security incident."""
    return delete_record(incident, actor=actor, expected_version=expected_version)

"""Every write to negotiation files and the tools under them.

Each write to a file or to a row under it also adds a ``NegotiationVersion`` in the same
transaction: the whole file as it now stands, encrypted, so the plan's history is kept.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import clearance_for
from pourparler.core.models import Delegation, User
from pourparler.core.services import (
    create_record,
    delete_record,
    is_head_of,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.models import Interaction
from pourparler.negotiation.models import (
    BottomLine,
    IcebergEntry,
    IslandItem,
    NegotiationFile,
    NegotiationVersion,
    RedLine,
    Scenario,
    Stakeholder,
    StakeholderLink,
)
from pourparler.people.models import Person

FILE_LINKS = ("counterparts", "interactions", "restricted_to")
# The kinds of rows a file holds, with how a version summary names them.
ITEM_NAMES: dict[type[Any], str] = {
    IslandItem: "island item",
    IcebergEntry: "iceberg entry",
    Stakeholder: "stakeholder",
    StakeholderLink: "link between stakeholders",
    RedLine: "red line",
    BottomLine: "bottom line",
    Scenario: "scenario",
}
_Item = TypeVar(
    "_Item",
    IslandItem,
    IcebergEntry,
    Stakeholder,
    StakeholderLink,
    RedLine,
    BottomLine,
    Scenario,
)


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def file_content(file: NegotiationFile) -> dict[str, Any]:
    """Return the whole file as a JSON-ready picture, for a version.

    Linked people and interactions are kept as ids, never as names: a page showing the
    version names them only for a reader who may see them.
    """
    live = Q(deleted_at__isnull=True)
    return {
        "title": file.title,
        "objective": file.objective,
        "status": file.status,
        "opened_on": file.opened_on.isoformat(),
        "bearer": str(file.bearer_id),
        "holder": file.holder.display_name(),
        "counterparts": sorted(str(pk) for pk in file.counterparts.values_list("pk", flat=True)),
        "interactions": sorted(str(pk) for pk in file.interactions.values_list("pk", flat=True)),
        "island": [
            {"id": str(i.pk), "kind": i.kind, "agreed": i.agreed, "text": i.text}
            for i in file.island.filter(live)
        ],
        "iceberg": [
            {"id": str(e.pk), "side": e.side, "layer": e.layer, "text": e.text}
            for e in file.iceberg.filter(live)
        ],
        "stakeholders": [
            {
                "id": str(s.pk),
                "person": str(s.person_id) if s.person_id else None,
                "name": s.name,
                "influence": s.influence,
                "proximity": s.proximity,
                "note": s.note,
            }
            for s in file.stakeholders.filter(live)
        ],
        "links": [
            {
                "id": str(link.pk),
                "source": str(link.source_id),
                "target": str(link.target_id),
                "strength": link.strength,
                "note": link.note,
            }
            for link in file.stakeholder_links.filter(live)
        ],
        "red_lines": [
            {
                "id": str(r.pk),
                "text": r.text,
                "set_by": r.set_by.display_name(),
                "signed_off_by": r.signed_off_by.display_name() if r.signed_off_by else None,
                "signed_off_at": _when(r.signed_off_at),
            }
            for r in file.red_lines.filter(live).select_related("set_by", "signed_off_by")
        ],
        "bottom_lines": [{"id": str(b.pk), "text": b.text} for b in file.bottom_lines.filter(live)],
        "scenarios": [
            {
                "id": str(s.pk),
                "text": s.text,
                "costs": s.costs,
                "benefits": s.benefits,
                "likelihood": s.likelihood,
            }
            for s in file.scenarios.filter(live)
        ],
    }


def _record_version(file: NegotiationFile, *, actor: User, summary: str) -> NegotiationVersion:
    """Add the file's next version: the whole file as it stands after this change."""
    # Lock the file so two changes at once cannot take the same number.
    current = (
        NegotiationFile.objects.select_for_update(of=("self",))
        .select_related("holder")
        .get(pk=file.pk)
    )
    last = current.versions.aggregate(last=Max("number"))["last"] or 0
    version = NegotiationVersion(
        file=current,
        compartment_id=current.compartment_id,
        number=last + 1,
        summary=summary[:120],
        content=json.dumps(file_content(current), ensure_ascii=False),
    )
    return create_record(version, actor=actor)


def stored_compartment(file: NegotiationFile) -> Any:
    """Return the delegation a file is stored in (not what a form may have set)."""
    return (
        NegotiationFile.objects.alive()
        .filter(pk=file.pk)
        .values_list("compartment_id", flat=True)
        .first()
    )


def _check_holder(holder: User, compartment_id: Any) -> None:
    clearance = clearance_for(holder)
    if clearance is None or compartment_id not in clearance.write_compartments:
        raise ValidationError(
            {"holder": gettext("The holder must be a colleague posted to the file's delegation.")}
        )


def _check_interactions(interactions: Iterable[Interaction], compartment_id: Any) -> None:
    strangers = [i for i in interactions if i.compartment_id != compartment_id]
    if strangers:
        raise ValidationError(
            {"interactions": gettext("An interaction belongs to another delegation's contact log.")}
        )


@write_service
def do_open_file(
    *,
    actor: User,
    compartment: Delegation,
    bearer: WeaponBearer,
    title: str,
    holder: User | None = None,
    counterparts: Iterable[Person] = (),
    interactions: Iterable[Interaction] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> NegotiationFile:
    """Open a negotiation file about a bearer, held by a colleague (the actor by default)."""
    holder = holder or actor
    require_visible(WeaponBearer, [bearer], actor)
    people = require_visible(Person, counterparts, actor)
    contacts = require_visible(Interaction, interactions, actor)
    _check_interactions(contacts, compartment.pk)
    _check_holder(holder, compartment.pk)
    file = NegotiationFile(
        compartment=compartment, bearer=bearer, title=title, holder=holder, **fields
    )
    m2m: dict[str, Iterable[Any]] = {"counterparts": people, "interactions": contacts}
    if file.restricted:
        m2m["restricted_to"] = {*restricted_to, holder}
    create_record(file, actor=actor, m2m=m2m)
    _record_version(file, actor=actor, summary="File opened")
    return file


@write_service
def do_update_file(
    file: NegotiationFile,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
    summary: str = "File details changed",
) -> NegotiationFile:
    """Change a file seen at ``expected_version``; a stale edit raises EditConflict."""
    stored = NegotiationFile.objects.alive().filter(pk=file.pk).values("bearer_id").first()
    wanted = {name: list(values) for name, values in (links or {}).items()}
    bearer = changes.get("bearer", file.bearer)
    if stored is not None and bearer.pk != stored["bearer_id"]:
        require_visible(WeaponBearer, [bearer], actor)
    if "compartment" in changes and changes["compartment"].pk != stored_compartment(file):
        # The rows under the file and its versions live in its compartment.
        raise ValidationError(
            {
                "compartment": gettext(
                    "A file stays in the delegation that opened it; open a new one."
                )
            }
        )
    compartment_id = file.compartment_id
    if "counterparts" in wanted:
        # People already linked stay linked even if this editor may not see them.
        kept = set(file.counterparts.values_list("pk", flat=True))
        require_visible(Person, [p for p in wanted["counterparts"] if p.pk not in kept], actor)
    if "interactions" in wanted:
        kept = set(file.interactions.values_list("pk", flat=True))
        require_visible(Interaction, [i for i in wanted["interactions"] if i.pk not in kept], actor)
        _check_interactions(wanted["interactions"], compartment_id)
    holder = changes.get("holder", file.holder)
    _check_holder(holder, compartment_id)
    restricted = changes.get("restricted", file.restricted)
    if restricted:
        named = wanted.get("restricted_to", list(file.restricted_to.all()))
        wanted["restricted_to"] = list({*named, holder})
    updated = update_record(
        file, actor=actor, expected_version=expected_version, changes=changes, m2m=wanted
    )
    _record_version(updated, actor=actor, summary=summary)
    return updated


@write_service
def do_delete_file(file: NegotiationFile, *, actor: User, expected_version: int) -> NegotiationFile:
    """Put a tombstone on a negotiation file (everything under it goes with it)."""
    return delete_record(file, actor=actor, expected_version=expected_version)


def _check_item(file: NegotiationFile, item: Any, actor: User, *, new: bool) -> None:
    """Refuse a stakeholder without a name, a person the actor cannot see, or a link
    between stakeholders of another file."""
    if isinstance(item, Stakeholder):
        if item.person_id is None and not item.name.strip():
            raise ValidationError({"name": gettext("Name the stakeholder or pick a person.")})
        if item.person_id is not None and new:
            require_visible(Person, [item.person_id], actor)
    if isinstance(item, StakeholderLink):
        ends = Stakeholder.objects.alive().filter(
            file=file, pk__in=[item.source_id, item.target_id]
        )
        if item.source_id == item.target_id or ends.count() != 2:
            raise ValidationError(
                {"target": gettext("Link two different stakeholders of this file.")}
            )


@write_service
def do_add_to_file(
    file: NegotiationFile, model: type[_Item], *, actor: User, **fields: Any
) -> _Item:
    """Add an island item, iceberg entry, stakeholder, link, red or bottom line or scenario."""
    if model not in ITEM_NAMES:
        raise ValueError(f"{model.__name__} is not part of a negotiation file.")
    if model is RedLine:
        fields["set_by"] = actor
    item = model(file=file, compartment_id=file.compartment_id, **fields)
    _check_item(file, item, actor, new=True)
    create_record(item, actor=actor)
    _record_version(file, actor=actor, summary=f"{ITEM_NAMES[model].capitalize()} added")
    return item


@write_service
def do_change_in_file(
    item: _Item, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> _Item:
    """Change a row of a file; changing a signed-off red line's text clears the sign-off."""
    changes = dict(changes)
    summary = f"{ITEM_NAMES[type(item)].capitalize()} changed"
    if isinstance(item, RedLine):
        stored = RedLine.objects.alive().filter(pk=item.pk).first()
        if (
            stored is not None
            and stored.is_signed_off
            and changes.get("text", stored.text) != stored.text
        ):
            changes.update(signed_off_by=None, signed_off_at=None)
            summary = "Red line changed; its sign-off is cleared"
    new_person = (
        isinstance(item, Stakeholder)
        and "person" in changes
        and getattr(changes["person"], "pk", None) != item.person_id
    )
    for name, value in changes.items():
        setattr(item, name, value)
    _check_item(item.file, item, actor, new=new_person)
    updated = update_record(item, actor=actor, expected_version=expected_version, changes=changes)
    _record_version(item.file, actor=actor, summary=summary)
    return updated


@write_service
def do_remove_from_file(item: _Item, *, actor: User, expected_version: int) -> _Item:
    """Put a tombstone on a row of a file; a stakeholder's links go with it."""
    removed = delete_record(item, actor=actor, expected_version=expected_version)
    if isinstance(item, Stakeholder):
        for link in StakeholderLink.objects.alive().filter(Q(source=item) | Q(target=item)):
            delete_record(link, actor=actor, expected_version=link.version)
    _record_version(
        item.file, actor=actor, summary=f"{ITEM_NAMES[type(item)].capitalize()} removed"
    )
    return removed


@write_service
def do_sign_off_red_line(red_line: RedLine, *, actor: User, expected_version: int) -> RedLine:
    """Sign off a red line as head of the delegation that holds the file."""
    if not is_head_of(actor, red_line.compartment_id):
        raise PermissionDenied(gettext("Only the head of delegation signs off a red line."))
    updated = update_record(
        red_line,
        actor=actor,
        expected_version=expected_version,
        changes={"signed_off_by": actor, "signed_off_at": timezone.now()},
    )
    _record_version(red_line.file, actor=actor, summary="Red line signed off")
    return updated


@write_service
def do_pass_on_files(
    *, actor: User, outgoing: User, successor: User, delegation: Delegation
) -> int:
    """Make the successor the holder of the outgoing colleague's files in a delegation.

    Only files the actor may change are passed on; a restricted file names the successor.
    Returns how many files were passed on.
    """
    files = (
        NegotiationFile.objects.visible_to(actor, "change")
        .filter(holder=outgoing, compartment=delegation)
        .order_by("created_at")
    )
    passed = 0
    for file in files:
        links: dict[str, Iterable[Any]] = {}
        if file.restricted:
            links["restricted_to"] = [*file.restricted_to.all(), successor]
        do_update_file(
            file,
            actor=actor,
            expected_version=file.version,
            changes={"holder": successor},
            links=links,
            summary=f"Handed over to {successor.display_name()}",
        )
        passed += 1
    return passed

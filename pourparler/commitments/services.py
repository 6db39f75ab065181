"""Every write to the commitments register: registering and editing a commitment, its
signatories, and the compliance observations that follow it over time.

Rules kept here, whatever page or command calls them:

* A commitment names at least one party (a bearer the actor may see); the contacts that
  led to it, the people who signed it and the evidence of an observation must be visible
  to the actor and held by the same delegation, or the write is refused like a link to a
  missing record.
* Dates are not in the future; an observation is not older than the commitment, and a
  commitment cannot be moved after its first observation. A month or a year is stored as
  its first day (``concerns.models.start_of_period``), like the date of a concern.
* A signatory signs for one of the commitment's parties, and is a person of the register
  or a name as signed (or both).
* Recording, correcting or deleting an observation refreshes the commitment's
  ``current_compliance`` and ``compliance_observed_on`` from its latest live observation,
  in the same transaction. Those two fields are derived (not logged, no new version);
  the observation's own change-log entry is the history.
* Signatories and observations take the commitment's compartment and restriction, and
  follow them when the commitment's change.
* Links the editor may not see (a bearer, a contact, evidence) stay as they are when
  they edit: the form could not offer them, so their absence is not a choice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pourparler.access.models import CheckpointPassage, SecurityIncident
from pourparler.access.reading import incidents_visible_to, passages_visible_to
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.concerns.models import Concern, start_of_period
from pourparler.core.choices import DatePrecision
from pourparler.core.models import Delegation, Record, User
from pourparler.core.services import (
    RecordGone,
    create_record,
    delete_record,
    ensure_permitted,
    require_visible,
    update_record,
    write_service,
)
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person

_R = TypeVar("_R", bound=Record)

# Fields of a commitment that only this module sets.
DERIVED_FIELDS = frozenset({"current_compliance", "compliance_observed_on"})

# The records under a commitment: they share its compartment and restriction.
CHILD_MODELS: tuple[type[Any], ...] = (Signatory, ComplianceObservation)

# The kinds of evidence an observation links to: the many-to-many field, and how to read
# the records the actor may see (the access app hides records at hidden checkpoints).
EVIDENCE: tuple[tuple[str, str], ...] = (
    ("concerns", "concern"),
    ("incidents", "security incident"),
    ("passages", "checkpoint passage"),
)

_NOT_VISIBLE = "A linked record does not exist or is not visible to you."


def _refuse(field: str | None, message: str) -> None:
    if field is None:
        raise ValidationError(message)
    raise ValidationError({field: message})


def _today() -> datetime.date:
    return timezone.localdate()


# What a form says, field by field, of a date in the future.
_IN_FUTURE = {
    "made_on": _("The date of the commitment cannot be in the future."),
    "signed_on": _("The date of signature cannot be in the future."),
    "observed_on": _("An observation cannot be in the future."),
}
# What it says of a linked record held by another delegation, by kind of record.
_ELSEWHERE = {
    "contact": _("This contact belongs to another delegation than the commitment."),
    "person": _("This person belongs to another delegation than the commitment."),
    "concern": _("This concern belongs to another delegation than the commitment."),
    "security incident": _(
        "This security incident belongs to another delegation than the commitment."
    ),
    "checkpoint passage": _(
        "This checkpoint passage belongs to another delegation than the commitment."
    ),
}


def _not_in_future(field: str, day: datetime.date | None) -> None:
    if day is not None and day > _today():
        _refuse(field, str(_IN_FUTURE[field]))


def visible_evidence(name: str, user: Any) -> Any:
    """Return the records of one kind of evidence the user may see."""
    if name == "concerns":
        return Concern.objects.visible_to(user)
    if name == "incidents":
        return incidents_visible_to(user)
    if name == "passages":
        return passages_visible_to(user)
    raise ValueError(f"No evidence called {name}.")


def _require_among(queryset: Any, records: Iterable[Any]) -> list[Any]:
    """Return the records if every one is in the queryset the actor may see, else refuse."""
    ids = {getattr(r, "pk", r) for r in records}
    if not ids:
        return []
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(ids):
        raise PermissionDenied(_NOT_VISIBLE)
    return found


def _same_compartment(field: str, records: Iterable[Any], commitment: Any, what: str) -> None:
    if any(r.compartment_id != commitment.compartment_id for r in records):
        _refuse(field, str(_ELSEWHERE[what]))


# --------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Store a month or a year as its first day, so sorting and periods work."""
    if values.get("made_on") is not None:
        precision = values.get("date_precision") or DatePrecision.DAY
        values["made_on"] = start_of_period(values["made_on"], precision)
    return values


@write_service
def do_register_commitment(
    *,
    actor: User,
    compartment: Delegation,
    instrument: str,
    title: str,
    scope: str,
    bearers: Iterable[WeaponBearer],
    made_on: datetime.date | None = None,
    interactions: Iterable[Interaction] = (),
    signatories: Sequence[Mapping[str, Any]] = (),
    restricted_to: Iterable[User] = (),
    **fields: Any,
) -> Commitment:
    """Register a commitment with its parties, contacts and signatories, all or nothing."""
    if DERIVED_FIELDS & set(fields):
        raise ValueError("The current compliance is set by the observations.")
    values = _normalised(
        {
            "made_on": made_on or _today(),
            "date_precision": fields.pop("date_precision", None) or DatePrecision.DAY,
        }
    )
    _not_in_future("made_on", values["made_on"])
    bearer_list = require_visible(WeaponBearer, bearers, actor)
    if not bearer_list:
        _refuse("bearers", gettext("Name the bearer that undertook it."))
    commitment = Commitment(
        compartment=compartment,
        instrument=instrument,
        title=title,
        scope=scope,
        **values,
        **fields,
    )
    contacts = require_visible(Interaction, interactions, actor)
    _same_compartment("interactions", contacts, commitment, "contact")
    m2m: dict[str, Iterable[Any]] = {"bearers": bearer_list, "interactions": contacts}
    if commitment.restricted:
        m2m["restricted_to"] = list(restricted_to)
    create_record(commitment, actor=actor, m2m=m2m)
    for signatory in signatories:
        do_add_signatory(commitment, actor=actor, **signatory)
    return commitment


def _restriction_of(commitment: Commitment) -> tuple[Any, bool, frozenset[Any]]:
    ids = frozenset(commitment.restricted_to.values_list("pk", flat=True))
    return commitment.compartment_id, commitment.restricted, ids


def _kept_hidden(current: Commitment, name: str, model: type[Record], actor: User) -> list[Any]:
    """The records linked through ``name`` that the actor may not see (kept on edit)."""
    return list(getattr(current, name).exclude(pk__in=model.objects.visible_to(actor).values("pk")))


@write_service
def do_update_commitment(
    commitment: Commitment,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Commitment:
    """Change a commitment seen at ``expected_version``; a stale edit raises EditConflict.

    Its current compliance is refused here: it follows the observations. A change of
    compartment or restriction is carried to its signatories and observations.
    """
    if DERIVED_FIELDS & set(changes):
        raise ValueError("The current compliance is set by the observations.")
    try:
        current = Commitment.objects.alive().get(pk=commitment.pk)
    except Commitment.DoesNotExist:
        raise RecordGone("The commitment was deleted.") from None
    before = _restriction_of(current)
    links = dict(links or {})
    checked: dict[str, Iterable[Any]] = {}
    if "bearers" in links:
        chosen = require_visible(WeaponBearer, links["bearers"], actor)
        hidden = _kept_hidden(current, "bearers", WeaponBearer, actor)
        checked["bearers"] = chosen + [b for b in hidden if b not in chosen]
        if not checked["bearers"]:
            _refuse("bearers", gettext("Name the bearer that undertook it."))
        signing_for = set(
            Signatory.objects.alive().filter(commitment=current).values_list("bearer", flat=True)
        )
        dropped = signing_for - {b.pk for b in checked["bearers"]}
        if dropped:
            _refuse(
                "bearers",
                gettext(
                    "Someone signed for a party you removed: remove or correct that signatory "
                    "first."
                ),
            )
    if "interactions" in links:
        chosen_contacts = require_visible(Interaction, links["interactions"], actor)
        linked = set(current.interactions.values_list("pk", flat=True))
        fresh = [i for i in chosen_contacts if i.pk not in linked]
        _same_compartment("interactions", fresh, current, "contact")
        hidden_contacts = _kept_hidden(current, "interactions", Interaction, actor)
        checked["interactions"] = chosen_contacts + [
            i for i in hidden_contacts if i not in chosen_contacts
        ]
    if "restricted_to" in links:
        checked["restricted_to"] = list(links["restricted_to"])
    names = ("made_on", "date_precision")
    values = _normalised({name: changes.get(name, getattr(current, name)) for name in names})
    full = dict(changes)
    if "made_on" in changes or "date_precision" in changes:
        full["made_on"] = values["made_on"]
        _not_in_future("made_on", values["made_on"])
        first = (
            ComplianceObservation.objects.alive()
            .filter(commitment=current)
            .order_by("observed_on")
            .values_list("observed_on", flat=True)
            .first()
        )
        if first is not None and values["made_on"] > first and current.version == expected_version:
            _refuse(
                "made_on",
                gettext(
                    "Compliance was first observed on %(day)s: the commitment cannot have been "
                    "made after that."
                )
                % {"day": formats.date_format(first, "DATE_FORMAT")},
            )
    updated = update_record(
        commitment, actor=actor, expected_version=expected_version, changes=full, m2m=checked
    )
    if _restriction_of(updated) != before:
        _carry_to_children(updated, actor=actor)
    return updated


@write_service
def do_delete_commitment(
    commitment: Commitment, *, actor: User, expected_version: int
) -> Commitment:
    """Put a tombstone on a commitment; its signatories and observations are hidden with it."""
    return delete_record(commitment, actor=actor, expected_version=expected_version)


def _add_child(
    child: _R,
    commitment: Commitment,
    *,
    actor: User,
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> _R:
    """Create a record under a commitment, in its compartment and with its restriction."""
    child.compartment_id = commitment.compartment_id
    links = dict(m2m or {})
    if commitment.restricted:
        child.restricted = True
        links["restricted_to"] = list(commitment.restricted_to.all())
    return create_record(child, actor=actor, m2m=links)


def _carry_to_children(commitment: Commitment, *, actor: User) -> None:
    """Give every record under the commitment its compartment and restriction."""
    named = list(commitment.restricted_to.all())
    named_ids = {user.pk for user in named}
    for model in CHILD_MODELS:
        for child in model.objects.alive().filter(commitment=commitment):
            ids = set(child.restricted_to.values_list("pk", flat=True))
            if (child.compartment_id, child.restricted, ids) == (
                commitment.compartment_id,
                commitment.restricted,
                named_ids,
            ):
                continue
            update_record(
                child,
                actor=actor,
                expected_version=child.version,
                changes={
                    "compartment_id": commitment.compartment_id,
                    "restricted": commitment.restricted,
                },
                m2m={"restricted_to": named},
            )


def _locked(commitment: Commitment | Any) -> Commitment:
    """Lock the commitment's row for the rest of the transaction and return it as stored."""
    pk: Any = getattr(commitment, "pk", commitment)
    try:
        return Commitment.objects.alive().select_for_update().get(pk=pk)
    except Commitment.DoesNotExist:
        raise RecordGone("The commitment was deleted.") from None


# --------------------------------------------------------------------------------------
# Signatories
# --------------------------------------------------------------------------------------


def _check_signatory(commitment: Commitment, values: Mapping[str, Any], actor: User) -> None:
    bearer = values.get("bearer")
    if bearer is not None:
        require_visible(WeaponBearer, [bearer], actor)
        if not commitment.bearers.filter(pk=bearer.pk).exists():
            _refuse("bearer", gettext("Choose one of the parties to the commitment."))
    person = values.get("person")
    if person is not None:
        require_visible(Person, [person], actor)
        _same_compartment("person", [person], commitment, "person")
    _not_in_future("signed_on", values.get("signed_on"))


def _named(person: Any, name_as_signed: str) -> None:
    if person is None and not name_as_signed.strip():
        _refuse("name_as_signed", gettext("Choose the person or write the name as signed."))


@write_service
def do_add_signatory(
    commitment: Commitment,
    *,
    actor: User,
    capacity: str,
    bearer: WeaponBearer,
    person: Person | None = None,
    name_as_signed: str = "",
    signed_as: str = "",
    signed_on: datetime.date | None = None,
) -> Signatory:
    """Add someone who signed or gave the commitment for one of its parties."""
    ensure_permitted(commitment, actor, "change")
    current = _locked(commitment)
    _check_signatory(current, {"bearer": bearer, "person": person, "signed_on": signed_on}, actor)
    _named(person, name_as_signed)
    signatory = Signatory(
        commitment=current,
        capacity=capacity,
        bearer=bearer,
        person=person,
        name_as_signed=name_as_signed,
        signed_as=signed_as,
        signed_on=signed_on,
    )
    return _add_child(signatory, current, actor=actor)


@write_service
def do_update_signatory(
    signatory: Signatory, *, actor: User, expected_version: int, changes: Mapping[str, Any]
) -> Signatory:
    """Correct a signatory seen at ``expected_version``."""
    commitment = _locked(signatory.commitment_id)
    stored = Signatory.objects.alive().get(pk=signatory.pk)
    # Links are checked only if changed: the person may be one this editor cannot see.
    values = {name: changes[name] for name in ("bearer", "person", "signed_on") if name in changes}
    _check_signatory(commitment, values, actor)
    _named(
        changes.get("person", stored.person_id),
        changes.get("name_as_signed", stored.name_as_signed),
    )
    return update_record(signatory, actor=actor, expected_version=expected_version, changes=changes)


@write_service
def do_remove_signatory(signatory: Signatory, *, actor: User, expected_version: int) -> Signatory:
    """Put a tombstone on a signatory (entered by mistake)."""
    return delete_record(signatory, actor=actor, expected_version=expected_version)


# --------------------------------------------------------------------------------------
# Compliance observations
# --------------------------------------------------------------------------------------


def _check_observation(commitment: Commitment, observed_on: datetime.date) -> None:
    _not_in_future("observed_on", observed_on)
    if observed_on < commitment.made_on:
        _refuse(
            "observed_on",
            gettext(
                "The commitment was made on %(made)s: compliance cannot be observed before that."
            )
            % {"made": commitment.made_display},
        )


def _checked_evidence(
    commitment: Commitment, evidence: Mapping[str, Iterable[Any]], actor: User
) -> dict[str, list[Any]]:
    """Refuse evidence the actor may not see or from another delegation; return it."""
    checked: dict[str, list[Any]] = {}
    for name, what in EVIDENCE:
        if name not in evidence:
            continue
        records = _require_among(visible_evidence(name, actor), evidence[name])
        _same_compartment(name, records, commitment, what)
        checked[name] = records
    unknown = set(evidence) - {name for name, _what in EVIDENCE}
    if unknown:
        raise ValueError(f"No evidence called {', '.join(sorted(unknown))}.")
    return checked


def refresh_compliance(commitment: Commitment) -> None:
    """Set the commitment's current compliance from its latest live observation.

    Derived data: written with a plain update, not logged, no new version (the
    observation that changed it is logged). Called inside the services, after the
    commitment's row was locked.
    """
    latest = (
        ComplianceObservation.objects.alive()
        .filter(commitment_id=commitment.pk)
        .order_by("-observed_on", "-created_at")
        .values_list("assessment", "observed_on")
        .first()
    )
    assessment, observed_on = latest if latest else ("", None)
    Commitment.objects.filter(pk=commitment.pk).update(
        current_compliance=assessment, compliance_observed_on=observed_on
    )
    commitment.current_compliance = assessment
    commitment.compliance_observed_on = observed_on


@write_service
def do_record_compliance(
    commitment: Commitment,
    *,
    actor: User,
    observed_on: datetime.date,
    assessment: str,
    note: str,
    concerns: Iterable[Concern] = (),
    incidents: Iterable[SecurityIncident] = (),
    passages: Iterable[CheckpointPassage] = (),
) -> ComplianceObservation:
    """Record what was seen of a commitment on a day, with its evidence."""
    ensure_permitted(commitment, actor, "change")
    current = _locked(commitment)
    _check_observation(current, observed_on)
    if not note.strip():
        _refuse("note", gettext("Say what was seen or reported."))
    evidence = _checked_evidence(
        current,
        {"concerns": concerns, "incidents": incidents, "passages": passages},
        actor,
    )
    observation = ComplianceObservation(
        commitment=current, observed_on=observed_on, assessment=assessment, note=note
    )
    _add_child(observation, current, actor=actor, m2m=evidence)
    refresh_compliance(current)
    return observation


@write_service
def do_update_compliance(
    observation: ComplianceObservation,
    *,
    actor: User,
    expected_version: int,
    changes: Mapping[str, Any],
    evidence: Mapping[str, Iterable[Any]] | None = None,
) -> ComplianceObservation:
    """Correct an observation seen at ``expected_version``; the current compliance follows.

    Evidence the editor may not see stays linked.
    """
    commitment = _locked(observation.commitment_id)
    stored = ComplianceObservation.objects.alive().get(pk=observation.pk)
    if "observed_on" in changes:
        _check_observation(commitment, changes["observed_on"])
    if "note" in changes and not (changes["note"] or "").strip():
        _refuse("note", gettext("Say what was seen or reported."))
    links: dict[str, list[Any]] = {}
    if evidence is not None:
        links = _checked_evidence(commitment, evidence, actor)
        for name in links:
            seen = visible_evidence(name, actor).values("pk")
            unseen = list(getattr(stored, name).exclude(pk__in=seen))
            links[name] = links[name] + [r for r in unseen if r not in links[name]]
    updated = update_record(
        observation, actor=actor, expected_version=expected_version, changes=changes, m2m=links
    )
    refresh_compliance(commitment)
    return updated


@write_service
def do_delete_compliance(
    observation: ComplianceObservation, *, actor: User, expected_version: int
) -> ComplianceObservation:
    """Put a tombstone on an observation; the current compliance goes back to the one before."""
    commitment = _locked(observation.commitment_id)
    deleted = delete_record(observation, actor=actor, expected_version=expected_version)
    refresh_compliance(commitment)
    return deleted

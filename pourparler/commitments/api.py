"""The API of commitments: what weapon bearers undertook, in which instrument, who
signed it, and how far they keep it.

A commitment is held in a delegation's compartment (its title, scope, terms and witness
are confidential; reads are audited). Its ``current_compliance`` and
``compliance_observed_on`` are derived from the observations and read only. Its bearers
and contacts come through the read path: a bearer or interaction the caller may not see
is left out of the links, as on the commitment's page.

Signatories and compliance observations sit under a commitment (``access_via``): they
take its compartment and restriction and are hidden wherever it is. A signatory whose
person or party the caller may not see is hidden from them, name included, as on the
page. An observation's evidence (concerns, security incidents, checkpoint passages) is
read through the pages' read path: hidden evidence is left out of the links, naming it
is a 422, and an edit keeps the evidence a colleague cited that the editor may not see.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Prefetch
from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import (
    NOT_VISIBLE,
    QS,
    InvalidInput,
    Resource,
    all_linked,
    colleagues,
    given,
    linked,
    maybe_linked,
    register,
)
from pourparler.api.schemas import LONG_TEXT, Day, Flag, RecordOut, Text, changes_of, ids
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Capacity, Compliance, Disclosure, Instrument
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import (
    EVIDENCE,
    do_add_signatory,
    do_delete_commitment,
    do_delete_compliance,
    do_record_compliance,
    do_register_commitment,
    do_remove_signatory,
    do_update_commitment,
    do_update_compliance,
    do_update_signatory,
    visible_evidence,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction
from pourparler.people.models import Person

router = Router()


class CommitmentOut(RecordOut):
    """An undertaking by one or more weapon bearers."""

    instrument: Instrument
    title: str
    bearers: list[uuid.UUID] = Field(description="The bearers that undertook it you may see.")
    scope: str
    terms: str
    made_on: datetime.date
    date_precision: DatePrecision
    place_name: str
    witness: str
    disclosure: Disclosure
    interactions: list[uuid.UUID]
    current_compliance: Compliance | None = Field(
        None, description="Derived from the latest observation; read only."
    )
    compliance_observed_on: datetime.date | None = None

    @staticmethod
    def resolve_bearers(obj: Commitment) -> list[uuid.UUID]:
        return ids(obj.bearers)

    @staticmethod
    def resolve_interactions(obj: Commitment) -> list[uuid.UUID]:
        return ids(obj.interactions)

    @staticmethod
    def resolve_current_compliance(obj: Commitment) -> str | None:
        return obj.current_compliance or None


class CommitmentFilters(Schema):
    """Filters of the register of commitments."""

    bearer: uuid.UUID | None = Field(None, description="Undertaken by this bearer.")
    instrument: Instrument | None = None
    compliance: Compliance | None = Field(None, description="Current compliance.")
    delegation: uuid.UUID | None = Field(None, description="Recorded by this delegation.")
    date_from: Day | None = Field(None, description="Made on or after this day.")
    date_to: Day | None = Field(None, description="Made on or before this day.")


class CommitmentIn(Schema):
    """A commitment as the register records it (signatories are added on its page)."""

    compartment: uuid.UUID = Field(description="The delegation that records it.")
    instrument: Instrument
    title: Text = Field(min_length=1, max_length=200)
    bearers: list[uuid.UUID] = Field(min_length=1, max_length=50)
    scope: Text = Field(min_length=1, max_length=LONG_TEXT)
    terms: Text = Field("", max_length=LONG_TEXT)
    made_on: Day | None = Field(None, description="Today if left out.")
    date_precision: DatePrecision = DatePrecision.DAY
    place_name: Text = Field("", max_length=200)
    witness: Text = Field("", max_length=300)
    disclosure: Disclosure = Disclosure.CONFIDENTIAL
    interactions: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    restricted: Flag = False
    restricted_to: list[uuid.UUID] = Field(default_factory=list, max_length=50)


COMMITMENT_FIELDS = (
    "instrument",
    "title",
    "scope",
    "terms",
    "date_precision",
    "place_name",
    "witness",
    "disclosure",
    "restricted",
)


def _prepare(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(
        Prefetch("bearers", queryset=WeaponBearer.objects.visible_to(user))
    ).prefetch_related(Prefetch("interactions", queryset=Interaction.objects.visible_to(user)))


def _filter(queryset: QS, filters: CommitmentFilters, user: User) -> QS:
    if filters.bearer:
        queryset = queryset.filter(
            bearers__in=WeaponBearer.objects.visible_to(user).filter(pk=filters.bearer)
        )
    wanted = {
        "instrument": filters.instrument,
        "current_compliance": filters.compliance,
        "compartment_id": filters.delegation,
        "made_on__gte": filters.date_from,
        "made_on__lte": filters.date_to,
    }
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _create(payload: Any, actor: User) -> Commitment:
    return do_register_commitment(
        actor=actor,
        compartment=linked(Delegation, payload.compartment, actor, "compartment"),
        bearers=all_linked(WeaponBearer, payload.bearers, actor, "bearers"),
        interactions=all_linked(Interaction, payload.interactions, actor, "interactions"),
        restricted_to=colleagues(payload.restricted_to, "restricted_to"),
        made_on=payload.made_on,
        **{name: getattr(payload, name) for name in COMMITMENT_FIELDS},
    )


def _update(commitment: Commitment, payload: Any, actor: User) -> Commitment:
    _not_null(payload, "made_on")
    sent = payload.model_fields_set
    changes = given(payload, *COMMITMENT_FIELDS, "made_on")
    links: dict[str, list[Any]] = {}
    if "bearers" in sent:
        links["bearers"] = all_linked(WeaponBearer, payload.bearers or [], actor, "bearers")
    if "interactions" in sent:
        links["interactions"] = all_linked(
            Interaction, payload.interactions or [], actor, "interactions"
        )
    if "restricted_to" in sent:
        links["restricted_to"] = colleagues(payload.restricted_to or [], "restricted_to")
    return do_update_commitment(
        commitment, actor=actor, expected_version=payload.version, changes=changes, links=links
    )


register(
    router,
    Resource(
        model=Commitment,
        path="commitments",
        out=CommitmentOut,
        tag="commitments",
        order=("-made_on", "-created_at", "id"),
        filters=CommitmentFilters,
        filter=_filter,
        prepare=_prepare,
        create_in=CommitmentIn,
        create=_create,
        update_in=changes_of(CommitmentIn, exclude=("compartment",)),
        update=_update,
        delete=lambda commitment, version, actor: do_delete_commitment(
            commitment, actor=actor, expected_version=version
        ),
    ),
)


def _wanted(queryset: QS, wanted: dict[str, Any]) -> QS:
    return queryset.filter(**{k: v for k, v in wanted.items() if v is not None})


def _not_null(payload: Any, *names: str) -> None:
    """Refuse a change that empties a field the record cannot be without (a 422)."""
    for name in names:
        if name in payload.model_fields_set and getattr(payload, name) is None:
            raise InvalidInput.of(name, "This field cannot be emptied.")


# --- Signatories --------------------------------------------------------------------------


class SignatoryOut(RecordOut):
    """Someone who signed or gave a commitment for one of its parties."""

    commitment: uuid.UUID = Field(validation_alias="commitment_id")
    capacity: Capacity
    bearer: uuid.UUID = Field(validation_alias="bearer_id", description="The party signed for.")
    person: uuid.UUID | None = Field(
        validation_alias="person_id", description="The interlocutor, if in the register."
    )
    name_as_signed: str
    signed_as: str
    signed_on: datetime.date | None


class SignatoryFilters(Schema):
    """Filters of the signatories."""

    commitment: uuid.UUID | None = None
    bearer: uuid.UUID | None = Field(None, description="Signed for this party.")
    person: uuid.UUID | None = None
    capacity: Capacity | None = None


class SignatoryIn(Schema):
    """A signatory as the commitment's page adds it: a person of the register, or the name
    as signed (or both)."""

    commitment: uuid.UUID
    capacity: Capacity
    bearer: uuid.UUID = Field(description="The party signed for: one of the commitment's.")
    person: uuid.UUID | None = None
    name_as_signed: Text = Field("", max_length=300)
    signed_as: Text = Field("", max_length=300)
    signed_on: Day | None = None


SIGNATORY_FIELDS = ("capacity", "name_as_signed", "signed_as", "signed_on")


def _filter_signatories(queryset: QS, filters: SignatoryFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "commitment_id": filters.commitment,
            "bearer_id": filters.bearer,
            "person_id": filters.person,
            "capacity": filters.capacity,
        },
    )


def _signatory_changes(payload: Any, actor: User) -> dict[str, Any]:
    _not_null(payload, "capacity", "bearer", "name_as_signed", "signed_as")
    changes = given(payload, *SIGNATORY_FIELDS)
    sent = payload.model_fields_set
    if "bearer" in sent:
        changes["bearer"] = linked(WeaponBearer, payload.bearer, actor, "bearer")
    if "person" in sent:
        changes["person"] = maybe_linked(Person, payload.person, actor, "person")
    return changes


register(
    router,
    Resource(
        model=Signatory,
        path="signatories",
        out=SignatoryOut,
        tag="commitments",
        order=("created_at", "id"),
        filters=SignatoryFilters,
        filter=_filter_signatories,
        create_in=SignatoryIn,
        create=lambda payload, actor: do_add_signatory(
            linked(Commitment, payload.commitment, actor, "commitment"),
            actor=actor,
            **_signatory_changes(payload, actor),
        ),
        update_in=changes_of(SignatoryIn, exclude=("commitment",)),
        update=lambda record, payload, actor: do_update_signatory(
            record,
            actor=actor,
            expected_version=payload.version,
            changes=_signatory_changes(payload, actor),
        ),
        delete=lambda record, version, actor: do_remove_signatory(
            record, actor=actor, expected_version=version
        ),
    ),
)

# --- Compliance observations --------------------------------------------------------------


class ObservationOut(RecordOut):
    """What we saw, on a day, of whether a commitment is kept, and the evidence."""

    commitment: uuid.UUID = Field(validation_alias="commitment_id")
    observed_on: datetime.date
    assessment: Compliance
    note: str
    concerns: list[uuid.UUID] = Field(description="The concerns cited that you may see.")
    incidents: list[uuid.UUID] = Field(description="The security incidents cited you may see.")
    passages: list[uuid.UUID] = Field(description="The checkpoint passages cited you may see.")

    @staticmethod
    def resolve_concerns(obj: ComplianceObservation) -> list[uuid.UUID]:
        return ids(obj.concerns)

    @staticmethod
    def resolve_incidents(obj: ComplianceObservation) -> list[uuid.UUID]:
        return ids(obj.incidents)

    @staticmethod
    def resolve_passages(obj: ComplianceObservation) -> list[uuid.UUID]:
        return ids(obj.passages)


class ObservationFilters(Schema):
    """Filters of the compliance observations."""

    commitment: uuid.UUID | None = None
    assessment: Compliance | None = None
    date_from: Day | None = Field(None, description="Observed on or after this day.")
    date_to: Day | None = Field(None, description="Observed on or before this day.")


class ObservationIn(Schema):
    """A compliance observation as the commitment's page records it."""

    commitment: uuid.UUID
    observed_on: Day
    assessment: Compliance
    note: Text = Field(min_length=1, max_length=LONG_TEXT)
    concerns: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    incidents: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    passages: list[uuid.UUID] = Field(default_factory=list, max_length=50)


def _prepare_observations(queryset: QS, user: User) -> QS:
    return queryset.prefetch_related(
        *(Prefetch(name, queryset=visible_evidence(name, user)) for name, _what in EVIDENCE)
    )


def _filter_observations(queryset: QS, filters: ObservationFilters, user: User) -> QS:
    return _wanted(
        queryset,
        {
            "commitment_id": filters.commitment,
            "assessment": filters.assessment,
            "observed_on__gte": filters.date_from,
            "observed_on__lte": filters.date_to,
        },
    )


def _evidence(payload: Any, actor: User) -> dict[str, list[Any]]:
    """The evidence named in the body, read as the pages read it; a hidden one is a 422."""
    found: dict[str, list[Any]] = {}
    for name, _what in EVIDENCE:
        if name not in payload.model_fields_set:
            continue
        wanted = set(getattr(payload, name) or [])
        records = list(visible_evidence(name, actor).filter(pk__in=wanted)) if wanted else []
        if len(records) != len(wanted):
            raise InvalidInput.of(name, NOT_VISIBLE)
        found[name] = records
    return found


def _create_observation(payload: Any, actor: User) -> ComplianceObservation:
    commitment = linked(Commitment, payload.commitment, actor, "commitment")
    return do_record_compliance(
        commitment,
        actor=actor,
        observed_on=payload.observed_on,
        assessment=payload.assessment,
        note=payload.note,
        **_evidence(payload, actor),
    )


def _update_observation(
    observation: ComplianceObservation, payload: Any, actor: User
) -> ComplianceObservation:
    _not_null(payload, "observed_on", "assessment", "note")
    changes = given(payload, "observed_on", "assessment", "note")
    evidence = _evidence(payload, actor)
    return do_update_compliance(
        observation,
        actor=actor,
        expected_version=payload.version,
        changes=changes,
        evidence=evidence or None,
    )


register(
    router,
    Resource(
        model=ComplianceObservation,
        path="compliance-observations",
        out=ObservationOut,
        tag="commitments",
        order=("-observed_on", "-created_at", "id"),
        filters=ObservationFilters,
        filter=_filter_observations,
        prepare=_prepare_observations,
        create_in=ObservationIn,
        create=_create_observation,
        update_in=changes_of(ObservationIn, exclude=("commitment",)),
        update=_update_observation,
        delete=lambda record, version, actor: do_delete_compliance(
            record, actor=actor, expected_version=version
        ),
    ),
)

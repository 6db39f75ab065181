"""The API of commitments: what weapon bearers undertook, in which instrument, and how
far they keep it.

A commitment is held in a delegation's compartment (its title, scope, terms and witness
are confidential; reads are audited). Its ``current_compliance`` and
``compliance_observed_on`` are derived from the observations and read only. Its bearers
and contacts come through the read path: a bearer or interaction the caller may not see
is left out of the links, as on the commitment's page.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import Prefetch
from ninja import Router, Schema
from pydantic import Field

from pourparler.api.resources import (
    QS,
    Resource,
    all_linked,
    colleagues,
    given,
    linked,
    register,
)
from pourparler.api.schemas import LONG_TEXT, Day, Flag, RecordOut, Text, changes_of, ids
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Compliance, Disclosure, Instrument
from pourparler.commitments.models import Commitment
from pourparler.commitments.services import (
    do_delete_commitment,
    do_register_commitment,
    do_update_commitment,
)
from pourparler.core.choices import DatePrecision
from pourparler.core.models import Delegation, User
from pourparler.dialogue.models import Interaction

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

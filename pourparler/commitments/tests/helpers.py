"""Builders for the commitments tests, written through the service layer like real data."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Compliance, Instrument
from pourparler.commitments.models import Commitment, ComplianceObservation
from pourparler.commitments.services import do_record_compliance, do_register_commitment
from pourparler.core.models import Delegation, User
from pourparler.testing.http import sign_in


def days_ago(days: int) -> datetime.date:
    """The date so many days before today."""
    return timezone.localdate() - datetime.timedelta(days=days)


def moment(days: int, hour: int = 10) -> datetime.datetime:
    """An aware moment so many days ago."""
    return timezone.make_aware(datetime.datetime.combine(days_ago(days), datetime.time(hour)))


def register(
    actor: User,
    compartment: Delegation,
    bearers: list[WeaponBearer],
    *,
    title: str = "Safe passage on the Kessel Ford bridge road",
    instrument: str = Instrument.SAFE_PASSAGE,
    made: int = 60,
    **fields: Any,
) -> Commitment:
    """Register a commitment made ``made`` days ago."""
    return do_register_commitment(
        actor=actor,
        compartment=compartment,
        instrument=instrument,
        title=title,
        scope=fields.pop("scope", "Our medical teams may cross the bridge on notice."),
        bearers=bearers,
        made_on=days_ago(made),
        **fields,
    )


def observe(
    actor: User,
    commitment: Commitment,
    days: int,
    assessment: str = Compliance.KEPT,
    **fields: Any,
) -> ComplianceObservation:
    """Record an observation made ``days`` days ago."""
    return do_record_compliance(
        commitment,
        actor=actor,
        observed_on=days_ago(days),
        assessment=assessment,
        note=fields.pop("note", "Teams crossed without delay."),
        **fields,
    )


def fresh(commitment: Commitment) -> Commitment:
    """The commitment as stored now."""
    return Commitment.objects.get(pk=commitment.pk)


def client_for(user: User) -> Client:
    """A client signed in as the user, with both factors."""
    client = Client()
    sign_in(client, user)
    return client

"""The demo world's commitments: every instrument and assessment, believable dates and
evidence, the restricted one kept to two people, and figures that differ by viewer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from pourparler.commitments.choices import Compliance, Instrument
from pourparler.commitments.figures import compliance_figures, tally
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.core.models import User
from pourparler.demo.world import load_demo_world


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[bool]:
    """Load the world once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_demo_world()
        yield loaded
        transaction.set_rollback(True)


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.django_db
def test_the_demo_has_every_instrument_and_every_assessment(demo_world: bool) -> None:
    assert demo_world is True
    commitments = Commitment.objects.alive()
    instruments = Counter(commitments.values_list("instrument", flat=True))
    assert set(instruments) == set(Instrument.values)
    assert sum(instruments.values()) >= 12
    by_delegation = Counter(commitments.values_list("compartment__code", flat=True))
    assert by_delegation["varnia"] >= 8 and by_delegation["kestria"] >= 3
    assessments = Counter(ComplianceObservation.objects.values_list("assessment", flat=True))
    assert set(assessments) == set(Compliance.values)
    assert assessments[Compliance.KEPT] > assessments[Compliance.BREACHED] >= 3
    current = Counter(commitments.values_list("current_compliance", flat=True))
    assert current[""] >= 1 and current[Compliance.KEPT] >= 5
    assert current[Compliance.PARTLY_KEPT] >= 2
    assert commitments.filter(disclosure="public").count() >= 3
    assert commitments.filter(bearers__isnull=False).values("pk").distinct().count() == len(
        commitments
    )
    assert commitments.filter(interactions__isnull=False).distinct().count() >= 5
    # Signatories: people of the register and names as signed, for both capacities.
    signatories = Signatory.objects.alive()
    assert signatories.filter(person__isnull=False).count() >= 8
    assert any(s.name_as_signed for s in signatories.filter(person__isnull=True))
    assert {"political", "military", "other"} <= set(signatories.values_list("capacity", flat=True))
    two_parties = [c for c in commitments.prefetch_related("bearers") if c.bearers.count() == 2]
    assert len(two_parties) == 1


@pytest.mark.django_db
def test_the_demo_observations_carry_evidence_and_hold_together(demo_world: bool) -> None:
    observations = ComplianceObservation.objects.alive().select_related("commitment")
    today = timezone.localdate()
    for observation in observations:
        commitment = observation.commitment
        assert commitment.made_on <= observation.observed_on <= today
    for commitment in Commitment.objects.alive():
        latest = (
            ComplianceObservation.objects.alive()
            .filter(commitment=commitment)
            .order_by("-observed_on", "-created_at")
            .first()
        )
        assert commitment.current_compliance == (latest.assessment if latest else "")
        assert commitment.compliance_observed_on == (latest.observed_on if latest else None)
    breached = observations.filter(assessment=Compliance.BREACHED)
    assert breached.filter(incidents__isnull=False).distinct().count() >= 3
    assert observations.filter(passages__isnull=False).distinct().count() >= 8
    assert observations.filter(concerns__isnull=False).distinct().count() >= 3
    span = [o.observed_on for o in observations]
    assert (max(span) - min(span)).days >= 365


@pytest.mark.django_db
def test_the_restricted_commitment_is_known_to_two_people(demo_world: bool) -> None:
    restricted = Commitment.objects.filter(restricted=True)
    assert restricted.count() == 1
    insiders = {_user("varnia.head"), _user("varnia.specialist")}
    assert set(restricted.get().restricted_to.all()) == insiders
    for username in ("varnia.head", "varnia.specialist"):
        assert Commitment.objects.visible_to(_user(username)).filter(restricted=True).exists()
    for username in ("varnia.delegate", "hq.analyst", "kestria.delegate", "auditor"):
        user = _user(username)
        assert not Commitment.objects.visible_to(user).filter(restricted=True).exists()
        assert not Signatory.objects.visible_to(user).filter(commitment__restricted=True).exists()


@pytest.mark.django_db
def test_the_demo_figures_differ_by_viewer(demo_world: bool) -> None:
    varnia = tally(_user("varnia.delegate"))
    head = tally(_user("varnia.head"))
    kestria = tally(_user("kestria.delegate"))
    analyst = tally(_user("hq.analyst"))
    assert head.commitments == varnia.commitments + 1
    assert analyst.commitments == varnia.commitments + kestria.commitments
    assert tally(_user("auditor")).commitments == 0
    for figures in (varnia, kestria):
        assert figures.breached >= 1 and figures.kept >= 1
        assert figures.share_kept is not None and 0.3 < figures.share_kept < 0.9
    grouped = compliance_figures(_user("varnia.delegate"))
    assert len(grouped.by_instrument) >= 6 and len(grouped.by_year) >= 2
    assert "Kestrian National Police" not in [t.label for t in grouped.by_bearer]

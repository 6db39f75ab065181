"""What the commitments register adds to the bearer profile and the person page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pourparler.access.tests.conftest import incident
from pourparler.commitments import profile
from pourparler.commitments.choices import Compliance
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.tests.helpers import client_for, days_ago, observe, register
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_bearer, make_person
from pourparler.ui.extensions import Panel

pytestmark = pytest.mark.django_db


def test_the_bearer_panel_lists_commitments_with_their_compliance_and_figures(
    world: World,
) -> None:
    army = make_bearer(world.alice)
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    bridge = register(world.alice, world.varnia, [army], title="Bridge passage", made=100)
    observe(world.alice, bridge, 80, Compliance.KEPT)
    shots = incident(
        world.alice, world.varnia, [army], "warning_shots", when=days_ago(21).isoformat()
    )
    observe(world.alice, bridge, 20, Compliance.BREACHED, incidents=[shots])
    register(world.alice, world.varnia, [army], title="Detainee visits", made=50)
    register(world.alice, world.varnia, [police], title="Custody cells", made=40)

    panels = profile.bearer_panels(world.alice, army)
    assert len(panels) == 1 and isinstance(panels[0], Panel)
    panel = panels[0]
    rows = panel.context["rows"]
    assert [r["commitment"].title for r in rows] == ["Detainee visits", "Bridge passage"]
    assert rows[1]["incidents"] == [shots] and rows[0]["incidents"] == []
    t = panel.context["tally"]
    assert (t.commitments, t.breached, t.not_observed) == (2, 1, 1)
    assert set(panel.records) == {*[r["commitment"] for r in rows], shots}

    page = client_for(world.alice).get(reverse("bearer_detail", args=[army.pk]))
    body = page.content.decode()
    assert "Bridge passage" in body and "Custody cells" not in body
    assert reverse("security_incident_detail", args=[shots.pk]) in body
    timeline = [(e.kind, e.title) for e in profile.bearer_timeline(world.alice, army, 10)]
    assert ("Commitment: safe passage", "Bridge passage") in timeline
    assert ("Commitment breached", "Bridge passage") in timeline
    assert ("Commitment kept", "Bridge passage") in timeline
    assert all(title != "Custody cells" for _kind, title in timeline)
    # The page audits the commitments and the incident it showed.
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice)
    shown = {e.content_type.model for e in listed if e.content_type is not None}
    assert {"commitment", "securityincident", "complianceobservation"} <= shown


def test_an_incident_named_only_by_an_older_observation_is_not_shown(world: World) -> None:
    army = make_bearer(world.alice)
    bridge = register(world.alice, world.varnia, [army], made=100)
    old = incident(world.alice, world.varnia, [army], when=days_ago(60).isoformat())
    observe(world.alice, bridge, 59, Compliance.BREACHED, incidents=[old])
    observe(world.alice, bridge, 10, Compliance.KEPT)
    row = profile.bearer_panels(world.alice, army)[0].context["rows"][0]
    assert row["incidents"] == []


def test_other_delegations_and_hidden_evidence_stay_out(world: World) -> None:
    army = make_bearer(world.alice)
    bridge = register(world.carol, world.varnia, [army], title="Varnian commitment", made=30)
    secret = incident(
        world.carol,
        world.varnia,
        [army],
        when=days_ago(10).isoformat(),
        restricted=True,
        restricted_to=[world.carol],
    )
    observe(world.carol, bridge, 9, Compliance.BREACHED, incidents=[secret])
    assert profile.bearer_timeline(world.dave, army, 10) == []
    panel = profile.bearer_panels(world.dave, army)[0]
    assert panel.context["rows"] == [] and panel.context["tally"].commitments == 0
    body = client_for(world.dave).get(reverse("bearer_detail", args=[army.pk])).content
    assert b"Varnian commitment" not in body
    # Alice sees the commitment and its breach, but not Carol's restricted incident.
    row = profile.bearer_panels(world.alice, army)[0].context["rows"][0]
    assert row["commitment"] == bridge and row["incidents"] == []
    assert profile.bearer_panels(world.carol, army)[0].context["rows"][0]["incidents"] == [secret]


def test_the_person_timeline_lists_what_the_person_signed(world: World) -> None:
    army = make_bearer(world.alice)
    chief = make_person(world.alice, world.varnia, full_name="Gen. Aurel Voss", bearer=army)
    other = make_person(world.alice, world.varnia, full_name="Col. Ada Brenn", bearer=army)
    signed = register(
        world.alice,
        world.varnia,
        [army],
        title="Order on detainees",
        instrument="order",
        made=30,
        signatories=[{"capacity": "military", "bearer": army, "person": chief}],
    )
    register(
        world.alice,
        world.varnia,
        [army],
        title="Someone else's",
        signatories=[{"capacity": "military", "bearer": army, "person": other}],
    )
    entries = profile.person_timeline(world.alice, chief, 10)
    assert [(e.when, e.kind, e.title) for e in entries] == [
        (days_ago(30), "Commitment signed (military leadership)", "Order on detainees")
    ]
    assert entries[0].url == reverse("commitment_detail", args=[signed.pk])
    assert isinstance(entries[0].record, Signatory)
    assert profile.person_timeline(world.dave, chief, 10) == []
    page = client_for(world.alice).get(reverse("person_detail", args=[chief.pk]))
    assert "Order on detainees" in page.content.decode()


def test_the_hooks_cost_a_fixed_number_of_queries(world: World) -> None:
    """What the commitments hooks add to the bearer and person pages, whatever the rows."""
    army = make_bearer(world.alice)
    chief = make_person(world.alice, world.varnia, bearer=army)

    def hooks() -> None:
        profile.bearer_timeline(world.alice, army, 20)
        profile.bearer_panels(world.alice, army)

    def person() -> None:
        profile.person_timeline(world.alice, chief, 20)

    counted = [(count_queries(hooks), count_queries(person))]  # nothing recorded yet
    for n in range(1, 5):
        commitment = register(
            world.alice,
            world.varnia,
            [army],
            title=f"Commitment {n}",
            made=50,
            signatories=[{"capacity": "military", "bearer": army, "person": chief}],
        )
        event = incident(world.alice, world.varnia, [army], when=days_ago(40).isoformat())
        observe(world.alice, commitment, 30, Compliance.BREACHED, incidents=[event])
        observe(world.alice, commitment, 20, Compliance.PARTLY_KEPT, incidents=[event])
        counted.append((count_queries(hooks), count_queries(person)))
    # Bearer: the commitments and the observations of the timeline; the commitments
    # listed, their incidents and the figures' rows of the panel. Person: signatures.
    assert set(counted) == {(5, 1)}
    assert Commitment.objects.count() == 4 and ComplianceObservation.objects.count() == 8

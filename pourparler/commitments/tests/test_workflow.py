"""Workflow: a safe-passage commitment breached by a recorded security incident, from
registering the commitment to the breach on the register, the bearer's profile and its
timeline, through the pages a delegate uses, and unseen by another delegation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pourparler.access.models import CheckpointPassage, SecurityIncident
from pourparler.commitments.models import Commitment, ComplianceObservation
from pourparler.commitments.tests.helpers import client_for, days_ago
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db


def test_a_commitment_breached_by_a_recorded_incident(world: World) -> None:
    group = make_bearer(
        world.alice,
        name="Front for the Liberation of the Hollow Hills",
        kind="non_state_armed_group",
    )
    commander = make_person(world.alice, world.varnia, full_name="Cdr. Tarek Oun", bearer=group)
    talk = make_interaction(
        world.alice, world.varnia, bearers=[group], their_participants=[commander]
    )
    alice = client_for(world.alice)

    # 1. Alice registers the safe passage the front commander granted, with who signed it.
    registered = alice.post(
        reverse("commitment_create"),
        {
            "compartment": str(world.varnia.pk),
            "instrument": "safe_passage",
            "title": "Safe passage on the Brannoch heights road",
            "made_on": days_ago(40).isoformat(),
            "date_precision": "day",
            "place_name": "Brannoch",
            "bearers": [str(group.pk)],
            "interactions": [str(talk.pk)],
            "scope": "Our marked medical vehicles may use the road on notice the day before.",
            "witness": "Two elders of Brannoch",
            "disclosure": "confidential",
            "sig-TOTAL_FORMS": "2",
            "sig-INITIAL_FORMS": "0",
            "sig-0-capacity": "military",
            "sig-0-bearer": str(group.pk),
            "sig-0-person": str(commander.pk),
            "sig-0-signed_as": "Front Commander",
            "sig-1-capacity": "",
        },
    )
    assert registered.status_code == 302, registered.content.decode()
    commitment = Commitment.objects.get()

    # 2. Weeks later, shots at the checkpoint: the passage and the incident are recorded
    #    in the access register, as the team reported them.
    made = alice.post(
        reverse("passage_create"),
        {
            "compartment": str(world.varnia.pk),
            "occurred_at": f"{days_ago(6).isoformat()}T09:30",
            "bearer": str(group.pk),
            "place_name": "Brannoch heights road",
            "outcome": "incident",
            "team_size": "3",
            "vehicle_count": "2",
        },
    )
    assert made.status_code == 302, made.content.decode()
    stopped = CheckpointPassage.objects.get()
    reported = alice.post(
        reverse("security_incident_create"),
        {
            "compartment": str(world.varnia.pk),
            "occurred_at": f"{days_ago(6).isoformat()}T09:30",
            "kind": "warning_shots",
            "severity": "serious",
            "staff_affected": "3",
            "passage": str(stopped.pk),
            "place_name": "Brannoch heights road",
            "bearers": [str(group.pk)],
            "description": "Shots fired over our two vehicles as they slowed for the post.",
        },
    )
    assert reported.status_code == 302, reported.content.decode()
    shots = SecurityIncident.objects.get()

    # 3. Alice records the breach, giving the incident and the passage as evidence: the
    #    form offers them because they came after the commitment and concern its party.
    url = reverse("compliance_create", args=[commitment.pk])
    offered = alice.get(url).content.decode()
    assert f'value="{shots.pk}"' in offered and f'value="{stopped.pk}"' in offered
    breach = alice.post(
        url,
        {
            "observed_on": days_ago(5).isoformat(),
            "assessment": "breached",
            "note": "Warning shots at the post although the front command had been notified.",
            "incidents": [str(shots.pk)],
            "passages": [str(stopped.pk)],
        },
    )
    assert breach.status_code == 302, breach.content.decode()
    observation = ComplianceObservation.objects.get()
    assert list(observation.incidents.all()) == [shots]

    incident_url = reverse("security_incident_detail", args=[shots.pk])
    # The commitment page shows the breach with its evidence.
    detail = alice.get(reverse("commitment_detail", args=[commitment.pk])).content.decode()
    assert "Breached" in detail and incident_url in detail
    assert reverse("passage_detail", args=[stopped.pk]) in detail
    assert "Cdr. Tarek Oun" in detail

    # The register counts it as breached.
    listed = alice.get(reverse("commitment_list"), {"compliance": "breached"}).content.decode()
    assert "Safe passage on the Brannoch heights road" in listed
    figures = alice.get(reverse("commitment_figures")).content.decode()
    assert "Front for the Liberation of the Hollow Hills" in figures
    box = listed[listed.index("Are they kept?") :]
    assert "Breached</dt><dd>1" in box

    # The bearer profile: the panel shows the breach and links the incident, and the
    # timeline shows the breach.
    profile = alice.get(reverse("bearer_detail", args=[group.pk])).content.decode()
    panel = profile[profile.index('id="commitments-h"') :]
    assert "Safe passage on the Brannoch heights road" in panel
    assert "compliance-breached" in panel and incident_url in panel
    assert "Commitment breached" in profile
    assert f"{reverse('commitment_detail', args=[commitment.pk])}#observation-{observation.pk}" in (
        profile
    )
    # The commander's page shows what he signed.
    person = alice.get(reverse("person_detail", args=[commander.pk])).content.decode()
    assert "Commitment signed (military leadership)" in person

    # Kestria sees none of it.
    dave = client_for(world.dave)
    assert dave.get(reverse("commitment_detail", args=[commitment.pk])).status_code == 404
    assert b"Brannoch heights" not in dave.get(reverse("commitment_list")).content
    assert b"Brannoch heights" not in dave.get(reverse("bearer_detail", args=[group.pk])).content

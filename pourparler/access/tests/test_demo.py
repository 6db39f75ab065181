"""The demo world's access records tell a believable story, and each delegation sees its own.

Loading the world takes tens of seconds, so everything is checked in one test.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.access import figures
from pourparler.access.choices import PassageOutcome
from pourparler.access.models import (
    AcceptanceAssessment,
    AccessConstraint,
    CheckpointPassage,
    SecurityIncident,
)
from pourparler.access.reading import (
    acceptance_visible_to,
    incidents_visible_to,
    passages_visible_to,
)
from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.demo.world import load_demo_world
from pourparler.testing.http import sign_in

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_the_demo_world_has_access_records_that_tell_a_story() -> None:
    assert load_demo_world() is True

    passages = CheckpointPassage.objects.alive()
    assert 250 <= passages.count() <= 600
    outcomes = set(passages.values_list("outcome", flat=True))
    assert outcomes == set(PassageOutcome.values)
    assert passages.filter(compartment__code="kestria").count() >= 60
    # Every passage that ended in an incident has the incident recorded against it.
    at_incidents = passages.filter(outcome=PassageOutcome.INCIDENT)
    assert at_incidents.count() >= 2
    assert all(p.security_incidents.count() == 1 for p in at_incidents)
    assert 2 <= SecurityIncident.objects.filter(compartment__code="varnia").count() <= 4
    assert AccessConstraint.objects.values("category").distinct().count() >= 5

    # The FLHH came round after dialogue: refused, then partly, then accepted, each shown
    # by a contact with the group; its checkpoints turned us back less and less.
    head = _user("varnia.head")
    flhh = WeaponBearer.objects.get(name="Front for the Liberation of the Hollow Hills")
    series = list(
        acceptance_visible_to(head).filter(bearer=flhh).order_by("assessed_on", "created_at")
    )
    assert [a.status for a in series] == ["refused", "partly", "accepted"]
    shown_by = [a.interaction for a in series if a.interaction is not None]
    assert shown_by and all(flhh in i.bearers.all() for i in shown_by)
    partly, accepted = series[1].assessed_on, series[2].assessed_on
    at_flhh = passages_visible_to(head).filter(bearer=flhh)
    before = figures.outcome_counts(at_flhh.filter(occurred_at__date__lt=partly))
    after = figures.outcome_counts(at_flhh.filter(occurred_at__date__gte=accepted))
    assert before.total >= 5 and after.total >= 5
    assert before.turned_back / before.total > after.turned_back / after.total

    # The detention of two staff is restricted to the head and the specialist.
    delegate = _user("varnia.delegate")
    secret = SecurityIncident.objects.get(restricted=True)
    assert incidents_visible_to(head).filter(pk=secret.pk).exists()
    assert not incidents_visible_to(delegate).filter(pk=secret.pk).exists()

    # Each delegation sees its own checkpoints only; the analyst sees both.
    kestria = _user("kestria.delegate")
    kestrian = set(passages_visible_to(kestria).values_list("bearer__name", flat=True))
    assert kestrian == {"Kestrian National Police", "Kestrian Gendarmerie"}
    assert not passages_visible_to(delegate).filter(compartment__code="kestria").exists()
    analyst = _user("hq.analyst")
    assert passages_visible_to(analyst).count() == passages.count()
    assert AcceptanceAssessment.objects.visible_to(_user("auditor")).count() == 0

    # Acceptance in Kestria dipped during the unrest and came back.
    knp = WeaponBearer.objects.get(name="Kestrian National Police")
    statuses = list(
        acceptance_visible_to(kestria)
        .filter(bearer=knp)
        .order_by("assessed_on")
        .values_list("status", flat=True)
    )
    assert statuses == ["accepted", "partly", "accepted"]

    # The pages draw it.
    client = Client()
    sign_in(client, delegate)
    overview = client.get(reverse("access_overview"))
    assert overview.status_code == 200
    shown = overview.context["passages"]
    assert shown.counts.total == passages.filter(compartment__code="varnia").count()
    assert shown.most_stopped and shown.most_stopped[0].counts.stopped >= 5
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    assert client.get(reverse("access_overview"), {"since": year_ago}).status_code == 200
    profile = client.get(reverse("bearer_detail", args=[flhh.pk])).content.decode()
    assert "Acceptance of Front for the Liberation of the Hollow Hills over time" in profile

"""What access adds to the bearer profile: timeline entries and a panel with a picture."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pourparler.access import profile
from pourparler.access.models import AcceptanceAssessment
from pourparler.access.tests.conftest import assessment, client_for, constraint, incident, passage
from pourparler.bearers.models import WeaponBearer
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_interaction

pytestmark = pytest.mark.django_db


def _history(world: World, group: WeaponBearer) -> None:
    talks = make_interaction(world.alice, world.varnia, bearers=[group])
    assessment(world.alice, world.varnia, group, "refused", "2025-01-10")
    assessment(world.alice, world.varnia, group, "refused", "2025-03-10")
    assessment(world.alice, world.varnia, group, "partly", "2025-06-01", interaction=talks)
    assessment(world.alice, world.varnia, group, "accepted", "2025-11-01")
    passage(world.alice, world.varnia, group, "passed", place="Open road", when="2025-12-01")
    passage(
        world.alice,
        world.varnia,
        group,
        "delayed",
        place="Brannoch heights",
        when="2025-12-02",
        delay_minutes=35,
    )
    passage(
        world.alice, world.varnia, group, "turned_back", place="Brannoch heights", when="2025-12-03"
    )
    incident(world.alice, world.varnia, [group], "intimidation", when="2025-12-04")
    constraint(world.alice, world.varnia, "interference", bearer=group)


def test_the_timeline_shows_stops_incidents_and_changes_of_acceptance(
    world: World, group: WeaponBearer
) -> None:
    _history(world, group)
    entries = profile.bearer_timeline(world.alice, group, 30)
    kinds = sorted(entry.kind for entry in entries)
    assert kinds == [
        "Acceptance: accepted",
        "Acceptance: partly accepted",
        "Acceptance: refused",
        "Checkpoint: delayed",
        "Checkpoint: turned back",
        "Security incident: intimidation or harassment",
    ]
    delayed = next(e for e in entries if e.kind == "Checkpoint: delayed")
    assert delayed.title == "Brannoch heights" and delayed.tags == ("35 min",)
    assert delayed.url == reverse("passage_detail", args=[delayed.record.pk])
    assert len(profile.bearer_timeline(world.alice, group, 1)) <= 3
    assert profile.bearer_timeline(world.dave, group, 30) == []


def test_the_panel_draws_acceptance_over_time_and_counts_passages(
    world: World, group: WeaponBearer
) -> None:
    _history(world, group)
    (panel,) = profile.bearer_panels(world.alice, group)
    row = panel.context["row"]
    assert [s.status for s in row.segments] == ["refused", "refused", "partly", "accepted"]
    counts = panel.context["counts"]
    assert (counts.total, counts.stopped, counts.mean_delay) == (3, 2, 35.0)
    assert [(r.place, r.counts.stopped) for r in panel.context["stopped_at"]] == [
        ("Brannoch heights", 2)
    ]
    assert panel.context["incidents"] == 1 and panel.context["constraints"] == 1
    assert {a.pk for a in panel.records} == set(
        AcceptanceAssessment.objects.filter(bearer=group).values_list("pk", flat=True)
    )
    (elsewhere,) = profile.bearer_panels(world.dave, group)
    assert elsewhere.context["row"] is None and elsewhere.context["counts"].total == 0


def test_the_bearer_profile_shows_the_panel_and_audits_what_it_shows(
    world: World, group: WeaponBearer
) -> None:
    _history(world, group)
    response = client_for(world.alice).get(reverse("bearer_detail", args=[group.pk]))
    body = response.content.decode()
    assert "Humanitarian access" in body
    assert (
        'aria-label="Acceptance of Front for the Liberation of the Hollow Hills over time"' in body
    )
    assert "Partly accepted from 01 Jun 2025 to 01 Nov 2025" in body
    assert "Brannoch heights" in body
    assert "style=" not in body
    listed = AuditEvent.objects.filter(kind=AuditKind.LIST, actor=world.alice)
    shown = {i for event in listed for i in event.detail.get("ids", [])}
    assert {str(pk) for pk in AcceptanceAssessment.objects.values_list("pk", flat=True)} <= shown
    other = client_for(world.dave).get(reverse("bearer_detail", args=[group.pk])).content
    assert b"Brannoch heights" not in other and b"No passage you can see." in other


def test_the_profile_hooks_cost_a_fixed_number_of_queries(
    world: World, group: WeaponBearer
) -> None:
    def hooks() -> None:
        # A fresh bearer object each time, as each profile page loads its own.
        fresh = WeaponBearer.objects.get(pk=group.pk)
        profile.bearer_timeline(world.alice, fresh, 30)
        profile.bearer_panels(world.alice, fresh)

    hooks()  # the clearance is cached on the user after the first call
    _history(world, group)
    few = count_queries(hooks)
    for _ in range(4):
        _history(world, group)
    # Timeline: stopped passages, incidents, the acceptance series (shared with the panel).
    # Panel: constraints by category, passages by outcome, delays, checkpoints, incidents;
    # plus the bearer re-read by this test.
    assert count_queries(hooks) == few == 9

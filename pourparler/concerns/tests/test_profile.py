"""What concerns add to the bearer profile and the person page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pourparler.bearers.choices import Level
from pourparler.concerns import profile
from pourparler.concerns.choices import ConcernStatus, ResponseKind
from pourparler.concerns.models import Concern, Representation, Response
from pourparler.concerns.services import do_change_concern_status, do_record_response
from pourparler.concerns.tests.helpers import days_ago, fresh, open_concern, represent
from pourparler.concerns.tests.test_views import client_for
from pourparler.testing.http import count_queries
from pourparler.testing.personas import World, make_bearer, make_person
from pourparler.ui.extensions import Panel

pytestmark = pytest.mark.django_db


def test_the_bearer_profile_shows_open_concerns_and_the_bearers_figures(world: World) -> None:
    army = make_bearer(world.alice)
    police = make_bearer(world.alice, name="Varnian National Police", kind="police")
    raised = open_concern(world.alice, world.varnia, [army], summary="Shelling of Brannoch")
    represent(world.alice, raised, 20, Level.STRATEGIC)
    done = open_concern(world.alice, world.varnia, [army], summary="Looting in Dunmarrow")
    represent(world.alice, done, 25)
    current = fresh(done)
    do_change_concern_status(
        current,
        actor=world.alice,
        expected_version=current.version,
        status=ConcernStatus.ADDRESSED,
        changed_on=days_ago(5),
        note="Goods returned; the platoon leader was disciplined.",
    )
    open_concern(world.alice, world.varnia, [police], summary="Beating at the police post")

    panels = profile.bearer_panels(world.alice, army)
    assert len(panels) == 1 and isinstance(panels[0], Panel)
    panel = panels[0]
    assert [c.summary for c in panel.context["concerns"]] == ["Shelling of Brannoch"]
    outcome = panel.context["outcome"]
    assert (outcome.concerns, outcome.raised, outcome.addressed) == (2, 2, 1)
    assert list(panel.records) == [fresh(raised)]

    page = client_for(world.alice).get(reverse("bearer_detail", args=[army.pk]))
    body = page.content.decode()
    assert "Shelling of Brannoch" in body and "Beating at the police post" not in body
    assert "50 %" in body  # one of the two raised concerns is addressed
    timeline = [(e.kind, e.title) for e in profile.bearer_timeline(world.alice, army, 10)]
    assert ("Concern opened", "Looting in Dunmarrow") in timeline
    assert ("Oral representation", "Shelling of Brannoch") in timeline
    assert all("police post" not in title for _kind, title in timeline)


def test_the_bearer_profile_keeps_concerns_from_other_delegations_out(world: World) -> None:
    army = make_bearer(world.alice)
    concern = open_concern(world.alice, world.varnia, [army], summary="Varnian concern")
    represent(world.alice, concern, 3)
    assert profile.bearer_timeline(world.dave, army, 10) == []
    panel = profile.bearer_panels(world.dave, army)[0]
    assert panel.context["concerns"] == [] and panel.context["outcome"].concerns == 0
    body = client_for(world.dave).get(reverse("bearer_detail", args=[army.pk])).content
    assert b"Varnian concern" not in body


def test_the_person_timeline_lists_representations_to_them_and_their_responses(
    world: World,
) -> None:
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, full_name="Col. Ada Brenn", bearer=army)
    other = make_person(world.alice, world.varnia, full_name="Maj. Piet Oran", bearer=army)
    concern = open_concern(
        world.alice, world.varnia, [army], summary="Detainees held incommunicado"
    )
    represent(world.alice, concern, 12, Level.OPERATIONAL, to_person=colonel)
    represent(world.alice, concern, 8, Level.TACTICAL, to_person=other)
    do_record_response(
        concern,
        actor=world.alice,
        received_on=days_ago(6),
        kind=ResponseKind.MEASURES,
        from_person=colonel,
    )
    entries = profile.person_timeline(world.alice, colonel, 10)
    assert sorted((e.when, e.kind) for e in entries) == [
        (days_ago(12), "Oral representation"),
        (days_ago(6), "Response to a concern"),
    ]
    assert {type(e.record) for e in entries} == {Representation, Response}
    assert all(e.url == reverse("concern_detail", args=[concern.pk]) for e in entries)
    assert profile.person_timeline(world.dave, colonel, 10) == []
    assert len(profile.person_timeline(world.alice, colonel, 1)) <= 2


def test_the_hooks_cost_a_fixed_number_of_queries(world: World) -> None:
    """What the concerns hooks add to the bearer and person pages, whatever the rows."""
    army = make_bearer(world.alice)
    colonel = make_person(world.alice, world.varnia, bearer=army)

    def hooks() -> None:
        profile.bearer_timeline(world.alice, army, 20)
        profile.bearer_panels(world.alice, army)

    def person() -> None:
        profile.person_timeline(world.alice, colonel, 20)

    counted = []
    for summary in ("First", "Second", "Third", "Fourth"):
        concern = open_concern(world.alice, world.varnia, [army], summary=summary)
        represent(world.alice, concern, 3, to_person=colonel)
        count_queries(hooks)  # warm the clearance cache
        counted.append((count_queries(hooks), count_queries(person)))
    # Bearer: the concerns and the representations of the timeline, the open concerns
    # and the figures' rows of the panel. Person: representations and responses.
    assert set(counted) == {(4, 2)}
    assert Concern.objects.count() == 4

"""The demo world's concerns: both delegations, every part of a concern's life, the
restricted ones kept to two people, and figures worth looking at."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from pourparler.concerns.figures import outcome, outcome_figures
from pourparler.concerns.models import (
    Concern,
    ConcernFollowUp,
    ConcernSource,
    ConcernStatusChange,
    Representation,
    Response,
)
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
def test_the_demo_shows_every_part_of_a_concerns_life(demo_world: bool) -> None:
    assert demo_world is True
    concerns = Concern.objects.alive()
    by_delegation = {
        code: concerns.filter(compartment__code=code).count() for code in ("varnia", "kestria")
    }
    assert by_delegation["varnia"] >= 20 and by_delegation["kestria"] >= 8
    statuses = set(concerns.values_list("status", flat=True))
    assert {"raised", "responded", "addressed", "persisting", "closed"} <= statuses
    assert set(Representation.objects.values_list("level", flat=True)) == {
        "strategic",
        "operational",
        "tactical",
    }
    assert set(Representation.objects.values_list("mode", flat=True)) == {"oral", "written"}
    assert Representation.objects.filter(interaction__isnull=False).count() >= 5
    assert Representation.objects.filter(to_person__isnull=False).count() >= 10
    kinds = set(Response.objects.values_list("kind", flat=True))
    assert "no_response" in kinds and len(kinds) >= 5
    assert ConcernSource.objects.count() >= concerns.count()
    assert ConcernFollowUp.objects.filter(status="open").exists()
    assert ConcernFollowUp.objects.filter(status="done").exists()
    categories = set(concerns.values_list("category__code", flat=True))
    assert {"conduct-of-hostilities", "detention", "health-care", "use-of-force"} <= categories
    assert set(
        concerns.filter(compartment__code="kestria").values_list("category__code", flat=True)
    ) <= {"use-of-force", "detention"}


@pytest.mark.django_db
def test_the_demo_dates_hold_together(demo_world: bool) -> None:
    today = timezone.localdate()
    for concern in Concern.objects.alive():
        assert today - datetime.timedelta(days=730) <= concern.opened_on <= today
        assert concern.occurred_on <= concern.opened_on
        made = sorted(
            Representation.objects.filter(concern=concern).values_list("made_on", flat=True)
        )
        assert concern.raised_on == (made[0] if made else None)
        if concern.raised_on:
            assert concern.opened_on <= concern.raised_on <= today
        moves = list(
            ConcernStatusChange.objects.filter(concern=concern)
            .order_by("changed_on", "created_at")
            .values_list("to_status", "changed_on")
        )
        assert moves[0][0] == "open" and moves[-1][0] == concern.status
        assert [day for _status, day in moves] == sorted(day for _status, day in moves)


@pytest.mark.django_db
def test_the_restricted_concerns_are_known_to_two_people(demo_world: bool) -> None:
    restricted = Concern.objects.filter(restricted=True)
    assert restricted.count() == 2
    insiders = {_user("varnia.head"), _user("varnia.specialist")}
    for concern in restricted:
        assert set(concern.restricted_to.all()) == insiders
        assert Representation.objects.filter(concern=concern, to_person__restricted=True).exists()
    for username in ("varnia.head", "varnia.specialist"):
        assert Concern.objects.visible_to(_user(username)).filter(restricted=True).count() == 2
    for username in ("varnia.delegate", "hq.analyst", "kestria.delegate", "auditor"):
        user = _user(username)
        assert not Concern.objects.visible_to(user).filter(restricted=True).exists()
        assert not Representation.objects.visible_to(user).filter(concern__restricted=True).exists()


@pytest.mark.django_db
def test_the_demo_figures_are_worth_looking_at_and_differ_by_viewer(demo_world: bool) -> None:
    varnia = outcome(_user("varnia.delegate"))
    head = outcome(_user("varnia.head"))
    kestria = outcome(_user("kestria.delegate"))
    analyst = outcome(_user("hq.analyst"))
    assert head.concerns == varnia.concerns + 2
    assert analyst.concerns == varnia.concerns + kestria.concerns
    for figures in (varnia, kestria):
        assert figures.raised >= 8
        assert figures.response_rate is not None and 0.4 < figures.response_rate < 1
        assert figures.share_addressed is not None and 0.1 < figures.share_addressed < 0.7
        assert figures.time_to_first_representation is not None
        assert figures.time_to_address is not None
    grouped = outcome_figures(_user("varnia.delegate"))
    assert len(grouped.by_bearer) >= 4 and len(grouped.by_period) >= 4
    assert "Kestrian National Police" not in [o.label for o in grouped.by_bearer]

"""Figures of people reached: known answers, and only what the viewer may see."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.core.models import User
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer
from pourparler.training.figures import HIDDEN_BEARER, NO_TOPIC, Figures, Reach, Row, figures
from pourparler.training.models import DisseminationSession
from pourparler.training.tests.conftest import make_session, topics

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def knp(world: World) -> WeaponBearer:
    return make_bearer(world.dave, name="Kestrian National Police", kind="police")


@pytest.fixture
def sessions(world: World, army: WeaponBearer, police: WeaponBearer, knp: WeaponBearer) -> None:
    """Four open sessions in Varnia, one restricted to Carol there, one in Kestria."""
    make_session(
        world.alice, world.varnia, army, held_on=D(2025, 3, 10), participants=40, women=4,
        topics=topics("conduct-of-hostilities", "detention"), tested=40, pre_score=50,
        post_score=70, kind="course",
    )  # fmt: skip
    make_session(
        world.alice, world.varnia, army, held_on=D(2025, 11, 2), participants=20, women=2,
        level="operational", topics=topics("conduct-of-hostilities"), tested=10, pre_score=60,
        post_score=65, kind="course",
    )  # fmt: skip
    make_session(
        world.bob, world.varnia, police, held_on=D(2026, 2, 15), participants=30, women=9,
        topics=topics("use-of-force"),
    )  # fmt: skip
    make_session(
        world.bob, world.varnia, army, held_on=D(2026, 6, 1), participants=100, women=5,
        kind="pre_deployment",
    )  # fmt: skip
    make_session(
        world.carol, world.varnia, army, held_on=D(2026, 5, 5), participants=12, women=1,
        level="strategic", topics=topics("sanctions"), restricted=True, restricted_to=[world.carol],
    )  # fmt: skip
    make_session(
        world.dave, world.kestria, knp, held_on=D(2026, 4, 4), participants=50, women=15,
        topics=topics("use-of-force"), kind="course",
    )  # fmt: skip


def figures_for(user: User) -> Figures:
    return figures(DisseminationSession.objects.visible_to(user), user)


def rows(breakdown: list[Row]) -> dict[object, tuple[int, int, int]]:
    return {
        row.label: (row.reach.sessions, row.reach.participants, row.reach.women)
        for row in breakdown
    }


@pytest.mark.usefixtures("sessions")
def test_a_delegate_gets_known_totals_by_year_level_topic_bearer_and_kind(world: World) -> None:
    result = figures_for(world.alice)
    assert result.total == Reach(sessions=4, participants=190, women=20)
    assert result.total.women_share == Decimal("10.5")
    assert rows(result.by_year) == {"2025": (2, 60, 6), "2026": (2, 130, 14)}
    assert rows(result.by_level) == {"Operational": (1, 20, 2), "Tactical": (3, 170, 18)}
    assert rows(result.by_topic) == {
        "Conduct of hostilities": (2, 60, 6),
        "Use of force and firearms in law enforcement": (1, 30, 9),
        "Detention": (1, 40, 4),
        NO_TOPIC: (1, 100, 5),
    }
    # The topic rows follow the taxonomy's order, the sessions without one last.
    assert [row.label for row in result.by_topic][-1] == NO_TOPIC
    assert [row.label for row in result.by_bearer] == [
        "Varnian Armed Forces",
        "Varnian National Police",
    ]
    assert rows(result.by_bearer) == {
        "Varnian Armed Forces": (3, 160, 11),
        "Varnian National Police": (1, 30, 9),
    }
    assert rows(result.by_kind) == {
        "Briefing": (1, 30, 9),
        "Pre-deployment briefing": (1, 100, 5),
        "Course": (2, 60, 6),
    }
    table = result.bearer_by_year
    assert table.years == [2025, 2026]
    assert [(name, values, total) for name, _pk, values, total in table.rows] == [
        ("Varnian Armed Forces", [60, 100], 160),
        ("Varnian National Police", [0, 30], 30),
    ]
    assert table.totals == [60, 130]


@pytest.mark.usefixtures("sessions")
def test_the_mean_test_gain_is_weighted_by_the_number_tested(world: World) -> None:
    testing = figures_for(world.alice).testing
    # (40 x 50 + 10 x 60) / 50 = 52 before; (40 x 70 + 10 x 65) / 50 = 69 after.
    assert (testing.sessions, testing.tested) == (2, 50)
    assert (testing.mean_pre, testing.mean_post, testing.mean_gain) == (
        Decimal("52.0"),
        Decimal("69.0"),
        Decimal("17.0"),
    )


@pytest.mark.usefixtures("sessions")
def test_every_figure_counts_only_what_the_viewer_may_see(world: World) -> None:
    # Kestria's delegate: Kestria's one session, nothing of Varnia.
    dave = figures_for(world.dave)
    assert dave.total == Reach(1, 50, 15)
    assert dave.total.women_share == Decimal("30.0")
    assert rows(dave.by_year) == {"2026": (1, 50, 15)}
    assert rows(dave.by_level) == {"Tactical": (1, 50, 15)}
    assert rows(dave.by_topic) == {"Use of force and firearms in law enforcement": (1, 50, 15)}
    assert rows(dave.by_bearer) == {"Kestrian National Police": (1, 50, 15)}
    assert dave.testing.tested == 0 and dave.testing.mean_gain is None
    assert dave.bearer_by_year.totals == [50]
    # The head of delegation also sees the session restricted to her.
    carol = figures_for(world.carol)
    assert carol.total == Reach(5, 202, 21)
    assert rows(carol.by_level)["Strategic"] == (1, 12, 1)
    assert rows(carol.by_topic)["Sanctions and accountability"] == (1, 12, 1)
    # The analyst reads both delegations, but not the restricted session.
    hana = figures_for(world.hana)
    assert hana.total == Reach(6 - 1, 240, 35)
    assert rows(hana.by_topic)["Use of force and firearms in law enforcement"] == (2, 80, 24)
    # The auditor sees no dialogue content at all.
    assert figures_for(world.audrey).total == Reach(0, 0, 0)
    assert figures_for(world.audrey).by_year == []


@pytest.mark.usefixtures("sessions")
def test_the_figures_page_shows_each_viewer_their_own_numbers(world: World) -> None:
    pages = {}
    for user in (world.alice, world.dave):
        client = Client()
        sign_in(client, user)
        pages[user.username] = client.get(reverse("session_figures")).content.decode()
    assert ">190<" in pages["alice"] and "Varnian Armed Forces" in pages["alice"]
    assert "Kestrian National Police" not in pages["alice"]
    assert "Varnian" not in pages["dave"] and ">190<" not in pages["dave"]
    assert ">50<" in pages["dave"]
    assert "Kestrian National Police" in pages["dave"]
    assert "attendances, not unique people" in pages["alice"]


@pytest.mark.usefixtures("sessions")
def test_the_filters_narrow_every_figure(world: World, army: WeaponBearer) -> None:
    client = Client()
    sign_in(client, world.alice)
    response = client.get(reverse("session_figures"), {"bearer": str(army.pk), "year": "2026"})
    result = response.context["figures"]
    assert result.total == Reach(1, 100, 5)
    assert rows(result.by_bearer) == {"Varnian Armed Forces": (1, 100, 5)}


def test_sessions_about_a_bearer_the_viewer_may_not_see_are_counted_unnamed(
    world: World, army: WeaponBearer
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    make_session(world.carol, world.varnia, hidden, participants=9, women=1)
    make_session(world.alice, world.varnia, army, participants=30)
    alice = figures_for(world.alice)
    assert rows(alice.by_bearer) == {"Varnian Armed Forces": (1, 30, 0), HIDDEN_BEARER: (1, 9, 1)}
    carol = figures_for(world.carol)
    assert rows(carol.by_bearer)["Shadow Brigade"] == (1, 9, 1)
    client = Client()
    sign_in(client, world.alice)
    for name in ("session_figures", "session_list"):
        assert b"Shadow Brigade" not in client.get(reverse(name)).content

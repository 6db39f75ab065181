"""Kept figures (``dashboards/kept.py``): every chart read from kept rows equals the same
chart counted from ``visible_to`` alone, for every viewer, after every kind of change;
and kept rows are counted again only where something changed."""

from __future__ import annotations

from typing import Any

import pytest

from pourparler.bearers.choices import Level
from pourparler.core.services import delete_record, update_record
from pourparler.dashboards import figures, kept
from pourparler.dashboards.figures import Scope
from pourparler.dashboards.models import KeptFigure
from pourparler.dashboards.tests.conftest import ago, passage
from pourparler.dialogue.models import Interaction
from pourparler.testing.personas import World, make_bearer, make_interaction

pytestmark = pytest.mark.django_db

Shared = tuple[World, dict[str, Any]]


def tables(scope: Scope) -> dict[str, list[Any]]:
    return {chart.key: chart.table.rows for chart in figures.charts(scope)}


def live(scope: Scope) -> Scope:
    """The same scope counting everything through the read path, nothing kept."""
    return Scope(scope.user, scope.delegation, memo={"kept": kept.Kept([])})


def scopes(world: World) -> list[Scope]:
    users = [world.alice, world.bob, world.carol, world.dave]
    return [
        *(Scope(user, world.varnia) for user in users),
        Scope(world.dave, world.kestria),
        *(Scope(user) for user in [world.hana, *users]),
    ]


def assert_same_as_live(world: World) -> None:
    for scope in scopes(world):
        assert tables(scope) == tables(live(scope)), (scope.user, scope.delegation)


def versions() -> dict[tuple[str, Any], int]:
    return {(row.key, row.compartment_id): row.version for row in KeptFigure.objects.all()}


def test_kept_figures_equal_live_ones_for_every_viewer_after_every_change(
    shared: Shared,
) -> None:
    world, w = shared
    alice, carol, varnia = world.alice, world.carol, world.varnia
    assert_same_as_live(world)
    assert KeptFigure.objects.exists()

    # A new contact, a passage at a checkpoint, in the kept compartment.
    made = make_interaction(
        alice, varnia, bearers=[w["front"]], level=Level.STRATEGIC, occurred_at=ago(2)
    )
    passage(alice, varnia, w["front"], "delayed", "2026-04-04")
    assert_same_as_live(world)

    # The contact restricted to Carol: it leaves the plain rows, Carol still counts it.
    made = update_record(
        made,
        actor=alice,
        expected_version=made.version,
        changes={"restricted": True},
        m2m={"restricted_to": [alice, carol]},
    )
    assert_same_as_live(world)

    # Deleted.
    delete_record(made, actor=alice, expected_version=made.version)
    assert_same_as_live(world)

    # A change to the registry: a bearer restricted to Bob hides its passages and
    # contacts from everyone else, in every compartment.
    front = w["front"]
    update_record(
        front,
        actor=alice,
        expected_version=front.version,
        changes={"restricted": True},
        m2m={"restricted_to": [alice, world.bob]},
    )
    assert_same_as_live(world)


def test_kept_rows_are_counted_again_only_where_something_changed(shared: Shared) -> None:
    world, _w = shared
    alice, varnia, kestria = world.alice, world.varnia, world.kestria
    figures.charts(Scope(world.hana))
    before = versions()
    assert {compartment for _key, compartment in before} >= {varnia.pk, kestria.pk}

    # Views only add read events: nothing is counted again.
    figures.charts(Scope(world.hana))
    figures.charts(Scope(alice, varnia))
    assert versions() == before

    # A change in Varnia counts Varnia again, not Kestria.
    bearer = make_bearer(alice, name="Third Column", kind="non_state_armed_group")
    # (A registry change: every compartment is counted again on the next view.)
    figures.charts(Scope(world.hana))
    after_registry = versions()
    assert all(after_registry[key] > before[key] for key in before)
    make_interaction(alice, varnia, bearers=[bearer], occurred_at=ago(1))
    figures.charts(Scope(world.hana))
    after = versions()
    for (key, compartment), version in after.items():
        if compartment == varnia.pk:
            assert version > after_registry[(key, compartment)]
        else:
            assert version == after_registry[(key, compartment)]


def test_kept_rows_hold_no_restricted_record(shared: Shared) -> None:
    world, _w = shared
    figures.charts(Scope(world.hana))
    secret = Interaction.objects.filter(restricted=True, compartment=world.varnia).first()
    assert secret is not None
    row = KeptFigure.objects.get(key="last-contacts.1", compartment=world.varnia)
    # Carol's restricted contact (3 days ago, operational) is in no kept row.
    when = secret.occurred_at.isoformat()
    assert all(last != when for _bearer, _level, last in row.rows)
    assert any(level == secret.level for _bearer, level, _last in row.rows)

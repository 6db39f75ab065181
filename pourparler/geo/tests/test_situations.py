"""Situations recorded by hand, with their parties, through the geo services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pourparler.geo.models import Country, Situation, SituationParty
from pourparler.geo.services import do_record_situation
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_a_situation_is_recorded_with_its_parties_and_logged(world: World) -> None:
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    front = make_bearer(world.alice, name="Front of the Hills", kind="non_state_armed_group")
    country = Country.objects.get(iso2="AF")
    situation = do_record_situation(
        actor=world.alice,
        name="Varnia: Hollow Hills conflict",
        kind="niac",
        countries=[country],
        parties=[{"bearer": army, "side": "a"}, {"bearer": front, "side": "b"}],
    )
    assert list(situation.countries.all()) == [country]
    parties = SituationParty.objects.filter(situation=situation).order_by("side")
    assert [(p.bearer, p.name, p.role) for p in parties] == [
        (army, "Varnian Armed Forces", "primary"),
        (front, "Front of the Hills", "primary"),
    ]
    assert situation.version == 1 and situation.created_by == world.alice


def test_a_party_the_recorder_may_not_see_is_refused_and_nothing_is_written(
    world: World,
) -> None:
    hidden = make_bearer(world.alice, name="Quiet Brigade", restricted=True)
    with pytest.raises(PermissionDenied):
        do_record_situation(
            actor=world.dave,
            name="Kestria: unrest",
            kind="other_violence",
            parties=[{"bearer": hidden, "side": "a"}],
        )
    assert not Situation.objects.exists()

"""The assessment record, its scale and its vocabularies."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.integration.choices import LEVEL_HELP, PILLAR_HELP, IntegrationLevel, Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.tests.conftest import assess
from pourparler.testing.personas import World

pytestmark = pytest.mark.django_db


def test_five_pillars_and_a_scale_of_five_steps_each_explained() -> None:
    assert Pillar.values == ["doctrine", "education", "training", "equipment", "sanctions"]
    assert [int(level) for level in IntegrationLevel] == [0, 1, 2, 3, 4]
    assert [str(level.label) for level in IntegrationLevel] == [
        "None",
        "Initial",
        "Partial",
        "Substantial",
        "Full",
    ]
    assert set(LEVEL_HELP) == set(IntegrationLevel) and all(LEVEL_HELP.values())
    assert set(PILLAR_HELP) == set(Pillar) and all(PILLAR_HELP.values())


def test_an_assessment_names_its_pillar_level_and_day(world: World, army: WeaponBearer) -> None:
    on = datetime.date(2026, 4, 1)
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, on)
    assert str(assessment) == "Doctrine: 2 Partial, 2026-04-01"
    assert assessment.assessed_by == world.bob


def test_a_level_off_the_scale_is_refused(world: World, army: WeaponBearer) -> None:
    assessment = IntegrationAssessment(
        compartment=world.varnia, bearer=army, pillar="doctrine", level=5, evidence="x"
    )
    with pytest.raises(ValidationError) as caught:
        assessment.full_clean()
    assert "level" in caught.value.message_dict


def test_an_assessment_cannot_be_dated_in_the_future(world: World, army: WeaponBearer) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        assess(world.bob, world.varnia, army, Pillar.TRAINING, 1, tomorrow)
    assert caught.value.message_dict["assessed_on"] == [
        "An assessment cannot be dated in the future."
    ]
    assert not IntegrationAssessment.objects.exists()


def test_the_evidence_is_encrypted_at_rest(world: World, army: WeaponBearer) -> None:
    assessment = assess(
        world.bob,
        world.varnia,
        army,
        Pillar.SANCTIONS,
        1,
        datetime.date(2026, 1, 5),
        evidence="The prosecutor opened a case against the 21st Brigade commander.",
    )
    raw = IntegrationAssessment.objects.filter(pk=assessment.pk).values_list("evidence")[0][0]
    assert raw.startswith("pp1:") and "prosecutor" not in raw
    assert IntegrationAssessment.objects.get(pk=assessment.pk).evidence.startswith("The prosecutor")

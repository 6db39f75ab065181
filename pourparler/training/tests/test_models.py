"""The session record: what it accepts, what it refuses, what it derives."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pourparler.bearers.models import WeaponBearer
from pourparler.testing.personas import World
from pourparler.training.choices import language_choices, language_name, validate_language
from pourparler.training.models import DisseminationSession
from pourparler.training.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def unsaved(world: World, bearer: WeaponBearer, **fields: object) -> DisseminationSession:
    values: dict[str, object] = {
        "compartment": world.varnia,
        "kind": "course",
        "held_on": datetime.date(2026, 5, 4),
        "bearer": bearer,
        "participants": 24,
        "language": "fr",
    }
    values.update(fields)
    return DisseminationSession(**values)


def errors_of(session: DisseminationSession) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    return caught.value.message_dict


def test_a_complete_session_is_valid(world: World, army: WeaponBearer) -> None:
    unsaved(world, army, women=3, tested=20, pre_score=Decimal("48.5"), post_score=70).full_clean()


def test_more_women_than_participants_is_refused(world: World, army: WeaponBearer) -> None:
    errors = errors_of(unsaved(world, army, women=25))
    assert errors["women"] == ["There cannot be more women than participants."]


def test_the_database_refuses_more_women_than_participants_too(
    world: World, army: WeaponBearer
) -> None:
    session = make_session(world.alice, world.varnia, army, participants=10, women=4)
    session.women = 11
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_scores_need_the_number_tested_and_both_averages(world: World, army: WeaponBearer) -> None:
    errors = errors_of(unsaved(world, army, pre_score=40))
    assert errors["tested"] == ["Say how many took the test when you give scores."]
    assert errors["post_score"] == ["Give the average after too."]
    errors = errors_of(unsaved(world, army, tested=30, pre_score=40, post_score=60))
    assert errors["tested"] == ["More people tested than took part."]


@pytest.mark.parametrize("score", ["-0.5", "100.1"])
def test_scores_lie_between_0_and_100(world: World, army: WeaponBearer, score: str) -> None:
    errors = errors_of(unsaved(world, army, tested=10, pre_score=Decimal(score), post_score=50))
    assert "pre_score" in errors


def test_a_session_cannot_end_before_it_began(world: World, army: WeaponBearer) -> None:
    errors = errors_of(unsaved(world, army, ends_on=datetime.date(2026, 5, 3)))
    assert errors["ends_on"] == ["The session cannot end before it began."]


def test_nobody_attending_is_not_a_session(world: World, army: WeaponBearer) -> None:
    assert "participants" in errors_of(unsaved(world, army, participants=0))


@pytest.mark.parametrize("code", ["xx", "EN", "English", "e", ""])
def test_the_language_must_be_an_iso_639_code(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_language(code)


@pytest.mark.parametrize(("code", "name"), [("ar", "Arabic"), ("prs", "Dari"), ("sr", "Serbian")])
def test_iso_639_codes_of_two_and_three_letters_are_known(code: str, name: str) -> None:
    validate_language(code)
    assert language_name(code) == name


def test_the_language_list_offers_two_letter_codes_by_name() -> None:
    choices = language_choices()
    assert ("fr", "French (fr)") in choices
    labels = [label for _code, label in choices]
    assert labels == sorted(labels)


def test_derived_figures_and_name(world: World, army: WeaponBearer) -> None:
    session = unsaved(
        world, army, participants=40, women=10, tested=40, pre_score=50, post_score=Decimal("62.5")
    )
    assert session.score_gain == Decimal("12.5")
    assert session.women_share == 0.25
    assert str(session) == "Course, 2026-05-04"
    assert unsaved(world, army).score_gain is None


def test_confidential_text_is_encrypted_at_rest(world: World, army: WeaponBearer) -> None:
    session = make_session(
        world.alice,
        world.varnia,
        army,
        notes="The brigade commander walked out.",
        external_facilitators="Maj. Selin Okafor, legal branch",
    )
    raw = DisseminationSession.objects.filter(pk=session.pk).values_list(
        "notes", "external_facilitators"
    )[0]
    assert all(value.startswith("pp1:") for value in raw)
    stored = DisseminationSession.objects.get(pk=session.pk)
    assert stored.notes == "The brigade commander walked out."
    assert stored.external_facilitators == "Maj. Selin Okafor, legal branch"

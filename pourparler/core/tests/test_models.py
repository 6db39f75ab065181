"""The base and the small rules each model carries."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError

from pourparler.bearers.models import ExternalId
from pourparler.bearers.services import do_delete_bearer
from pourparler.core.ids import uuid7
from pourparler.core.models import Membership
from pourparler.core.services import create_record
from pourparler.core.text import fold, search_blob
from pourparler.dialogue.models import FollowUp
from pourparler.people.models import Position
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person


def test_uuid7_is_version_7_and_time_ordered() -> None:
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7 and second.version == 7
    assert first.variant == second.variant == "specified in RFC 4122"
    assert first < second
    assert len({uuid7() for _ in range(10_000)}) == 10_000


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Forces Armées", "forces armees"),
        ("  GENDARMERIE   nationale ", "gendarmerie nationale"),
        ("Ñandú Ejército", "nandu ejercito"),
        ("القوات المسلحة", "القوات المسلحة"),
        ("Straße", "strasse"),
    ],
)
def test_fold_removes_case_and_diacritics_but_keeps_scripts(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_search_blob_drops_blanks_and_repeats() -> None:
    assert search_blob(["Armée", None, "armee", "", "FAV"]) == "armee | fav"


@pytest.mark.django_db
def test_every_record_gets_bookkeeping_from_the_write_path(world: World) -> None:
    interaction = make_interaction(world.alice, world.varnia)
    assert interaction.id.version == 7
    assert interaction.version == 1
    assert interaction.created_by == interaction.updated_by == world.alice
    assert interaction.compartment == world.varnia
    assert not interaction.is_deleted


@pytest.mark.django_db
def test_external_ids_are_unique_among_live_bearers(world: World) -> None:
    first = make_bearer(
        world.alice, name="Eastern Ridge Movement", external_ids=[("wikidata", "Q-FICTION-1")]
    )
    with pytest.raises(ValidationError):
        make_bearer(world.alice, name="ERM duplicate", external_ids=[("wikidata", "Q-FICTION-1")])
    ext = ExternalId.objects.get(value="Q-FICTION-1")
    from pourparler.core.services import delete_record

    delete_record(ext, actor=world.carol, expected_version=1)
    do_delete_bearer(first, actor=world.carol, expected_version=first.version)
    second = make_bearer(world.alice, name="ERM again", external_ids=[("wikidata", "Q-FICTION-1")])
    assert second.external_ids.get().value == "Q-FICTION-1"


@pytest.mark.django_db
def test_position_and_follow_up_states(world: World) -> None:
    army = make_bearer(world.alice)
    person = make_person(world.alice, world.varnia, bearer=army)
    position = Position.objects.get(person=person)
    assert position.is_current
    assert "Colonel Brigade commander" in str(position)
    interaction = make_interaction(
        world.alice,
        world.varnia,
        follow_ups=[
            {"action": "Late", "due_on": datetime.date.today() - datetime.timedelta(1)},
            {"action": "Later", "due_on": datetime.date.today() + datetime.timedelta(9)},
        ],
    )
    late, later = FollowUp.objects.filter(interaction=interaction).order_by("due_on")
    assert late.is_overdue and not later.is_overdue


@pytest.mark.django_db
def test_membership_is_current_between_its_dates(world: World) -> None:
    membership = Membership.objects.get(user=world.alice)
    assert membership.is_current()
    assert not membership.is_current(datetime.date(2019, 12, 31))
    membership.ends_on = datetime.date(2024, 1, 1)
    assert not membership.is_current(datetime.date(2024, 1, 2))


@pytest.mark.django_db
def test_create_validates_choices(world: World) -> None:
    from pourparler.bearers.models import WeaponBearer

    with pytest.raises(ValidationError):
        create_record(WeaponBearer(name="Nameless", kind="dragon"), actor=world.alice)

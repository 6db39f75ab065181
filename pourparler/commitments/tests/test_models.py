"""The commitments models: what they say, what they store, and who may see them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Capacity, Compliance
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import do_add_signatory, do_delete_commitment
from pourparler.commitments.tests.helpers import fresh, observe, register
from pourparler.core import crypto
from pourparler.core.access import forget_clearance
from pourparler.core.services import do_grant_access
from pourparler.testing.personas import World, make_bearer, make_person

pytestmark = pytest.mark.django_db

CHILDREN = (Signatory, ComplianceObservation)


def stored(obj: Any, field: str) -> str:
    """What the database holds for one field of a record (not the plaintext)."""
    value: str = type(obj)._base_manager.filter(pk=obj.pk).values_list(field, flat=True).get()
    return value


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def test_what_each_record_is_called_and_the_date_as_precise_as_we_know_it(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army], title="Safe passage to Brannoch")
    assert str(commitment) == "Safe passage to Brannoch"
    assert commitment.compliance_label == "Not observed yet"
    commitment.made_on = datetime.date(2025, 3, 1)
    commitment.date_precision = "month"
    assert commitment.made_display == "March 2025"
    commitment.date_precision = "year"
    assert commitment.made_display == "2025"
    commitment.date_precision = "day"
    assert commitment.made_display == "1 March 2025"
    signatory = do_add_signatory(
        commitment,
        actor=world.alice,
        capacity=Capacity.MILITARY,
        bearer=army,
        name_as_signed="Gen. Aurel Voss",
    )
    assert str(signatory) == "Gen. Aurel Voss"
    observation = observe(world.alice, commitment, 3, Compliance.PARTLY_KEPT)
    assert str(observation) == f"Partly kept on {observation.observed_on:%Y-%m-%d}"
    assert fresh(commitment).compliance_label == "Partly kept"


def test_the_words_and_names_are_stored_encrypted(world: World, army: WeaponBearer) -> None:
    commitment = register(
        world.alice,
        world.varnia,
        [army],
        title="Guarantee given by Col. Rasmus Holt",
        scope="Holt guarantees our convoys on the Kessel Ford road.",
        terms="Signed by Holt in person.",
        witness="Elder Mira Holt-Anand",
    )
    signatory = do_add_signatory(
        commitment,
        actor=world.alice,
        capacity=Capacity.MILITARY,
        bearer=army,
        name_as_signed="Col. Rasmus Holt",
        signed_as="Holt, commander of the 21st Brigade",
    )
    observation = observe(world.alice, commitment, 2, note="Holt's men let us through.")
    for obj, field in (
        (commitment, "title"),
        (commitment, "scope"),
        (commitment, "terms"),
        (commitment, "witness"),
        (signatory, "name_as_signed"),
        (signatory, "signed_as"),
        (observation, "note"),
    ):
        token = stored(obj, field)
        assert crypto.is_token(token) and "Holt" not in token, (obj, field)
    assert fresh(commitment).witness == "Elder Mira Holt-Anand"


def test_everything_under_a_commitment_is_hidden_with_it(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army])
    do_add_signatory(
        commitment, actor=world.alice, capacity="military", bearer=army, name_as_signed="Gen. X"
    )
    observe(world.alice, commitment, 2)
    for model in CHILDREN:
        assert model.objects.visible_to(world.bob).filter(commitment=commitment).exists(), model
        assert model.objects.visible_to(world.hana).filter(commitment=commitment).exists(), model
        assert not model.objects.visible_to(world.dave).exists(), model
        assert not model.objects.visible_to(world.audrey).exists(), model
    assert not Commitment.objects.visible_to(world.dave).exists()
    assert not Commitment.objects.visible_to(world.audrey).exists()
    current = fresh(commitment)
    do_delete_commitment(current, actor=world.alice, expected_version=current.version)
    for model in (Commitment, *CHILDREN):
        assert not model.objects.visible_to(world.alice).exists(), model
        assert not model.objects.visible_to(world.hana).exists(), model


def test_a_restricted_commitment_is_visible_only_to_its_named_members(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(
        world.bob, world.varnia, [army], restricted=True, restricted_to=[world.carol]
    )
    do_add_signatory(
        commitment, actor=world.bob, capacity="military", bearer=army, name_as_signed="Gen. X"
    )
    observe(world.bob, commitment, 1)
    # The author is kept in, so they never lock themselves out.
    assert set(commitment.restricted_to.all()) == {world.bob, world.carol}
    for model in (Commitment, *CHILDREN):
        for insider in (world.bob, world.carol):
            assert model.objects.visible_to(insider).exists(), (model, insider)
        for outsider in (world.alice, world.hana, world.dave, world.audrey, world.adam):
            assert not model.objects.visible_to(outsider).exists(), (model, outsider)


def test_a_signatory_whose_person_is_hidden_is_hidden_too(world: World, army: WeaponBearer) -> None:
    commander = make_person(
        world.carol, world.varnia, full_name="Idris Kanaan", restricted=True, restricted_to=[]
    )
    commitment = register(world.carol, world.varnia, [army])
    do_add_signatory(
        commitment, actor=world.carol, capacity="military", bearer=army, person=commander
    )
    do_add_signatory(
        commitment, actor=world.carol, capacity="political", bearer=army, name_as_signed="Spokes"
    )
    assert Signatory.objects.visible_to(world.carol).count() == 2
    assert [s.name_as_signed for s in Signatory.objects.visible_to(world.alice)] == ["Spokes"]


def test_a_bearer_grant_opens_the_unrestricted_commitments_of_that_bearer(
    world: World, army: WeaponBearer
) -> None:
    police = make_bearer(world.alice, name="Varnian Police", kind="police")
    of_army = register(world.alice, world.varnia, [army], title="Army")
    register(world.alice, world.varnia, [army], title="Secret", restricted=True)
    register(world.alice, world.varnia, [police], title="Police")
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=army,
        reason="Regional analysis of the army's commitments",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    forget_clearance(world.dave)
    assert list(Commitment.objects.visible_to(world.dave)) == [of_army]
    assert not Commitment.objects.visible_to(world.dave, "change").exists()

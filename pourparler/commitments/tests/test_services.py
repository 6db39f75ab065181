"""Writes to the commitments register: the rules the services keep, the log, conflicts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from pourparler.access.tests.conftest import incident, passage
from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Compliance, Instrument
from pourparler.commitments.models import Commitment, ComplianceObservation, Signatory
from pourparler.commitments.services import (
    do_add_signatory,
    do_delete_commitment,
    do_delete_compliance,
    do_register_commitment,
    do_remove_signatory,
    do_update_commitment,
    do_update_compliance,
    do_update_signatory,
)
from pourparler.commitments.tests.helpers import days_ago, fresh, observe, register
from pourparler.concerns.tests.helpers import open_concern
from pourparler.core.access import forget_clearance
from pourparler.core.choices import ChangeAction, Role
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, do_post_member
from pourparler.testing.personas import World, make_bearer, make_interaction, make_person

pytestmark = pytest.mark.django_db

K, P, B = Compliance.KEPT, Compliance.PARTLY_KEPT, Compliance.BREACHED


@pytest.fixture
def army(world: World) -> WeaponBearer:
    return make_bearer(world.alice)


def log_of(record: Any) -> list[tuple[str, int]]:
    """The change-log entries of a record: (action, version), oldest first."""
    content_type = ContentType.objects.get_for_model(type(record))
    return list(
        ChangeLogEntry.objects.filter(content_type=content_type, object_id=record.pk)
        .order_by("at", "object_version")
        .values_list("action", "object_version")
    )


def test_register_a_commitment_with_its_parties_contacts_and_signatories(
    world: World, army: WeaponBearer
) -> None:
    group = make_bearer(world.alice, name="FLHH", kind="non_state_armed_group")
    chief = make_person(world.alice, world.varnia, full_name="Gen. Aurel Voss", bearer=army)
    meeting = make_interaction(world.alice, world.varnia, bearers=[army, group])
    commitment = do_register_commitment(
        actor=world.alice,
        compartment=world.varnia,
        instrument=Instrument.OTHER,
        title="Exchange of remains at the Brannoch crossing",
        scope="Both sides hand over remains through us.",
        bearers=[army, group],
        made_on=days_ago(20),
        interactions=[meeting],
        signatories=[
            {"capacity": "military", "bearer": army, "person": chief},
            {"capacity": "political", "bearer": group, "name_as_signed": "The FLHH council"},
        ],
    )
    assert set(commitment.bearers.all()) == {army, group}
    assert list(commitment.interactions.all()) == [meeting]
    signatories = Signatory.objects.filter(commitment=commitment)
    assert {(s.bearer, s.person, s.capacity) for s in signatories} == {
        (army, chief, "military"),
        (group, None, "political"),
    }
    assert {s.compartment_id for s in signatories} == {world.varnia.pk}
    assert (commitment.current_compliance, commitment.compliance_observed_on) == ("", None)
    assert log_of(commitment) == [(ChangeAction.CREATE, 1)]


def test_a_month_is_stored_as_its_first_day(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army], made=40, date_precision="month")
    assert commitment.made_on == days_ago(40).replace(day=1)


def test_the_current_compliance_follows_the_latest_observation(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army], made=100)
    observe(world.alice, commitment, 80, K)
    breach = observe(world.bob, commitment, 30, B)
    observe(world.alice, commitment, 50, P)  # recorded late, about an earlier day
    stored = fresh(commitment)
    assert (stored.current_compliance, stored.compliance_observed_on) == (B, days_ago(30))
    # Derived: no new version of the commitment, nothing in its log.
    assert stored.version == 1 and log_of(stored) == [(ChangeAction.CREATE, 1)]
    corrected = do_update_compliance(
        breach, actor=world.alice, expected_version=1, changes={"assessment": P}
    )
    assert corrected.version == 2 and fresh(commitment).current_compliance == P
    do_delete_compliance(corrected, actor=world.alice, expected_version=2)
    assert (fresh(commitment).current_compliance, fresh(commitment).compliance_observed_on) == (
        P,
        days_ago(50),
    )
    assert log_of(corrected) == [
        (ChangeAction.CREATE, 1),
        (ChangeAction.UPDATE, 2),
        (ChangeAction.DELETE, 3),
    ]
    for observation in ComplianceObservation.objects.alive().filter(commitment=commitment):
        do_delete_compliance(observation, actor=world.bob, expected_version=observation.version)
    assert (fresh(commitment).current_compliance, fresh(commitment).compliance_observed_on) == (
        "",
        None,
    )


def test_dates_that_do_not_hold_together_are_refused(world: World, army: WeaponBearer) -> None:
    with pytest.raises(ValidationError) as future:
        register(world.alice, world.varnia, [army], made=-3)
    assert "made_on" in future.value.error_dict
    commitment = register(world.alice, world.varnia, [army], made=30)
    with pytest.raises(ValidationError) as early:
        observe(world.alice, commitment, 40)
    assert "observed_on" in early.value.error_dict
    with pytest.raises(ValidationError):
        observe(world.alice, commitment, -1)
    observe(world.alice, commitment, 20)
    with pytest.raises(ValidationError) as moved:
        do_update_commitment(
            commitment, actor=world.alice, expected_version=1, changes={"made_on": days_ago(10)}
        )
    assert "made_on" in moved.value.error_dict
    assert not ComplianceObservation.objects.filter(observed_on=days_ago(40)).exists()
    assert fresh(commitment).made_on == days_ago(30)


def test_a_commitment_needs_a_party_and_a_signatory_a_name_and_a_party(
    world: World, army: WeaponBearer
) -> None:
    with pytest.raises(ValidationError) as empty:
        register(world.alice, world.varnia, [])
    assert "bearers" in empty.value.error_dict
    other = make_bearer(world.alice, name="Varnian Police", kind="police")
    commitment = register(world.alice, world.varnia, [army])
    with pytest.raises(ValidationError) as nameless:
        do_add_signatory(commitment, actor=world.alice, capacity="military", bearer=army)
    assert "name_as_signed" in nameless.value.error_dict
    with pytest.raises(ValidationError) as wrong_party:
        do_add_signatory(
            commitment, actor=world.alice, capacity="other", bearer=other, name_as_signed="X"
        )
    assert "bearer" in wrong_party.value.error_dict
    signatory = do_add_signatory(
        commitment, actor=world.alice, capacity="military", bearer=army, name_as_signed="Gen. X"
    )
    # A party someone signed for cannot be taken off the commitment.
    with pytest.raises(ValidationError):
        do_update_commitment(
            commitment,
            actor=world.alice,
            expected_version=1,
            changes={},
            links={"bearers": [other]},
        )
    corrected = do_update_signatory(
        signatory, actor=world.bob, expected_version=1, changes={"signed_as": "Chief of Staff"}
    )
    assert corrected.version == 2
    do_remove_signatory(corrected, actor=world.bob, expected_version=2)
    assert not Signatory.objects.visible_to(world.alice).exists()
    assert log_of(corrected)[-1] == (ChangeAction.DELETE, 3)


def test_evidence_the_actor_may_not_see_is_refused(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army], made=40)
    secret = incident(
        world.carol,
        world.varnia,
        [army],
        when=days_ago(10).isoformat(),
        restricted=True,
        restricted_to=[world.carol],
    )
    kestrian = incident(world.dave, world.kestria, [], when=days_ago(10).isoformat())
    hidden_concern = open_concern(
        world.carol, world.varnia, [army], restricted=True, restricted_to=[world.carol]
    )
    for evidence in (
        {"incidents": [secret]},
        {"incidents": [kestrian]},
        {"concerns": [hidden_concern]},
    ):
        with pytest.raises(PermissionDenied):
            observe(world.alice, commitment, 5, B, **evidence)
    assert not ComplianceObservation.objects.exists()
    # Carol may see her incident: she may give it as evidence.
    observation = observe(world.carol, commitment, 5, B, incidents=[secret])
    assert list(observation.incidents.all()) == [secret]


def test_evidence_and_contacts_from_another_delegation_are_refused(
    world: World, army: WeaponBearer
) -> None:
    # Alice is posted to Kestria too, so she sees its records: the rule is about where
    # the records are held, not about who may see them.
    do_post_member(
        actor=None,
        user=world.alice,
        delegation=world.kestria,
        role=Role.FIELD_DELEGATE,
        starts_on=datetime.date(2020, 1, 1),
    )
    forget_clearance(world.alice)
    commitment = register(world.alice, world.varnia, [army], made=40)
    crossing = passage(world.dave, world.kestria, army, "turned_back", when=days_ago(5).isoformat())
    with pytest.raises(ValidationError) as refused:
        observe(world.alice, commitment, 3, B, passages=[crossing])
    assert "passages" in refused.value.error_dict
    meeting = make_interaction(world.dave, world.kestria, bearers=[army])
    with pytest.raises(ValidationError):
        register(world.alice, world.varnia, [army], interactions=[meeting])
    assert not ComplianceObservation.objects.exists()
    assert Commitment.objects.count() == 1


def test_an_edit_keeps_the_evidence_and_links_the_editor_may_not_see(
    world: World, army: WeaponBearer
) -> None:
    hidden_group = make_bearer(
        world.carol,
        name="Hollow Hills Brigades",
        kind="non_state_armed_group",
        restricted=True,
        restricted_to=[world.carol],
    )
    commitment = register(world.carol, world.varnia, [army, hidden_group], made=40)
    secret = incident(
        world.carol,
        world.varnia,
        [army],
        when=days_ago(10).isoformat(),
        restricted=True,
        restricted_to=[world.carol],
    )
    open_one = incident(world.carol, world.varnia, [army], when=days_ago(9).isoformat())
    observation = observe(world.carol, commitment, 5, B, incidents=[secret, open_one])
    do_update_compliance(
        observation,
        actor=world.alice,
        expected_version=1,
        changes={"note": "Corrected by Alice."},
        evidence={"incidents": [], "concerns": [], "passages": []},
    )
    assert set(fresh_observation(observation).incidents.all()) == {secret}
    do_update_commitment(
        commitment,
        actor=world.alice,
        expected_version=1,
        changes={"place_name": "Kessel Ford"},
        links={"bearers": [army], "interactions": []},
    )
    assert set(fresh(commitment).bearers.all()) == {army, hidden_group}


def fresh_observation(observation: ComplianceObservation) -> ComplianceObservation:
    return ComplianceObservation.objects.get(pk=observation.pk)


def test_restricting_a_commitment_carries_the_restriction_to_everything_under_it(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army])
    do_add_signatory(
        commitment, actor=world.alice, capacity="military", bearer=army, name_as_signed="Gen. X"
    )
    observe(world.alice, commitment, 2)
    do_update_commitment(
        commitment,
        actor=world.alice,
        expected_version=1,
        changes={"restricted": True},
        links={"restricted_to": [world.carol]},
    )
    for model in (Commitment, Signatory, ComplianceObservation):
        assert model.objects.visible_to(world.carol).exists(), model
        assert not model.objects.visible_to(world.bob).exists(), model
        row = model.objects.get() if model is not Commitment else fresh(commitment)
        assert set(row.restricted_to.all()) == {world.alice, world.carol}, model


def test_a_write_that_would_leave_the_commitment_out_of_reach_is_rolled_back(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army])
    with pytest.raises(PermissionDenied):
        do_update_commitment(
            commitment,
            actor=world.alice,
            expected_version=1,
            changes={"compartment": world.kestria},
        )
    assert fresh(commitment).compartment == world.varnia and fresh(commitment).version == 1


def test_readers_and_other_delegations_cannot_write(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army])
    for outsider in (world.hana, world.dave, world.audrey):
        with pytest.raises(PermissionDenied):
            observe(outsider, commitment, 1)
        with pytest.raises(PermissionDenied):
            do_add_signatory(
                commitment, actor=outsider, capacity="other", bearer=army, name_as_signed="X"
            )
        with pytest.raises(PermissionDenied):
            do_update_commitment(
                commitment, actor=outsider, expected_version=1, changes={"place_name": "X"}
            )
        with pytest.raises(PermissionDenied):
            do_delete_commitment(commitment, actor=outsider, expected_version=1)
    assert not ComplianceObservation.objects.exists() and not Signatory.objects.exists()
    assert fresh(commitment).version == 1 and fresh(commitment).deleted_at is None


def test_two_edits_from_the_same_version_conflict_and_the_refusal_is_logged(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army])
    do_update_commitment(
        commitment, actor=world.alice, expected_version=1, changes={"place_name": "Velmora"}
    )
    with pytest.raises(EditConflict):
        do_update_commitment(
            commitment, actor=world.bob, expected_version=1, changes={"place_name": "Brannoch"}
        )
    assert fresh(commitment).place_name == "Velmora" and fresh(commitment).version == 2
    conflict = ChangeLogEntry.objects.get(object_id=commitment.pk, action=ChangeAction.CONFLICT)
    assert conflict.actor == world.bob
    assert conflict.after["place_name"] == "Brannoch"
    assert conflict.before["place_name"] == "Velmora"
    observation = observe(world.alice, commitment, 1)
    do_update_compliance(observation, actor=world.alice, expected_version=1, changes={"note": "A"})
    with pytest.raises(EditConflict):
        do_update_compliance(
            observation, actor=world.bob, expected_version=1, changes={"note": "B"}
        )
    assert fresh_observation(observation).note == "A"
    with pytest.raises(EditConflict):
        do_delete_commitment(commitment, actor=world.bob, expected_version=1)
    assert fresh(commitment).deleted_at is None


def test_create_update_delete_each_write_one_entry(world: World, army: WeaponBearer) -> None:
    commitment = register(world.alice, world.varnia, [army], title="Guarantee for Velmora")
    updated = do_update_commitment(
        commitment, actor=world.bob, expected_version=1, changes={"place_name": "Velmora"}
    )
    do_delete_commitment(updated, actor=world.bob, expected_version=2)
    assert log_of(commitment) == [
        (ChangeAction.CREATE, 1),
        (ChangeAction.UPDATE, 2),
        (ChangeAction.DELETE, 3),
    ]
    update = ChangeLogEntry.objects.get(object_id=commitment.pk, action=ChangeAction.UPDATE)
    assert update.actor == world.bob and update.request_id
    assert ("place_name", "", "Velmora") in update.changed_fields()
    created = ChangeLogEntry.objects.get(object_id=commitment.pk, action=ChangeAction.CREATE)
    # The title is logged encrypted, never as plaintext; derived fields are not logged.
    assert "Velmora" not in str(created.after)
    assert "current_compliance" not in created.after
    deleted = Commitment.objects.get(pk=commitment.pk)
    assert deleted.deleted_by == world.bob and deleted.deleted_at is not None
    assert not Commitment.objects.visible_to(world.alice).exists()


def test_observations_and_signatories_take_the_delegation_of_the_commitment(
    world: World, army: WeaponBearer
) -> None:
    commitment = register(world.alice, world.varnia, [army], made=10)
    crossing = passage(
        world.alice, world.varnia, army, "delayed", when=days_ago(4).isoformat(), delay_minutes=45
    )
    observation = observe(world.bob, commitment, 3, P, passages=[crossing])
    assert observation.compartment_id == world.varnia.pk
    assert list(observation.passages.all()) == [crossing]
    assert observation.incidents.count() == 0

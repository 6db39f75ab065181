"""Writing assessments: evidence, the change log, conflicts, permission and grants."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pourparler.bearers.models import WeaponBearer
from pourparler.core.access import forget_clearance
from pourparler.core.choices import ChangeAction
from pourparler.core.models import ChangeLogEntry
from pourparler.core.services import EditConflict, do_grant_access
from pourparler.integration.choices import Pillar
from pourparler.integration.models import IntegrationAssessment
from pourparler.integration.services import do_delete_assessment, do_update_assessment
from pourparler.integration.tests.conftest import assess
from pourparler.testing.personas import World, make_interaction
from pourparler.training.services import do_record_session

pytestmark = pytest.mark.django_db

D = datetime.date


def log_of(assessment: IntegrationAssessment) -> list[tuple[str, int]]:
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(IntegrationAssessment),
        object_id=assessment.pk,
    ).order_by("at")
    return [(e.action, e.object_version) for e in entries]


def course_for(world: World, bearer: WeaponBearer) -> object:
    return do_record_session(
        actor=world.bob,
        compartment=world.varnia,
        kind="course",
        bearer=bearer,
        held_on=D(2026, 2, 2),
        participants=24,
        language="fr",
    )


def test_evidence_links_to_contacts_and_sessions_about_the_bearer(
    world: World, army: WeaponBearer
) -> None:
    contact = make_interaction(world.bob, world.varnia, bearers=[army])
    course = course_for(world, army)
    assessment = assess(
        world.bob,
        world.varnia,
        army,
        Pillar.TRAINING,
        2,
        D(2026, 3, 1),
        interactions=[contact],
        sessions=[course],
    )
    assert list(assessment.interactions.all()) == [contact]
    assert list(assessment.sessions.all()) == [course]
    assert assessment.bearer == army
    assert log_of(assessment) == [(ChangeAction.CREATE, 1)]


def test_evidence_about_another_bearer_is_refused(
    world: World, army: WeaponBearer, erm: WeaponBearer
) -> None:
    contact = make_interaction(world.bob, world.varnia, bearers=[erm])
    with pytest.raises(ValidationError, match="do not concern this bearer"):
        assess(
            world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1), interactions=[contact]
        )
    with pytest.raises(ValidationError, match="another bearer"):
        assess(
            world.bob,
            world.varnia,
            army,
            Pillar.DOCTRINE,
            1,
            D(2026, 1, 1),
            sessions=[course_for(world, erm)],
        )
    assert not IntegrationAssessment.objects.exists()


def test_evidence_the_actor_cannot_see_is_refused(world: World, army: WeaponBearer) -> None:
    theirs = make_interaction(world.dave, world.kestria, bearers=[army])
    with pytest.raises(PermissionDenied):
        assess(
            world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1), interactions=[theirs]
        )
    assert not IntegrationAssessment.objects.exists()


def test_a_correction_keeps_evidence_the_editor_may_not_see(
    world: World, army: WeaponBearer
) -> None:
    closed = make_interaction(
        world.carol, world.varnia, bearers=[army], restricted=True, restricted_to=[world.carol]
    )
    assessment = assess(
        world.carol, world.varnia, army, Pillar.SANCTIONS, 1, D(2026, 1, 1), interactions=[closed]
    )
    do_update_assessment(
        assessment,
        actor=world.alice,
        expected_version=1,
        changes={"level": 2},
        links={"interactions": [closed.pk]},
    )
    stored = IntegrationAssessment.objects.get(pk=assessment.pk)
    assert (stored.level, stored.version) == (2, 2)
    assert list(stored.interactions.all()) == [closed]


def test_a_stale_correction_is_refused_and_logged(world: World, army: WeaponBearer) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    do_update_assessment(assessment, actor=world.bob, expected_version=1, changes={"level": 2})
    with pytest.raises(EditConflict):
        do_update_assessment(
            assessment, actor=world.alice, expected_version=1, changes={"level": 4}
        )
    assert IntegrationAssessment.objects.get(pk=assessment.pk).level == 2
    assert log_of(assessment) == [
        (ChangeAction.CREATE, 1),
        (ChangeAction.UPDATE, 2),
        (ChangeAction.CONFLICT, 2),
    ]


def test_an_assessment_stays_with_its_bearer_and_delegation(
    world: World, army: WeaponBearer, erm: WeaponBearer
) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    for changes in ({"bearer": erm}, {"compartment": world.kestria}):
        with pytest.raises(ValueError, match="record a new one"):
            do_update_assessment(assessment, actor=world.bob, expected_version=1, changes=changes)


def test_a_restricted_assessment_keeps_its_author_and_shuts_out_others(
    world: World, army: WeaponBearer
) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    # The author is always kept among the named, so restricting cannot lock them out...
    do_update_assessment(
        assessment,
        actor=world.bob,
        expected_version=1,
        changes={"restricted": True},
        links={"restricted_to": [world.carol]},
    )
    assert set(IntegrationAssessment.objects.get(pk=assessment.pk).restricted_to.all()) == {
        world.carol,
        world.bob,
    }
    # ...and someone who may not change it cannot.
    with pytest.raises(PermissionDenied):
        do_update_assessment(
            assessment, actor=world.alice, expected_version=2, changes={"level": 3}
        )


def test_deleting_is_a_logged_tombstone(world: World, army: WeaponBearer) -> None:
    assessment = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    do_delete_assessment(assessment, actor=world.bob, expected_version=1)
    assert not IntegrationAssessment.objects.visible_to(world.bob).exists()
    assert log_of(assessment)[-1] == (ChangeAction.DELETE, 2)


def test_a_bearer_grant_opens_its_open_assessments_only(
    world: World, army: WeaponBearer, erm: WeaponBearer
) -> None:
    open_one = assess(world.bob, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 1, 1))
    assess(
        world.carol,
        world.varnia,
        army,
        Pillar.SANCTIONS,
        1,
        D(2026, 1, 1),
        restricted=True,
        restricted_to=[world.carol],
    )
    assess(world.carol, world.varnia, erm, Pillar.DOCTRINE, 1, D(2026, 1, 1))
    do_grant_access(
        actor=world.adam,
        grantee=world.dave,
        access="read",
        bearer=army,
        reason="Kestrian officers seconded to the Varnian staff college",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    forget_clearance(world.dave)
    assert list(IntegrationAssessment.objects.visible_to(world.dave)) == [open_one]


def test_writing_into_a_compartment_one_may_only_read_is_refused_and_rolled_back(
    world: World, army: WeaponBearer
) -> None:
    # The analyst reads Varnia's compartment but may not write into it.
    with pytest.raises(PermissionDenied):
        assess(world.hana, world.varnia, army, Pillar.DOCTRINE, 2, D(2026, 1, 1))
    assert not IntegrationAssessment.objects.exists()
    assert not ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(IntegrationAssessment)
    ).exists()

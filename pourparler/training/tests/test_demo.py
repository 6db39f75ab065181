"""The demo world has sessions and integration assessments that tell a believable story."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from pourparler.core.models import User
from pourparler.demo.world import load_demo_world
from pourparler.integration.figures import current_assessments
from pourparler.integration.models import IntegrationAssessment
from pourparler.training.figures import figures
from pourparler.training.models import DisseminationSession

pytestmark = pytest.mark.django_db


def test_the_demo_world_holds_sessions_and_assessments_for_both_delegations() -> None:
    assert load_demo_world() is True

    sessions = DisseminationSession.objects.alive()
    by_delegation = {
        code: sessions.filter(compartment__code=code) for code in ("varnia", "kestria")
    }
    # Varnia: pre-deployment briefings and courses for the army, workshops with armed
    # groups, police courses on the use of force.
    varnia = by_delegation["varnia"]
    assert varnia.filter(kind="pre_deployment", bearer__name="Varnian Armed Forces").exists()
    assert varnia.filter(kind="course", bearer__name="Varnian Armed Forces").exists()
    assert varnia.filter(kind="workshop", bearer__kind="non_state_armed_group").count() >= 3
    assert varnia.filter(
        kind="course", bearer__name="Varnian National Police", topics__code="use-of-force"
    ).exists()
    # Kestria: crowd-management courses for police and gendarmerie before the elections.
    kestria = by_delegation["kestria"]
    for name in ("Kestrian National Police", "Kestrian Gendarmerie"):
        assert kestria.filter(
            kind="course", bearer__name=name, topics__code="use-of-force"
        ).exists()
    assert sessions.filter(interaction__isnull=False).count() >= 20
    assert sessions.filter(tested__isnull=False).count() >= 10
    for session in sessions.filter(interaction__isnull=False).select_related("interaction")[:50]:
        assert session.compartment_id == session.interaction.compartment_id
        assert session.held_on == session.interaction.occurred_at.date()
    totals = sessions.aggregate(people=Sum("participants"), women=Sum("women"))
    assert 0 < totals["women"] < totals["people"]

    # Each delegate's figures count their own delegation only.
    for username, code in (("varnia.delegate", "varnia"), ("kestria.delegate", "kestria")):
        user = User.objects.get(username=username)
        mine = figures(DisseminationSession.objects.visible_to(user), user)
        expected = by_delegation[code].aggregate(people=Sum("participants"))["people"]
        assert mine.total.participants == expected
        assert mine.testing.mean_gain is not None and mine.testing.mean_gain > 0

    # Integration: the State forces have histories over nearly two years; armed groups a few.
    assessments = IntegrationAssessment.objects.alive()
    army = assessments.filter(bearer__name="Varnian Armed Forces")
    assert army.values("pillar").distinct().count() == 5
    assert army.filter(pillar="doctrine").count() >= 3
    days = army.order_by("assessed_on").values_list("assessed_on", flat=True)
    assert (days.last() - days.first()).days > 480
    assert assessments.filter(bearer__name="Eastern Ridge Movement", pillar="doctrine").exists()
    specialist = User.objects.get(username="varnia.specialist")
    first = army.first()
    assert first is not None
    bearer_id = first.bearer_id
    current = current_assessments(specialist, [bearer_id])[bearer_id]
    assert current["training"].level == 3 and current["sanctions"].level == 1
    # The one restricted assessment: seen by those named, not by the field delegate.
    restricted = assessments.get(restricted=True)
    delegate = User.objects.get(username="varnia.delegate")
    assert IntegrationAssessment.objects.visible_to(specialist).filter(pk=restricted.pk).exists()
    assert not IntegrationAssessment.objects.visible_to(delegate).filter(pk=restricted.pk).exists()
    kestria_delegate = User.objects.get(username="kestria.delegate")
    assert (
        not IntegrationAssessment.objects.visible_to(kestria_delegate)
        .filter(compartment__code="varnia")
        .exists()
    )

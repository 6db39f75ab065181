"""The register's figures: known answers, groups, and only what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.commitments.choices import Compliance, Instrument
from pourparler.commitments.figures import Tally, compliance_figures, tally
from pourparler.commitments.models import Commitment
from pourparler.commitments.services import do_delete_commitment
from pourparler.commitments.tests.helpers import client_for, days_ago, fresh, observe, register
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

K, P, B = Compliance.KEPT, Compliance.PARTLY_KEPT, Compliance.BREACHED


@dataclass
class Scene:
    army: WeaponBearer
    group: WeaponBearer
    police: WeaponBearer
    commitments: dict[str, Commitment]


@pytest.fixture
def scene(world: World) -> Scene:
    """Commitments in two compartments, with known compliance.

    Varnia, open to every Varnian:
      v1 army, safe passage, made 400 days ago: kept, then breached → breached
      v2 army + group, other, made 300: partly kept → partly kept
      v3 group, unilateral declaration, made 200: kept → kept
      v4 group, security guarantee, made 20: not observed
    Varnia, restricted to Carol:
      v5 army, order, made 100: kept
    Kestria:
      k1 police, order, made 50: breached
      k2 police, acceptance, made 30: kept
    """
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    group = make_bearer(world.alice, name="FLHH", kind="non_state_armed_group")
    police = make_bearer(world.dave, name="Kestrian National Police", kind="police")
    alice, carol, dave = world.alice, world.carol, world.dave
    ins = Instrument
    v1 = register(alice, world.varnia, [army], title="v1", instrument=ins.SAFE_PASSAGE, made=400)
    observe(alice, v1, 300, K)
    observe(alice, v1, 10, B)
    v2 = register(alice, world.varnia, [army, group], title="v2", instrument=ins.OTHER, made=300)
    observe(alice, v2, 100, P)
    v3 = register(
        alice, world.varnia, [group], title="v3", instrument=ins.UNILATERAL_DECLARATION, made=200
    )
    observe(alice, v3, 50, K)
    v4 = register(
        alice, world.varnia, [group], title="v4", instrument=ins.SECURITY_GUARANTEE, made=20
    )
    v5 = register(
        carol,
        world.varnia,
        [army],
        title="v5",
        instrument=ins.ORDER,
        made=100,
        restricted=True,
        restricted_to=[carol],
    )
    observe(carol, v5, 5, K)
    k1 = register(dave, world.kestria, [police], title="k1", instrument=ins.ORDER, made=50)
    observe(dave, k1, 3, B)
    k2 = register(dave, world.kestria, [police], title="k2", instrument=ins.ACCEPTANCE, made=30)
    observe(dave, k2, 2, K)
    return Scene(army, group, police, {c.title: c for c in (v1, v2, v3, v4, v5, k1, k2)})


def counts(t: Tally) -> tuple[int, int, int, int, int]:
    return (t.commitments, t.kept, t.partly_kept, t.breached, t.not_observed)


def test_known_answers_for_a_delegate(world: World, scene: Scene) -> None:
    overall = tally(world.alice)
    assert counts(overall) == (4, 1, 1, 1, 1)
    assert overall.observed == 3 and overall.share_kept == pytest.approx(1 / 3)
    figures = compliance_figures(world.alice)
    assert counts(figures.overall) == counts(overall)
    assert [(t.key, t.commitments) for t in figures.by_instrument] == [
        ("security_guarantee", 1),
        ("safe_passage", 1),
        ("unilateral_declaration", 1),
        ("other", 1),
    ]
    by_bearer = {t.label: counts(t) for t in figures.by_bearer}
    # v2 has both parties, so it counts once for each.
    assert by_bearer == {
        "FLHH": (3, 1, 1, 0, 1),
        "Varnian Armed Forces": (2, 0, 1, 1, 0),
    }
    assert [t.key for t in figures.by_bearer] == [str(scene.group.pk), str(scene.army.pk)]
    years = {t.key: t.commitments for t in figures.by_year}
    assert sum(years.values()) == 4 and str(days_ago(20).year) in years
    assert figures.by_compliance == [
        ("kept", "Kept", 1),
        ("partly_kept", "Partly kept", 1),
        ("breached", "Breached", 1),
        ("not_observed", "Not observed yet", 1),
    ]


def test_two_compartments_never_count_each_others_commitments(world: World, scene: Scene) -> None:
    assert counts(tally(world.dave)) == (2, 1, 0, 1, 0)
    assert "Varnian Armed Forces" not in [t.label for t in compliance_figures(world.dave).by_bearer]
    assert "Kestrian National Police" not in [
        t.label for t in compliance_figures(world.alice).by_bearer
    ]
    # Any queryset handed in is narrowed again: asking for everything gives one's own.
    assert counts(tally(world.alice, Commitment.objects.all())) == (4, 1, 1, 1, 1)
    assert counts(tally(world.dave, Commitment.objects.all())) == (2, 1, 0, 1, 0)
    # The analyst sees both delegations, without the restricted commitment.
    assert counts(tally(world.hana)) == (6, 2, 1, 2, 1)
    # Carol, named on it, counts the restricted one too; the auditor counts nothing.
    assert counts(tally(world.carol)) == (5, 2, 1, 1, 1)
    assert counts(tally(world.audrey)) == (0, 0, 0, 0, 0)
    assert tally(world.audrey).share_kept is None


def test_a_deleted_commitment_is_no_longer_counted(world: World, scene: Scene) -> None:
    v1 = fresh(scene.commitments["v1"])
    do_delete_commitment(v1, actor=world.alice, expected_version=v1.version)
    assert counts(tally(world.alice)) == (3, 1, 1, 0, 1)


def test_the_bars_add_up_to_the_whole(world: World, scene: Scene) -> None:
    segments = tally(world.hana).segments
    assert [(s.key, s.count) for s in segments] == [
        ("kept", 2),
        ("partly_kept", 1),
        ("breached", 2),
        ("not_observed", 1),
    ]
    assert segments[0].x == 0
    assert sum(s.width for s in segments) == pytest.approx(100, abs=0.05)
    assert segments[1].x == pytest.approx(segments[0].width, abs=0.01)
    assert Tally(key="none", label="None").segments == []


def test_the_pages_show_the_figures_of_what_the_viewer_may_see(world: World, scene: Scene) -> None:
    hana = client_for(world.hana).get(reverse("commitment_figures")).content.decode()
    assert "Kestrian National Police" in hana and "Varnian Armed Forces" in hana
    dave = client_for(world.dave).get(reverse("commitment_figures")).content.decode()
    assert "Kestrian National Police" in dave and "Varnian Armed Forces" not in dave
    alice = client_for(world.alice)
    listed = alice.get(reverse("commitment_list"), {"bearer": str(scene.group.pk)})
    body = listed.content.decode()
    # FLHH: v2 partly kept, v3 kept, v4 not observed: one kept of two observed.
    assert "50 %" in body and "1 of 2 observed" in body
    filtered = alice.get(reverse("commitment_figures"), {"instrument": "safe_passage"})
    assert "0 of 1 observed" in filtered.content.decode()

"""Retention of areas of control: an area whose period ended past the retention period
keeps its outline, bearer, control and period, and loses its notes and source (in the row
and in the change log); ongoing and recently ended areas are kept as they are."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pourparler.core import retention
from pourparler.core.tests.test_retention import plaintexts_in_database, verify_command
from pourparler.maps.models import AreaOfControl
from pourparler.maps.tests.helpers import box, days_ago, draw
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db

CONFIG = {"area_of_control": {"days": 3650, "action": "anonymise"}}


def test_an_area_ended_long_ago_loses_its_notes_and_source_and_keeps_its_outline(
    world: World,
) -> None:
    bearer = make_bearer(world.alice, name="Front of the Hills", kind="non_state_armed_group")
    outline = box(18.0, 4.0, 19.0, 5.0)
    old = draw(
        world.alice,
        world.varnia,
        bearer,
        outline,
        starts_on=days_ago(5000),
        ends_on=days_ago(3700),
        notes="Told by the miller of Orun",
        source="Elder of Kessel",
    )
    ongoing = draw(
        world.alice, world.varnia, bearer, outline, starts_on=days_ago(5000), notes="Vass ridge"
    )
    recent = draw(
        world.alice,
        world.varnia,
        bearer,
        outline,
        starts_on=days_ago(5000),
        ends_on=days_ago(300),
        notes="Tarn ford",
    )
    stored_outline = AreaOfControl.objects.get(pk=old.pk).outline
    before = plaintexts_in_database()
    for text in ("miller of Orun", "Elder of Kessel", "Vass ridge", "Tarn ford"):
        assert text in before, text

    [dry] = retention.run(config=CONFIG, now=timezone.now(), dry_run=True).kinds
    assert (dry.examined, dry.expired) == (3, 1)
    [report] = retention.run(config=CONFIG, now=timezone.now()).kinds
    assert (report.expired, report.anonymised) == (1, 1)

    after = plaintexts_in_database()
    assert "miller of Orun" not in after and "Elder of Kessel" not in after
    assert "Vass ridge" in after and "Tarn ford" in after
    kept = AreaOfControl.objects.get(pk=old.pk)
    assert (kept.notes, kept.source) == ("", "")
    assert (kept.outline, kept.bearer_id, kept.control) == (stored_outline, bearer.pk, "full")
    assert (kept.starts_on, kept.ends_on) == (old.starts_on, old.ends_on)
    assert AreaOfControl.objects.get(pk=ongoing.pk).notes == "Vass ridge"
    assert AreaOfControl.objects.get(pk=recent.pk).notes == "Tarn ford"
    assert "OK" in verify_command()

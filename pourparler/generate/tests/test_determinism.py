"""The same seed, scale and end date give the same rows; another seed gives others."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from pourparler.generate.digest import world_digest
from pourparler.generate.scales import scale_for
from pourparler.generate.world import generate_world

UNTIL = datetime.date(2026, 6, 30)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_world() -> None:
    scale = scale_for("tiny", factor=0.0002)
    digests = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            generate_world(scale, seed=seed, until=UNTIL)
            digests.append(world_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert digests[2] != digests[0]

"""The sessions export when the viewer may not see a session's bearer (found by the leak
property test, ``pourparler/core/tests/test_leaks.py``)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from pourparler.bearers.models import WeaponBearer
from pourparler.testing.http import sign_in
from pourparler.testing.personas import World, make_bearer
from pourparler.training.tests.conftest import make_session

pytestmark = pytest.mark.django_db


def test_a_session_about_a_bearer_the_viewer_may_not_see_is_exported_unnamed(
    world: World, army: WeaponBearer
) -> None:
    hidden = make_bearer(
        world.carol, name="Shadow Brigade", kind="non_state_armed_group", restricted=True
    )
    named = make_session(world.alice, world.varnia, army, place_name="Barracks")
    unnamed = make_session(world.carol, world.varnia, hidden, place_name="Hill farm")
    client = Client()
    sign_in(client, world.alice)
    url = reverse("export_list", args=["sessions"])

    response = client.get(url, {"format": "json"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = {row["id"]: row for row in json.loads(content)}
    assert rows[str(named.pk)]["bearer"] == "Varnian Armed Forces"
    assert rows[str(unnamed.pk)]["bearer"] in ("", None)
    assert b"Shadow Brigade" not in content
    csv = client.get(url, {"format": "csv"})
    assert csv.status_code == 200
    assert b"Shadow Brigade" not in b"".join(csv.streaming_content)

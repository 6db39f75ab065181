"""The areas of control in the REST API: read-only, audited, hidden like their bearer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pourparler.api.tests.helpers import ApiClient
from pourparler.bearers.choices import BearerKind
from pourparler.core.choices import AuditKind
from pourparler.core.models import AuditEvent
from pourparler.maps.tests.helpers import box, days_ago, draw
from pourparler.testing.personas import World, make_bearer

pytestmark = pytest.mark.django_db


def test_areas_are_listed_read_and_hidden_like_their_bearer(
    world: World, django_assert_num_queries: Any
) -> None:
    front = make_bearer(world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP)
    hidden = make_bearer(world.bob, "Hidden Brigade", restricted=True, restricted_to=[world.bob])
    mine = draw(world.alice, world.varnia, front, box(18, 4, 19, 5), name="South")
    ended = draw(world.alice, world.varnia, front, box(16, 4, 17, 5), ends_on=days_ago(50))
    theirs = draw(world.bob, world.varnia, hidden, box(15, 4, 16, 5))
    kestrian = draw(world.dave, world.kestria, front, box(20, 4, 21, 5))

    alice = ApiClient(world.alice)
    alice.get("/topics/")  # the token's first use is noted once
    with django_assert_num_queries(8):
        listed = alice.get("/areas-of-control/").json()
    assert {item["id"] for item in listed["items"]} == {str(mine.pk), str(ended.pk)}
    today = alice.get("/areas-of-control/", in_force_on=days_ago(0).isoformat()).json()
    assert [item["id"] for item in today["items"]] == [str(mine.pk)]
    read = alice.get(f"/areas-of-control/{mine.pk}/").json()
    assert read["outline"]["type"] == "Polygon" and read["name"] == "South"
    assert read["control"] == "full" and read["bearer"] == str(front.pk)
    event = AuditEvent.objects.filter(kind=AuditKind.READ).order_by("-seq").first()
    assert event is not None and event.object_id == mine.pk

    for pk in (theirs.pk, kestrian.pk, uuid.uuid4()):
        assert alice.get(f"/areas-of-control/{pk}/").status_code == 404
    assert alice.post("/areas-of-control/", {"name": "x"}).status_code == 405
    bob = ApiClient(world.bob)
    assert bob.get(f"/areas-of-control/{theirs.pk}/").status_code == 200

"""Recording, importing, changing and deleting areas of control: the change log, conflicts,
refusals (outlines, hidden links, writes out of reach), and imports all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from pourparler.bearers.choices import BearerKind
from pourparler.core.models import ChangeLogEntry
from pourparler.geo.models import Country
from pourparler.maps.geometry import MAX_VERTICES, clean_outline
from pourparler.maps.models import AreaOfControl
from pourparler.maps.services import do_delete_area_of_control, do_update_area_of_control
from pourparler.maps.tests.helpers import box, days_ago, draw
from pourparler.testing.http import sign_in
from pourparler.testing.personas import build_world, make_bearer

pytestmark = pytest.mark.django_db

BOWTIE = {"type": "Polygon", "coordinates": [[[18, 4], [19, 5], [19, 4], [18, 5], [18, 4]]]}


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        front = make_bearer(world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP)
        hidden = make_bearer(
            world.bob, "Hidden Brigade", restricted=True, restricted_to=[world.bob]
        )
        yield world, front, hidden
        transaction.set_rollback(True)


def entries(area: AreaOfControl) -> list[ChangeLogEntry]:
    return list(ChangeLogEntry.objects.filter(object_id=area.pk).order_by("at", "object_version"))


def test_record_change_and_delete_are_each_logged_once(shared: Any) -> None:
    world, front, _hidden = shared
    area = draw(world.alice, world.varnia, front, box(18, 4, 19, 5), notes="Told by the elders.")
    assert (area.version, area.outline_sha256 != "") == (1, True)
    changed = do_update_area_of_control(
        area,
        actor=world.bob,
        expected_version=1,
        changes={"control": "fluid", "outline": json.dumps(box(18, 4, 19.5, 5))},
    )
    do_delete_area_of_control(changed, actor=world.alice, expected_version=2)
    create, update, delete = entries(area)
    assert [e.action for e in (create, update, delete)] == ["create", "update", "delete"]
    assert [e.actor for e in (create, update, delete)] == [world.alice, world.bob, world.alice]
    assert [e.object_version for e in (create, update, delete)] == [1, 2, 3]
    changed_fields = {change[0] for change in update.changed_fields()}
    assert changed_fields == {"control", "outline_sha256", "version", "updated_by_id", "updated_at"}
    # The outline is too large for the log: its digest is logged, the notes encrypted.
    assert "outline" not in create.after and create.after["outline_sha256"] == area.outline_sha256
    assert "Told by the elders" not in json.dumps(create.after)
    assert not AreaOfControl.objects.visible_to(world.alice).filter(pk=area.pk).exists()


def test_an_outline_is_stored_the_same_however_often_it_is_saved(shared: Any) -> None:
    world, front, _hidden = shared
    area = draw(world.alice, world.varnia, front, box(18, 4, 19, 5))
    stored = AreaOfControl.objects.get(pk=area.pk)
    assert clean_outline(stored.outline) == stored.outline
    changed = do_update_area_of_control(
        stored, actor=world.alice, expected_version=1, changes={"notes": "Seen from the ridge."}
    )
    assert (changed.outline, changed.outline_sha256) == (stored.outline, stored.outline_sha256)
    [update] = [e for e in entries(area) if e.action == "update"]
    assert "outline_sha256" not in {change[0] for change in update.changed_fields()}


def test_a_stale_edit_is_refused_and_shown_beside_the_stored_one(shared: Any) -> None:
    world, front, _hidden = shared
    area = draw(world.alice, world.varnia, front, box(18, 4, 19, 5), name="Ridge")
    do_update_area_of_control(
        area, actor=world.bob, expected_version=1, changes={"name": "Ridge east"}
    )
    client = Client()
    sign_in(client, world.alice)
    form = {
        "version": 1,
        "compartment": world.varnia.pk,
        "bearer": front.pk,
        "control": "influence",
        "name": "Ridge west",
        "country": Country.objects.get(iso2="CF").pk,
        "starts_on": area.starts_on.isoformat(),
        "outline": json.dumps(box(18, 4, 19, 5)),
    }
    response = client.post(reverse("area_edit", args=[area.pk]), form)
    assert response.status_code == 409
    assert "Ridge east" in response.content.decode() and "Ridge west" in response.content.decode()
    stored = AreaOfControl.objects.get(pk=area.pk)
    assert (stored.name, stored.control, stored.version) == ("Ridge east", "full", 2)
    assert entries(area)[-1].action == "conflict"
    form["version"] = 2
    assert client.post(reverse("area_edit", args=[area.pk]), form).status_code == 302
    assert AreaOfControl.objects.get(pk=area.pk).name == "Ridge west"


def test_links_and_writes_out_of_reach_are_refused(shared: Any) -> None:
    world, front, hidden = shared
    with pytest.raises(PermissionDenied):
        draw(world.alice, world.varnia, hidden, box(18, 4, 19, 5))
    with pytest.raises(PermissionDenied):  # not her delegation
        draw(world.alice, world.kestria, front, box(18, 4, 19, 5))
    area = draw(world.alice, world.varnia, front, box(18, 4, 19, 5))
    with pytest.raises(PermissionDenied):
        do_update_area_of_control(
            area, actor=world.alice, expected_version=1, changes={"compartment": world.kestria}
        )
    with pytest.raises(PermissionDenied):
        do_update_area_of_control(
            area, actor=world.alice, expected_version=1, changes={"bearer": hidden}
        )
    assert AreaOfControl.objects.get(pk=area.pk).version == 1
    with pytest.raises(ValidationError, match="given up before"):
        draw(world.alice, world.varnia, front, box(18, 4, 19, 5), ends_on=days_ago(200))


def _form(world: Any, front: Any, **fields: Any) -> dict[str, Any]:
    return {
        "compartment": world.varnia.pk,
        "bearer": front.pk,
        "control": "full",
        "country": Country.objects.get(iso2="CF").pk,
        "starts_on": days_ago(10).isoformat(),
        **fields,
    }


def _many_points() -> dict[str, Any]:
    ring = [[18 + i / MAX_VERTICES, 4 + (i % 2) / 1000] for i in range(MAX_VERTICES)]
    ring += [[19, 5], [18, 5], ring[0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("outline", "says"),
    [
        (json.dumps(BOWTIE), "The polygon is not valid: Self-intersection"),
        (json.dumps(box(200, 4, 201, 5)), "A point lies outside the world"),
        (json.dumps({"type": "Point", "coordinates": [18, 4]}), "A Point is not an area"),
        ('{"type": "Polygon", "coordinates": [[18, 4]', "This is not GeoJSON"),
        (json.dumps(_many_points()), f"at most {MAX_VERTICES:,}".replace(",", "")),
        ("", "Draw the area on the map"),
    ],
)
def test_an_outline_that_cannot_be_an_area_is_refused_with_its_reason(
    shared: Any, client: Client, outline: str, says: str
) -> None:
    world, front, _hidden = shared
    sign_in(client, world.alice)
    response = client.post(reverse("area_create"), _form(world, front, outline=outline))
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not AreaOfControl.objects.exists()


def _collection(*features: tuple[str, dict[str, Any]]) -> SimpleUploadedFile:
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
            for name, geometry in features
        ],
    }
    return SimpleUploadedFile(
        "areas.geojson", json.dumps(document).encode(), "application/geo+json"
    )


def test_a_file_is_imported_whole_or_not_at_all(shared: Any, client: Client) -> None:
    world, front, _hidden = shared
    sign_in(client, world.alice)
    bad = _collection(
        ("Zone sud", box(18, 4, 19, 5)),
        ("Zone nord", BOWTIE),
        ("Zone est", {"type": "LineString", "coordinates": [[18, 4], [19, 5]]}),
    )
    response = client.post(reverse("area_create"), _form(world, front, outline_file=bad))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert "Feature 2 (“Zone nord”): The polygon is not valid" in page
    assert "Feature 3 (“Zone est”): A LineString is not an area" in page
    assert "Zone sud”)" not in page
    assert not AreaOfControl.objects.exists()

    good = _collection(("Zone sud", box(18, 4, 19, 5)), ("Zone ouest", box(16, 4, 17, 5)))
    response = client.post(reverse("area_create"), _form(world, front, outline_file=good))
    assert response.status_code == 302
    names = set(AreaOfControl.objects.values_list("name", flat=True))
    assert names == {"Zone sud", "Zone ouest"}
    assert {e.action for a in AreaOfControl.objects.all() for e in entries(a)} == {"create"}
    both = client.post(
        reverse("area_create"),
        _form(
            world,
            front,
            outline=json.dumps(box(18, 4, 19, 5)),
            outline_file=_collection(("Zone", box(16, 4, 17, 5))),
        ),
    )
    assert "not both at once" in both.content.decode()
    assert AreaOfControl.objects.count() == 2

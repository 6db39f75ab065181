"""End to end in a real headless Chromium: the map draws its layers on the offline basemap
(nothing is asked of another site), and a delegate draws an area of control over CAR
prefectures and sees the people living there."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pourparler.access.services import do_record_incident, do_record_passage
from pourparler.bearers.choices import BearerKind
from pourparler.maps.models import AreaOfControl
from pourparler.maps.tests.helpers import box, draw, import_car
from pourparler.testing.personas import build_world, make_bearer
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_the_map_draws_offline_and_a_delegate_draws_an_area(live_server: Any, browser: Any) -> None:
    world = build_world()
    import_car(world.alice)
    front = make_bearer(world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP)
    union = make_bearer(world.alice, "Union du Nord", kind=BearerKind.NON_STATE_ARMED_GROUP)
    draw(world.alice, world.varnia, front, box(18.4, 4.3, 20.1, 6.6), name="Centre")
    draw(
        world.alice,
        world.varnia,
        union,
        box(20.5, 6.5, 23.5, 8.5),
        control="fluid",
        name="Ouaka north",
    )
    draw(
        world.alice,
        world.varnia,
        union,
        box(15.0, 6.0, 17.5, 7.5),
        control="influence",
        name="West",
    )
    when = timezone.now() - datetime.timedelta(days=3)
    do_record_passage(
        actor=world.alice,
        compartment=world.varnia,
        bearer=front,
        place_name="Sibut bridge",
        outcome="delayed",
        delay_minutes=40,
        occurred_at=when,
        latitude=Decimal("5.72"),
        longitude=Decimal("19.08"),
    )
    do_record_incident(
        actor=world.alice,
        compartment=world.varnia,
        kind="threat",
        description="A team threatened at a roadblock.",
        occurred_at=when,
        bearers=[union],
        latitude=Decimal("7.3"),
        longitude=Decimal("21.9"),
    )
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    console: list[str] = []
    requested: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, base, world.alice)

    page.click("nav >> text=Map")
    page.wait_for_selector("#map[data-loaded=true]")
    status = page.inner_text("#map-status")
    assert "Areas of control: 3" in status and "Checkpoint passages: 1" in status, status
    assert "Security incidents: 1" in status, status
    # Three outlines and two points drawn over the basemap's countries.
    assert page.locator("#map path.leaflet-interactive").count() == 5
    page.screenshot(path=str(SCREENSHOTS / "maps-map.png"), full_page=True)
    # An area's popup gives its people and their source.
    page.locator("#map path.leaflet-interactive").first.click(force=True)
    page.wait_for_selector(".leaflet-popup-content .map-popup")
    page.wait_for_timeout(600)  # the popup fades in and the map pans to show it
    popup = page.inner_text(".leaflet-popup-content")
    assert "People living there" in popup and "General Census" in popup, popup
    page.locator("#map").screenshot(path=str(SCREENSHOTS / "maps-popup.png"))
    assert page.locator("table.areas tbody tr").count() == 3

    # Draw a rectangle over Bangui and Kémo with the drawing tool, then fill the form.
    page.click("text=Draw or import an area of control")
    page.wait_for_selector("#map[data-loaded=true]")
    page.fill(
        "#id_outline",
        '{"type":"Polygon","coordinates":[[[18.4,4.3],[20.1,4.3],'
        "[20.1,6.6],[18.4,6.6],[18.4,4.3]]]}",
    )
    page.dispatch_event("#id_outline", "change")
    # A pasted outline is drawn, ready to edit; emptied, it is gone from the map.
    assert page.locator("#map path.leaflet-interactive").count() == 1
    page.fill("#id_outline", "")
    page.dispatch_event("#id_outline", "change")
    assert page.locator("#map path.leaflet-interactive").count() == 0
    page.click("#map .leaflet-pm-icon-rectangle")
    boxed = page.locator("#map").bounding_box()
    assert boxed is not None
    x, y = boxed["x"] + boxed["width"] / 2, boxed["y"] + boxed["height"] / 2
    page.mouse.click(x - 60, y - 50)
    page.mouse.click(x + 60, y + 50)
    outline = page.input_value("#id_outline")
    assert outline.startswith('{"type":"Polygon"'), outline
    page.select_option("#id_bearer", label="Front du Centre")
    page.select_option("#id_control", "fluid")
    page.fill("#id_name", "Drawn in the browser")
    page.select_option("#id_country", label="Central African Republic")
    page.screenshot(path=str(SCREENSHOTS / "maps-draw.png"), full_page=True)
    page.click("button:has-text('Record the area')")
    page.wait_for_url(re.compile(r".*/maps/areas/[0-9a-f-]{36}/$"))
    page.wait_for_selector("#map[data-loaded=true]")
    assert "The area of control is recorded." in page.content()
    figure = page.inner_text("dd strong.big-figure")
    assert re.fullmatch(r"[\d,]+", figure), figure
    assert "General Census of Population and Housing" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "maps-area.png"), full_page=True)

    drawn = AreaOfControl.objects.get(name="Drawn in the browser")
    assert drawn.control == "fluid" and drawn.bearer == front
    # Nothing was asked of another site: no tiles, no fonts, no scripts.
    assert requested and all(url.startswith(base) for url in requested), [
        url for url in requested if not url.startswith(base)
    ]
    assert not [line for line in console if "Content Security Policy" in line], console
    context.close()

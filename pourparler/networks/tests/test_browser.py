"""In a real headless Chromium: from the bearer profile to its networks page, where both
pictures are drawn (no CSP complaint) beside their list and table, and a row reached
with the keyboard marks its person in the picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pourparler.bearers.choices import Echelon, Level
from pourparler.negotiation.models import Stakeholder, StakeholderLink
from pourparler.negotiation.services import do_add_to_file
from pourparler.negotiation.tests.helpers import open_file
from pourparler.people.services import do_add_position, do_create_relationship
from pourparler.testing.personas import World, build_world, make_bearer, make_person, make_unit
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def an_army(world: World) -> Any:
    """A small army: a general staff, two brigades, a battalion, and the people alice
    knows there; a negotiation file names an elder outside the register."""
    who = world.alice
    army = make_bearer(world.bob, name="Varnian Armed Forces")
    staff = make_unit(world.bob, army, "General Staff", echelon=Echelon.HEADQUARTERS)
    fourth = make_unit(world.bob, army, "4th Brigade", parent=staff, echelon=Echelon.BRIGADE)
    ninth = make_unit(world.bob, army, "9th Brigade", parent=staff, echelon=Echelon.BRIGADE)
    second = make_unit(world.bob, army, "2nd Battalion", parent=fourth, echelon=Echelon.BATTALION)
    people = {}
    for name, unit, rank, title, level in (
        ("Oren Vasko", staff, "Lt Gen", "Chief of the General Staff", Level.STRATEGIC),
        ("Mira Dal", staff, "Col", "Head of Military Legal Affairs", Level.STRATEGIC),
        ("Idris Maren", fourth, "Brig Gen", "Brigade Commander", Level.OPERATIONAL),
        ("Sami Korr", fourth, "Maj", "Brigade Operations Officer", Level.OPERATIONAL),
        ("Tess Aubry", ninth, "Brig Gen", "Brigade Commander", Level.OPERATIONAL),
        ("Lina Sork", second, "Lt Col", "Battalion Commander", Level.TACTICAL),
        ("Ivo Penn", second, "Capt", "Company Commander", Level.TACTICAL),
    ):
        person = make_person(who, world.varnia, name)
        do_add_position(
            person, actor=who, bearer=army, unit=unit, rank=rank, role_title=title, level=level
        )
        people[name] = person
    do_create_relationship(people["Idris Maren"], actor=who, holder=who, strength="trusted")
    do_create_relationship(people["Tess Aubry"], actor=who, holder=world.bob, strength="working")
    file = open_file(world, bearer=army, counterpart=people["Lina Sork"])
    elder = do_add_to_file(file, Stakeholder, actor=who, name="Elder of Orun", influence=3)
    imam = do_add_to_file(file, Stakeholder, actor=who, name="Imam of Kessel", influence=1)
    do_add_to_file(file, StakeholderLink, actor=who, source=elder, target=imam, strength=2)
    return army


def test_the_networks_page_draws_the_tree_and_the_network(live_server: Any, browser: Any) -> None:
    world = build_world()
    army = an_army(world)
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, base, world.alice)
    page.goto(f"{base}/bearers/{army.pk}/")
    page.click("text=The chain of command as a tree and the network of influence")
    page.wait_for_url(f"{base}/networks/bearer/{army.pk}/")
    # Cytoscape.js draws each picture on canvases inside its container.
    page.wait_for_selector("#tree-picture canvas")
    page.wait_for_selector("#network-picture canvas")
    assert page.locator("#tree-text li").count() >= 4 + 7
    assert page.locator("table.network tbody tr").count() == 7 + 2 + 2
    summary = page.locator("#network-summary").inner_text()
    assert "Most central" in summary

    # With the keyboard only: the skip link, then Tab to the first person of the table,
    # whose row is marked (and its node in the picture).
    page.focus("a[href='#network-table']")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.node"
    )
    assert focused == "n0"
    assert "focused" in (page.get_attribute("table.network tbody tr:first-child", "class") or "")
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(SCREENSHOTS / "networks-bearer.png"), full_page=True)
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not [line for line in console if "rror" in line], console
    context.close()

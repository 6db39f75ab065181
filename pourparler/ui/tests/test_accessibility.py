"""Accessibility in a real headless Chromium: axe-core (vendored, see pourparler/testing/axe.py)
finds no serious or critical violation on the main pages, in English and, for the bearer
profile, the dashboard and the quick-entry form, in Arabic (right to left); the skip link
moves the focus to the main content; the quick-entry form is filled and sent with the
keyboard alone.

One world for all the pages, one browser, one sign-in per persona: each page costs one
visit and one axe run. Every violation found, whatever its impact, is written to
test-artifacts/axe-report.txt (the moderate and minor ones left are listed in
docs/accessibility.md)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from pourparler.bearers.choices import BearerKind
from pourparler.dashboards.tests.conftest import populate
from pourparler.dialogue.models import Interaction
from pourparler.maps.tests.helpers import box, draw
from pourparler.networks.tests.test_browser import an_army
from pourparler.testing.axe import (
    AXE_DIR,
    AXE_VERSION,
    Violation,
    audit_page,
    describe,
    run_axe,
)
from pourparler.testing.personas import build_world, make_bearer, make_person
from pourparler.ui.tests.test_browser import log_in

ARTIFACTS = Path(os.environ.get("POURPARLER_ARTIFACTS", "test-artifacts"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
# The sha256 of the committed axe.min.js (the npm tarball's integrity is in
# docs/accessibility.md): a changed file is a deliberate upgrade, made here too.
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"


def test_the_vendored_axe_is_the_pinned_version() -> None:
    source = (AXE_DIR / "axe.min.js").read_bytes()
    assert source.startswith(f"/*! axe v{AXE_VERSION}\n".encode())
    assert re.findall(rb'\.version="([0-9.]+)"', source) == [AXE_VERSION.encode()]
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256
    assert "Mozilla Public License" in (AXE_DIR / "LICENSE").read_text(encoding="utf-8")
    # A test tool, never served: no static/ folder holds it.
    assert "static" not in AXE_DIR.parts


class Audit:
    """The pages checked so far, every violation found on them, and what axe leaves to a
    person (incomplete)."""

    def __init__(self) -> None:
        self.found: list[tuple[str, list[Violation], list[Violation]]] = []

    def check(self, page: Any, where: str) -> None:
        self.found.append((where, *audit_page(page)))

    def blocking(self) -> str:
        return "\n".join(
            describe(where, [v for v in violations if v.blocking])
            for where, violations, _ in self.found
            if any(v.blocking for v in violations)
        )

    def report(self) -> str:
        lines = []
        for where, violations, incomplete in self.found:
            lines.append(describe(where, violations) if violations else f"{where}: no violation")
            if incomplete:
                lines.append(f"{where}: to be looked at by a person (axe: incomplete)")
                lines.append(describe(where, incomplete, nodes=3))
        return "\n".join(lines)


@pytest.mark.browser
def test_axe_names_what_to_fix(browser: Any) -> None:
    """The helper finds and says what is wrong (so the test above can fail): a control
    without a name, text too pale to read, an image without a text alternative."""
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Probe</h1><button class="mute"></button><p id="pale">pale</p>'
        '<img src="data:," id="picture"></main></body></html>'
    )
    page.evaluate("document.getElementById('pale').style.color = '#cccccc'")
    violations = run_axe(page)
    page.close()
    said = describe("probe", violations)
    assert {v.rule for v in violations if v.blocking} == {
        "button-name",
        "color-contrast",
        "image-alt",
    }, said
    assert '<button class="mute">' in said and "#pale" in said and "#picture" in said
    assert "insufficient color contrast" in said


def switch_language(page: Any, lang: str) -> None:
    page.click(f"form.languages button[lang={lang}]")
    page.wait_for_selector(f"html[lang={lang}]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_serious_violation_on_the_main_pages(live_server: Any, browser: Any) -> None:
    world = build_world()
    records = populate(world)
    army = an_army(world)
    front = records["front"]
    centre = draw(world.alice, world.varnia, front, box(18.4, 4.3, 20.1, 6.6), name="Centre")
    draw(
        world.alice,
        world.varnia,
        front,
        box(20.5, 6.5, 23.5, 8.5),
        control="fluid",
        name="Ouaka north",
    )
    concern = records["concerns"]["c1"]
    base = live_server.url
    audit = Audit()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login/")
    audit.check(page, "sign-in")
    log_in(page, base, world.alice)
    pages = [
        ("home", "/", None),
        ("bearer list", "/bearers/", None),
        ("bearer profile", f"/bearers/{army.pk}/", None),
        ("interaction list", "/interactions/", None),
        ("quick entry", "/interactions/new/", None),
        ("concern", f"/concerns/{concern.pk}/", None),
        ("map", "/maps/", "#map[data-loaded=true]"),
        ("bearer map", f"/maps/bearer/{front.pk}/", "#map[data-loaded=true]"),
        ("area of control", f"/maps/areas/{centre.pk}/", "#map[data-loaded=true]"),
        ("drawing an area", "/maps/areas/new/", "#map[data-loaded=true]"),
        ("network view", f"/networks/bearer/{army.pk}/", "#network-picture canvas"),
    ]
    for where, path, ready in pages:
        page.goto(f"{base}{path}")
        if ready:
            page.wait_for_selector(ready)
        audit.check(page, where)
    page.goto(f"{base}/bearers/{army.pk}/")
    switch_language(page, "ar")
    audit.check(page, "bearer profile (ar)")
    page.goto(f"{base}/interactions/new/")
    audit.check(page, "quick entry (ar)")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, world.carol)
    page.goto(f"{base}/dashboards/")
    audit.check(page, "delegation dashboard")
    switch_language(page, "ar")
    audit.check(page, "delegation dashboard (ar)")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, world.hana)
    page.goto(f"{base}/dashboards/headquarters/")
    audit.check(page, "headquarters dashboard")
    context.close()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.txt").write_text(audit.report() + "\n", encoding="utf-8")
    assert len(audit.found) == 17
    assert not audit.blocking(), "\n" + audit.blocking()


def focused(page: Any) -> str:
    """The focused element, as tag#id (or its text for a link or a button)."""
    return str(
        page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
            " + (e.name ? '[' + e.name + ']' : ''); })()"
        )
    )


def tab_to(page: Any, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element the selector names has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} was never reached with Tab (ended on {focused(page)})")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_keyboard_alone_reaches_the_content_and_records_an_interaction(
    live_server: Any, browser: Any
) -> None:
    world = build_world()
    army = make_bearer(world.alice, name="Varnian Armed Forces")
    front = make_bearer(world.alice, "Front du Centre", kind=BearerKind.NON_STATE_ARMED_GROUP)
    make_person(world.alice, world.varnia, full_name="Maj. Ines Korro", bearer=army)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, world.alice)

    # The skip link is the first stop of the page, shows itself when focused, and moves
    # the focus to the main content (the next Tab goes on from there).
    page.goto(f"{base}/interactions/new/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    skip = page.locator("a.skip").bounding_box()
    assert skip is not None and skip["x"] >= 0 and skip["y"] >= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "a11y-skip-link.png"),
        clip={"x": 0, "y": 0, "width": 1280, "height": 260},
    )
    page.keyboard.press("Enter")
    assert focused(page) == "main#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")

    # The quick-entry form, with Tab, typing and arrows only; Enter on its button sends it.
    page.goto(f"{base}/interactions/new/")
    tab_to(page, "#id_kind")
    page.keyboard.type("Checkpoint")  # a closed select picks the option typed
    tab_to(page, "#id_level")
    page.keyboard.type("Tactical")
    tab_to(page, "#id_place_name")
    page.keyboard.type("Checkpoint 7, river bridge")
    # The focused control shows it (a visible outline).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline
    # The place field alone: the rest of the form shows the time of the run.
    field = page.locator(".field:has(#id_place_name)").bounding_box()
    assert field is not None
    page.screenshot(
        path=str(SCREENSHOTS / "a11y-focus.png"),
        clip={
            "x": field["x"] - 12,
            "y": field["y"] - 12,
            "width": field["width"] + 24,
            "height": field["height"] + 24,
        },
    )
    tab_to(page, "#id_bearers")
    page.keyboard.press("ArrowDown")  # the first bearer of the list, then the second too
    page.keyboard.press("Shift+ArrowDown")
    tab_to(page, "#id_summary")
    page.keyboard.type("Convoy passed after forty minutes; the major asked for a briefing.")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/interactions/[0-9a-f-]{36}/$"))
    assert "Interaction recorded." in page.content()
    context.close()

    recorded = Interaction.objects.get(place_name="Checkpoint 7, river bridge")
    assert recorded.kind == "checkpoint" and recorded.level == "tactical"
    assert set(recorded.bearers.all()) == {army, front}

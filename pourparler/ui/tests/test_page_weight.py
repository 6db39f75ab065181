"""Page weight in a real headless Chromium: the bytes each main page brings on a first
visit (empty cache) and on the next one, held under the budget of docs/page-weight.md so
that a heavy library cannot creep in unnoticed.

Bytes are counted through the DevTools protocol (Network events): the body of every
response as the page received it, decoded (what a budget can hold exactly: the test server
compresses nothing), the bytes that came over the wire (0 for what the browser cache
served), and each static file's size once gzip-compressed (about what WhiteNoise sends;
it sends brotli, smaller still, to the browsers that take it). The figures of each run
are written to test-artifacts/page-weight.txt."""

from __future__ import annotations

import base64
import gzip
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pourparler.dashboards.tests.conftest import populate
from pourparler.maps.tests.helpers import box, draw
from pourparler.networks.tests.test_browser import an_army
from pourparler.testing.personas import build_world
from pourparler.ui.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("POURPARLER_ARTIFACTS", "test-artifacts"))
KB = 1024

# Per page, the most a first visit may bring, decoded (docs/page-weight.md says why
# each figure): the measured weight and some room, not a target to fill.
BUDGET = {
    "home": 90 * KB,
    "bearer list": 90 * KB,
    "bearer profile": 120 * KB,
    "quick entry": 100 * KB,
    "delegation dashboard": 160 * KB,
    "headquarters dashboard": 160 * KB,
    "map": 500 * KB,
    "network view": 600 * KB,
}
# What every page brings whatever it shows: our stylesheet and htmx.
COMMON = {"/static/ui/pourparler.css", "/static/vendor/htmx/htmx.min.js"}

KINDS = {
    "Document": "html",
    "Stylesheet": "css",
    "Script": "js",
    "Image": "images/fonts",
    "Font": "images/fonts",
    "Fetch": "data",
    "XHR": "data",
}


@dataclass
class Load:
    url: str
    kind: str = "other"
    status: int = 0
    decoded: int = 0  # the body as the page got it
    wire: int = 0  # what came over the network, headers included (0 from the cache)
    gzipped: int = 0  # a static file's body once gzip-compressed
    cached: bool = False


@dataclass
class Visit:
    loads: dict[str, Load] = field(default_factory=dict)

    def total(self, attr: str = "decoded", kind: str | None = None) -> int:
        return sum(getattr(load, attr) for load in self.loads.values() if kind in (None, load.kind))

    def fetched(self) -> list[Load]:
        """What the browser asked of the server (not served from its own cache)."""
        return [load for load in self.loads.values() if not load.cached and load.wire > 0]


def listen(cdp: Any, visit: Visit) -> None:
    def sent(event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        if url.startswith("data:"):
            return  # inside a page or a stylesheet already counted: nothing is fetched
        kind = KINDS.get(event.get("type", ""), "other")
        visit.loads[event["requestId"]] = Load(url=url, kind=kind)

    def load(event: dict[str, Any]) -> Load:
        return visit.loads.get(event["requestId"]) or Load(url="data:")

    def received(event: dict[str, Any]) -> None:
        entry = load(event)
        entry.status = event["response"]["status"]
        entry.cached = entry.cached or bool(event["response"].get("fromDiskCache"))

    def data(event: dict[str, Any]) -> None:
        load(event).decoded += event["dataLength"]

    def finished(event: dict[str, Any]) -> None:
        load(event).wire = int(event["encodedDataLength"])

    def from_cache(event: dict[str, Any]) -> None:
        load(event).cached = True

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", from_cache)


def visit(page: Any, cdp: Any, url: str, ready: str | None) -> Visit:
    seen = Visit()
    listen(cdp, seen)
    page.goto(url)
    if ready:
        page.wait_for_selector(ready)
    # A command answered on the same session comes after every event sent before it.
    cdp.send("Runtime.evaluate", {"expression": "1"})
    return seen


def gzip_bodies(cdp: Any, seen: Visit) -> None:
    """Each body's size once gzip-compressed (level 9, as WhiteNoise does)."""
    for request_id, load in seen.loads.items():
        if load.decoded:
            body = cdp.send("Network.getResponseBody", {"requestId": request_id})
            raw = (
                base64.b64decode(body["body"])
                if body["base64Encoded"]
                else body["body"].encode("utf-8")
            )
            load.gzipped = len(gzip.compress(raw, 9))


PAGES_OF = {
    "alice": ["home", "bearer list", "bearer profile", "quick entry", "map", "network view"],
    "carol": ["delegation dashboard"],
    "hana": ["headquarters dashboard"],
}


def describe(name: str, first: Visit, again: Visit) -> str:
    parts = " ".join(
        f"{kind} {first.total(kind=kind) / KB:.1f}"
        for kind in ("html", "css", "js", "images/fonts", "data")
    )
    gzipped = " ".join(
        f"{kind} {first.total('gzipped', kind) / KB:.1f}"
        for kind in ("html", "css", "js", "images/fonts", "data")
    )
    # As a production server sends it: static files compressed, pages and data not
    # (Django compresses no response of its own).
    served = sum(
        load.gzipped if "/static/" in load.url else load.decoded for load in first.loads.values()
    )
    fetched = ", ".join(sorted("/" + load.url.split("/", 3)[-1] for load in again.fetched()))
    return (
        f"{name}: first visit {first.total() / KB:.1f} KB in {len(first.loads)} requests"
        f" ({parts}); gzip {first.total('gzipped') / KB:.1f} KB ({gzipped});"
        f" as served {served / KB:.1f} KB;"
        f" next visit {again.total('wire') / KB:.1f} KB over the wire in"
        f" {len(again.fetched())} requests ({fetched})"
    )


def test_the_main_pages_stay_under_their_weight_budget(live_server: Any, browser: Any) -> None:
    world = build_world()
    records = populate(world)
    army = an_army(world)
    draw(world.alice, world.varnia, records["front"], box(18.4, 4.3, 20.1, 6.6), name="Centre")
    base = live_server.url
    where = {
        "home": ("/", None),
        "bearer list": ("/bearers/", None),
        "bearer profile": (f"/bearers/{army.pk}/", None),
        "quick entry": ("/interactions/new/", None),
        "map": ("/maps/", "#map[data-loaded=true]"),
        "network view": (f"/networks/bearer/{army.pk}/", "#network-picture canvas"),
        "delegation dashboard": ("/dashboards/", None),
        "headquarters dashboard": ("/dashboards/headquarters/", None),
    }
    lines: list[str] = []
    over: list[str] = []
    measured: dict[str, tuple[Visit, Visit]] = {}
    console: list[str] = []
    for persona, names in PAGES_OF.items():
        signing = browser.new_context()
        page = signing.new_page()
        log_in(page, base, getattr(world, persona))
        signed_in = signing.storage_state()
        signing.close()
        for name in names:
            path, ready = where[name]
            # A context of its own: an empty cache, the session cookie only.
            context = browser.new_context(storage_state=signed_in)
            page = context.new_page()
            page.on("console", lambda message: console.append(message.text))
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = visit(page, cdp, f"{base}{path}", ready)
            gzip_bodies(cdp, first)
            cdp.detach()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            again = visit(page, cdp, f"{base}{path}", ready)
            context.close()
            measured[name] = (first, again)
            lines.append(describe(name, first, again))
            if first.total() > BUDGET[name]:
                over.append(
                    f"{name}: {first.total() / KB:.1f} KB > {BUDGET[name] / KB:.0f} KB\n  "
                    + "\n  ".join(
                        f"{load.decoded / KB:8.1f} KB {load.url}"
                        for load in sorted(first.loads.values(), key=lambda x: -x.decoded)
                    )
                )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    assert not over, "over the page weight budget (docs/page-weight.md):\n" + "\n".join(over)
    for name, (first, again) in measured.items():
        # Measured indeed: the page and its script came in, and its weight was counted.
        assert first.total(kind="html") > 1 * KB and first.total(kind="js") > 10 * KB, name
        urls = {load.url.removeprefix(base) for load in first.loads.values()}
        assert urls >= COMMON, (name, urls)
        failed = [(load.url, load.status) for load in first.loads.values() if load.status != 200]
        strangers = [load.url for load in first.loads.values() if not load.url.startswith(base)]
        assert not failed, (name, failed)
        # Nothing from another site, and on the next visit the static files come from
        # the browser's cache: only the page itself (no-store) and its data are fetched.
        assert not strangers, (name, strangers)
        refetched = [load.url for load in again.fetched() if "/static/" in load.url]
        assert not refetched, (name, refetched)
    assert not [line for line in console if "Content Security Policy" in line], console

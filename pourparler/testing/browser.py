"""Debian's Chromium for the browser tests, driven by Playwright (never a downloaded one).

The ``browser`` fixture (pourparler/conftest.py) launches it once per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

CHROMIUM = os.environ.get("POURPARLER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launched_chromium() -> Iterator[Any]:
    """Launch the headless Chromium, yield it, close it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()

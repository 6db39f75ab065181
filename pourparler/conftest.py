"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from pourparler.testing.browser import launched_chromium
from pourparler.testing.migrated import copy_migrated_database
from pourparler.testing.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The three delegations and the seven personas."""
    return build_world()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium (pourparler/testing/browser.py), one per test."""
    yield from launched_chromium()


@pytest.fixture(scope="session")
def migrated_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run keeps its migrated template (shared by the xdist workers of a run)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "migrated"


@pytest.fixture
def migrated_database(migrated_root: Path) -> Callable[[Path], Path]:
    """Copy a fully migrated SQLite database to a path (see pourparler/testing/migrated.py)."""

    def copy(destination: Path) -> Path:
        return copy_migrated_database(migrated_root, destination)

    return copy


@pytest.fixture(autouse=True)
def _english_until_asked() -> Iterator[None]:
    """Each test starts in English: a page requested in another language leaves that
    language active in the thread (LocaleMiddleware does not reset it), and text made
    outside a request by a later test would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

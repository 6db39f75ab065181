"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from pourparler.testing.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The three delegations and the seven personas."""
    return build_world()

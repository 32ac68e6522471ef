"""Shared fixtures: the built-in scenario and small, fast runs of it."""

from __future__ import annotations

import pytest

import guaranty
from guaranty.scenario import Scenario


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    return guaranty.load_scenario("ukraine-2025")

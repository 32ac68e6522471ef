"""Shared fixtures: the built-in scenario, and the seed of statistical assertions.

**Any seed.** A statistical assertion (a frequency within five standard deviations of its
expectation, a sample mean near the population mean) must hold whatever the seed, not only
for the seed it was written with. A test that makes one takes the ``any_seed`` fixture rather
than a literal seed (as scikit-learn's ``global_random_seed``). By default ``any_seed`` is
42, so a plain run is reproducible; the environment variable ``GUARANTY_TEST_SEED`` runs these
tests under other seeds, and the seed is part of each test's id (``[seed7]``):

- ``GUARANTY_TEST_SEED=7``: seed 7;
- ``GUARANTY_TEST_SEED=0-9``: seeds 0 to 9 inclusive, each test run once per seed;
- ``GUARANTY_TEST_SEED=all``: seeds 0 to 99;
- ``GUARANTY_TEST_SEED=random``: one seed drawn at start-up, shown in the session header
  (``pytest -v``) and, like every seed, in the ids of the tests that use it.

A failure names its seed; ``GUARANTY_TEST_SEED=<that seed>`` reproduces it.
"""

from __future__ import annotations

import os
import random

import pytest

import guaranty
from guaranty.scenario import Scenario

SEED_VARIABLE = "GUARANTY_TEST_SEED"
DEFAULT_TEST_SEED = 42


def parse_seeds(value: str | None) -> list[int]:
    """The seeds that ``GUARANTY_TEST_SEED`` asks for (see the module docstring)."""
    value = (value or "").strip().lower()
    if not value:
        return [DEFAULT_TEST_SEED]
    if value == "all":
        return list(range(100))
    if value == "random":
        return [random.SystemRandom().randrange(2**32)]
    try:
        low, sep, high = value.partition("-")
        seeds = list(range(int(low), int(high) + 1)) if sep else [int(value)]
    except ValueError:
        seeds = []
    if not seeds or min(seeds) < 0:
        raise pytest.UsageError(
            f"{SEED_VARIABLE} must be a seed >= 0, a range such as 0-9, 'all' or 'random', "
            f"got {value!r}")
    return seeds


SEEDS: list[int] = [DEFAULT_TEST_SEED]


def pytest_configure(config: pytest.Config) -> None:
    SEEDS[:] = parse_seeds(os.environ.get(SEED_VARIABLE))


def pytest_report_header() -> str:
    shown = f"{SEEDS[0]}-{SEEDS[-1]}" if len(SEEDS) > 1 else str(SEEDS[0])
    return f"any_seed: {shown} (set {SEED_VARIABLE} to change)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "any_seed" in metafunc.fixturenames:
        metafunc.parametrize("any_seed", SEEDS, indirect=True,
                             ids=[f"seed{seed}" for seed in SEEDS])


@pytest.fixture
def any_seed(request: pytest.FixtureRequest) -> int:
    """A seed for statistical assertions: 42, or what ``GUARANTY_TEST_SEED`` asks for."""
    return int(request.param)


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    return guaranty.load_scenario("ukraine-2025")


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                  ) -> None:
    """The headline of ``guaranty run`` caches on disk: never in the user's home in tests."""
    if "GUARANTY_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("GUARANTY_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))

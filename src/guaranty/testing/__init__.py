"""Helpers for testing guaranty and code built on it.

- :func:`assert_results_close`: two :class:`~guaranty.results.Results` agree world by world.
- :func:`tiny_scenario`: a small, complete, made-up scenario that runs in well under a second.
- :mod:`guaranty.testing.reference`: the per-world, pure-Python oracle of the engine's chain.
- :mod:`guaranty.testing.strategies`: Hypothesis strategies (needs ``hypothesis``, a dev
  extra; importing this package does not).

Nothing in the core package imports this one; it may import anything.

>>> from guaranty.testing import assert_results_close, tiny_scenario
>>> import guaranty
>>> scenario = tiny_scenario()
>>> a = guaranty.simulate(scenario, worlds=50, seed=3, anchor=False)
>>> b = guaranty.simulate(scenario, worlds=50, seed=3, anchor=False, chunk_size=7)
>>> assert_results_close(a, b, rtol=0.0, atol=0.0)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from guaranty.results import Results
    from guaranty.scenario.schema import Scenario

TINY_SCENARIO = Path(__file__).with_name("tiny.yaml")


def tiny_scenario() -> Scenario:
    """A small, complete, made-up scenario (``eastmark``), loaded from ``TINY_SCENARIO``.

    Three equipment categories (tanks, guns and the shells that feed the guns), one supplier,
    one guarantor, three packages (``ceasefire``, ``armed``, ``guaranteed``: a treaty and
    troops) and one lens (``sceptic``); a 24-month horizon. Each call loads a fresh copy.
    """
    from guaranty.scenario import load_scenario

    return load_scenario(TINY_SCENARIO)


def assert_results_close(
    a: Results,
    b: Results,
    *,
    rtol: float,
    atol: float,
    metrics: Iterable[str] | None = None,
) -> None:
    """Assert that two results hold the same packages and close per-world outcomes.

    For each package and metric, every world must satisfy
    ``|a - b| <= atol + rtol * |b|`` (as :func:`numpy.testing.assert_allclose`), with NaN in
    the same worlds on both sides.

    Parameters
    ----------
    a, b : Results
        The actual and the expected results; ``b`` scales the relative tolerance.
    rtol, atol : float
        Relative and absolute tolerances, >= 0.
    metrics : iterable of str, optional
        The per-world outcomes to compare (default: every outcome of each package, which must
        then be the same on both sides).

    Raises
    ------
    AssertionError
        Listing every package and metric that differs, each with its worst world (index and
        both values) and the number of worlds out of tolerance.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    wanted = None if metrics is None else list(metrics)
    problems: list[str] = []
    if list(a.outcomes) != list(b.outcomes):
        problems.append(f"packages differ: {list(a.outcomes)} != {list(b.outcomes)}")
    for package in [p for p in a.outcomes if p in b.outcomes]:
        left, right = a.outcomes[package], b.outcomes[package]
        if wanted is None:
            names = [k for k in left if not k.startswith("_")]
            extra = sorted(set(names) ^ {k for k in right if not k.startswith("_")})
            if extra:
                problems.append(f"{package}: metrics in only one of the results: {extra}")
        else:
            names = wanted
        for name in names:
            if name not in left or name not in right:
                if wanted is not None:
                    side = "first" if name not in left else "second"
                    problems.append(f"{package}/{name}: no such metric in the {side} results")
                continue
            problem = _compare(np.asarray(left[name], dtype=np.float64),
                               np.asarray(right[name], dtype=np.float64), rtol, atol)
            if problem:
                problems.append(f"{package}/{name}: {problem}")
    if problems:
        raise AssertionError(f"results differ (rtol={rtol}, atol={atol}):\n  "
                             + "\n  ".join(problems))


def _compare(x: np.ndarray, y: np.ndarray, rtol: float, atol: float) -> str | None:
    """Why ``x`` is not close to ``y`` world by world, or None."""
    if x.shape != y.shape:
        return f"shapes differ: {x.shape} != {y.shape}"
    x, y = x.ravel(), y.ravel()
    nan_x, nan_y = np.isnan(x), np.isnan(y)
    if (nan_x != nan_y).any():
        world = int(np.flatnonzero(nan_x != nan_y)[0])
        count = int((nan_x != nan_y).sum())
        return (f"NaN in different worlds ({count}), first world {world}: "
                f"{float(x[world])!r} vs {float(y[world])!r}")
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(x - y)
        tol = atol + rtol * np.abs(y)
        # Equal values (infinities included) are close; an infinity is close to nothing else.
        bad = ~nan_x & (x != y) & ~(np.isfinite(diff) & (diff <= tol))
        excess = np.where(bad, np.nan_to_num(diff - tol, nan=np.inf), -np.inf)
    if not bad.any():
        return None
    world = int(np.argmax(excess))
    return (f"{int(bad.sum())} of {x.size} worlds out of tolerance; worst world {world}: "
            f"{float(x[world])!r} vs {float(y[world])!r} (|diff| = {diff[world]:.6g})")


def __getattr__(name: str) -> ModuleType:
    # ``guaranty.testing.strategies`` loads on first use, so that this package imports
    # without hypothesis.
    if name in ("reference", "strategies"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["TINY_SCENARIO", "assert_results_close", "tiny_scenario"]

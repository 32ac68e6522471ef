"""Hypothesis strategies for guaranty's inputs: seeds, arrays over worlds, packages, plans.

Needs ``hypothesis`` (in the ``dev`` extra); :mod:`guaranty.testing` itself does not.

>>> from hypothesis import given
>>> from guaranty.testing import strategies as gst, tiny_scenario
>>> @given(gst.world_arrays(0.0, 1.0))
... def test_shares_stay_shares(share):
...     assert ((share >= 0) & (share <= 1)).all()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "guaranty.testing.strategies needs hypothesis: pip install 'guaranty[dev]' "
        "(or pip install hypothesis)"
    ) from exc

if TYPE_CHECKING:
    from guaranty.scenario.compile import Plan
    from guaranty.scenario.schema import Scenario

MAX_SEED = 2**32 - 1


def seeds(max_value: int = MAX_SEED) -> st.SearchStrategy[int]:
    """Valid seeds: integers in ``[0, max_value]``."""
    return st.integers(min_value=0, max_value=max_value)


def world_arrays(
    low: float,
    high: float,
    *,
    dtype: DTypeLike = np.float32,
    min_worlds: int = 1,
    max_worlds: int = 8,
) -> st.SearchStrategy[NDArray[np.floating[Any]]]:
    """Arrays over worlds (shape ``(n,)``) of finite values in ``[low, high]``.

    ``dtype`` is float32 (the engine's state) or float64.

    The elements are drawn representable in ``dtype`` (32-bit floats for float32), so the
    bounds hold exactly after the cast. Arrays drawn together may differ in length; cut them
    to the shortest to line them up as worlds.
    """
    width: Literal[32, 64] = 32 if np.dtype(dtype) == np.float32 else 64
    element = st.floats(min_value=low, max_value=high, width=width, allow_nan=False,
                        allow_infinity=False)
    return st.lists(element, min_size=min_worlds, max_size=max_worlds).map(
        lambda values: np.asarray(values, dtype=dtype))


def packages(scenario: Scenario) -> st.SearchStrategy[str]:
    """Package names of ``scenario``."""
    return st.sampled_from(sorted(scenario.packages))


def lenses(scenario: Scenario, *, none: bool = True) -> st.SearchStrategy[str | None]:
    """Lens names of ``scenario``, and ``None`` (no lens) unless ``none`` is false."""
    options: list[str | None] = [None] if none else []
    options += sorted(scenario.lenses)
    return st.sampled_from(options)


def plans(scenario: Scenario) -> st.SearchStrategy[Plan]:
    """Compiled plans of ``scenario``: any package under any lens (or none)."""
    from guaranty.scenario.compile import compile_plan

    return st.builds(compile_plan, st.just(scenario), packages(scenario), lenses(scenario))


def quantities(
    low: float, high: float, *, unit: str | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Scenario quantities (the YAML mapping) whose every draw lies in ``[low, high]``.

    A fixed value, a uniform or a triangular distribution, marked as an assumption; use them
    as package or lens ``parameters`` overrides. ``low < high`` must hold.
    """
    if not low < high:
        raise ValueError(f"low < high must hold, got low={low}, high={high}")
    meta: dict[str, Any] = {"assumption": "Drawn by a hypothesis strategy."}
    if unit is not None:
        meta["unit"] = unit
    point = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    pair = st.tuples(point, point).filter(lambda ab: ab[0] != ab[1]).map(sorted)
    fixed = point.map(lambda v: {"value": v, **meta})
    uniform = pair.map(lambda ab: {"dist": "uniform", "low": ab[0], "high": ab[1], **meta})
    triangular = st.tuples(pair, st.floats(0.0, 1.0)).map(lambda t: {
        "dist": "triangular", "low": t[0][0], "high": t[0][1], **meta,
        "mode": min(max(t[0][0] + t[1] * (t[0][1] - t[0][0]), t[0][0]), t[0][1])})
    return st.one_of(fixed, uniform, triangular)


__all__ = ["MAX_SEED", "lenses", "packages", "plans", "quantities", "seeds", "world_arrays"]

"""The Hypothesis strategies of guaranty.testing.strategies draw what they promise."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guaranty.rng import check_seed
from guaranty.scenario.compile import Plan
from guaranty.scenario.schema import Package, Quantity
from guaranty.testing import strategies as gst
from guaranty.testing import tiny_scenario

FAST = settings(max_examples=25, deadline=None)
TINY = tiny_scenario()


@FAST
@given(gst.seeds())
def test_seeds_are_valid(seed: int) -> None:
    assert check_seed(seed) == seed


@FAST
@given(st.data(), st.sampled_from([np.float32, np.float64]))
def test_world_arrays_keep_dtype_and_bounds(data: st.DataObject, dtype: type) -> None:
    values = data.draw(gst.world_arrays(-2.5, 7.0, dtype=dtype, max_worlds=5))
    assert values.dtype == dtype and 1 <= values.size <= 5 and values.ndim == 1
    assert np.all((values >= -2.5) & (values <= 7.0))


@FAST
@given(gst.plans(TINY))
def test_plans_are_compiled_packages_under_lenses(plan: Plan) -> None:
    assert plan.package in TINY.packages
    assert plan.lens is None or plan.lens in TINY.lenses


@FAST
@given(gst.quantities(0.2, 0.9, unit="share"))
def test_quantities_are_valid_and_within_bounds(raw: dict[str, object]) -> None:
    quantity = Quantity.model_validate(raw)
    values = quantity.distribution.model_dump(exclude={"dist"})
    assert all(0.2 <= v <= 0.9 for v in values.values() if isinstance(v, float))
    Package.model_validate({"parameters": {"supplier.northmark.will": raw}})

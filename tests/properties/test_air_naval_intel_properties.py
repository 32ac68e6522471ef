"""Air, naval and intelligence models: ranges and monotonicity for any inputs (Hypothesis).

Moved from ``tests/test_air_naval_intel.py``, which keeps the known answers and dtypes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guaranty.models import air, intel, naval
from guaranty.testing.strategies import world_arrays as _worlds

FAST = settings(max_examples=40, deadline=None)
F32 = np.float32


def _fit(*arrays: np.ndarray) -> list[np.ndarray]:
    """Cut arrays to the shortest length, so that hypothesis draws line up as worlds."""
    n = min(a.size for a in arrays)
    return [a[:n] for a in arrays]


counts = _worlds(0.0, 5e3)
shares = _worlds(0.0, 1.0)
steepness = st.floats(min_value=0.25, max_value=4.0)
MID = naval.SeaDenialWeights(anti_ship_missile=1.5, naval_drone=1.0, patrol_boat=1.0,
                             patrol_aircraft=5.0)


# --- air -----------------------------------------------------------------------------------

@FAST
@given(_worlds(0.0, 3000.0), _worlds(0.0, 3000.0), _worlds(1.0, 2000.0), shares, shares)
def test_basing_and_ground_effect_ranges_and_order(
    d: np.ndarray, extra: np.ndarray, radius: np.ndarray, share: np.ndarray, denial: np.ndarray
) -> None:
    d, extra, radius, share, denial = _fit(d, extra, radius, share, denial)
    b = air.basing_factor(d, combat_radius_km=radius)
    assert np.all((b >= 0) & (b <= 1))
    assert np.all(air.basing_factor(d + extra, combat_radius_km=radius) <= b)
    g = air.ground_effect(denial, air_share=share)
    assert np.all((g >= 1 - share) & (g <= 1))


# --- naval ---------------------------------------------------------------------------------

@FAST
@given(counts, counts, counts, steepness, st.floats(0.5, 8.0), st.booleans())
def test_blockade_is_a_probability_and_exactly_monotone(
    fleet: np.ndarray, q: np.ndarray, extra: np.ndarray, k: float, c: float, more_fleet: bool
) -> None:
    fleet, q, extra = _fit(fleet, q, extra)
    base = naval.blockade_probability(fleet, q, k=F32(k), c=F32(c))
    assert base.dtype == F32
    assert np.all((base >= 0) & (base <= 1))
    if more_fleet:
        assert np.all(naval.blockade_probability(fleet + extra, q, k=F32(k), c=F32(c)) >= base)
    else:
        assert np.all(naval.blockade_probability(fleet, q + extra, k=F32(k), c=F32(c)) <= base)


@FAST
@given(counts, counts, counts, counts, counts, st.integers(0, 3))
def test_sea_denial_never_falls_with_more_means(
    m: np.ndarray, u: np.ndarray, b: np.ndarray, p: np.ndarray, extra: np.ndarray, which: int
) -> None:
    args = _fit(m, u, b, p, extra)
    extra = args.pop()
    base = naval.sea_denial_power(*args, weights=MID)
    args[which] = args[which] + extra
    assert np.all(naval.sea_denial_power(*args, weights=MID) >= base)


# --- intel ---------------------------------------------------------------------------------

@FAST
@given(shares, shares, shares, _worlds(0.0, 12.0), _worlds(0.0, 6.0), _worlds(1.0, 2.0))
def test_intel_ranges_and_monotonicity(
    isr: np.ndarray, monitors: np.ndarray, extra: np.ndarray, w: np.ndarray,
    t: np.ndarray, s0: np.ndarray,
) -> None:
    isr, monitors, extra, w, t, s0 = _fit(isr, monitors, extra, w, t, s0)
    kw: dict[str, Any] = {"base_warning_months": F32(0.5), "gain": F32(2.0),
                          "monitor_gain": F32(0.5)}
    base = intel.warning_months(isr, monitors, **kw)
    assert np.all(intel.warning_months(np.minimum(isr + extra, 1), monitors, **kw) >= base)
    assert np.all(intel.warning_months(isr, np.minimum(monitors + extra, 1), **kw) >= base)
    m = intel.mobilised_share(w, mobilisation_months=t)
    assert np.all((m >= 0) & (m <= 1))
    m_more = intel.mobilised_share(w + extra, mobilisation_months=t)
    assert np.all(m_more >= m)
    s = intel.surprise(s0, m)
    assert np.all((s >= 1) & (s <= s0))
    assert np.all(intel.surprise(s0, m_more) <= s)
    c2 = intel.c2_factor(isr, strike_severity=monitors)
    assert np.all((c2 >= 1 - monitors) & (c2 <= 1))
    assert np.all(intel.c2_factor(np.minimum(isr + extra, 1), strike_severity=monitors) >= c2)

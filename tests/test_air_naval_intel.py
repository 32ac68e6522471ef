"""Air, naval and intelligence models: known answers, edge cases, dtypes.

Their ranges and monotonicity for any inputs are Hypothesis tests, in
``tests/properties/test_air_naval_intel_properties.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from guaranty.models import air, intel, naval

F32 = np.float32


# --- air: known answers --------------------------------------------------------------------

def test_csis_48_deployed_at_half_readiness_give_24_on_call() -> None:
    basing = air.basing_factor(np.zeros(3, dtype=F32), combat_radius_km=F32(800.0))
    got = air.effective_aircraft(np.full(3, 48, dtype=F32), np.full(3, 0.5, dtype=F32), basing)
    assert got.dtype == F32
    np.testing.assert_array_equal(got, 24.0)


def test_the_article_fleet_sizes_are_expressible() -> None:
    # 40-160 aircraft (source article) at F-35 (51 %) to F-16 (70 %) availability.
    count = np.array([40, 160], dtype=F32)
    got = air.effective_aircraft(count, np.array([0.51, 0.70], dtype=F32), F32(1.0))
    np.testing.assert_allclose(got, [20.4, 112.0], rtol=1e-6)


def test_basing_is_a_transit_time_share() -> None:
    d = np.array([0.0, 250.0, 500.0, 1000.0, 5000.0], dtype=F32)
    np.testing.assert_allclose(air.basing_factor(d, combat_radius_km=1000.0),
                               [1.0, 0.75, 0.5, 0.0, 0.0])


def test_ground_effect() -> None:
    got = air.ground_effect(np.array([0.0, 0.5, 1.0], dtype=F32), air_share=0.3)
    np.testing.assert_allclose(got, [1.0, 0.85, 0.7], rtol=1e-6)


def test_flying_cost_of_an_f35_is_the_gao_sustainment_figure() -> None:
    # $6.8M per aircraft-year over 187 hours (GAO-24-106703).
    per_year = air.flying_cost_usd(F32(1.0), F32(187.0), F32(6.8e6 / 187))
    np.testing.assert_allclose(per_year, 6.8e6, rtol=1e-6)
    fleet = air.flying_cost_usd(np.array([48.0]), 187.0, 36_364.0)
    np.testing.assert_allclose(fleet, 48 * 187 * 36_364)


# --- naval ---------------------------------------------------------------------------------

MID = naval.SeaDenialWeights(anti_ship_missile=1.5, naval_drone=1.0, patrol_boat=1.0,
                             patrol_aircraft=5.0)


def test_sea_denial_power_is_a_weighted_count() -> None:
    q = naval.sea_denial_power(F32(40), F32(100), F32(10), F32(5), weights=MID)
    assert q == pytest.approx(195.0)


@pytest.mark.parametrize(("c", "k"), list(itertools.product([2.0, 4.0], [1.5, 3.0])))
def test_blockade_calibration_2022_and_2023(c: float, k: float) -> None:
    # 2022: ~30 blockading units, ports closed until the Grain Initiative.
    q2022 = naval.sea_denial_power(F32(20), F32(0), F32(5), F32(2), weights=MID)
    assert naval.blockade_probability(F32(30), q2022, k=k, c=c) >= 0.6
    # 2023-24: 10 missile carriers + 3 submarines + 2 missile boats; the corridor worked.
    q2023 = naval.sea_denial_power(F32(40), F32(100), F32(10), F32(5), weights=MID)
    assert naval.blockade_probability(F32(15), q2023, k=k, c=c) <= 0.15


def test_blockade_edge_cases() -> None:
    got = naval.blockade_probability(np.array([0.0, 0.0, 15.0, 15.0], dtype=F32),
                                     np.array([0.0, 50.0, 0.0, 45.0], dtype=F32), k=2.0, c=3.0)
    np.testing.assert_allclose(got, [0.0, 0.0, 1.0, 0.5])
    assert got.dtype == F32


def test_exports_lost_share() -> None:
    got = naval.exports_lost_share(np.array([0.0, 0.5, 1.0], dtype=F32), sea_share=F32(0.6))
    np.testing.assert_allclose(got, [0.0, 0.3, 0.6], rtol=1e-6)
    assert got.dtype == F32


# --- intel ---------------------------------------------------------------------------------

def test_warning_mobilisation_surprise_chain() -> None:
    isr = np.array([0.0, 0.5, 1.0], dtype=F32)
    w = intel.warning_months(isr, F32(0.0), base_warning_months=0.5, gain=2.0)
    np.testing.assert_allclose(w, [0.5, 1.5, 2.5])
    w_mon = intel.warning_months(isr, F32(1.0), base_warning_months=0.5, gain=2.0,
                                 monitor_gain=0.5)
    np.testing.assert_allclose(w_mon, w + 0.5)
    m = intel.mobilised_share(w, mobilisation_months=2.0)
    np.testing.assert_allclose(m, [0.25, 0.75, 1.0])
    s = intel.surprise(F32(1.4), m)
    np.testing.assert_allclose(s, [1.3, 1.1, 1.0], rtol=1e-6)
    assert w.dtype == m.dtype == s.dtype == F32


def test_instant_mobilisation_and_c2() -> None:
    assert intel.mobilised_share(F32(0.0), mobilisation_months=0.0) == 0.0
    assert intel.mobilised_share(F32(0.1), mobilisation_months=0.0) == 1.0
    got = intel.c2_factor(np.array([0.0, 0.5, 1.0], dtype=F32), strike_severity=0.2)
    np.testing.assert_allclose(got, [0.8, 0.9, 1.0], rtol=1e-6)


# --- dtypes --------------------------------------------------------------------------------

CALLS: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
    ("basing_factor", lambda x: air.basing_factor(x, combat_radius_km=800.0)),
    ("effective_aircraft", lambda x: air.effective_aircraft(x, 0.5, 1.0)),
    ("ground_effect", lambda x: air.ground_effect(x, air_share=0.3)),
    ("flying_cost_usd", lambda x: air.flying_cost_usd(x, 187.0, 36_000.0)),
    ("sea_denial_power", lambda x: naval.sea_denial_power(x, x, x, x,
                                                          weights=(1.5, 1.0, 1.0, 5.0))),
    ("blockade_probability", lambda x: naval.blockade_probability(x, x, k=2.0, c=3.0)),
    ("exports_lost_share", lambda x: naval.exports_lost_share(x, sea_share=0.6)),
    ("warning_months", lambda x: intel.warning_months(x, base_warning_months=0.5, gain=2.0)),
    ("mobilised_share", lambda x: intel.mobilised_share(x, mobilisation_months=2.0)),
    ("surprise", lambda x: intel.surprise(1.3, x)),
    ("c2_factor", lambda x: intel.c2_factor(x, strike_severity=0.2)),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_function_keeps_the_dtype_and_shape(
    name: str, call: Callable[[np.ndarray], np.ndarray], dtype: type[np.floating[Any]]
) -> None:
    x = np.linspace(0.0, 1.0, 5, dtype=dtype)
    out = call(x)
    assert out.dtype == dtype, name
    assert out.shape == (5,), name
    assert np.all(np.isfinite(out)), name


def test_a_naval_package_lowers_the_blockade_risk_and_raises_investment() -> None:
    import guaranty

    scenario = guaranty.load_scenario("ukraine-2025")
    results = guaranty.simulate(scenario, ["strong-army", "black-sea-shield"], worlds=2_000,
                                seed=3)
    mean = results.summary()["mean"].unstack(0)
    plain, shield = mean["strong-army"], mean["black-sea-shield"]
    assert shield["p_blockade_given_war"] < 0.8 * plain["p_blockade_given_war"]
    assert shield["exports_lost_share_given_war"] < plain["exports_lost_share_given_war"]
    assert shield["investment_usd_bn_per_year"] > plain["investment_usd_bn_per_year"]
    # The protection is paid for every year.
    assert shield["cost_usd_bn_per_year"] > plain["cost_usd_bn_per_year"]


def test_the_blockade_moves_month_by_month_with_air_cover_and_is_a_gain_to_the_aggressor(
) -> None:
    one = np.ones(3)
    inputs = naval.SeaInputs(power=50 * one, fleet=20 * one, steepness=2 * one,
                             per_warship=3 * one, sea_share=0.6 * one, air_weight=2 * one,
                             gain=0.2 * one, dependence=0.1 * one)
    air = np.array([0.0, 20.0, 100.0])
    month = naval.sea_month(inputs, air, air)
    assert np.all(np.diff(month.blockade) < 0)
    np.testing.assert_allclose(month.value, 0.2 * month.blockade)
    np.testing.assert_allclose(month.sustain, 1 - 0.1 * 0.6 * month.blockade)

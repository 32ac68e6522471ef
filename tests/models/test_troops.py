"""models/troops.py: a deployment's power, whether a contributor can sustain it, its cost."""

from __future__ import annotations

import numpy as np

from guaranty.models import troops


def test_power_is_the_product_of_its_factors_once_present() -> None:
    got = troops.troop_power(
        10_000, power_per_soldier=np.array(0.002), fight_share=np.array(0.5),
        location_factor=np.array(0.8), roe_factor=np.array(1.0), present=np.array([1.0, 0.0]))
    np.testing.assert_allclose(got, [10_000 * 0.002 * 0.5 * 0.8, 0.0])


def test_feasible_when_the_rotation_fits_the_pool() -> None:
    # 10,000 deployed at a 4:1 rotation need a pool of 40,000.
    got = troops.feasible(np.full(3, 10_000.0), np.array([40_000.0, 39_999.0, 40_001.0]),
                          np.array(4.0))
    np.testing.assert_array_equal(got, [True, False, True])


def test_cost_over_the_months_present() -> None:
    # 2,000 soldiers at $250,000 a soldier-year for six months.
    got = troops.cost_usd(2_000, np.array(250_000.0), np.array([6.0, 0.0, 12.0]))
    np.testing.assert_allclose(got, [2.5e8, 0.0, 5e8])

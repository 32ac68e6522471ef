"""models/forces.py: the fractional-knapsack crewing, munition limits and regeneration by hand.

``regenerate`` returns the new (personnel, stock) and leaves its arguments as they were.
"""

from __future__ import annotations

import numpy as np
import pytest

from guaranty.models import forces

# Stock rows: 0 tanks, 1 guns, 2 shells (feeding the guns, weapon position 1).
WEAPON_ROWS = np.array([0, 1])


def _inputs(weight: list[list[float]], crew: list[list[float]], rounds: list[float],
            infantry: float = 0.01, readiness: float = 0.5) -> forces.PowerInputs:
    n = len(rounds)
    return forces.power_inputs(
        np.array(weight, dtype=float), np.array(crew, dtype=float), WEAPON_ROWS,
        ((2, 1, np.array(rounds, dtype=float)),), np.full(n, infantry), np.full(n, readiness))


def _regenerate(personnel: np.ndarray, stock: np.ndarray, **kw: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    before = personnel.copy(), stock.copy()
    out = forces.regenerate(personnel, stock, **kw)
    np.testing.assert_array_equal(personnel, before[0])
    np.testing.assert_array_equal(stock, before[1])
    return out


def test_munitions_limit_the_guns_that_can_fire() -> None:
    # 2,000 shells at 100 rounds per gun for the war-stock period: 20 of the 50 guns fire.
    inputs = _inputs([[1.0], [3.0]], [[4.0], [6.0]], [100.0])
    stock = np.array([[100.0], [50.0], [2000.0]])
    np.testing.assert_allclose(forces.usable_weapons(stock, inputs), [[100.0], [20.0]])
    no_rounds = stock.copy()
    no_rounds[2] = 0.0
    np.testing.assert_allclose(forces.usable_weapons(no_rounds, inputs), [[100.0], [0.0]])


@pytest.mark.parametrize(("personnel", "power"), [
    # Guns give 0.5 power per crew member, tanks 0.25: guns are crewed first.
    (60.0, 0.5 * (3 * 10)),  # 60 soldiers crew 10 guns, nothing else
    (500.0, 0.5 * (3 * 20 + 1 * 95)),  # 20 usable guns (120 crew), then 380 / 4 = 95 tanks
    (1000.0, 0.5 * (3 * 20 + 1 * 100 + 0.01 * 480)),  # every weapon crewed, 480 as infantry
])
def test_the_knapsack_crews_the_most_power_per_soldier_first(personnel: float,
                                                              power: float) -> None:
    inputs = _inputs([[1.0], [3.0]], [[4.0], [6.0]], [100.0])
    stock = np.array([[100.0], [50.0], [2000.0]])
    got = forces.combat_power(stock, np.array([personnel]), inputs)
    np.testing.assert_allclose(got, [power])


def test_each_world_ranks_its_own_weapons() -> None:
    # World 0 as above (guns first); in world 1 a tank is worth 3 (0.75 per crew member), so
    # tanks go first: 100 tanks take 400 soldiers, the other 100 crew 16.67 of 20 guns.
    inputs = _inputs([[1.0, 3.0], [3.0, 3.0]], [[4.0, 4.0], [6.0, 6.0]], [100.0, 100.0])
    stock = np.array([[100.0, 100.0], [50.0, 50.0], [2000.0, 2000.0]])
    got = forces.combat_power(stock, np.array([500.0, 500.0]), inputs)
    np.testing.assert_allclose(got, [0.5 * (60 + 95), 0.5 * (300 + 3 * 100 / 6)])


def test_no_weapons_leaves_infantry_only() -> None:
    inputs = _inputs([[1.0], [3.0]], [[4.0], [6.0]], [100.0], infantry=0.02, readiness=0.8)
    got = forces.combat_power(np.zeros((3, 1)), np.array([1000.0]), inputs)
    np.testing.assert_allclose(got, [0.8 * 0.02 * 1000.0])


def test_force_to_space_factor() -> None:
    # 30,000 soldiers on 300 km are 100 per km, half the 200 per km a continuous line needs.
    got = forces.space_factor(np.array([30_000.0, 90_000.0, 0.0]), np.array(300.0),
                              np.array(200.0))
    np.testing.assert_allclose(got, [0.5, 1.0, 0.0])


def test_regeneration_by_hand() -> None:
    # N <- min(N (1 - o) + r, N_max); S <- min(S (1 - w) + p, max(S_max, S)).
    personnel, stock = _regenerate(
        np.array([1000.0, 1000.0]), np.array([[10.0, 20.0]]),
        recruitment=np.array([50.0, 50.0]), outflow_share=np.array([0.1, 0.1]),
        ceiling=np.array([1200.0, 900.0]), production=np.array([[2.0, 5.0]]),
        stock_ceiling=np.array([[12.0, 12.0]]), keep=np.array([[0.9, 0.9]]))
    np.testing.assert_allclose(personnel, [950.0, 900.0])
    # World 1 starts above its stock ceiling: it keeps what it has, but grows no further.
    np.testing.assert_allclose(stock, [[11.0, 20.0]])


def test_the_defender_drifts_toward_its_peacetime_size_under_a_cap() -> None:
    got = forces.drift_personnel(np.array([1000.0, 1000.0, 1000.0]), np.array(600.0),
                                 np.array([4.0, 0.5, 4.0]), cap=np.inf)
    np.testing.assert_allclose(got, [900.0, 600.0, 900.0])
    capped = forces.drift_personnel(np.array([1000.0]), np.array(600.0), np.array(4.0),
                                    cap=850.0)
    np.testing.assert_allclose(capped, [850.0])

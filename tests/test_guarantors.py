"""Guarantor response model: honour probability, the realised rung, expected cost, the docs page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, logit

from guaranty.calibration.alliances import reliability, reliability_table
from guaranty.engine import DTYPE
from guaranty.errors import InputError
from guaranty.models.guarantors import (
    RUNGS,
    Rung,
    expected_cost,
    honour_probability,
    realised_rung,
    rung_at_least,
    rung_index,
)

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "models" / "guarantors.md"
SLOPES = {"a_ref": 0.6, "b_a": 1.5, "b_w": 2.0, "b_d": 0.1}


def test_rungs_in_order() -> None:
    assert RUNGS == (
        "none", "consult", "condemn", "sanctions", "arms", "air_naval", "ground_troops"
    )  # fmt: skip
    assert [rung_index(name) for name in RUNGS] == list(range(7))
    assert rung_index("Air-Naval") == 5
    assert rung_index("ground troops") == 6
    with pytest.raises(InputError, match="rung must be one of"):
        rung_index("nukes")


def test_one_ladder_for_models_and_scenarios() -> None:
    from guaranty.scenario.schema import RUNG_NAMES, Treaty

    assert [int(r) for r in Rung] == list(range(7))
    assert tuple(r.name.lower() for r in Rung) == RUNGS
    assert RUNG_NAMES == tuple(r.word for r in Rung) == (
        "none", "consult", "condemn", "sanctions", "arms", "air-naval-support", "ground-troops")
    for word in RUNG_NAMES:  # every scenario word parses to its own level
        assert rung_index(word) == RUNG_NAMES.index(word)
        assert Treaty(guarantor="us", rung=word).level == Rung.parse(word)
    assert Rung.parse("air-naval-support") is Rung.AIR_NAVAL and Rung.parse(6) is Rung.GROUND_TROOPS
    with pytest.raises(InputError, match="did you mean 'air-naval-support'"):
        Rung.parse("air-navel-support")
    with pytest.raises(InputError, match=r"level in 0\.\.6"):
        Rung.parse(7)


# --------------------------------------------------------------------------- honour


def test_reference_treaty_is_honoured_at_the_base_rate() -> None:
    rho = np.array([0.05, 0.14, 0.5, 0.9])
    p = honour_probability(rho, 0.6, 0.5, 0.0, **SLOPES)
    np.testing.assert_allclose(p, rho, rtol=1e-12)


def test_each_term_moves_the_log_odds_by_its_slope() -> None:
    rho, a, will, delay, shift = 0.2, 0.9, 0.8, 3.0, 0.7
    p = honour_probability(rho, a, will, delay, shift=shift, **SLOPES)
    expected = logit(rho) + 1.5 * (a - 0.6) + 2.0 * (will - 0.5) - 0.1 * delay + shift
    assert float(p) == pytest.approx(expit(expected), rel=1e-12)


def test_honour_is_monotone_in_each_input() -> None:
    grid = np.linspace(0, 1, 11)
    base = honour_probability(0.14, 0.6, 0.5, 1.0, **SLOPES)
    assert np.all(np.diff(honour_probability(0.14, grid, 0.5, 1.0, **SLOPES)) > 0)
    assert np.all(np.diff(honour_probability(0.14, 0.6, grid, 1.0, **SLOPES)) > 0)
    assert np.all(np.diff(honour_probability(0.14, 0.6, 0.5, 10 * grid, **SLOPES)) < 0)
    assert honour_probability(0.14, 0.6, 0.5, 1.0, shift=1.0, **SLOPES) > base


def test_honour_keeps_the_engine_dtype_and_handles_certain_rho() -> None:
    n = 5
    ones = np.ones(n, dtype=DTYPE)
    p = honour_probability(
        np.array([0.0, 0.14, 0.5, 0.99, 1.0], dtype=DTYPE), 0.6 * ones, 0.5 * ones, ones,
        a_ref=0.6, b_a=1.5 * ones, b_w=2.0, b_d=0.1, shift=np.zeros(n, dtype=DTYPE),
    )  # fmt: skip
    assert p.dtype == DTYPE
    assert p.shape == (n,)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert p[0] < 1e-6 and p[-1] > 1 - 1e-6


# --------------------------------------------------------------------------- rungs


@pytest.mark.parametrize("committed", range(7))
def test_rung_at_least_is_a_survival_function(committed: int) -> None:
    p = np.array([0.0, 0.14, 0.5, 1.0])
    tail = np.array([rung_at_least(p, committed, k) for k in range(-1, 9)])
    np.testing.assert_array_equal(tail[:2], 1.0)  # k = -1, 0
    np.testing.assert_array_equal(tail[committed + 2 :], 0.0)  # k > K
    assert np.all(np.diff(tail, axis=0) <= 0)
    if committed:
        np.testing.assert_allclose(tail[committed + 1], p)  # P(R >= K) = p
        # p = 0: uniform on 0..K-1, so P(R >= k) = (K - k)/K.
        k = np.arange(1, committed + 1)
        np.testing.assert_allclose(tail[k + 1, 0], (committed - k) / committed)
        np.testing.assert_array_equal(tail[: committed + 2, 3], 1.0)  # p = 1


def test_rung_at_least_keeps_dtype_and_checks_committed() -> None:
    p = np.array([0.3, 0.6], dtype=DTYPE)
    assert rung_at_least(p, 4, 2).dtype == DTYPE
    assert rung_at_least(p, 4, 0).dtype == DTYPE
    with pytest.raises(InputError, match="committed must be a rung level"):
        rung_at_least(p, 7, 2)


@pytest.mark.parametrize("committed", [0, 1, 4, 6])
def test_realised_rung_frequencies_match_rung_at_least(committed: int, any_seed: int) -> None:
    worlds = 200_000
    rng = np.random.default_rng(any_seed)  # a statistical assertion: any seed (conftest.py)
    p = rng.uniform(0, 1, worlds).astype(DTYPE)  # a different p in each world
    rungs = realised_rung(p, committed, rng.uniform(0, 1, worlds).astype(DTYPE))
    assert rungs.dtype == np.int64 and rungs.shape == (worlds,)
    assert rungs.min() >= 0 and rungs.max() <= committed
    for k in range(committed + 2):
        expected = rung_at_least(p, committed, k).astype(np.float64)
        hits = (rungs >= k).astype(np.float64)
        # Sum of independent Bernoullis: tolerance of 5 standard deviations.
        sd = np.sqrt(np.sum(expected * (1 - expected)))
        assert abs(hits.sum() - expected.sum()) <= 5 * sd + 1e-9, k


def test_realised_rung_edges() -> None:
    u = np.array([1e-9, 0.3, 0.5, 0.999999])
    np.testing.assert_array_equal(realised_rung(np.ones(4), 5, u), 5)
    # R = #{k >= 1 : u < P(R >= k)}: a low draw is a resolute government.
    np.testing.assert_array_equal(realised_rung(np.zeros(4), 5, u), [4, 3, 2, 0])
    np.testing.assert_array_equal(realised_rung(np.full(4, 0.5), 4, u), [4, 4, 3, 0])
    np.testing.assert_array_equal(realised_rung(np.full(4, 0.5), 0, u), 0)


# --------------------------------------------------------------------------- cost


def test_expected_cost_is_the_mean_over_the_rung_law() -> None:
    p = np.array([0.0, 0.14, 0.6, 1.0])
    costs = [0.0, 1.0, 2.0, 10.0, 30.0, 100.0, 400.0]
    for committed in range(7):
        tail = np.array([rung_at_least(p, committed, k) for k in range(committed + 2)])
        law = tail[:-1] - tail[1:]  # P(R = k), k = 0..K
        np.testing.assert_allclose(law.sum(axis=0), 1.0)
        direct = np.asarray(costs[: committed + 1]) @ law
        np.testing.assert_allclose(expected_cost(p, committed, costs), direct, rtol=1e-12)
    np.testing.assert_allclose(expected_cost(1.0, 6, costs), 400.0)
    np.testing.assert_allclose(expected_cost(0.0, 6, costs), np.mean(costs[:6]))


def test_expected_cost_takes_costs_per_world_and_matches_simulation() -> None:
    worlds = 100_000
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 1, worlds).astype(DTYPE)
    costs = [np.zeros(worlds, dtype=DTYPE)] + [
        (k * k * rng.uniform(0.5, 1.5, worlds)).astype(DTYPE) for k in range(1, 7)
    ]
    mean = expected_cost(p, 6, costs)
    assert mean.dtype == DTYPE and mean.shape == (worlds,)
    rungs = realised_rung(p, 6, rng.uniform(0, 1, worlds))
    realised = np.stack(costs)[rungs, np.arange(worlds)].astype(np.float64)
    spread = realised.std() / np.sqrt(worlds)
    assert abs(realised.mean() - mean.astype(np.float64).mean()) < 5 * spread


def test_expected_cost_needs_a_cost_per_rung() -> None:
    with pytest.raises(InputError, match=r"cost for each rung 0\.\.4"):
        expected_cost(0.5, 4, [0.0, 1.0, 2.0])
    assert float(expected_cost(0.5, 2, [0.0, 1.0, 2.0, 99.0])) == pytest.approx(0.5 * 2 + 0.25)


# --------------------------------------------------------------------------- docs


def test_docs_page_table_is_the_fit() -> None:
    text = PAGE.read_text()
    for row in reliability_table():
        line = (
            f"| {row.coding} | {row.treaty_type} | {row.era} | {row.honoured}/{row.n} | "
            f"{100 * row.rate:.1f} | {100 * row.lo:.1f}–{100 * row.hi:.1f} |"
        )
        assert line in text, line
    base = reliability(treaty_type="defense", era="post-1945")
    assert f"a: {base.beta[0]}" in text and f"b: {base.beta[1]}" in text


# --------------------------------------------------------------------------- shortfall, wording

SHORTFALL = [0.1, 0.05, 0.15, 0.35, 0.3, 0.05]  # none .. air-naval (the registry's weights)


def test_shortfall_puts_a_dishonoured_promise_on_sanctions_and_arms() -> None:
    p = np.array([0.0])
    tail = [float(rung_at_least(p, 6, k, shortfall=SHORTFALL)[0]) for k in range(8)]
    law = -np.diff(tail)  # P(R = k)
    np.testing.assert_allclose(law[:6], SHORTFALL, atol=1e-12)
    assert law[6] == 0.0
    # Not honoured, it goes to air or naval war 1 time in 20, not 1 in 6 as a uniform fall.
    assert tail[5] == pytest.approx(0.05)
    assert float(rung_at_least(p, 6, 5)[0]) == pytest.approx(1 / 6)


def test_consult_wording_obliges_consultation_only() -> None:
    p = np.array([0.4])
    defence = [float(rung_at_least(p, 6, k, shortfall=SHORTFALL)[0]) for k in range(1, 7)]
    consult = [float(rung_at_least(p, 6, k, obliged=1, shortfall=SHORTFALL)[0])
               for k in range(1, 7)]
    assert consult[0] == pytest.approx(defence[0])  # it does consult
    for k in range(1, 6):  # above consultation only the shortfall remains
        assert consult[k] == pytest.approx(sum(SHORTFALL[k + 1:]), abs=1e-12)
        assert consult[k] < defence[k]


@pytest.mark.parametrize("tilt", [-1.5, -0.3, 0.7])
def test_wording_tilt_moves_the_whole_distribution(tilt: float) -> None:
    p = np.array([0.2])
    base = np.array([float(rung_at_least(p, 6, k, shortfall=SHORTFALL)[0]) for k in range(1, 6)])
    moved = np.array([float(rung_at_least(p, 6, k, shortfall=SHORTFALL, tilt=tilt)[0])
                      for k in range(1, 6)])
    # Every rung moves the same way (a proportional-odds shift of the shortfall).
    assert np.all(np.sign(moved - base) == np.sign(tilt))
    assert np.all(np.diff(moved) <= 0)


def test_realised_rung_follows_the_shortfall_law(any_seed: int) -> None:
    worlds = 200_000
    rng = np.random.default_rng(any_seed)
    p = rng.uniform(0, 0.5, worlds)
    tilt = rng.normal(0, 0.5, worlds)
    rungs = realised_rung(p, 6, rng.uniform(0, 1, worlds), obliged=6, shortfall=SHORTFALL,
                          tilt=tilt)
    for k in range(1, 7):
        expected = rung_at_least(p, 6, k, shortfall=SHORTFALL, tilt=tilt)
        sd = np.sqrt(np.sum(expected * (1 - expected)))
        assert abs((rungs >= k).sum() - expected.sum()) <= 5 * sd, k


def test_realised_rung_is_monotone_in_the_draw() -> None:
    u = np.linspace(0.001, 0.999, 500)
    rungs = realised_rung(np.full(500, 0.2), 6, u, shortfall=SHORTFALL)
    assert np.all(np.diff(rungs) <= 0)

"""Property tests: monotonicity and ranges that must hold for any inputs."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import guaranty
from guaranty.engine import run_chunk
from guaranty.models import decision, forces, naval, supply
from guaranty.params import ParamView
from guaranty.scenario import compile_plan
from guaranty.testing.war import fight

FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
SCENARIO = guaranty.load_scenario("ukraine-2025")
WORLDS = 64
MONTHS = 60


def _params(package: str, seed: int) -> tuple[object, dict[str, np.ndarray]]:
    plan = compile_plan(SCENARIO, package)
    return plan, plan.registry.sample(seed, 0, WORLDS)


def _run(plan: object, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return run_chunk(plan, ParamView(params), MONTHS)  # type: ignore[arg-type]


positive = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


@FAST
@given(st.lists(positive, min_size=8, max_size=8), st.integers(0, 7),
       st.floats(min_value=0.0, max_value=1e5), st.floats(min_value=1e3, max_value=1e6))
def test_combat_power_never_falls_with_more_equipment_or_manning(
    stocks: list[float], which: int, extra: float, personnel: float
) -> None:
    rng = np.random.default_rng(len(stocks))
    weight = rng.uniform(0.1, 5.0, size=(6, 1))
    crew = rng.uniform(0.5, 20.0, size=(6, 1))
    rounds = np.array([50.0])
    inputs = forces.power_inputs(weight, crew, np.arange(6), ((6, 2, rounds),),
                                 np.array([0.003]), np.array([0.7]))
    stock = np.asarray(stocks, dtype=float)[:, None]
    more = stock.copy()
    more[which] += extra
    pers = np.array([personnel])
    base = forces.combat_power(stock, pers, inputs)
    assert forces.combat_power(more, pers, inputs)[0] >= base[0] - 1e-9 * abs(base[0])
    assert forces.combat_power(stock, pers + extra, inputs)[0] >= base[0] - 1e-9 * abs(base[0])


@FAST
@given(st.floats(-3, 3), st.floats(0, 2), st.floats(0, 1), st.floats(0, 1.5))
def test_hazard_falls_with_defender_power_and_rises_with_bias(
    ln_ratio: float, delta: float, bias: float, more_bias: float
) -> None:
    def hazard(ln_r: float, b: float) -> float:
        one = np.ones(1)
        value = decision.attack_value(
            fight(ln_r + b), 650_000.0 * one, gain=one, neutral_discount=0 * one,
            failure_cost=one, loss_aversion=one, sanctions_cost=0.2 * one)
        h = decision.attack_hazard(value, value_of_waiting=0.1 * one, base_rate=0.005 * one,
                                   sensitivity=4 * one, ready=one)
        assert 0.0 <= h[0] <= 1.0
        return float(h[0])

    # A stronger defender is a lower force ratio for the aggressor (up to rounding: a shift of
    # one ulp in the ratio may move the hazard by one ulp either way).
    base = hazard(ln_ratio, bias)
    assert hazard(ln_ratio - delta, bias) <= base * (1 + 1e-12) + 1e-300
    assert hazard(ln_ratio, bias + more_bias) >= base * (1 - 1e-12)


@FAST
@given(st.integers(0, 2**31), st.floats(1.0, 3.0), st.sampled_from(
    ["tanks", "artillery", "artillery-ammunition", "interceptors", "drones", "personnel"]))
def test_more_defender_equipment_never_raises_the_risk_of_war(
    seed: int, factor: float, what: str
) -> None:
    plan, params = _params("ceasefire-only", seed)
    stronger = dict(params)
    name = "defender.personnel" if what == "personnel" else f"defender.stock.{what}"
    stronger[name] = params[name] * factor
    base, more = _run(plan, params), _run(plan, stronger)
    for key in ("p_war_12m", "p_war_24m", "p_war_60m"):
        assert np.all(more[key] <= base[key] + 1e-6)  # single-precision state


@FAST
@given(st.integers(0, 2**31), st.floats(0.0, 1.0))
def test_larger_misperception_never_lowers_the_risk_of_war(seed: int, extra: float) -> None:
    plan, params = _params("strong-army", seed)
    biased = dict(params)
    biased["decision.misperception_bias"] = params["decision.misperception_bias"] + extra
    base, more = _run(plan, params), _run(plan, biased)
    assert np.all(more["p_war_60m"] >= base["p_war_60m"] - 1e-6)  # single-precision state


@FAST
@given(st.integers(0, 2**31), st.sampled_from(sorted(SCENARIO.packages)),
       st.sampled_from([None, *sorted(SCENARIO.lenses)]))
def test_probabilities_in_range_and_war_risk_never_falls_over_time(
    seed: int, package: str, lens: str | None
) -> None:
    plan = compile_plan(SCENARIO, package, lens)
    out = run_chunk(plan, ParamView(plan.registry.sample(seed, 0, WORLDS)), 120)
    curve = [out[f"p_war_{t}m"] for t in (12, 24, 60, 120)]
    for p in [*curve, out["p_hold_given_war"][np.isfinite(out["p_hold_given_war"])]]:
        assert np.all((p >= 0.0) & (p <= 1.0))
    for earlier, later in itertools.pairwise(curve):
        assert np.all(later >= earlier)


@FAST
@given(st.lists(st.floats(0, 1e6), min_size=3, max_size=3),
       st.lists(st.one_of(st.just(np.inf), st.floats(0, 1e6)), min_size=3, max_size=3),
       st.integers(1, 24))
def test_caps_never_raise_stocks(stock: list[float], caps: list[float], months: int) -> None:
    def run(cap: np.ndarray) -> np.ndarray:
        inputs = supply.SupplyInputs(
            capacity_start=np.full((1, 1), 50.0), capacity_end=np.full((1, 1), 80.0),
            ramp_factor=np.full((1, 1), 0.9), open_share=np.full((1, 1), 0.5),
            producer_matrix=np.array([[1.0], [0.0], [1.0]])[:, :1],
            orders=np.full((3, 1), 100.0), unit_cost_usd=np.ones((3, 1)),
            inv_lag=np.full((3, 1), 0.5), domestic=np.full((3, 1), 10.0),
            wear=np.full((3, 1), 0.01), keep=np.full((3, 1), 0.99), caps=cap[:, None])
        state = supply.SupplyState(
            stock=supply.apply_caps(np.asarray(stock, float)[:, None], inputs.caps),
            backlog=np.zeros((3, 1)), transit=np.zeros((3, 1)), shipped_usd=np.zeros(1),
            decay=np.ones((1, 1)))
        for _ in range(months):
            state = supply.step_supply(inputs, state)
        return state.stock

    capped, free = run(np.asarray(caps, float)), run(np.full(3, np.inf))
    assert np.all(capped <= free + 1e-9)
    assert np.all(capped <= np.asarray(caps)[:, None] + 1e-9)


@FAST
@given(st.floats(0, 1e3), st.floats(0, 50), st.floats(0, 50), st.floats(0.5, 60),
       st.floats(1, 6), st.floats(0, 1), st.integers(1, 48))
def test_money_in_is_delivered_plus_backlog_plus_unspent(
        money: float, start: float, end: float, book: float, multiple: float, rate: float,
        months: int) -> None:
    one = np.ones((1, 1))
    inputs = supply.SupplyInputs(
        capacity_start=start * one, capacity_end=end * one, ramp_factor=0.9 * one,
        open_share=0.5 * one, producer_matrix=one.copy(), orders=money / 3.0 * one,
        unit_cost_usd=3.0 * one, inv_lag=0.5 * one, domestic=0 * one, wear=0 * one,
        keep=one.copy(), caps=np.array([[np.inf]]), money_usd=money * one,
        unallocated_usd=np.array([money / 10]), expansion_max=supply.expansion_max(
            0.5 * min(start, end) * one, np.array(multiple)),
        expansion_rate=rate * one, order_book_months=np.array([book]))
    state = supply.SupplyState.start(inputs, np.zeros((1, 1)))
    delivered = []
    for _ in range(months):
        state = supply.step_supply(inputs, state)
        delivered.append(float(state.shipped_usd[0]))
    m = supply.money_balance(inputs, state, months)
    total = m["delivered"] + m["backlog"] + m["unspent"]
    np.testing.assert_allclose(total, m["money_in"], rtol=1e-9, atol=1e-6)
    assert np.all(m["unspent"] >= -1e-6) and np.all(m["backlog"] >= -1e-6)
    assert all(b >= a for a, b in itertools.pairwise(delivered))  # spending never undone


@FAST
@given(st.lists(st.floats(0, 500), min_size=2, max_size=2), st.floats(0, 40),
       st.floats(0, 1), st.floats(0, 0.5))
def test_the_sea_month_stays_in_bounds_and_air_cover_never_helps_a_blockade(
        air: list[float], fleet: float, share: float, dependence: float) -> None:
    n = np.ones(1)
    inputs = naval.SeaInputs(power=100 * n, fleet=fleet * n, steepness=2 * n,
                             per_warship=3 * n, sea_share=share * n, air_weight=2 * n,
                             gain=0.2 * n, dependence=dependence * n)
    low, high = sorted(air)
    a, b = (naval.sea_month(inputs, np.array([x]), np.array([x])) for x in (low, high))
    for month in (a, b):
        assert 0 <= month.blockade[0] <= 1 and 0 <= month.exports_lost[0] <= share + 1e-12
        assert 1 - dependence - 1e-12 <= month.sustain[0] <= 1
    assert b.blockade[0] <= a.blockade[0] + 1e-12 and b.value[0] <= a.value[0] + 1e-12

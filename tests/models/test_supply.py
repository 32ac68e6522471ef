"""models/supply.py: a one-producer chain with a known ramp, queue and delivery lag, by hand.

``step_supply`` returns a new state and leaves the one it is given as it was.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from guaranty.models import supply

INF = np.inf


def _inputs(
    *, start: float = 100.0, end: float = 200.0, tau: float = 1 / math.log(2), share: float = 0.5,
    orders: float = 60.0, lag: float = 2.0, domestic: float = 0.0, wear: float = 0.0,
    cap: float = INF, cost: float = 10.0,
) -> supply.SupplyInputs:
    """One category, one producer, one world."""
    one = np.ones((1, 1))
    return supply.SupplyInputs(
        capacity_start=start * one, capacity_end=end * one,
        ramp_factor=supply.ramp_factor(tau * one), open_share=share * one,
        producer_matrix=one.copy(), orders=orders * one, unit_cost_usd=cost * one,
        inv_lag=one / max(lag, 1.0), domestic=domestic * one, wear=wear * one,
        keep=(1.0 - wear) * one, caps=np.array([[cap]]))


def _state(stock: float = 0.0, categories: int = 1, producers: int = 1) -> supply.SupplyState:
    return supply.SupplyState(
        stock=np.full((categories, 1), stock), backlog=np.zeros((categories, 1)),
        transit=np.zeros((categories, 1)), shipped_usd=np.zeros(1),
        decay=np.ones((producers, 1)))


def _step(inputs: supply.SupplyInputs, state: supply.SupplyState) -> supply.SupplyState:
    before = {k: v.copy() for k, v in vars(state).items()}
    out = supply.step_supply(inputs, state)
    for k, v in vars(state).items():
        np.testing.assert_array_equal(v, before[k])
    return out


def test_ramp_factor_is_the_monthly_decay_and_zero_for_an_instant_ramp() -> None:
    got = supply.ramp_factor(np.array([0.0, 1 / math.log(2), 12.0]))
    np.testing.assert_allclose(got, [0.0, 0.5, math.exp(-1 / 12)])


def test_three_months_of_ramp_queue_and_lag_by_hand() -> None:
    # K0 = 100, K_inf = 200, half the gap closes each month, half the output is open: the
    # defender can buy 50, 75, 87.5 a month; it orders 60; a 2-month mean lag delivers half
    # the pipeline each month.
    inputs, state = _inputs(), _state()
    expected = [  # (backlog, transit, stock, shipped USD) after months 0, 1, 2
        (10.0, 50.0, 0.0, 500.0),    # ships min(60, 50) = 50; nothing has arrived yet
        (0.0, 95.0, 25.0, 1200.0),   # ships min(70, 75) = 70; 25 of 50 arrive
        (0.0, 107.5, 72.5, 1800.0),  # ships min(60, 87.5) = 60; 47.5 of 95 arrive
    ]
    for month, (backlog, transit, stock, usd) in enumerate(expected):
        state = _step(inputs, state)
        got = (state.backlog[0, 0], state.transit[0, 0], state.stock[0, 0], state.shipped_usd[0])
        np.testing.assert_allclose(got, (backlog, transit, stock, usd), err_msg=f"month {month}")
    np.testing.assert_allclose(state.decay, [[0.125]])


def test_capacity_follows_the_first_order_ramp() -> None:
    tau = 6.0
    inputs, state = _inputs(tau=tau, orders=0.0), _state()
    for _ in range(12):
        state = _step(inputs, state)
    k_t = 200.0 + (100.0 - 200.0) * math.exp(-12 / tau)  # K(t) at t = 12
    np.testing.assert_allclose(supply.capacity(inputs, state.decay), [[0.5 * k_t]])


def test_an_instant_ramp_is_at_full_capacity_from_the_second_month() -> None:
    inputs, state = _inputs(tau=0.0, orders=1e6), _state()
    state = _step(inputs, state)
    assert state.backlog[0, 0] == pytest.approx(1e6 - 50.0)  # month 0 still at K0
    state = _step(inputs, state)
    assert state.transit[0, 0] == pytest.approx(50.0 / 2 + 100.0)  # then K_inf * share


def test_a_steady_flow_arrives_through_the_first_order_delay() -> None:
    # Ample capacity: each month ships the 60 ordered; with lag L = 2, month m delivers
    # 60 (1 - 2^-m), so after M months the stock is 60 (M - 2 (1 - 2^-M)).
    inputs, state = _inputs(start=1000.0, end=1000.0), _state()
    months = 10
    for _ in range(months):
        state = _step(inputs, state)
    assert state.stock[0, 0] == pytest.approx(60.0 * (months - 2 * (1 - 2.0**-months)))
    assert state.backlog[0, 0] == 0.0
    assert state.shipped_usd[0] == pytest.approx(60.0 * 10.0 * months)


def test_wear_domestic_production_and_a_cap() -> None:
    free = _step(_inputs(orders=0.0, wear=0.1, domestic=5.0), _state(stock=40.0))
    assert free.stock[0, 0] == pytest.approx(40.0 * 0.9 + 5.0)
    capped = _step(_inputs(orders=0.0, wear=0.1, domestic=5.0, cap=30.0), _state(stock=40.0))
    assert capped.stock[0, 0] == pytest.approx(30.0)


def test_producers_add_up_by_category() -> None:
    # Two producers of category 0, none of category 1; two worlds.
    n = 2
    inputs = supply.SupplyInputs(
        capacity_start=np.array([[10.0, 20.0], [30.0, 30.0]]),
        capacity_end=np.array([[10.0, 20.0], [30.0, 30.0]]),
        ramp_factor=np.zeros((2, n)), open_share=np.array([[1.0, 0.5], [0.5, 1.0]]),
        producer_matrix=np.array([[1.0, 1.0], [0.0, 0.0]]), orders=np.zeros((2, n)),
        unit_cost_usd=np.ones((2, n)), inv_lag=np.ones((2, n)), domestic=np.zeros((2, n)),
        wear=np.zeros((2, n)), keep=np.ones((2, n)), caps=np.full((2, 1), INF))
    np.testing.assert_allclose(supply.capacity(inputs, np.ones((2, n))),
                               [[10.0 + 15.0, 10.0 + 30.0], [0.0, 0.0]])


def test_caps_and_captured_share() -> None:
    np.testing.assert_array_equal(
        supply.apply_caps(np.array([[5.0], [50.0]]), np.array([[10.0], [INF]])), [[5.0], [50.0]])
    np.testing.assert_array_equal(
        supply.apply_caps(np.array([[15.0]]), np.array([[10.0]])), [[10.0]])
    got = supply.captured_share(np.array([-0.1, 0.0, 0.1, 0.5, 0.8]), np.array(1.5))
    np.testing.assert_allclose(got, [0.0, 0.0, 0.15, 0.75, 1.0])


# --- money, multi-year orders and new lines ---------------------------------------------------
def test_money_waits_unspent_beyond_the_order_book_and_builds_capacity() -> None:
    # Output 10 a month (no ramp, all open), money for 40 a month at $1 each, an order book of
    # 2 months: producers take at most 20 - backlog; the rest of the money waits.
    one = np.ones((1, 1))
    inputs = supply.SupplyInputs(
        capacity_start=10 * one, capacity_end=10 * one, ramp_factor=0 * one, open_share=one,
        producer_matrix=one.copy(), orders=40 * one, unit_cost_usd=one.copy(), inv_lag=one,
        domestic=0 * one, wear=0 * one, keep=one.copy(), caps=np.array([[INF]]),
        money_usd=40 * one, expansion_max=15 * one, expansion_rate=0.5 * one,
        order_book_months=np.array([2.0]))
    state = _step(inputs, supply.SupplyState.start(inputs, np.zeros((1, 1))))
    # Month 0: orders 20 (the book), ships 10, 20 unspent; new lines close half the gap
    # to min(40 - 10, 15) = 15.
    assert state.backlog[0, 0] == pytest.approx(10.0)
    assert state.unspent is not None and state.unspent[0, 0] == pytest.approx(20.0)
    assert state.expansion is not None and state.expansion[0, 0] == pytest.approx(7.5)
    assert state.shipped_usd[0] == pytest.approx(10.0)
    state = _step(inputs, state)
    # Month 1: output 17.5, book 35 - 10 = 25 taken of the 60 waiting; ships 17.5.
    assert state.shipped_usd[0] == pytest.approx(27.5)
    assert state.unspent[0, 0] == pytest.approx(35.0)
    assert state.expansion[0, 0] == pytest.approx(11.25)


def test_capacity_binds_where_it_cannot_grow_and_money_where_it_can() -> None:
    def delivered(money: float, grow: float) -> float:
        one = np.ones((1, 1))
        inputs = supply.SupplyInputs(
            capacity_start=10 * one, capacity_end=10 * one, ramp_factor=0 * one,
            open_share=one, producer_matrix=one.copy(), orders=money * one,
            unit_cost_usd=one.copy(), inv_lag=one, domestic=0 * one, wear=0 * one,
            keep=one.copy(), caps=np.array([[INF]]), money_usd=money * one,
            expansion_max=supply.expansion_max(10 * one, np.array(grow)),
            expansion_rate=supply.expansion_rate(np.full((1, 1), 6.0)),
            order_book_months=np.array([24.0]))
        state = supply.SupplyState.start(inputs, np.zeros((1, 1)))
        for _ in range(60):
            state = supply.step_supply(inputs, state)
        return float(state.shipped_usd[0])

    assert delivered(40.0, 1.0) == pytest.approx(delivered(20.0, 1.0))  # capacity binds
    assert delivered(40.0, 5.0) > 1.5 * delivered(20.0, 5.0)  # money binds


def test_money_in_is_delivered_plus_backlog_plus_unspent_every_year() -> None:
    import guaranty
    from guaranty.engine import prepare
    from guaranty.engine.chain import init, step
    from guaranty.scenario.compile import compile_plan

    scenario = guaranty.load_scenario("ukraine-2025")
    for package in ("ceasefire-only", "strong-army", "istanbul-2022"):
        plan = compile_plan(scenario, package)
        inputs = prepare(plan, plan.registry.sample(5, 0, 500), 120)
        state = init(inputs)
        for t in range(120):
            state, _ = step(inputs, state, t, hazard_only=True)
            if (t + 1) % 12 == 0:
                m = supply.money_balance(inputs.supply, state.supply, t + 1)
                np.testing.assert_allclose(
                    m["delivered"] + m["backlog"] + m["unspent"], m["money_in"],
                    rtol=1e-5, err_msg=f"{package}, year {(t + 1) // 12}")
                assert np.all(m["unspent"] >= -1e-6 * m["money_in"])

"""Perceived risk and reconstruction investment: known answers, one test per mechanism."""

from __future__ import annotations

import numpy as np
import pytest

from guaranty.models import economy

# Registry defaults at their mid-points (see docs/models/economy.md).
INPUTS = dict(
    private_base_usd_bn=27.5, public_usd_bn=11.2, cost_of_capital=0.20, loss_share=0.32,
    insurance_loading=2.75, elasticity=0.625, export_exposure=0.35, needs_usd_bn=556.0,
)


def _inputs(n: int, **changes: float) -> economy.InvestmentInputs:
    values = {**INPUTS, **changes}
    return economy.InvestmentInputs(**{k: np.full(n, v) for k, v in values.items()})


def _run(annual_hazard: np.ndarray, months: int = 120, *, signal: float = 0.0,
         weight: float = 0.25) -> tuple[economy.InvestmentState, np.ndarray]:
    """The monthly chain as the engine runs it, for a constant true hazard per world."""
    n = len(annual_hazard)
    h = economy.monthly_from_annual(annual_hazard)
    perception = economy.PerceptionState.start(0.11, n)
    inputs = _inputs(n)
    state = economy.InvestmentState.start(n)
    survival = np.ones(n)
    for _ in range(months):
        perception = economy.step_perception(perception, h, guarantee_signal=signal, bias=1.0,
                                       signal_weight=weight, memory_months=15.0)
        risk = perception.annual
        flow = economy.investment_per_year(risk, inputs) / 12.0
        state = economy.step_investment(state, flow, survival=survival, hazard=h,
                                loss_share=inputs.loss_share)
        survival = survival * (1.0 - h)
    return state, perception.annual


def test_annual_and_monthly_risk_are_inverse() -> None:
    p = np.linspace(0.0, 0.9, 10)
    np.testing.assert_allclose(economy.annual_risk(economy.monthly_from_annual(p)), p,
                               atol=1e-12)


def test_perception_approaches_its_target_at_the_memory_rate() -> None:
    # Known answer: the gap to a constant target shrinks by exp(-n / M) in n months.
    memory, h, prior = 12.0, 0.004, 0.02
    state = economy.PerceptionState(np.array([prior]))
    for _ in range(24):
        state = economy.step_perception(state, np.array([h]), guarantee_signal=0.0, bias=1.0,
                                signal_weight=0.3, memory_months=memory)
    np.testing.assert_allclose(state.hazard, h + (prior - h) * np.exp(-24 / memory), rtol=1e-12)


@pytest.mark.parametrize("signal", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("weight", [0.0, 0.25, 0.5])
def test_visible_guarantees_lower_perceived_risk_by_their_weight(signal: float,
                                                                  weight: float) -> None:
    # Mechanism: economy.guarantee_signal_weight. The long-run perceived hazard is
    # b·h·(1 - w·s); with a memory of 1e-3 months the smoother reaches it in one step.
    h = np.array([0.005])
    out = economy.perceived_hazard(np.zeros(1), h, guarantee_signal=signal, bias=1.3,
                                   signal_weight=weight, memory_months=1e-3)
    np.testing.assert_allclose(out, 1.3 * h * (1 - weight * signal), rtol=1e-12)


def test_bias_scales_perceived_risk() -> None:
    # Mechanism: economy.perception_bias, the perception's own uncertainty.
    h = np.full(3, 0.004)
    out = economy.perceived_hazard(np.zeros(3), h, guarantee_signal=0.0,
                                   bias=np.array([0.5, 1.0, 2.0]), signal_weight=0.0,
                                   memory_months=1e-3)
    np.testing.assert_allclose(out, [0.002, 0.004, 0.008], rtol=1e-12)


@pytest.mark.parametrize("elasticity", [0.25, 0.625, 1.0])
def test_private_investment_has_the_user_cost_elasticity(elasticity: float) -> None:
    # Mechanism: economy.user_cost_elasticity (Chirinko et al. 0.25; Hassett & Hubbard 0.5-1).
    # d ln I / d ln(c0 + premium) = -elasticity, checked by a central difference.
    kw = dict(base_usd_bn=30.0, cost_of_capital=0.2, loss_share=0.3, insurance_loading=2.0,
              elasticity=elasticity)
    p = np.array([0.02, 0.1, 0.3])
    dp = 1e-6
    user_cost = lambda q: 0.2 + 2.0 * 0.3 * q  # noqa: E731
    d_ln_i = (np.log(economy.private_investment(p + dp, **kw))
              - np.log(economy.private_investment(p - dp, **kw)))
    d_ln_c = np.log(user_cost(p + dp)) - np.log(user_cost(p - dp))
    np.testing.assert_allclose(d_ln_i / d_ln_c, -elasticity, rtol=1e-6)


def test_war_risk_premium_is_loading_times_expected_loss() -> None:
    # Mechanism: economy.loss_share_in_war and economy.insurance_loading.
    out = economy.war_risk_premium(np.array([0.1]), loss_share=0.3, insurance_loading=2.5)
    np.testing.assert_allclose(out, 0.075)
    # A 10 %/yr perceived risk at those values costs (0.2 / 0.275)^0.625 = 81.9 % of I0.
    i = economy.private_investment(np.array([0.1]), base_usd_bn=1.0, cost_of_capital=0.2,
                                   loss_share=0.3, insurance_loading=2.5, elasticity=0.625)
    np.testing.assert_allclose(i, (0.2 / 0.275) ** 0.625)


def test_lost_exports_lower_private_investment_by_the_exposure() -> None:
    # Mechanism: economy.export_exposure; 0.4 is the port capacity cut of 2023 (§6).
    kw = dict(base_usd_bn=30.0, cost_of_capital=0.2, loss_share=0.3, insurance_loading=2.0,
              elasticity=0.6, export_exposure=0.35)
    open_sea = economy.private_investment(np.array([0.05]), **kw)
    blocked = economy.private_investment(np.array([0.05]), exports_lost_share=0.4, **kw)
    np.testing.assert_allclose(blocked / open_sea, 1 - 0.35 * 0.4)


def test_lower_hazard_raises_investment_and_needs_met() -> None:
    annual = np.array([0.01, 0.03, 0.06, 0.10, 0.20])
    state, perceived = _run(annual)
    assert np.all(np.diff(perceived) > 0)
    assert np.all(np.diff(state.expected_gross) < 0)
    assert np.all(np.diff(economy.needs_met_share(state, 556.0)) < 0)


def test_visible_guarantees_raise_investment_at_the_same_hazard() -> None:
    annual = np.full(1, 0.06)
    without, _ = _run(annual, signal=0.0)
    with_troops, _ = _run(annual, signal=1.0)
    assert with_troops.expected_gross[0] > without.expected_gross[0]
    unweighted, _ = _run(annual, signal=1.0, weight=0.0)
    np.testing.assert_allclose(unweighted.expected_gross, without.expected_gross)


def test_no_risk_gives_public_plus_base_private_investment() -> None:
    # Known answer: with no perceived or true risk, ten years invest 10 x (I0 + public).
    n = 1
    inputs = _inputs(n)
    state = economy.InvestmentState.start(n)
    for _ in range(120):
        flow = economy.investment_per_year(np.zeros(n), inputs) / 12.0
        state = economy.step_investment(state, flow, survival=1.0, hazard=np.zeros(n),
                                        loss_share=0.3)
    expected = 10 * (INPUTS["private_base_usd_bn"] + INPUTS["public_usd_bn"])
    np.testing.assert_allclose(state.expected_net, expected, rtol=1e-12)
    np.testing.assert_allclose(economy.needs_met_share(state, 556.0), expected / 556.0)


def test_expectation_over_the_war_date_matches_simulated_wars() -> None:
    # The expected-value algebra against drawn war dates; tolerance from the sample size.
    months, h, loss = 60, 0.02, 0.4
    flows = np.linspace(1.0, 3.0, months)
    state = economy.InvestmentState.start(1)
    survival = 1.0
    for t in range(months):
        state = economy.step_investment(state, flows[t:t + 1], survival=survival,
                                        hazard=np.array([h]), loss_share=loss)
        survival *= 1 - h
    rng = np.random.default_rng(7)
    war = rng.geometric(h, size=200_000) - 1  # month in which war starts (0-based)
    cum = np.concatenate([[0.0], np.cumsum(flows)])
    k_war = cum[np.minimum(war, months)]
    net = np.where(war < months, (1 - loss) * k_war, k_war)
    gross = k_war
    se = net.std() / np.sqrt(net.size)
    assert abs(state.expected_net[0] - net.mean()) < 4 * se
    assert abs(state.expected_gross[0] - gross.mean()) < 4 * gross.std() / np.sqrt(gross.size)
    # And exactly: E[gross] = sum_t S_{t+1} I_t.
    exact = np.sum((1 - h) ** np.arange(1, months + 1) * flows)
    np.testing.assert_allclose(state.expected_gross, exact, rtol=1e-12)


def test_float32_worlds_as_the_engine_passes_them() -> None:
    n = 4
    h = np.full(n, 0.004, dtype=np.float32)
    perception = economy.PerceptionState.start(np.float32(0.1), n)
    perception = economy.step_perception(perception, h, guarantee_signal=np.float32(0.5),
                                   bias=np.ones(n, np.float32), signal_weight=np.float32(0.2),
                                   memory_months=np.full(n, 12, np.float32))
    risk = perception.annual
    inputs = economy.InvestmentInputs(
        **{k: np.full(n, v, dtype=np.float32) for k, v in INPUTS.items()})
    flow = economy.investment_per_year(risk, inputs, exports_lost_share=np.zeros(n, np.float32))
    assert flow.shape == (n,) and np.all(np.isfinite(flow))
    assert np.all((flow > INPUTS["public_usd_bn"]) & (flow < 40))

"""Duration dependence of the aggressor's hazard: the factor, its fit, the engine, the oracle."""

from __future__ import annotations

import numpy as np
import pytest

import guaranty
from guaranty.calibration.decision import REDUCED, cumulative, log_likelihood, stored_fit
from guaranty.engine import DTYPE, run_chunk
from guaranty.engine.chain import init, step
from guaranty.engine.inputs import prepare
from guaranty.history.cases import load_episodes, load_rival_years
from guaranty.models.decision import REFERENCE_MONTHS, attack_hazard, duration_factor
from guaranty.params import ParamView, default_registry
from guaranty.scenario.compile import compile_plan
from guaranty.testing.reference import run_reference

UKRAINE = guaranty.load_scenario("ukraine-2025")


@pytest.mark.parametrize("shape", [0.2, 0.563, 1.0, 1.7])
def test_the_factor_averages_one_over_the_reference_months(shape: float) -> None:
    """The normalisation that keeps the base hazard's meaning: sum of g over T months = T."""
    rho = np.full(3, shape)
    total = sum(duration_factor(t, rho) for t in range(int(REFERENCE_MONTHS)))
    np.testing.assert_allclose(total, REFERENCE_MONTHS, rtol=1e-12)


def test_the_factor_is_one_for_a_constant_hazard_and_falls_below_one() -> None:
    ones = np.ones(4)
    for t in (0, 1, 11, 119, 300):
        np.testing.assert_allclose(duration_factor(t, ones), 1.0, rtol=1e-12)
    rho = np.array([0.56])
    path = np.array([duration_factor(t, rho)[0] for t in range(240)])
    assert np.all(np.diff(path) < 0)  # a hazard falling with time since the cease-fire
    assert path[0] > 5.0 and path[119] < 0.6
    # the Weibull increment by hand: 120 ((1/120)^0.56 - 0)
    assert path[0] == pytest.approx(120.0 * (1.0 / 120.0) ** 0.56, rel=1e-12)


def test_the_factor_keeps_the_engine_precision() -> None:
    rho = np.array([0.5, 0.9], dtype=np.float32)
    g = duration_factor(200, rho)
    assert g.dtype == np.float32
    exact = 120.0 * ((201 / 120) ** np.array([0.5, 0.9]) - (200 / 120) ** np.array([0.5, 0.9]))
    np.testing.assert_allclose(g, exact, rtol=1e-6)


def test_the_hazard_multiplies_the_rate_by_the_factor() -> None:
    base = np.array([0.01, 0.01])
    value = np.zeros(2)
    kw = dict(value_of_waiting=value, base_rate=base, sensitivity=np.ones(2), ready=np.ones(2))
    h = attack_hazard(value, **kw, duration=np.array([2.0, 0.5]))  # type: ignore[arg-type]
    np.testing.assert_allclose(h, -np.expm1(-np.array([0.02, 0.005])))


def test_the_fit_cumulative_is_the_engines_with_its_delay() -> None:
    """The case fit's cumulative hazard is the engine's sum of g times the rate, no hazard
    before the delay: lambda (t^rho - d^rho) with lambda = lambda0 T^(1 - rho)."""
    rho, lam0, d = 0.563, 0.004, 7
    g = np.array([duration_factor(t, np.array([rho]))[0] for t in range(60)])
    engine = lam0 * np.cumsum(np.where(np.arange(60) >= d, g, 0.0))
    fit = cumulative(np.array([lam0 * REFERENCE_MONTHS ** (1.0 - rho)]), np.arange(1, 61),
                     float(np.log(rho)), delay=d)
    np.testing.assert_allclose(engine, fit, rtol=1e-10)
    assert np.all(fit[:d] == 0.0)


def test_the_case_fit_of_the_shape_is_stored_and_the_registry_names_it() -> None:
    """The case library's fit of the decision equations alone (a hazard falling in time, shape
    0.41-0.78) is stored and reported; the registry's shape is the joint fit with the anchor
    factor on the engine's own curve (tests/test_anchoring.py), whose source names both."""
    doc = stored_fit()["hazard_shape"]
    assert doc["lo95"] < 1.0 and doc["hi95"] < 1.0  # the cases reject a constant hazard
    assert doc["n_cases"] == 102
    entry = default_registry()["decision.hazard_shape"]
    assert entry.source is not None
    text = entry.source.replace("\n", " ")
    assert "guaranty calibrate anchor" in text and "guaranty calibrate decision" in text
    assert f"{doc['estimate']:.2f}" in text


def test_the_stored_shape_is_the_optimum_of_the_duration_fit() -> None:
    """Re-evaluating the likelihood: the stored duration fit reproduces its log-likelihood
    and moving the shape either way lowers it."""
    doc = stored_fit()
    fit = doc["duration_variant"]["fit"]
    theta = np.array([fit["parameters"][n]["estimate"] for n in REDUCED])
    episodes, rivals = load_episodes(), load_rival_years()
    best = log_likelihood(theta, episodes, rivals)
    assert best == pytest.approx(fit["log_likelihood"], abs=1e-6)
    i = REDUCED.index("log_shape")
    assert theta[i] == pytest.approx(doc["hazard_shape"]["log_estimate"])
    for shift in (-0.05, 0.05):
        moved = theta.copy()
        moved[i] += shift
        assert log_likelihood(moved, episodes, rivals) < best
    profile = doc["delay_profile"]
    assert profile[0]["delay_months"] == 0.0
    assert profile[0]["shape"] == pytest.approx(doc["hazard_shape"]["estimate"])


def test_the_reconstitution_delay_is_a_theatre_input() -> None:
    """Theatre-neutral default within the year no case renewed in; Ukraine keeps its figure."""
    neutral = default_registry()["decision.min_reconstitution_months"]
    assert neutral.distribution.support[1] <= 12.0
    assert neutral.assumption and "no war restarted within 12 months" in " ".join(
        neutral.assumption.split())
    episodes = load_episodes()
    assert episodes.loc[episodes["renewed"] > 0, "months"].min() > 12.0
    ukraine = compile_plan(UKRAINE, "ceasefire-only").registry["decision.min_reconstitution_months"]
    assert ukraine.distribution.support == (6.0, 24.0)
    assert ukraine.source and "Danish Defence Intelligence" in ukraine.source


def _monthly_hazards(shape: float, months: int = 36) -> np.ndarray:
    plan = compile_plan(UKRAINE, "ceasefire-only")
    params = dict(plan.registry.sample(5, 0, 200))
    params["decision.hazard_shape"] = np.full(200, shape)
    params["decision.min_reconstitution_months"] = np.zeros(200)
    params["decision.base_hazard_scale"] = np.ones(200)  # no saturated month (h = 1)
    inputs = prepare(plan, ParamView(params), months)
    state, out = init(inputs), []
    for t in range(months):
        state, month = step(inputs, state, t, hazard_only=True)
        out.append(np.asarray(month.hazard, dtype=float))
    return np.array(out)  # (months, worlds)


def test_the_engine_hazard_falls_with_time_since_the_ceasefire() -> None:
    """Same worlds, shape 1 against shape 0.5: the ratio of hazards is g(t), high early and
    below one late, world by world (the value term is the same; vectorised over worlds)."""
    flat, falling = _monthly_hazards(1.0), _monthly_hazards(0.5)
    live = flat[0] > 1e-6
    assert live.sum() > 50
    early = -np.log1p(-falling[0, live]) / -np.log1p(-flat[0, live])
    late = -np.log1p(-falling[35, live]) / -np.log1p(-flat[35, live])
    np.testing.assert_allclose(early, duration_factor(0, np.array([0.5]))[0], rtol=1e-3)
    np.testing.assert_allclose(late, duration_factor(35, np.array([0.5]))[0], rtol=1e-3)
    assert early.min() > 5.0 and late.max() < 1.0


@pytest.mark.parametrize("shape", [0.15, 1.0, 2.0])
def test_engine_matches_the_reference_at_extreme_shapes(shape: float) -> None:
    plan = compile_plan(UKRAINE, "ceasefire-only")
    params = {k: v.astype(DTYPE).astype(np.float64)
              for k, v in plan.registry.sample(21, 0, 40).items()}
    params["decision.hazard_shape"] = np.full(40, shape)
    params["decision.min_reconstitution_months"] = np.arange(40) % 4 * 3.0
    engine = run_chunk(plan, ParamView(params), 60)
    reference = run_reference(plan, params, 60)
    for name in ("p_war_12m", "p_war_24m", "p_war_60m"):
        np.testing.assert_allclose(engine[name], reference[name], rtol=2e-4, atol=1e-7,
                                   err_msg=name)

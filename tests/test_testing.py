"""The public test helpers of guaranty.testing: the tiny scenario and assert_results_close."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import guaranty
from guaranty.engine import DTYPE, run_chunk
from guaranty.params import ParamView
from guaranty.results import Results
from guaranty.scenario.compile import compile_plan
from guaranty.testing import TINY_SCENARIO, assert_results_close, tiny_scenario
from guaranty.testing.reference import run_reference

WORLDS = 40


@pytest.fixture(scope="module")
def results() -> Results:
    return guaranty.simulate(tiny_scenario(), worlds=WORLDS, seed=5, anchor=False)


def _changed(results: Results, package: str, metric: str, world: int, value: float) -> Results:
    outcomes = {p: dict(data) for p, data in results.outcomes.items()}
    column = outcomes[package][metric].copy()
    column[world] = value
    outcomes[package][metric] = column
    return dataclasses.replace(results, outcomes=outcomes)


# --- tiny_scenario ------------------------------------------------------------------------

def test_the_tiny_scenario_is_small_but_complete() -> None:
    scenario = tiny_scenario()
    assert scenario.name != "ukraine-2025"
    assert set(scenario.equipment) == {"tanks", "guns", "shells"}
    assert len(scenario.suppliers) == 1 and len(scenario.guarantors) == 1
    assert list(scenario.packages) == ["ceasefire", "armed", "guaranteed"]
    assert set(scenario.lenses) == {"sceptic"}
    assert guaranty.load_scenario(str(TINY_SCENARIO)) == scenario
    assert tiny_scenario() is not scenario  # a fresh copy each call
    plan = compile_plan(scenario, "guaranteed", "sceptic")
    assert plan.treaties and plan.troops


def test_the_tiny_scenario_runs_every_package_with_finite_risks(results: Results) -> None:
    assert results.packages == ["ceasefire", "armed", "guaranteed"]
    for package in results.packages:
        risk = results.outcomes[package]["p_war_horizon"]
        assert risk.shape == (WORLDS,) and np.all((risk >= 0) & (risk <= 1))
    assert np.all(results.outcomes["guaranteed"]["troops_feasible"] == 1.0)


@pytest.mark.parametrize("lens", [None, "sceptic"])
def test_engine_matches_the_oracle_on_the_tiny_scenario(lens: str | None) -> None:
    scenario = tiny_scenario()
    for package in scenario.packages:
        plan = compile_plan(scenario, package, lens)
        params = plan.registry.sample(21, 0, 30)
        params = {k: v.astype(DTYPE).astype(np.float64) for k, v in params.items()}
        engine = run_chunk(plan, ParamView(params), scenario.horizon_months)
        reference = run_reference(plan, params, scenario.horizon_months)
        assert sorted(engine) == sorted(reference)
        for name, expected in reference.items():
            scale = float(np.nanmax(np.abs(expected))) if np.isfinite(expected).any() else 0.0
            np.testing.assert_allclose(engine[name], expected, rtol=2e-4, atol=1e-6 * scale,
                                       equal_nan=True, err_msg=f"{package}/{lens}: {name}")


# --- assert_results_close -----------------------------------------------------------------

def test_identical_and_rechunked_results_are_close(results: Results) -> None:
    assert_results_close(results, results, rtol=0.0, atol=0.0)
    again = guaranty.simulate(tiny_scenario(), worlds=WORLDS, seed=5, anchor=False,
                              chunk_size=7)
    assert_results_close(again, results, rtol=0.0, atol=0.0)


def test_a_difference_names_package_metric_and_worst_world(results: Results) -> None:
    value = results.outcomes["armed"]["p_war_horizon"][7]
    off = _changed(results, "armed", "p_war_horizon", 7, value + 0.5)
    off = _changed(off, "armed", "p_war_horizon", 3,
                   results.outcomes["armed"]["p_war_horizon"][3] + 0.1)
    with pytest.raises(AssertionError) as info:
        assert_results_close(off, results, rtol=1e-6, atol=1e-6)
    message = str(info.value)
    assert "armed/p_war_horizon" in message
    assert "2 of 40 worlds" in message and "worst world 7" in message
    assert "ceasefire" not in message and "guaranteed" not in message
    # Within the tolerance it passes; restricted to other metrics it passes too.
    assert_results_close(off, results, rtol=0.0, atol=0.6)
    assert_results_close(off, results, rtol=0.0, atol=0.0, metrics=["p_war_12m"])


def test_nan_in_different_worlds_is_a_difference(results: Results) -> None:
    name = "p_hold_given_war"
    column = results.outcomes["ceasefire"][name]
    finite = int(np.flatnonzero(np.isfinite(column))[0])
    off = _changed(results, "ceasefire", name, finite, np.nan)
    with pytest.raises(AssertionError, match=rf"ceasefire/{name}: NaN in different worlds"):
        assert_results_close(off, results, rtol=1.0, atol=1.0)


def test_infinities_are_close_only_to_themselves(results: Results) -> None:
    inf = _changed(results, "armed", "force_ratio_12m", 0, np.inf)
    assert_results_close(inf, inf, rtol=0.0, atol=0.0)
    with pytest.raises(AssertionError, match="worst world 0: inf"):
        assert_results_close(inf, results, rtol=1.0, atol=1e9)


def test_missing_packages_and_metrics_are_reported(results: Results) -> None:
    fewer = dataclasses.replace(results, outcomes={
        p: {k: v for k, v in d.items() if k != "p_war_12m"} for p, d in results.outcomes.items()
        if p != "guaranteed"})
    with pytest.raises(AssertionError) as info:
        assert_results_close(fewer, results, rtol=0.0, atol=0.0)
    assert "packages differ" in str(info.value)
    assert "armed: metrics in only one of the results: ['p_war_12m']" in str(info.value)
    with pytest.raises(AssertionError, match="ceasefire/p_war_12m: no such metric in the first"):
        assert_results_close(fewer, results, rtol=0.0, atol=0.0, metrics=["p_war_12m"])


def test_negative_tolerances_are_refused(results: Results) -> None:
    with pytest.raises(ValueError, match="rtol and atol must be >= 0"):
        assert_results_close(results, results, rtol=-1.0, atol=0.0)


# --- hypothesis stays optional --------------------------------------------------------------

def test_the_package_imports_without_hypothesis() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if not installed\n"
        "import guaranty.testing as t\n"
        "t.tiny_scenario()\n"
        "try:\n"
        "    import guaranty.testing.strategies\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert "guaranty.testing.strategies needs hypothesis" in done.stdout

"""The vectorised engine agrees with the per-world Python reference, world by world."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import guaranty
from guaranty.engine import DTYPE, run_chunk
from guaranty.params import ParamView
from guaranty.reference import run_reference
from guaranty.scenario.compile import Plan, compile_plan

MONTHS = 120
WORLDS = 100
MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
UKRAINE = guaranty.load_scenario("ukraine-2025")


# The engine works in single precision (guaranty.engine.DTYPE) and the reference in double,
# on the same single-precision parameter values: they agree to a few parts in 10^5, far
# tighter than any mistake in the equations (the deliberate breakages we tried moved the
# outcomes by 10^-2 and more).
RTOL = 2e-4


def assert_same(plan: Plan, params: dict[str, np.ndarray], months: int = MONTHS) -> None:
    params = {k: v.astype(DTYPE).astype(np.float64) for k, v in params.items()}
    engine = run_chunk(plan, ParamView(params), months)
    reference = run_reference(plan, params, months)
    assert sorted(engine) == sorted(reference)
    for name, expected in reference.items():
        scale = float(np.nanmax(np.abs(expected))) if np.isfinite(expected).any() else 0.0
        np.testing.assert_allclose(
            engine[name], expected, rtol=RTOL, atol=1e-6 * scale, equal_nan=True,
            err_msg=f"{plan.scenario}/{plan.package}/{plan.lens}: {name}",
        )


@pytest.mark.parametrize("package", list(UKRAINE.packages))
def test_engine_matches_reference_for_every_package(package: str) -> None:
    plan = compile_plan(UKRAINE, package)
    assert_same(plan, plan.registry.sample(11, 0, WORLDS))


@pytest.mark.parametrize("lens", list(UKRAINE.lenses))
def test_engine_matches_reference_under_every_lens(lens: str) -> None:
    plan = compile_plan(UKRAINE, "strong-army", lens)
    # Worlds from the middle of the index, across a block boundary of the random streams.
    assert_same(plan, plan.registry.sample(12, 4_046, 4_046 + WORLDS))


def test_engine_matches_reference_on_the_minimal_scenario() -> None:
    if not MINIMAL.exists():
        pytest.skip(f"{MINIMAL} not present")
    scenario = guaranty.load_scenario(str(MINIMAL))
    for package in scenario.packages:
        for lens in (None, *scenario.lenses):
            plan = compile_plan(scenario, package, lens)
            assert_same(plan, plan.registry.sample(13, 0, WORLDS // 2))


def _edge_worlds(plan: Plan, worlds: int) -> dict[str, np.ndarray]:
    """Sampled worlds pushed to the models' edges, a different edge every few worlds."""
    p = {k: v.copy() for k, v in plan.registry.sample(14, 0, worlds).items()}
    i = np.arange(worlds)
    cats = plan.categories
    for name in p:
        if name.endswith(".ramp_months"):
            p[name][i % 3 == 0] = 0.0  # instant ramps
    for m, _ in plan.munitions:
        p[f"defender.stock.{cats[m]}"][i % 4 == 0] = 0.0  # no rounds: guns cannot fire
        p[f"aggressor.stock.{cats[m]}"][i % 4 == 1] = 0.0
    p["aggressor.personnel"][i % 5 == 0] *= 3.0  # above its ceiling
    p["defender.personnel"][i % 6 == 1] = 2_000.0  # thin line, few crews
    p["decision.min_reconstitution_months"][i % 7 == 0] = 10 * MONTHS  # never ready: NaNs
    for c in plan.weapons:  # every weapon equally good per crew member: ties keep file order
        p[f"equipment.{cats[c]}.weight"][i % 8 == 3] = p[f"equipment.{cats[c]}.crew"][i % 8 == 3]
    p["forces.sanctions_drag"][i % 9 == 2] = 0.0
    p["decision.base_hazard_scale"] = np.exp(np.linspace(-6.0, 6.0, worlds))  # as if anchored
    return p


@pytest.mark.parametrize("package", ["ceasefire-only", "istanbul-2022"])
def test_engine_matches_reference_at_the_edges(package: str) -> None:
    plan = compile_plan(UKRAINE, package)
    params = _edge_worlds(plan, WORLDS)
    assert_same(plan, params)
    # Branches no built-in package takes: sanctions relieved, neutrality without caps.
    flipped = dataclasses.replace(
        plan, sanctions_relieved=not plan.sanctions_relieved, neutrality=not plan.neutrality
    )
    assert_same(flipped, params)


def test_short_horizon_has_no_12_month_outcomes_and_nan_without_war() -> None:
    plan = compile_plan(UKRAINE, "ceasefire-only")
    params = plan.registry.sample(15, 0, WORLDS)
    reference = run_reference(plan, params, 8)
    assert "force_ratio_12m" not in reference and "p_war_12m" not in reference
    never = params["decision.min_reconstitution_months"] >= 8
    assert never.any() and np.isnan(reference["p_hold_given_war"][never]).all()
    assert_same(plan, params, months=8)

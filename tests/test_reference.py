"""The vectorised engine agrees with the per-world Python reference, world by world."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import guaranty
from guaranty.engine import DTYPE, run_chunk
from guaranty.params import ParamView
from guaranty.scenario.compile import Plan, compile_plan
from guaranty.scenario.schema import (
    AirDeployment,
    NavalAssets,
    Package,
    Peacekeepers,
    Treaty,
    TroopDeployment,
)
from guaranty.testing.reference import run_reference

MONTHS = 120
WORLDS = 100
MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
UKRAINE = guaranty.load_scenario("ukraine-2025")


# The engine works in single precision (guaranty.engine.DTYPE) and the reference in double,
# on the same single-precision parameter values: they agree to a few parts in 10^6 (measured:
# 6e-6 at worst, p_air_denied_given_war), far tighter than any mistake in the equations (the
# deliberate breakages we tried moved the outcomes by 10^-3 and more). No outcome needs an
# absolute tolerance beyond the 1e-6 of its largest value: the float32 quantities near 0 or 1
# (blockade and air-denial probabilities, honour probabilities, leakage) are ratios and
# logistic curves whose single-precision error is relative, and the realised rungs and
# feasibility are thresholds that a rounding would flip only within ~1e-7 of the threshold.
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


def _everything(base: str = "bilateral-article5") -> dict[str, object]:
    """Every instrument at once, and each branch the built-in packages leave untaken.

    Treaties at four rungs and three wordings; troops of treaty guarantors in the country (the
    tripwire shifts their honour and costs the aggressor) and next door (it does not); a
    tripwire and a monitoring mission (warning), one arriving at a given month; aircraft whose
    government promised air support (they fly when it answers) and whose did not (they fly
    with the engagement probability); a treaty guarantor without aircraft (its surge); naval
    assets and ISR the package pays for; a settlement with every attribute the survey weighs.
    """
    return {
        "base": base,
        "provisions": {"agreement": "agreement", "third_party_guarantee": True},
        "treaties": [
            Treaty(guarantor="us", rung="ground-troops", wording="deems-necessary"),
            Treaty(guarantor="uk", rung="ground-troops", wording="shall-armed-force"),
            Treaty(guarantor="fr", rung="air-naval-support", wording="deems-necessary"),
            Treaty(guarantor="de", rung="arms", wording="consult"),
        ],
        "troops": [
            TroopDeployment(guarantor="uk", size=10000, mission="reassurance", location="rear",
                            rules_of_engagement="defend"),
            TroopDeployment(guarantor="fr", size=3000, mission="tripwire", location="front",
                            arrival_months=2),
            TroopDeployment(guarantor="coalition", size=2000, mission="monitoring",
                            location="front", arrival_months=30),
            TroopDeployment(guarantor="de", size=5000, mission="deep-defence",
                            location="neighbour", rules_of_engagement="defend"),
        ],
        "aircraft": [
            AirDeployment(guarantor="uk", aircraft_type="typhoon", count=24,
                          basing="in-country"),
            AirDeployment(guarantor="fr", aircraft_type="rafale", count=20, distance_km=450),
            AirDeployment(guarantor="coalition", aircraft_type="f-16", count=30,
                          distance_km=300),
            AirDeployment(guarantor="de", aircraft_type="f-35a", count=12, distance_km=2000),
        ],
        "naval": NavalAssets(naval_drones=50, patrol_aircraft=2),
        "isr": {"level": {"value": 0.9, "unit": "share", "assumption": "test"}},
        "settlement": {"territory": "most", "jobs": True, "eu_accession": True,
                       "less_corruption": True},
    }


def _with(package: str, **fields: object) -> guaranty.Scenario:
    return UKRAINE.with_package(package, Package.model_validate(fields))


@pytest.mark.parametrize("lens", [None, "gorenburg", "miron"])
def test_engine_matches_reference_with_every_instrument_at_once(lens: str | None) -> None:
    scenario = _with("everything", **_everything())
    plan = compile_plan(scenario, "everything", lens)
    assert plan.treaties and plan.troops and plan.aircraft and not plan.vetoed
    assert_same(plan, plan.registry.sample(16, 0, WORLDS))


def test_engine_matches_reference_under_a_p5_veto() -> None:
    """The aggressor in the contingent: treaties void, no political cost, monitors stay."""
    fields = _everything("p5-peacekeepers")
    fields["peacekeepers"] = Peacekeepers(members=["us", "uk", "fr", "aggressor", "cn"],
                                          size=10000, location="front")
    scenario = _with("vetoed", **fields)
    plan = compile_plan(scenario, "vetoed", "gorenburg")
    assert plan.vetoed
    assert_same(plan, plan.registry.sample(17, 0, WORLDS))


def test_engine_matches_reference_at_the_instruments_edges() -> None:
    scenario = _with("everything", **_everything())
    plan = compile_plan(scenario, "everything", "gorenburg")
    p = {k: v.copy() for k, v in plan.registry.sample(18, 0, WORLDS).items()}
    edge = np.arange(WORLDS) % 12  # one edge per world, so that no two meet
    cats = plan.categories
    p["intel.mobilisation_months"][edge == 0] = 0.0  # instant mobilisation
    p["campaign.war_months"][edge == 1] = 0.1  # every guarantor arrives after the war
    p["aggressor.fleet"][edge == 2] = 0.0  # no blockade
    for c in plan.fighters:
        p[f"aggressor.stock.{cats[c]}"][edge == 3] = 0.0  # nothing contests the sky
        p[f"defender.stock.{cats[c]}"][edge == 4] = 0.0
    for c in plan.air_defence:
        p[f"defender.stock.{cats[c]}"][edge == 4] = 0.0  # the defender's air power is allies'
    for g in plan.guarantors:
        p[f"guarantor.{g}.response_draw"][edge == 5] = 1e-7  # every guarantor honours
        p[f"guarantor.{g}.response_draw"][edge == 6] = 1.0 - 1e-7  # every one fails
        p[f"guarantor.{g}.troop_pool"][edge == 7] = 1.0  # no force can be found
    p["guarantors.base_reliability"][edge == 8] = 1.0  # kept a float epsilon inside (0, 1)
    p["air.salvo_missiles_per_month"][edge == 9] = 0.0
    p["refugees.risk_aversion"][edge == 10] = 0.0
    p["economy.guarantee_signal_weight"][edge == 11] = 1.0
    assert_same(plan, p)

"""Allied instruments: each changes the outcome through its mechanism, at a visible cost."""

from __future__ import annotations

import json

import numpy as np
import pytest

import guaranty
from guaranty.calibration.alliances import reliability
from guaranty.cli import main
from guaranty.scenario import Scenario
from guaranty.scenario.schema import AirDeployment, NavalAssets, Treaty, TroopDeployment

WORLDS, SEED = 1500, 11
ISSUE_PACKAGES = {"ceasefire-only", "strong-army", "istanbul-2022", "monitoring-6k",
                  "reassurance-force", "sky-shield", "deep-defence", "bilateral-article5",
                  "p5-peacekeepers", "black-sea-shield"}


def _pair(scenario: Scenario, base: str, **add: object) -> tuple[dict, dict]:
    """Means of p_war_120m and cost for ``base`` and for ``base`` plus one instrument."""
    current = scenario.packages[base].model_dump()
    for key, value in add.items():
        current[key] = value
    with_it = scenario.with_package("with-instrument",
                                    scenario.packages[base].model_validate(current))
    results = guaranty.simulate(with_it, [base, "with-instrument"], worlds=WORLDS, seed=SEED)
    out = []
    for name in (base, "with-instrument"):
        out.append({m: results.metric(name, m).mean
                    for m in ("p_war_120m", "cost_usd_bn_per_year")})
    return out[0], out[1]


INSTRUMENTS = {
    "monitoring troops": {"troops": [TroopDeployment(guarantor="uk", size=6000,
                                                     mission="monitoring", location="front")]},
    "reassurance troops": {"troops": [TroopDeployment(guarantor="fr", size=5000,
                                                      mission="reassurance", location="rear",
                                                      rules_of_engagement="defend")]},
    "deep-defence troops": {"troops": [TroopDeployment(guarantor="uk", size=10000,
                                                       mission="deep-defence", location="front",
                                                       rules_of_engagement="defend")]},
    "aircraft": {"aircraft": [AirDeployment(guarantor="coalition", aircraft_type="f-16",
                                            count=48, basing="neighbour", distance_km=450)]},
    "naval assets": {"naval": NavalAssets(naval_drones=100, anti_ship_missiles=50)},
    "ISR": {"isr": {"level": {"value": 0.95, "unit": "share", "assumption": "test"}}},
    "treaty": {"treaties": [Treaty(guarantor="uk", rung="ground-troops",
                                   wording="deems-necessary")]},
}


@pytest.mark.parametrize("name", list(INSTRUMENTS))
def test_each_instrument_never_raises_the_risk_and_shows_its_cost(
    ukraine: Scenario, name: str
) -> None:
    without, with_it = _pair(ukraine, "strong-army", **INSTRUMENTS[name])
    assert with_it["p_war_120m"] <= without["p_war_120m"] + 1e-9
    assert with_it["cost_usd_bn_per_year"] > without["cost_usd_bn_per_year"]


def test_run_json_covers_every_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "scenarios/ukraine-2025.yaml", "-n", "200", "--seed", "1", "--json"])
    doc = json.loads(capsys.readouterr().out)
    names = {p["name"] for p in doc["packages"]}
    assert names == ISSUE_PACKAGES
    p5 = next(p for p in doc["packages"] if p["name"] == "p5-peacekeepers")
    assert any(r.startswith("defender") for r in p5["rejected_by"])


def test_an_infeasible_force_request_is_reported(ukraine: Scenario) -> None:
    results = guaranty.simulate(ukraine, ["deep-defence", "monitoring-6k"], worlds=400, seed=2)
    assert results.metric("deep-defence", "troops_feasible").mean == 0.0
    assert results.metric("monitoring-6k", "troops_feasible").mean == 1.0


def test_lenses_diverge_on_monitors_through_the_tripwire(ukraine: Scenario) -> None:
    """Gorenburg (hypothesis a) against Miron (b): the monitors' effect differs, and it is the
    tripwire terms that make it differ."""
    effect = {}
    for lens in ("gorenburg", "miron"):
        r = guaranty.simulate(ukraine, ["ceasefire-only", "monitoring-6k"], worlds=WORLDS,
                              seed=SEED, lens=lens)
        effect[lens] = (r.metric("ceasefire-only", "p_war_120m").mean
                        - r.metric("monitoring-6k", "p_war_120m").mean)
    # The magnitudes moved with the campaign model (issue 10); the divergence remains.
    assert effect["gorenburg"] > 0.03 and effect["gorenburg"] > 1.5 * effect["miron"]
    # Switch the tripwire off inside Gorenburg's lens: most of his monitors' effect goes.
    lens = ukraine.lenses["gorenburg"]
    off = {**lens.parameters,
           "tripwire.response_shift": {"value": 0.0, "unit": "log-odds", "assumption": "off"},
           "tripwire.political_cost": {"value": 0.0, "unit": "value", "assumption": "off"}}
    tweaked = ukraine.model_copy(update={"lenses": {
        **ukraine.lenses, "no-tripwire": lens.model_validate({**lens.model_dump(),
                                                              "parameters": off})}})
    r = guaranty.simulate(tweaked, ["ceasefire-only", "monitoring-6k"], worlds=WORLDS,
                          seed=SEED, lens="no-tripwire")
    without = (r.metric("ceasefire-only", "p_war_120m").mean
               - r.metric("monitoring-6k", "p_war_120m").mean)
    assert without < 0.5 * effect["gorenburg"]


def test_base_reliability_is_the_fit_listed_with_its_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fit = reliability(treaty_type="defense", era="post-1945", coding="LLM")
    with pytest.raises(SystemExit):
        main(["params", "--json"])
    record = next(r for r in json.loads(capsys.readouterr().out)
                  if r["name"] == "guarantors.base_reliability")
    assert record["sample_size"] == fit.n == 43
    assert "Berkemeier & Fuhrmann" in record["source"]
    a, b = fit.honoured + 0.5, fit.n - fit.honoured + 0.5  # Jeffreys posterior
    assert record["distribution"].startswith(f"beta(a={a:g}, b={b:g}")


def test_p5_veto_removes_any_response(ukraine: Scenario) -> None:
    pkg = ukraine.packages["p5-peacekeepers"].model_dump()
    pkg["treaties"] = [Treaty(guarantor="us", rung="ground-troops", wording="shall-armed-force")]
    vetoed = ukraine.with_package("p5-with-treaty",
                                  ukraine.packages["p5-peacekeepers"].model_validate(pkg))
    r = guaranty.simulate(vetoed, ["p5-peacekeepers", "p5-with-treaty"], worlds=400, seed=3)
    np.testing.assert_array_equal(r.outcomes["p5-peacekeepers"]["p_war_120m"],
                                  r.outcomes["p5-with-treaty"]["p_war_120m"])

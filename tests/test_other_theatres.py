"""Other dyads than Ukraine and Russia: scoped defaults, the validate warning, the fields other
cases need (each moves the metric it should, or is refused), and the Finland scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import guaranty
from guaranty.cli import main
from guaranty.errors import ScenarioError
from guaranty.params import UKRAINE_SCOPE, Registry, default_registry, scoped_in_force
from guaranty.scenario import Scenario, parse_scenario
from guaranty.scenario.compile import scenario_registry

DATA = Path(__file__).parent / "data"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
FINLAND = Path("scenarios/finland-2024.yaml")
WORLDS = 600


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def _p_war(scenario: Scenario, package: str, metric: str = "p_war_horizon") -> float:
    results = guaranty.simulate(scenario, [package], worlds=WORLDS, seed=7)
    return results.metric(package, metric).mean


NEUTRALISED = ("forces.space_density_threshold", "decision.misperception_bias",
               "campaign.surprise_multiplier", "forces.infantry_weight", "forces.sanctions_drag",
               "decision.sanctions_cost", "intel.c2_resilience", "intel.base_warning_months")
"""Defaults first set on Ukraine 2022-25, now theatre-neutral (the Ukraine scenarios set them)."""


def _scoped() -> list[str]:
    return sorted(name for name, p in default_registry().items() if p.scope == UKRAINE_SCOPE)


def test_neutralised_defaults_are_no_longer_scoped() -> None:
    scoped = _scoped()
    assert not set(NEUTRALISED) & set(scoped)
    # Of the twelve scoped in the first version at most four remain; the mobile-war pair was
    # added later, set from the opening of 2022 alone (docs/calibration.md), and is scoped.
    mobile = {"campaign.mobile_casualties_per_defender_per_month",
              "campaign.mobile_exchange_ratio"}
    assert mobile <= set(scoped)
    assert len(set(scoped) - mobile) <= 4


def test_a_scenario_that_sets_a_scoped_default_clears_its_scope() -> None:
    name = "decision.misperception_bias"
    old = default_registry()[name]
    scoped = default_registry().merged({name: old.model_copy(update={"scope": UKRAINE_SCOPE})})
    assert [p.name for p in scoped_in_force(scoped, "Northland", "Southland")] == [
        *_scoped_in(scoped)]
    assert name in _scoped_in(scoped)
    assert scoped_in_force(scoped, "Ukraine", "Russia") == []
    overridden = scoped.overridden(name, {"dist": "fixed", "value": 0.1}, assumption="mine")
    assert overridden[name].scope is None
    assert name not in [p.name for p in scoped_in_force(overridden, "Northland", "Southland")]


def _scoped_in(registry: Registry) -> list[str]:
    return [name for name, p in registry.items() if p.scope == UKRAINE_SCOPE]


def test_params_json_shows_the_scope(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["params", "--json"], capsys)
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert [n for n, r in rows.items() if r["scope"] == UKRAINE_SCOPE] == [
        n for n in rows if n in _scoped()]
    assert all(rows[n]["scope"] is None for n in NEUTRALISED)
    assert rows["decision.gain"]["scope"] is None


def test_another_dyad_without_parameters_keeps_fewer_ukraine_defaults() -> None:
    minimal = parse_scenario(MINIMAL, name="minimal.yaml")
    assert not minimal.parameters.keys() & set(NEUTRALISED)
    left = [p.name for p in scoped_in_force(scenario_registry(minimal), "Northland",
                                            "Southland")]
    assert left == _scoped()
    assert not set(NEUTRALISED) & set(left)


def test_validate_warns_when_another_dyad_keeps_a_ukraine_default(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "northland.yaml"
    path.write_text(MINIMAL, "utf-8")
    code, out, err = _cli(["validate", str(path)], capsys)
    assert code == 0 and "ok" in out
    scoped = _scoped()
    if scoped:  # each default still scoped is named; the neutralised ones never are
        assert "warning" in err and all(name in err for name in scoped)
    else:
        assert err == ""
    assert not any(name in err for name in NEUTRALISED)
    code, out, err = _cli(["validate", "scenarios/ukraine-2025.yaml"], capsys)
    assert code == 0 and err == ""


def test_finland_validates_without_warnings_and_keeps_no_ukraine_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(["validate", str(FINLAND)], capsys)
    assert code == 0 and err == ""
    code, out, _ = _cli(["params", "--scenario", str(FINLAND), "--json"], capsys)
    assert code == 0
    assert [r["name"] for r in json.loads(out) if r["scope"]] == []
    scenario = guaranty.load_scenario(FINLAND)
    results = guaranty.simulate(scenario, worlds=200, seed=1, months=24)
    for name in results.packages:
        assert 0 <= results.metric(name, "p_war_24m").mean <= 1


def _minimal(**extra: str) -> Scenario:
    text = MINIMAL
    for old, new in extra.items():
        assert old in text
        text = text.replace(old, new, 1)
    return parse_scenario(text, name="minimal.yaml")


def test_reserves_raise_the_defenders_strength_and_lower_the_risk() -> None:
    base = _minimal()
    reserved = _minimal(**{"  readiness: {dist: triangular": "  reserves: {value: 150000, "
                           "unit: persons, assumption: \"Made up.\"}\n"
                           "  readiness: {dist: triangular"})
    registry = scenario_registry(reserved)
    assert registry["defender.reserves"].distribution.mean == 150000
    assert _p_war(reserved, "baseline") < _p_war(base, "baseline")


def test_forces_committed_elsewhere_lower_the_risk() -> None:
    base = _minimal()
    busy = _minimal(**{"  personnel_ceiling:": "  committed_elsewhere: {value: 80000, "
                       "unit: persons, assumption: \"Made up.\"}\n  personnel_ceiling:"})
    assert _p_war(busy, "baseline") < _p_war(base, "baseline")


def test_an_aggressor_without_sea_access_has_no_fleet_here(ukraine: Scenario) -> None:
    theatre = ukraine.theatre.model_copy(update={
        "aggressor_reach": ukraine.theatre.aggressor_reach.model_copy(update={"sea": False})})
    landlocked = ukraine.model_copy(update={"theatre": theatre})
    assert scenario_registry(landlocked)["aggressor.fleet"].distribution.mean == 0
    assert scenario_registry(ukraine)["aggressor.fleet"].distribution.mean > 0
    assert (_p_war(landlocked, "ceasefire-only", "p_war_24m")
            < _p_war(ukraine, "ceasefire-only", "p_war_24m"))


def test_constitutional_processes_wording_is_weaker_than_article_5(ukraine: Scenario) -> None:
    package = ukraine.packages["bilateral-article5"]
    weaker = package.model_copy(update={"treaties": [
        t.model_copy(update={"wording": "constitutional-processes"})
        for t in package.treaties]})
    variant = ukraine.model_copy(update={"packages": {**ukraine.packages,
                                                      "bilateral-article5": weaker}})
    assert (_p_war(variant, "bilateral-article5")
            > _p_war(ukraine, "bilateral-article5"))


def test_peacekeepers_present_at_the_start_deter_from_month_one(ukraine: Scenario) -> None:
    package = ukraine.packages["p5-peacekeepers"]
    assert package.peacekeepers is not None
    early = package.model_copy(update={"peacekeepers": package.peacekeepers.model_copy(
        update={"arrival_months": 0.0, "members": ["us", "uk", "fr", "cn"]})})
    late = package.model_copy(update={"peacekeepers": package.peacekeepers.model_copy(
        update={"arrival_months": 24.0, "members": ["us", "uk", "fr", "cn"]})})
    runs = {}
    for label, pkg in (("early", early), ("late", late)):
        variant = ukraine.model_copy(update={"packages": {**ukraine.packages,
                                                          "p5-peacekeepers": pkg}})
        runs[label] = guaranty.simulate(variant, ["p5-peacekeepers"], worlds=WORLDS, seed=3,
                                        months=36).metric("p5-peacekeepers",
                                                          "p_war_horizon").mean
    assert runs["early"] < runs["late"]


GUARANTOR = """
guarantors:
  westland:
    name: Westland
    troop_pool: {value: 1000, unit: persons, assumption: "Made up."}
    cost_per_soldier_year_usd: {value: 100000, unit: USD, assumption: "Made up."}
    will: {value: 0.5, unit: share, assumption: "Made up."}
    response_delay_months: {value: 1, unit: months, assumption: "Made up."}
"""


@pytest.mark.parametrize(("text", "words"), [
    (MINIMAL + GUARANTOR + "    nuclear: true\n", "nuclear: true is not modelled"),
    (MINIMAL + GUARANTOR + "    party: aggressor\n", "party: aggressor is not modelled"),
    (MINIMAL.replace("  population:", "  aggressor_reach: {land: false}\n  population:", 1),
     "land: false is not modelled"),
])
def test_what_is_not_modelled_is_refused_with_its_reason(text: str, words: str) -> None:
    assert text != MINIMAL
    with pytest.raises(ScenarioError, match=words):
        parse_scenario(text, name="minimal.yaml")
    assert parse_scenario(MINIMAL + GUARANTOR, name="minimal.yaml").guarantors

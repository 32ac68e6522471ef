"""Optimisation over levers (guaranty.analysis.optimise, guaranty.analysis.levers, the levers:
section): decoding, package building, the Pareto front, acceptance and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from guaranty.analysis import levers as lv
from guaranty.analysis.optimise import optimise
from guaranty.cli import main
from guaranty.errors import InputError, ScenarioError
from guaranty.scenario import load_scenario
from guaranty.scenario.levers import Levers
from guaranty.testing import TINY_SCENARIO, tiny_scenario

SCENARIO = "ukraine-2025"


def tiny_with_levers():  # type: ignore[no-untyped-def]
    levers = Levers.model_validate({"base": "armed", "items": {
        "brigade": {"set": "troops", "guarantor": "northmark", "mission": "reassurance",
                    "low": 0, "high": 6000, "step": 1000, "assumption": "A test lever."},
        "treaty": {"set": "treaty", "guarantor": "northmark",
                   "options": ["none", "arms", "ground-troops"], "assumption": "A test."}}})
    return tiny_scenario().model_copy(update={"levers": levers})


def test_decode_and_build() -> None:
    scenario = tiny_with_levers()
    setting = lv.decode(scenario, np.array([0.52, 0.99]))
    assert setting == {"brigade": 3000.0, "treaty": "ground-troops"}
    package = lv.build(scenario, setting)
    assert [t.size for t in package.troops] == [3000.0]
    assert [(t.guarantor, t.rung) for t in package.treaties] == [("northmark", "ground-troops")]
    empty = lv.build(scenario, lv.decode(scenario, np.array([0.0, 0.0])))
    assert empty.troops == [] and empty.treaties == []


def test_the_built_in_scenario_has_levers_that_build() -> None:
    scenario = load_scenario(SCENARIO)
    assert len(scenario.levers.items) >= 8
    for u in (0.0, 0.5, 1.0):
        setting = lv.decode(scenario, np.full(len(scenario.levers.items), u))
        lv.build(scenario, setting)
        choice = lv.choice(scenario, setting)
        assert set(choice) == set(scenario.negotiation.issues)
    top = lv.decode(scenario, np.ones(len(scenario.levers.items)))
    assert lv.choice(scenario, top)["foreign-troops"] == "reassurance"


def test_front_is_non_dominated_and_reproducible() -> None:
    scenario = tiny_with_levers()
    one = optimise(scenario, ["p_war_24m", "cost_usd_bn_per_year"],
                   constraints=["troops_feasible>=0.5"], population=8, generations=2,
                   worlds=150, seed=2)
    two = optimise(scenario, ["p_war_24m", "cost_usd_bn_per_year"],
                   constraints=["troops_feasible>=0.5"], population=8, generations=2,
                   worlds=150, seed=2)
    assert one.to_dict() == two.to_dict()
    assert one.front and one.evaluated == 16
    f = np.array([[p.objectives["p_war_24m"], p.objectives["cost_usd_bn_per_year"]]
                  for p in one.front])
    for i in range(len(f)):
        dominated = np.all(f <= f[i], axis=1) & np.any(f < f[i], axis=1)
        assert not dominated.any()
    assert all(p.constraints["troops_feasible>=0.5"] >= 0.5 for p in one.front)
    doc = one.to_dict()
    assert set(doc["front"][0]) >= {"levers", "objectives"}


def test_optimise_on_the_built_in_scenario_names_who_accepts() -> None:
    result = optimise(load_scenario(SCENARIO), constraints=["troops_feasible>=0.9"],
                      population=8, generations=2, worlds=120, seed=1)
    assert result.front
    assert result.parties == ("defender", "aggressor", "us", "europe")
    for p in result.front:
        assert set(p.accepted_by) <= set(result.parties)
        assert set(p.levers) == set(load_scenario(SCENARIO).levers.items)
    costs = [p.objectives["cost_usd_bn_per_year"] for p in result.front]
    assert costs == sorted(costs, reverse=True)  # sorted by risk: less risk costs more


def test_bad_input() -> None:
    with pytest.raises(InputError, match="no levers"):
        optimise(tiny_scenario(), ["p_war_24m"])
    with pytest.raises(InputError, match="unknown metric"):
        optimise(tiny_with_levers(), ["nope"], population=4, generations=1, worlds=20)
    with pytest.raises(InputError, match="<= or >="):
        optimise(tiny_with_levers(), ["p_war_24m"], constraints=["troops_feasible>0.5"])


def test_levers_section_errors_have_a_place(tmp_path: Path) -> None:
    text = TINY_SCENARIO.read_text() + (
        "\nlevers:\n  base: armed\n  items:\n"
        "    brigade: {set: troops, guarantor: nowhere, mission: reassurance, low: 0, high: 10,"
        " assumption: x}\n"
        "    money: {set: caps.personnel, low: 5, high: 1, assumption: x}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "bad.yaml:" in message and "low < high" in message


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["optimise", SCENARIO, "--constraint", "troops_feasible>=0.9", "--population",
              "6", "--generations", "1", "-n", "60", "--seed", "1", "--json"])
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["front"]
    for args, message in ((["--objectives", "nope"], "unknown metric"),
                          (["--constraint", "x"], "metric<=value"),
                          (["--lens", "nope"], "unknown lens")):
        with pytest.raises(SystemExit) as done:
            main(["optimise", SCENARIO, "--population", "4", "--generations", "1", "-n", "20",
                  *args])
        assert done.value.code == 2
        assert message in capsys.readouterr().err

"""Robust comparison (guaranty.analysis.robust): pairwise shares of worlds on common random
numbers, regret, satisficing, robustness across lenses, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guaranty.analysis.robust import compare_packages, parse_rule, robustness
from guaranty.cli import main
from guaranty.engine import simulate
from guaranty.errors import InputError
from guaranty.testing import TINY_SCENARIO, tiny_scenario

METRIC = "p_war_24m"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return compare_packages(tiny_scenario(), lens="all", metrics=[METRIC, "p_hold_given_war"],
                            satisfice=[f"{METRIC}<=0.2"], worlds=600, seed=3, anchor=False)


def test_pairs_count_the_worlds_where_each_package_is_better(result) -> None:  # type: ignore[no-untyped-def]
    scenario = tiny_scenario()
    runs = {"default": simulate(scenario, worlds=600, seed=3, anchor=False),
            "sceptic": simulate(scenario, worlds=600, seed=3, lens="sceptic", anchor=False)}
    pair = result.pair("ceasefire", "guaranteed", METRIC)
    a = np.concatenate([r.outcomes[pair.a][METRIC] for r in runs.values()])
    b = np.concatenate([r.outcomes[pair.b][METRIC] for r in runs.values()])
    assert pair.p_a_better == pytest.approx(np.mean(a < b))  # lower is better
    assert pair.p_b_better == pytest.approx(np.mean(a > b))
    assert pair.p_a_better + pair.p_b_better + pair.p_tie == pytest.approx(1.0)
    assert set(pair.a_by_lens) == {"default", "sceptic"}
    lows = min(pair.b_by_lens.values())
    assert pair.robust == (lows >= 0.9 or min(pair.a_by_lens.values()) >= 0.9)
    assert len([p for p in result.pairs if p.metric == METRIC]) == 3


def test_regret_and_satisficing(result) -> None:  # type: ignore[no-untyped-def]
    ms = {m.package: m for m in result.measures if m.metric == METRIC}
    assert all(m.regret_mean >= 0 and m.regret_p90 >= 0 for m in ms.values())
    best, share = result.best(METRIC)
    assert ms[best].regret_mean == min(m.regret_mean for m in ms.values())
    assert 0 <= share <= 1
    runs = [simulate(tiny_scenario(), ["armed"], worlds=600, seed=3, lens=lens, anchor=False)
            for lens in (None, "sceptic")]
    y = np.concatenate([r.outcomes["armed"][METRIC] for r in runs])
    assert ms["armed"].satisficing == pytest.approx(np.mean(y <= 0.2))
    # a higher-is-better metric is oriented: its regret is still a distance to the best
    hold = [m for m in result.measures if m.metric == "p_hold_given_war"]
    assert all(m.regret_mean >= 0 for m in hold)


def test_json_contract(result) -> None:  # type: ignore[no-untyped-def]
    doc = result.to_dict()
    assert doc["lenses"] == ["default", "sceptic"]
    for pair in doc["pairs"]:
        assert set(pair) >= {"a", "b", "metric", "p_a_better", "robust"}
        assert isinstance(pair["robust"], bool)


def test_runs_without_common_random_numbers_are_refused() -> None:
    scenario = tiny_scenario()
    with pytest.raises(InputError, match="common random numbers"):
        robustness({"a": simulate(scenario, worlds=50, seed=1, anchor=False),
                    "b": simulate(scenario, worlds=50, seed=2, anchor=False)})


def test_rules() -> None:
    rule = parse_rule("p_war_120m<=0.1")
    assert (rule.metric, rule.op, rule.value) == ("p_war_120m", "<=", 0.1)
    for bad in ("p_war_120m=0.1", "p_war_120m<=x", "<=0.1"):
        with pytest.raises(InputError, match="metric<=value"):
            parse_rule(bad)


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["compare", str(TINY_SCENARIO), "--metric", METRIC, "--satisfice",
              f"{METRIC}<=0.2", "-n", "200", "--seed", "1", "--no-anchor", "--json"])
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["pairs"]
    for args, message in ((["--metric", "nope"], "unknown metric"),
                          (["--lens", "nope", "--metric", METRIC], "unknown lens"),
                          (["--satisfice", "p_war<0.1", "--metric", METRIC], "unknown metric"),
                          (["--satisfice", "junk", "--metric", METRIC], "metric<=value")):
        with pytest.raises(SystemExit) as done:
            main(["compare", str(TINY_SCENARIO), "-n", "50", "--no-anchor", *args])
        assert done.value.code == 2
        assert message in capsys.readouterr().err

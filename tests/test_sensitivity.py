"""Global sensitivity (guaranty.analysis.sensitivity): known answers through the same code path
as the engine, grouping, origins, the engine end to end and the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from guaranty.analysis.factors import Factor, group_names, origin_of
from guaranty.analysis.sensitivity import (
    drivers,
    indices,
    one_at_a_time,
    saltelli_rows,
    sensitivity,
)
from guaranty.cli import main
from guaranty.engine import simulate
from guaranty.errors import InputError
from guaranty.params import Parameter
from guaranty.testing import TINY_SCENARIO, tiny_scenario

A, B = 7.0, 0.1


def ishigami(u: np.ndarray) -> np.ndarray:
    """SALib's Ishigami function on the unit cube mapped to [-pi, pi]^3."""
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> dict[str, float]:
    """The analytic indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1_x1": v1 / v, "S1_x2": v2 / v, "S1_x3": 0.0, "ST_x1": (v1 + v13) / v,
            "ST_x2": v2 / v, "ST_x3": v13 / v, "S2_x1_x3": v13 / v}


def factors(*names: str) -> list[Factor]:
    return [Factor(n, (n,), ("assumption",)) for n in names]


def test_sobol_reproduces_the_analytic_ishigami_indices(any_seed: int) -> None:
    result = indices(factors("x1", "x2", "x3"), ishigami, method="sobol", n=4096,
                     seed=any_seed)
    exact = ishigami_indices()
    by_name = {i.name: i for i in result.indices}
    for name in ("x1", "x2", "x3"):
        i = by_name[name]
        assert i.S1 is not None and i.S1_conf is not None
        assert i.ST is not None and i.ST_conf is not None
        # Within two bootstrap 95 % half-widths (about four standard errors) at N = 4096.
        assert abs(i.S1 - exact[f"S1_{name}"]) <= 2 * i.S1_conf
        assert abs(i.ST - exact[f"ST_{name}"]) <= 2 * i.ST_conf
    s13, conf = result.second_order[("x1", "x3")]
    assert abs(s13 - exact["S2_x1_x3"]) <= 2 * conf
    assert [i.name for i in result.indices] == ["x1", "x2", "x3"]  # ranked by ST
    assert result.evaluations == 4096 * 8
    assert result.converged


def test_grouped_sobol_on_a_linear_function_gives_the_groups_share_of_variance() -> None:
    # y = x1 + x2 + 2 x3 with uniform x: the group {x1, x2} has 2/6 of the variance, x3 4/6.
    grouped = [Factor("a", ("x1", "x2"), ("source", "assumption")),
               Factor("b", ("x3",), ("assumption",))]
    result = indices(grouped, lambda u: u[:, 0] + u[:, 1] + 2 * u[:, 2], n=2048, seed=3,
                     second_order=False)
    got = {i.name: i for i in result.indices}
    for name, share in (("a", 1 / 3), ("b", 2 / 3)):
        i = got[name]
        assert i.S1 is not None and i.S1_conf is not None and i.ST is not None
        assert abs(i.S1 - share) <= 1.5 * i.S1_conf + 1e-3
        assert abs(i.ST - share) <= 0.02
    assert got["a"].factor.origin == "mixed"


def test_saltelli_rows_swap_a_whole_group() -> None:
    a, b = np.zeros((2, 3)), np.ones((2, 3))
    rows = saltelli_rows(a, b, [np.array([0, 1]), np.array([2])], second_order=True)
    assert rows.shape == (2 * 6, 3)
    np.testing.assert_array_equal(rows[:6], [[0, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1],
                                             [1, 1, 0], [1, 1, 1]])


def test_rbd_fast_and_morris_rank_the_ishigami_inputs() -> None:
    fast = indices(factors("x1", "x2", "x3"), ishigami, method="rbd-fast", n=4000, seed=2)
    exact = ishigami_indices()
    for i in fast.indices:
        assert i.S1 is not None and i.S1_conf is not None
        assert abs(i.S1 - exact[f"S1_{i.name}"]) <= 2 * i.S1_conf + 0.01
    morris = indices(factors("x1", "x2", "x3"), ishigami, method="morris", n=64, seed=2)
    assert all(i.mu_star is not None and i.mu_star > 0 for i in morris.indices)
    assert morris.evaluations == 64 * 4


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="power of two"):
        indices(factors("x1"), ishigami, n=100)
    with pytest.raises(InputError, match="method"):
        indices(factors("x1"), ishigami, method="fast")
    with pytest.raises(InputError, match="single parameters"):
        indices([Factor("g", ("x1", "x2"), ("source", "source"))], ishigami, method="rbd-fast")
    with pytest.raises(InputError, match="undefined"):
        indices(factors("x1"), lambda u: np.full(len(u), np.nan), n=8)


def test_grouping_by_prefix_depth_and_count() -> None:
    names = ["a.x", "a.y.p", "a.y.q", "b.z", "c"]
    assert group_names(names, "prefix") == {"a": ["a.x", "a.y.p", "a.y.q"], "b": ["b.z"],
                                            "c": ["c"]}
    assert list(group_names(names, "prefix:2")) == ["a.x", "a.y", "b.z", "c"]
    assert list(group_names(names, "none")) == names
    assert len(group_names(names, 4)) == 4  # the largest family is split first
    assert len(group_names(names, 99)) == 5  # nothing left to split
    with pytest.raises(InputError, match="groups"):
        group_names(names, "family")


def test_origin_flags() -> None:
    def p(**kw: object) -> Parameter:
        return Parameter.model_validate({"name": "x", "unit": "share",
                                         "distribution": {"dist": "fixed", "value": 0.5}, **kw})

    assert origin_of(p(source="A book")) == "source"
    assert origin_of(p(assumption="A judgement")) == "assumption"
    assert origin_of(p(source="A fit", sample_size=40)) == "fitted"
    assert origin_of(p(source="anchored: to history")) == "fitted"


def test_engine_sensitivity_is_reproducible_and_flags_origins() -> None:
    scenario = tiny_scenario()
    one = sensitivity(scenario, "guaranteed", "p_war_24m", n=32, seed=5, anchor=False,
                      second_order=False)
    two = sensitivity(scenario, "guaranteed", "p_war_24m", n=32, seed=5, anchor=False,
                      second_order=False)
    assert [i.to_dict() for i in one.indices] == [i.to_dict() for i in two.indices]
    doc = one.to_dict()
    assert set(doc) >= {"package", "metric", "method", "n", "indices"}
    assert doc["package"] == "guaranteed" and doc["metric"] == "p_war_24m"
    for row in doc["indices"]:
        assert set(row) >= {"name", "S1", "S1_conf", "ST", "ST_conf", "origin"}
        assert row["origin"] in ("source", "fitted", "assumption", "mixed")
    # Every factor is a family of parameters the package's chain reads.
    members = [m["name"] for row in doc["indices"] for m in row["members"]]
    assert all(name.split(".")[0] == row["name"] for row in doc["indices"]
               for name in [m["name"] for m in row["members"]])
    assert len(members) == len(set(members))


def test_engine_sensitivity_rejects_unknown_names() -> None:
    scenario = tiny_scenario()
    with pytest.raises(InputError, match="unknown package"):
        sensitivity(scenario, "nope", n=8)
    with pytest.raises(InputError, match="unknown metric"):
        sensitivity(scenario, "armed", "p_war_12", n=8, anchor=False)


def test_drivers_read_the_runs_own_worlds() -> None:
    results = simulate(tiny_scenario(), ["armed"], worlds=600, seed=2, anchor=False)
    found = drivers(results, "armed", "p_war_24m")
    assert found.method == "rbd-fast" and found.n == 600
    assert all(len(i.factor.members) == 1 for i in found.indices)
    assert found.indices[0].S1 is not None and found.indices[-1].score <= found.indices[0].S1


def test_cli_json_contract_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["sensitivity", str(TINY_SCENARIO), "-p", "armed", "--metric", "p_war_24m",
              "--n", "16", "--seed", "1", "--no-anchor", "--json"])
    assert done.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["method"] == "sobol" and doc["n"] == 16 and doc["indices"]
    for args, message in ((["-p", "nope"], "unknown package"),
                          (["-p", "armed", "--metric", "nope"], "unknown metric"),
                          (["-p", "armed", "--method", "fast"], "--method"),
                          (["-p", "armed", "--metric", "p_war_24m", "--n", "100"],
                           "power of two")):
        with pytest.raises(SystemExit) as done:
            main(["sensitivity", str(TINY_SCENARIO), *args])
        assert done.value.code == 2
        assert message in capsys.readouterr().err


def test_one_at_a_time_ranks_a_linear_function_as_sobol_does() -> None:
    grouped = [Factor("a", ("x1", "x2"), ("source", "source")),
               Factor("b", ("x3",), ("assumption",)), Factor("c", ("x4",), ("fitted",))]

    def f(u: np.ndarray) -> np.ndarray:
        return u[:, 0] + u[:, 1] + 3 * u[:, 2] + 0.1 * u[:, 3]

    sweep = one_at_a_time(grouped, f)
    assert [name for name, _ in sweep] == ["b", "a", "c"]
    assert sweep[0][1] == pytest.approx(3 * 0.9)
    ranked = indices(grouped, f, n=512, seed=1, second_order=False)
    assert [i.name for i in ranked.indices] == [name for name, _ in sweep]

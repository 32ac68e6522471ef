"""guaranty.analysis.compare_lenses: one run per lens, same seed, same numbers as simulate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import guaranty
from guaranty.analysis import HEADLINE_METRICS, compare_lenses

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


def test_compare_lenses_runs_default_then_each_lens() -> None:
    scenario = guaranty.load_scenario(MINIMAL)
    comparison = compare_lenses(scenario, ["armed"], worlds=60, seed=3, anchor=False)
    assert comparison.lenses == ["default", *scenario.lenses]
    assert comparison.packages == ["armed"]
    assert (comparison.scenario, comparison.seed, comparison.worlds) == ("northland", 3, 60)
    assert comparison.metrics and set(comparison.metrics) <= set(HEADLINE_METRICS)
    lens = next(iter(scenario.lenses))
    alone = guaranty.simulate(scenario, ["armed"], worlds=60, seed=3, lens=lens, anchor=False)
    np.testing.assert_array_equal(comparison.runs[lens].outcomes["armed"]["p_war_horizon"],
                                  alone.outcomes["armed"]["p_war_horizon"])
    assert comparison.metric(lens, "armed", "p_war_12m") == alone.metric("armed", "p_war_12m")
    doc = comparison.to_dict()
    assert list(doc["lenses"]) == comparison.lenses
    assert doc["lenses"][lens] == alone.to_dict() | {"version": doc["lenses"][lens]["version"]}
    frame = comparison.to_pandas()
    assert frame.index.names == ["lens", "package", "metric"]
    assert set(frame.index.get_level_values("lens")) == set(comparison.lenses)

"""Scenario discovery (guaranty.analysis.discovery): PRIM and CART recover a planted box, the
engine end to end, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from guaranty.analysis.discovery import discover, discover_scenario, ks_distance
from guaranty.cli import main
from guaranty.errors import InputError
from guaranty.testing import TINY_SCENARIO, tiny_scenario

BOX = {"p0": (0.2, 0.6), "p1": (0.5, 0.9)}


def planted(seed: int, n: int = 4000, dims: int = 6) -> tuple[pd.DataFrame, np.ndarray]:
    """Uniform inputs; the synthetic metric fails exactly inside BOX."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, dims)), columns=[f"p{i}" for i in range(dims)])
    y = np.ones(n, dtype=bool)
    for name, (lo, hi) in BOX.items():
        y &= x[name].between(lo, hi).to_numpy()
    return x, y


def test_prim_recovers_a_planted_box(any_seed: int) -> None:
    x, y = planted(any_seed)
    found = discover(x, y, dims=None)
    prim = found.prim[0]
    assert set(prim.limits) == set(BOX)  # no other dimension restricted
    # Each face within a few peels of the truth (alpha = 5 % of the remaining worlds).
    for name, (lo, hi) in BOX.items():
        got_lo, got_hi = prim.limits[name]
        assert abs(got_lo - lo) <= 0.07 and abs(got_hi - hi) <= 0.07
    assert prim.density >= 0.8 and prim.coverage >= 0.8 and prim.meets_density
    # The peeling trajectory trades coverage for density.
    assert prim.trajectory[0]["coverage"] == 1.0
    assert prim.trajectory[0]["density"] == pytest.approx(y.mean())
    # CART's largest failing leaf lies inside the box (a tree may cut it in two leaves).
    cart = found.cart[0]
    assert set(cart.limits) == set(BOX) and cart.density >= 0.9 and cart.coverage >= 0.5
    for name, (lo, hi) in BOX.items():
        assert cart.limits[name][0] >= lo - 0.03 and cart.limits[name][1] <= hi + 0.03


def test_screening_keeps_the_dimensions_that_matter() -> None:
    x, y = planted(2, dims=30)
    assert set(ks_distance(x, y).index[:2]) == set(BOX)
    assert set(discover(x, y, dims=5, cart=False).prim[0].limits) <= set(BOX)


def test_a_condition_that_splits_no_worlds_is_an_input_error() -> None:
    x, y = planted(0)
    with pytest.raises(InputError, match="no world fails"):
        discover(x, np.zeros(len(y), dtype=bool))
    with pytest.raises(InputError, match="exactly one"):
        discover_scenario(tiny_scenario(), "armed", "p_war_24m", worlds=50)


def test_discover_on_the_engine_names_parameters_with_their_origin() -> None:
    scenario = tiny_scenario()
    found = discover_scenario(scenario, "ceasefire", "p_war_24m", above=0.3, worlds=1500,
                              seed=4, anchor=False)
    doc = found.to_dict()
    assert doc["package"] == "ceasefire" and doc["boxes"]
    for box in doc["boxes"]:
        assert set(box) >= {"limits", "coverage", "density"}
        assert 0 <= box["coverage"] <= 1 and 0 <= box["density"] <= 1
        for name, (lo, hi) in box["limits"].items():
            assert lo <= hi and box["origins"][name] in ("source", "fitted", "assumption")


def test_cli_json_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["discover", str(TINY_SCENARIO), "-p", "ceasefire", "--metric", "p_war_24m",
              "--above", "0.3", "-n", "800", "--seed", "1", "--no-anchor", "--json"])
    assert done.value.code == 0
    assert "boxes" in json.loads(capsys.readouterr().out)
    for args, message in ((["--above", "x"], "--above"), ([], "exactly one"),
                          (["--above", "2", "--metric", "p_war_24m"], "no world fails"),
                          (["--above", "0.1", "--metric", "nope"], "unknown metric")):
        with pytest.raises(SystemExit) as done:
            main(["discover", str(TINY_SCENARIO), "-p", "ceasefire", "-n", "200",
                  "--no-anchor", *args])
        assert done.value.code == 2
        assert message in capsys.readouterr().err

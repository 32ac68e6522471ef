"""The theatre-neutral defaults that replaced Ukraine-scoped ones: each fitted default equals
its fit, each fit behaves on data with a known answer, and the Ukraine scenarios keep the
values they were calibrated with."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import guaranty
from guaranty.calibration import cdb90
from guaranty.calibration.neutral import misperception_interval
from guaranty.errors import DataError, InputError
from guaranty.params import default_registry, scoped_in_force
from guaranty.scenario.compile import scenario_registry

ROOT = Path(__file__).parent.parent

#: The Ukraine calibration of each neutralised default (the registry's values before), as
#: (low, high) of a uniform or (mean, sd) of a normal.
UKRAINE = {
    "forces.space_density_threshold": (300, 800),
    "forces.infantry_weight": (0.002, 0.006),
    "forces.sanctions_drag": (0.05, 0.3),
    "decision.sanctions_cost": (0.05, 0.4),
    "intel.c2_resilience": (0.5, 0.8),
    "intel.base_warning_months": (0, 1),
    "campaign.surprise_multiplier": (1, 1.5),
    "decision.misperception_bias": (0.3, 0.25),
}


def _pair(dist: object) -> tuple[float, float]:
    if hasattr(dist, "sd"):
        return float(dist.mean_), float(dist.sd)  # type: ignore[attr-defined]
    return float(dist.low), float(dist.high)  # type: ignore[attr-defined]


def test_the_ukraine_scenario_keeps_its_calibration() -> None:
    registry = scenario_registry(guaranty.load_scenario("ukraine-2025"))
    for name, pair in UKRAINE.items():
        assert _pair(registry[name].distribution) == pytest.approx(pair), name
        assert registry[name].scope is None
    assert scoped_in_force(registry, "Ukraine", "Russia") == []


@pytest.mark.parametrize("replay", ["ukraine-2022", "ukraine-2023-25"])
def test_the_replays_set_every_neutralised_default(replay: str) -> None:
    scenario = guaranty.load_scenario(ROOT / "scenarios" / "replays" / f"{replay}.yaml")
    assert set(UKRAINE) <= set(scenario.parameters)
    own = {"campaign.surprise_multiplier", "intel.base_warning_months"}  # set for the replay
    registry = scenario_registry(scenario)
    for name in set(UKRAINE) - own:
        assert _pair(registry[name].distribution) == pytest.approx(UKRAINE[name]), name


def test_the_registry_differs_from_the_ukraine_values() -> None:
    registry = default_registry()
    for name, pair in UKRAINE.items():
        param = registry[name]
        assert param.scope is None
        assert "Russia-Ukraine" in (param.source or param.assumption or ""), name
        if param.distribution.__class__.__name__ != "Lognormal":
            assert _pair(param.distribution) != pytest.approx(pair), name


def test_misperception_default_is_the_case_fit() -> None:
    fit = misperception_interval()
    dist = default_registry()["decision.misperception_bias"].distribution
    assert dist.mean_ == pytest.approx(fit["estimate"], abs=0.01)
    assert dist.sd == pytest.approx(fit["sd"], abs=0.01)
    assert fit["lo95"] > 0 and fit["hi95"] < 1.5  # the stored profile rejects 0 and 1.5


def test_misperception_interval_is_exact_on_a_quadratic_profile() -> None:
    grid = [-1.0, 0.0, 1.0, 2.0, 3.0]
    est, left, right = 1.2, 4.0, 1.0
    drop = [-(left if g < est else right) * (g - est) ** 2 for g in grid]
    doc = {"fit": {"parameters": {"bias": {"estimate": est}}},
           "profiles": [{"name": "bias", "grid": grid, "drop": drop}]}
    out = misperception_interval(doc)
    half = np.sqrt(3.841459 / 2)
    assert out["lo95"] == pytest.approx(est - half / np.sqrt(left), rel=1e-5)
    assert out["hi95"] == pytest.approx(est + half / np.sqrt(right), rel=1e-5)
    doc["profiles"][0]["drop"] = [d if g < est else -0.5 for g, d in zip(grid, drop, strict=True)]
    with pytest.raises(DataError, match="open on that side"):
        misperception_interval(doc)
    with pytest.raises(DataError, match="no profile"):
        misperception_interval({"fit": {}})


def test_surprise_default_is_the_cdb90_band() -> None:
    effect = cdb90.surprise_effect()
    assert (effect.n, effect.n_surprise) == (614, 166)
    assert effect.log_odds == pytest.approx(0.9565, abs=1e-3)
    assert effect.se == pytest.approx(0.2158, abs=1e-3)
    band = cdb90.surprise_multiplier_band(effect)
    dist = default_registry()["campaign.surprise_multiplier"].distribution
    assert dist.low == pytest.approx(band["p05"], abs=0.02)
    assert dist.high == pytest.approx(band["p95"], abs=0.02)
    # with the battle curve's own shallow slope, surprise would be worth a many-fold force
    assert effect.multiplier(effect.slope) > 5


def test_surprise_effect_recovers_a_planted_effect() -> None:
    rng = np.random.default_rng(5)
    n = 4000
    ratio = np.exp(rng.normal(0.0, 0.8, n))
    flag = rng.random(n) < 0.3
    p = 1.0 / (1.0 + np.exp(-(0.2 + 0.5 * np.log(ratio) + 1.0 * flag)))
    won = rng.random(n) < p
    battles = {"ISQNO": np.arange(n), "STRA": 1000 * ratio, "STRD": np.full(n, 1000.0),
               "WINA": np.where(won, 1.0, -1.0)}
    import pandas as pd
    effect = cdb90.surprise_effect(pd.DataFrame(battles), pd.DataFrame(
        {"ISQNO": np.arange(n), "SURPA": np.where(flag, 2.0, 0.0)}))
    assert abs(effect.log_odds - 1.0) < 3 * effect.se
    assert abs(effect.slope - 0.5) < 0.15


def test_surprise_file_is_checked(tmp_path: Path) -> None:
    copy = tmp_path / "surprise.csv"
    shutil.copy(ROOT / "data" / "cdb90" / "surprise.csv", copy)
    assert len(cdb90.load_surprise(copy)) == 660
    copy.write_text(copy.read_text().replace("\n1,0\n", "\n1,3\n", 1))
    with pytest.raises(DataError, match="SHA-256"):
        cdb90.load_surprise(copy)


def test_space_threshold_is_not_identified_and_bounds_the_default() -> None:
    profile = cdb90.space_threshold_profile()
    assert profile.n == 575
    assert profile.range < 5  # a nearly flat profile across two orders of magnitude
    assert min(profile.accepted) == 1500 and max(profile.accepted) == max(profile.thresholds)
    dist = default_registry()["forces.space_density_threshold"].distribution
    assert float(dist.ppf(np.array([0.95]))[0]) <= min(profile.accepted)
    with pytest.raises(InputError, match="thresholds"):
        cdb90.space_threshold_profile(thresholds=[0.0, 100.0])


def test_space_threshold_profile_finds_a_planted_threshold() -> None:
    rng = np.random.default_rng(11)
    n = 5000
    strd = np.full(n, 10_000.0)
    width = np.exp(rng.uniform(np.log(1.0), np.log(100.0), n))  # 100-10,000 per km
    stra = strd * np.exp(rng.normal(0.0, 0.7, n))
    space = np.minimum(1.0, strd / width / 1000.0)
    p = 1.0 / (1.0 + np.exp(-1.5 * np.log(stra / (strd * space))))
    won = rng.random(n) < p
    import pandas as pd
    profile = cdb90.space_threshold_profile(pd.DataFrame(
        {"STRA": stra, "STRD": strd, "WOFD1": width, "WINA": np.where(won, 1.0, -1.0)}))
    assert profile.best == 1000
    assert profile.range > 20

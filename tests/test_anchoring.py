"""Anchoring of the base hazard to the outside view, and the outside view beside the model."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import guaranty
from guaranty.cli import main
from guaranty.engine import calibrate
from guaranty.engine.anchoring import (
    FIT_SEED,
    FIT_WORLDS,
    REFERENCE_PACKAGE,
    REFERENCE_SCENARIO,
    AnchorCache,
    cumulative_hazards,
    episodes,
    log_likelihood,
    normal_scores,
    shaped,
    stored_anchor,
    survival_curve,
)
from guaranty.outside import hazard_ratio, outside_estimate
from guaranty.params import default_registry
from guaranty.scenario import Provisions
from guaranty.scenario.compile import compile_plan


def test_the_stored_factor_is_the_fits_optimum() -> None:
    """The stored factor maximises the likelihood of history's whole curve: its neighbours
    on either side are worse (a stale fit, after the decision block changed, fails here)."""
    anchor = stored_anchor()
    registry = default_registry()["decision.base_hazard_scale"].distribution
    assert registry.median == pytest.approx(anchor.scale, rel=1e-6)  # type: ignore[union-attr]
    assert registry.sigma == pytest.approx(anchor.sd_log, rel=1e-6)  # type: ignore[union-attr]
    assert anchor.scenario == REFERENCE_SCENARIO and anchor.package == REFERENCE_PACKAGE
    assert anchor.sd_log > 0 and set(anchor.curve or {}) == {"12", "24", "60", "120"}
    plan = compile_plan(guaranty.load_scenario(REFERENCE_SCENARIO), REFERENCE_PACKAGE, None)
    raw = cumulative_hazards(plan, FIT_SEED, FIT_WORLDS)
    assert anchor.hazard_shape is not None
    cumulative = shaped(raw, anchor.hazard_shape)
    scores = normal_scores(FIT_SEED, FIT_WORLDS)
    d, failed = episodes()
    assert len(d) == 69 and failed.sum() == 18  # 23 renewals, five of them after ten years

    def loglik(mu: float) -> float:
        return log_likelihood(survival_curve(cumulative, scores, mu, anchor.sd_log), d, failed)

    mu = math.log(anchor.scale)
    best = loglik(mu)
    assert best == pytest.approx(anchor.log_likelihood, abs=1e-6)
    assert loglik(mu - 0.05) < best and loglik(mu + 0.05) < best
    # The shape, fitted with the factor, is the profile optimum too, with its interval.
    shape = default_registry()["decision.hazard_shape"].distribution
    assert shape.median == pytest.approx(anchor.hazard_shape, rel=1e-6)  # type: ignore[union-attr]
    lo, hi = anchor.hazard_shape_interval or (0.0, 0.0)
    assert lo < anchor.hazard_shape < hi

    mu0 = math.log(anchor.scale_fit_without_spread or math.nan)  # the joint fit at sigma 0

    def profile(rho: float) -> float:
        curve = survival_curve(shaped(raw, rho), scores, mu0, 0.0)
        return log_likelihood(curve, d, failed)

    at = profile(anchor.hazard_shape)
    assert profile(anchor.hazard_shape * 0.9) < at and profile(anchor.hazard_shape * 1.1) < at
    # The curve, not the 120-month point alone: the model is near history at every checkpoint.
    for row in (anchor.curve or {}).values():
        assert abs(row["model"] - row["target"]) < 0.06


def test_every_run_uses_the_stored_anchor_whatever_the_seed(ukraine: guaranty.Scenario) -> None:
    on = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=300, seed=2)
    other = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=300, seed=9,
                              anchor=AnchorCache())
    off = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=300, seed=2, anchor=False)
    assert off.anchor is None and on.anchor == stored_anchor() == other.anchor
    scale = on.registries["ceasefire-only"]["decision.base_hazard_scale"]
    assert scale.distribution.median == pytest.approx(on.anchor.scale)  # type: ignore[union-attr]
    assert "anchored" in (scale.source or "")
    assert off.registries["ceasefire-only"]["decision.base_hazard_scale"].distribution.mean == 1
    # The factor is sampled per world: its spread is in the worlds' values.
    drawn = on.inputs("ceasefire-only", ["decision.base_hazard_scale"]).iloc[:, 0]
    assert drawn.std() > 0.3 * on.anchor.scale


def test_unanchored_results_sit_beside_the_anchored(ukraine: guaranty.Scenario) -> None:
    on = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=300, seed=4)
    off = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=300, seed=4, anchor=False)
    raw = on.unanchored("ceasefire-only")
    assert off.unanchored("ceasefire-only") == {}
    scale = on.inputs("ceasefire-only", ["decision.base_hazard_scale"]).iloc[:, 0].to_numpy()
    for name in ("p_war_24m", "p_war_120m", "p_war_horizon"):
        p = on.outcomes["ceasefire-only"][name].astype(float)
        q = off.outcomes["ceasefire-only"][name].astype(float)
        fine = p < 0.9999  # exact wherever the anchored P(war) is not rounded to 1
        assert fine.mean() > 0.9
        assert -np.expm1(np.log1p(-p[fine]) / scale[fine]) == pytest.approx(q[fine], abs=1e-5)
        assert raw[name].mean == pytest.approx(off.metric("ceasefire-only", name).mean,
                                               abs=0.005)
    doc = on.to_dict()["packages"][0]
    assert doc["unanchored"]["p_war_120m"]["mean"] == pytest.approx(raw["p_war_120m"].mean)
    assert doc["metrics"]["p_war_120m"]["mean"] > doc["unanchored"]["p_war_120m"]["mean"]


def _halved(tmp_path: Path) -> Path:
    """The built-in scenario with the aggressor's army halved (people, stocks, ceilings)."""
    doc = yaml.safe_load(Path("scenarios/ukraine-2025.yaml").read_text("utf-8"))
    side = doc["aggressor"]

    def half(entry: dict[str, object]) -> None:
        for key in ("value", "low", "mode", "high"):
            if isinstance(entry.get(key), int | float):
                entry[key] = entry[key] / 2  # type: ignore[operator]

    for key in ("personnel", "personnel_ceiling", "recruitment_per_month"):
        half(side[key])
    for group in ("stocks", "stock_ceilings"):
        for entry in side.get(group, {}).values():
            half(entry)
    path = tmp_path / "halved.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    return path


def test_halving_the_aggressor_lowers_the_anchor_packages_risk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    risk = {}
    for label, path in (("original", Path("scenarios/ukraine-2025.yaml")),
                        ("halved", _halved(tmp_path))):
        with pytest.raises(SystemExit) as stop:
            main(["run", str(path), "-p", "ceasefire-only", "--worlds", "800", "--seed", "3",
                  "--json", "--no-headline"])
        assert stop.value.code == 0
        doc = json.loads(capsys.readouterr().out)
        metric = doc["packages"][0]["metrics"]["p_war_120m"]
        risk[label] = (metric["mean"], metric["se"])
        assert doc["anchor"]["base_hazard_scale"] == stored_anchor().scale
    (orig, se_o), (halved, se_h) = risk["original"], risk["halved"]
    assert halved < orig - 3 * math.hypot(se_o, se_h)


def test_reordering_packages_changes_nothing(ukraine: guaranty.Scenario) -> None:
    names = ["bilateral-article5", "ceasefire-only", "strong-army"]
    one = guaranty.simulate(ukraine, names, worlds=200, seed=6, months=60)
    two = guaranty.simulate(ukraine, names[::-1], worlds=200, seed=6, months=60)
    for name in names:
        for metric in ("p_war_60m", "p_war_horizon"):
            assert one.metric(name, metric) == two.metric(name, metric)
    assert one.anchor == two.anchor


def test_a_scenario_specific_anchor_can_still_be_fitted_and_passed(
        ukraine: guaranty.Scenario) -> None:
    anchor = calibrate(ukraine, package="strong-army", worlds=300, bootstrap=3, seed=1)
    assert anchor.package == "strong-army" and anchor.sd_log > 0
    results = guaranty.simulate(ukraine, ["strong-army"], worlds=100, seed=1, anchor=anchor)
    assert results.anchor is anchor
    assert results.registries["strong-army"]["decision.base_hazard_scale"].distribution.median \
        == pytest.approx(anchor.scale)  # type: ignore[union-attr]


def test_calibrate_anchor_command_prints_the_fit(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", "anchor", "--bootstrap", "2", "--json"])
    assert stop.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["written"] == [] and doc["stored"]["scenario"] == REFERENCE_SCENARIO
    # Same inputs, same optimum: the point fit (the bootstrap only sets the spread).
    assert doc["fit"]["scale_fit_without_spread"] == pytest.approx(
        stored_anchor().scale_fit_without_spread, rel=1e-4)


def test_transport_follows_proportional_hazards() -> None:
    bare = outside_estimate(Provisions())
    treaty = outside_estimate(Provisions(agreement="agreement"))
    hr = hazard_ratio(Provisions(agreement="agreement"))
    assert hr < 1 and bare.hazard_ratio == 1.0
    for months in (60, 120):
        f0, f1 = bare.p_war[months][0], treaty.p_war[months][0]
        assert 1 - f1 == pytest.approx((1 - f0) ** hr)
    assert math.isclose(treaty.hazard_ratio, hr)


def test_unmappable_provisions_are_reported_not_guessed() -> None:
    dmz = outside_estimate(Provisions(dmz=True))
    assert dmz.hazard_ratio == 1.0
    assert any(u.startswith("dmz") for u in dmz.unmapped)

"""Anchoring of the base hazard to the outside view, and the outside view beside the model."""

from __future__ import annotations

import math

import pytest

import guaranty
from guaranty.engine import calibrate
from guaranty.history.interstate import base_rate
from guaranty.outside import hazard_ratio, outside_estimate
from guaranty.scenario import Provisions


def test_anchor_package_matches_the_interstate_base_rate(ukraine: guaranty.Scenario) -> None:
    anchor = calibrate(ukraine, seed=5)
    target = base_rate("interstate", "all", months=(120,), level=0.9).p_war[120][0]
    assert anchor.package == "ceasefire-only"
    assert anchor.target == pytest.approx(target)
    assert anchor.achieved == pytest.approx(target, abs=1e-6)
    results = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=4000, seed=5)
    s = results.metric("ceasefire-only", "p_war_120m")
    # Other worlds than the calibration set: equal within Monte Carlo error.
    assert abs(s.mean - target) < 4 * s.se + 0.01


def test_unanchored_runs_use_the_base_hazard_as_given(ukraine: guaranty.Scenario) -> None:
    on = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=500, seed=2)
    off = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=500, seed=2, anchor=False)
    assert off.anchor is None and on.anchor is not None
    scale = on.registries["ceasefire-only"]["decision.base_hazard_scale"]
    assert scale.distribution.mean == pytest.approx(on.anchor.scale)
    assert "anchored" in (scale.source or "")
    assert off.registries["ceasefire-only"]["decision.base_hazard_scale"].distribution.mean == 1


def test_outside_metrics_in_the_run_json(ukraine: guaranty.Scenario) -> None:
    doc = guaranty.simulate(ukraine, worlds=200, seed=1).to_dict()
    assert doc["anchor"]["package"] == "ceasefire-only"
    for package in doc["packages"]:
        for name in ("outside_p_war_60m", "outside_p_war_120m"):
            m = package["metrics"][name]
            assert 0 <= m["p05"] <= m["mean"] <= m["p95"] <= 1
        assert package["outside_view"]["reference_n"] == 69


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

"""What a guarantee buys people: packages that lower the risk raise investment and returns."""

from __future__ import annotations

import guaranty
from guaranty.scenario import Scenario

METRICS = ("investment_usd_bn_per_year", "reconstruction_needs_met_share_120m",
           "refugees_returned_m_60m", "refugees_returned_m_120m")


def test_metrics_are_in_the_run_json(ukraine: Scenario) -> None:
    doc = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=200, seed=1).to_dict()
    assert set(METRICS) <= set(doc["packages"][0]["metrics"])


def test_lower_risk_raises_investment_and_returns(ukraine: Scenario) -> None:
    # Same settlement (a bare ceasefire, Russia keeps the territory); the treaty package
    # lowers the risk of renewed war, so both investment and returns rise.
    r = guaranty.simulate(ukraine, ["strong-army", "bilateral-article5"], worlds=1500, seed=4)
    assert (r.metric("bilateral-article5", "p_war_120m").mean
            < r.metric("strong-army", "p_war_120m").mean)
    for metric in METRICS:
        assert (r.metric("bilateral-article5", metric).mean
                > r.metric("strong-army", metric).mean), metric


def test_the_investment_effect_runs_through_the_risk_premium(ukraine: Scenario) -> None:
    """With no premium (no capital lost in war), the package's investment gain disappears
    except for what the peace path adds: the effect is traceable to the premium's parameter."""
    zero = {"value": 0.0, "unit": "share", "assumption": "test: no capital at risk"}
    scen = ukraine.model_copy(update={"parameters": {
        **ukraine.parameters,
        "economy.loss_share_in_war": guaranty.scenario.Quantity.model_validate(zero)}})
    base = guaranty.simulate(ukraine, ["strong-army", "bilateral-article5"], worlds=800, seed=5)
    flat = guaranty.simulate(scen, ["strong-army", "bilateral-article5"], worlds=800, seed=5)

    def gain(r: guaranty.Results) -> float:
        return (r.metric("bilateral-article5", "investment_usd_bn_per_year").mean
                - r.metric("strong-army", "investment_usd_bn_per_year").mean)

    assert gain(flat) < gain(base)

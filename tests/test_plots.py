"""The figure functions: each returns a plotly Figure with the traces its docstring names,
drawn from the objects it is given (a small run, hand-built analysis records)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import guaranty
from guaranty import plots
from guaranty.analysis import LensComparison, discover
from guaranty.analysis.factors import Factor
from guaranty.analysis.optimise import Optimum, Point
from guaranty.analysis.sensitivity import indices
from guaranty.negotiation import (
    NegotiationResult,
    Problem,
    RedLine,
    acceptable,
    concessions,
    feasible,
    kalai_smorodinsky,
    nash,
    pareto_front,
)
from guaranty.testing import tiny_scenario

PACKAGES = ["ceasefire-only", "strong-army", "istanbul-2022"]


@pytest.fixture(scope="module")
def results() -> guaranty.Results:
    scenario = guaranty.load_scenario("ukraine-2025")
    return guaranty.simulate(scenario, packages=PACKAGES, worlds=400, seed=11)


def names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def test_p_war_by_month_draws_each_package_with_its_band_and_history(results) -> None:
    fig = plots.p_war_by_month(results)
    assert isinstance(fig, go.Figure)
    for package in PACKAGES:
        [line] = [t for t in fig.data if t.name == package]
        assert list(line.x) == [0, 12, 24, 60, 120]
        means = [results.mean(package, f"p_war_{t}m") for t in (12, 24, 60, 120)]
        assert list(line.y) == pytest.approx([0.0, *means])
        low, high = (next(t for t in fig.data if t.name == f"{package} {e}")
                     for e in ("low", "high"))
        assert high.fill == "tonexty"
        assert high.y[-1] == pytest.approx(results.metric(package, "p_war_120m").p95)
        assert low.y[-1] == pytest.approx(results.metric(package, "p_war_120m").p05)
        assert all(lo <= hi for lo, hi in zip(low.y, high.y, strict=True))
        history = next(t for t in fig.data if t.name == f"{package} (history)")
        estimate = results.outside[package].p_war[120][0]
        assert history.y[-1] == pytest.approx(estimate)
        assert history.line.dash == "dash"
    # one panel per package, titled with its name
    assert [a.text for a in fig.layout.annotations] == PACKAGES


def test_p_war_by_month_takes_a_denser_outside_view(results) -> None:
    from guaranty.outside import outside_estimate

    scenario = guaranty.load_scenario("ukraine-2025")
    months = tuple(range(0, 121, 6))
    dense = {p: outside_estimate(scenario.packages[p].provisions, months=months)
             for p in PACKAGES}
    fig = plots.p_war_by_month(results, outside=dense)
    history = next(t for t in fig.data if t.name == "strong-army (history)")
    assert list(history.x) == list(months)


def test_cost_risk_is_one_point_per_package_and_hollow_when_rejected(results) -> None:
    fig = plots.cost_risk(results)
    assert names(fig) == PACKAGES
    for trace in fig.data:
        r = results.metric(trace.name, "p_war_120m")
        c = results.metric(trace.name, "cost_usd_bn_per_year")
        assert trace.y[0] == pytest.approx(r.mean) and trace.x[0] == pytest.approx(c.mean)
        assert trace.error_y.array[0] == pytest.approx(r.p95 - r.mean)
        assert trace.error_x.arrayminus[0] == pytest.approx(c.mean - c.p05)
        rejected = bool(results.rejections.get(trace.name))
        assert (trace.marker.symbol == "circle-open") == rejected
    assert results.rejections["istanbul-2022"]  # the test sees both kinds


def test_people_and_economy_has_both_panels(results) -> None:
    fig = plots.people_and_economy(results)
    assert names(fig) == PACKAGES * 2
    refugees = fig.data[1]
    assert list(refugees.x) == [12, 60, 120]
    assert refugees.y[-1] == pytest.approx(results.mean(PACKAGES[1], "refugees_returned_m_120m"))


def test_lenses_side_by_side_is_one_bar_trace_per_lens() -> None:
    scenario = tiny_scenario()
    runs = {lens or "default": guaranty.simulate(scenario, worlds=200, seed=3, lens=lens)
            for lens in (None, *scenario.lenses)}
    comparison = LensComparison(runs)
    fig = plots.lenses_side_by_side(comparison, "p_war_horizon")
    assert names(fig) == ["default", *scenario.lenses]
    for trace in fig.data:
        assert list(trace.x) == comparison.packages
        se = [comparison.metric(trace.name, p, "p_war_horizon").se for p in comparison.packages]
        assert list(trace.error_y.array) == pytest.approx([1.96 * s for s in se])


def ishigami(x: np.ndarray) -> np.ndarray:
    z = -math.pi + 2 * math.pi * x
    return np.sin(z[:, 0]) + 7 * np.sin(z[:, 1]) ** 2 + 0.1 * z[:, 2] ** 4 * np.sin(z[:, 0])


def test_drivers_bars_show_sobol_s1_and_st_largest_on_top() -> None:
    factors = [Factor(n, (n,), ("source",)) for n in ("x1", "x2", "x3")]
    result = indices(factors, ishigami, method="sobol", n=256, seed=1, second_order=False)
    fig = plots.drivers_bars(result)
    assert names(fig) == ["ST", "S1"]
    st = fig.data[0]
    assert list(st.y) == [i.name for i in result.indices][::-1]
    assert st.x[-1] == pytest.approx(result.indices[0].ST)


def test_drivers_bars_show_rbd_fast_s1_only(results) -> None:
    found = guaranty.analysis.drivers(results, "strong-army", worlds=400)
    fig = plots.drivers_bars(found, top=5)
    assert names(fig) == ["S1"]
    assert len(fig.data[0].y) == 5


def test_prim_boxes_scale_each_limit_to_its_range() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.uniform(0, 10, 1500), "b": rng.uniform(0, 1, 1500),
                      "c": rng.uniform(0, 1, 1500)})
    fails = (x["a"].to_numpy() > 7) & (x["b"].to_numpy() < 0.5)
    found = discover(x, fails, cart=False)
    ranges = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    fig = plots.prim_boxes(found, ranges)
    assert names(fig)[:3] == ["box 1 trajectory", "box 1 chosen", "box 1"]
    bars = fig.data[2]
    limits = found.prim[0].limits
    assert set(limits) >= {"a", "b"}
    k = list(bars.y).index("a (box 1)")
    assert bars.base[k] == pytest.approx((limits["a"][0] - ranges["a"][0])
                                         / (ranges["a"][1] - ranges["a"][0]), abs=1e-9)
    assert bars.base[k] >= 0 and bars.base[k] + bars.x[k] <= 1 + 1e-9


def negotiation_result() -> NegotiationResult:
    utility = np.array([[0.9, 0.7, 0.4, 0.2], [0.1, 0.4, 0.6, 0.8]])
    line = RedLine(party=1, text="aggressor rejects troops = yes",
                   concession="the aggressor accepts troops", rules_out=np.array(
                       [True, True, True, True]))
    problem = Problem(("defender", "aggressor"), utility, np.array([0.3, 0.3]), (line,))
    packages = tuple({"troops": t, "money": m} for t in ("yes", "no") for m in ("lo", "hi"))
    return NegotiationResult(
        scenario="x", seed=0, worlds=10, lens=None, problem=problem, packages=packages,
        security={i: {"p_war_120m": 0.1 * (i + 1)} for i in range(4)},
        acceptable=acceptable(problem), feasible=feasible(problem),
        pareto=tuple(pareto_front(problem.utility, feasible(problem))), nash=nash(problem),
        kalai_smorodinsky=kalai_smorodinsky(problem), concessions=tuple(concessions(problem)))


def test_acceptance_map_rows_are_parties_and_the_zone() -> None:
    result = negotiation_result()
    fig = plots.acceptance_map(result)
    heat = fig.data[0]
    assert heat.name == "acceptance"
    assert list(heat.y) == ["defender", "aggressor", "all (zone of agreement)"]
    assert np.array(heat.z).tolist() == [[1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_concessions_bars_list_what_opens_a_zone() -> None:
    result = negotiation_result()
    assert result.concessions  # the red line closes every package
    fig = plots.concessions_bars(result)
    assert names(fig) == ["concessions"]
    assert list(fig.data[0].x) == [c.feasible for c in result.concessions]


def test_pareto_front_colours_points_by_parties_accepting() -> None:
    def point(risk: float, cost: float, who: tuple[str, ...]) -> Point:
        return Point({"troops": risk}, {"p_war_120m": risk, "cost_usd_bn_per_year": cost},
                     {}, who, {})

    front = (point(0.1, 50.0, ("defender",)), point(0.2, 30.0, ("defender", "us")))
    optimum = Optimum(front, (*front, point(0.3, 60.0, ())),
                      ("p_war_120m", "cost_usd_bn_per_year"), (), 3, 3, 10, 0, ("default",),
                      ("defender", "aggressor", "us"))
    fig = plots.pareto_front(optimum)
    assert names(fig) == ["candidates", "Pareto front"]
    assert list(fig.data[1].x) == [30.0, 50.0]
    assert list(fig.data[1].marker.color) == [2, 1]


def test_kaplan_meier_curves_one_panel_per_grouping() -> None:
    from guaranty.history import curves_by

    groups = {by: curves_by(by=by) for by in ("peacekeeping", "outcome")}
    fig = plots.kaplan_meier_curves(groups)
    lines = [t for t in fig.data if t.showlegend is not False]
    assert len(lines) == 5
    first = groups["peacekeeping"][0]
    assert lines[0].name.startswith(f"peacekeeping: {first.label} (n = {first.n}")
    assert lines[0].y[0] == 1.0 and list(lines[0].y[1:]) == pytest.approx(
        first.curve.survival.tolist())
    assert np.all(np.diff(lines[0].y) <= 0)  # survival never rises

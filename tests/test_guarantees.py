"""Guarantees that behave like guarantees (issue 11): one correlated decision, wording that
matters, tripwires through governments, force generation, the aggressor's own positions."""

from __future__ import annotations

import numpy as np
import pytest

import guaranty
from guaranty.scenario import Scenario
from guaranty.scenario.compile import compile_plan
from guaranty.scenario.schema import AggressorPositions, Package, Treaty, TroopDeployment

WORLDS, SEED = 3000, 5
NATO = ["us", "uk", "fr", "de", "coalition"]


def _with(scenario: Scenario, name: str, base: str, **levers: object) -> Scenario:
    data = scenario.packages[base].model_dump(exclude_unset=True)
    data.update(levers)
    return scenario.with_package(name, Package.model_validate(data))


def _p_war(results: guaranty.Results, package: str) -> tuple[float, float]:
    m = results.metric(package, "p_war_120m")
    return m.mean, m.se


def test_nato_as_one_treaty_or_five_rows_gives_the_same_risk(ukraine: Scenario) -> None:
    one = [Treaty(guarantors=NATO, rung="ground-troops", wording="deems-necessary")]
    rows = [Treaty(guarantor=g, rung="ground-troops", wording="deems-necessary") for g in NATO]
    s = _with(ukraine, "nato-one", "strong-army", treaties=one)
    s = _with(s, "nato-rows", "strong-army", treaties=rows)
    r = guaranty.simulate(s, ["nato-one", "nato-rows", "strong-army"], worlds=WORLDS, seed=SEED)
    (a, sa), (b, sb) = _p_war(r, "nato-one"), _p_war(r, "nato-rows")
    assert abs(a - b) <= 3 * np.hypot(sa, sb)
    assert a < _p_war(r, "strong-army")[0]  # and the treaty does something
    assert len(compile_plan(s, "nato-one").treaties) == 5


def test_a_treaty_must_name_its_guarantors_one_way() -> None:
    with pytest.raises(ValueError, match="either one guarantor"):
        Treaty(rung="arms")
    with pytest.raises(ValueError, match="either one guarantor"):
        Treaty(guarantor="uk", guarantors=["fr"], rung="arms")


def test_cohesion_makes_more_rows_matter_less(ukraine: Scenario) -> None:
    """With the fitted cohesion, a sixth and a seventh guarantor add less than under
    independent coin flips (review V2: the number of rows did the work)."""
    lens = ukraine.lenses["luzin"]
    indep = lens.model_validate({**lens.model_dump(), "parameters": {
        "guarantors.cohesion_correlation": {"value": 0.0, "unit": "ratio",
                                            "assumption": "independent (test)"}}})
    s = ukraine.model_copy(update={"lenses": {**ukraine.lenses, "independent": indep}})
    two = [Treaty(guarantor=g, rung="ground-troops") for g in ("uk", "fr")]
    five = [Treaty(guarantor=g, rung="ground-troops") for g in NATO]
    s = _with(s, "two", "strong-army", treaties=two)
    s = _with(s, "five", "strong-army", treaties=five)
    gain = {}
    for lens_name in (None, "independent"):
        r = guaranty.simulate(s, ["two", "five"], worlds=WORLDS, seed=SEED, lens=lens_name)
        gain[lens_name] = _p_war(r, "two")[0] - _p_war(r, "five")[0]
    assert gain[None] < gain["independent"]


def test_consult_wording_gives_back_much_of_the_treaty_effect(ukraine: Scenario) -> None:
    written = ukraine.packages["bilateral-article5"].treaties
    consult = [t.model_copy(update={"wording": "consult"}) for t in written]
    s = _with(ukraine, "consult", "bilateral-article5", treaties=consult)
    r = guaranty.simulate(s, ["strong-army", "bilateral-article5", "consult"], worlds=WORLDS,
                          seed=SEED)
    army, treaty, talk = (_p_war(r, n)[0] for n in ("strong-army", "bilateral-article5",
                                                   "consult"))
    assert treaty < talk < army
    assert talk - treaty >= 0.3 * (army - treaty)


def test_a_provocation_lens_makes_troops_raise_the_risk(ukraine: Scenario) -> None:
    r = guaranty.simulate(ukraine, ["ceasefire-only", "monitoring-6k"], worlds=WORLDS,
                          seed=SEED, lens="miron")
    # The same worlds: the paired difference and its standard error.
    diff = (r.outcomes["monitoring-6k"]["p_war_120m"].astype(float)
            - r.outcomes["ceasefire-only"]["p_war_120m"].astype(float))
    assert diff.mean() > 3 * diff.std() / np.sqrt(diff.size)


def test_a_preventive_lens_makes_a_build_up_riskier(ukraine: Scenario) -> None:
    """Hypothesis (c): the strong army's build-up closes the aggressor's window."""
    def gap(lens: str | None) -> float:
        r = guaranty.simulate(ukraine, ["ceasefire-only", "strong-army"], worlds=WORLDS,
                              seed=SEED, lens=lens)
        return _p_war(r, "ceasefire-only")[0] - _p_war(r, "strong-army")[0]

    assert gap("preventive-war") < gap(None)


def test_trainers_bind_their_government_less_than_a_brigade_on_the_line(
    ukraine: Scenario,
) -> None:
    """The tripwire scales with size, role and exposure, not a 0/1 'any troops present'."""
    trainers = [TroopDeployment(guarantor="uk", size=300, mission="training", location="rear")]
    brigade = [TroopDeployment(guarantor="uk", size=5000, mission="tripwire", location="front",
                               rules_of_engagement="defend")]
    s = _with(ukraine, "trainers", "strong-army", troops=trainers)
    s = _with(s, "brigade", "strong-army", troops=brigade)
    r = guaranty.simulate(s, ["strong-army", "trainers", "brigade"], worlds=WORLDS, seed=SEED,
                          lens="gorenburg")
    army, few, many = (_p_war(r, n)[0] for n in ("strong-army", "trainers", "brigade"))
    assert army - few < 0.2 * (army - many)


def test_troops_that_cannot_be_found_are_not_scored_as_deployed(ukraine: Scenario) -> None:
    """Asking for more than the pools hold adds nothing once the pools are exhausted."""
    asked = [TroopDeployment(guarantor="uk", size=10000, mission="deep-defence",
                             location="front", rules_of_engagement="defend")]
    more = [asked[0].model_copy(update={"size": 40000})]
    s = _with(ukraine, "pool", "strong-army", troops=asked)
    s = _with(s, "beyond", "strong-army", troops=more)
    r = guaranty.simulate(s, ["pool", "beyond"], worlds=800, seed=SEED)
    np.testing.assert_allclose(r.outcomes["pool"]["p_war_120m"],
                               r.outcomes["beyond"]["p_war_120m"], rtol=1e-5, atol=1e-7)
    assert r.metric("beyond", "troops_shortfall_share").mean == pytest.approx(0.75, abs=1e-6)


def test_aggressor_positions_keep_a_third_party_treatys_effect(ukraine: Scenario) -> None:
    treaty = [Treaty(guarantor="uk", rung="ground-troops", wording="shall-armed-force")]
    based = AggressorPositions(troops=8000, location="front", description="test garrison")
    s = _with(ukraine, "treaty", "strong-army", treaties=treaty)
    s = _with(s, "based", "strong-army", aggressor_positions=based)
    s = _with(s, "based-treaty", "strong-army", treaties=treaty, aggressor_positions=based)
    r = guaranty.simulate(s, ["strong-army", "treaty", "based", "based-treaty"],
                          worlds=WORLDS, seed=SEED)
    p = {n: _p_war(r, n)[0] for n in ("strong-army", "treaty", "based", "based-treaty")}
    # The garrison takes warning away: the war is likelier.
    assert p["based"] > p["strong-army"]
    # And the treaty keeps its effect beside it.
    plain, beside = p["strong-army"] - p["treaty"], p["based"] - p["based-treaty"]
    assert beside > 0.5 * plain > 0


def test_rejection_notes_come_from_the_negotiation_data(ukraine: Scenario) -> None:
    notes = compile_plan(ukraine, "p5-peacekeepers").rejected_by
    assert any(n.startswith("defender's red line on aggressor-role") for n in notes)
    # Without a negotiation section there is nobody on record to reject anything.
    bare = ukraine.model_copy(update={"negotiation": None})
    assert compile_plan(bare, "p5-peacekeepers").rejected_by == ()

"""The war model in the chain: its fitted reference ratio, the balance's effect, manpower."""

from __future__ import annotations

import numpy as np
import pytest

import guaranty
from guaranty.calibration.equipment import oryx_losses
from guaranty.engine.war import reference_ratio, reference_resupply, replay
from guaranty.params import default_registry
from guaranty.scenario.compile import scenario_registry
from guaranty.testing.forces import scaled


def test_the_registry_holds_the_fitted_reference_ratio(ukraine: guaranty.Scenario) -> None:
    fitted = reference_ratio(ukraine, worlds=4_000, seed=0)
    registered = default_registry()["campaign.reference_ratio"].distribution.mean
    assert registered == pytest.approx(fitted, rel=0.02)


def test_the_registry_holds_the_fitted_reference_resupply(ukraine: guaranty.Scenario) -> None:
    fitted = reference_resupply(ukraine, worlds=4_000, seed=0)
    registered = default_registry()["campaign.reference_resupply_ratio"].distribution.mean
    assert registered == pytest.approx(fitted, rel=0.02)


def test_the_equipment_losses_come_from_oryx(ukraine: guaranty.Scenario) -> None:
    losses = oryx_losses("Ukraine")["armoured_combat_vehicles"]
    registry = scenario_registry(ukraine)
    stock = sum(registry[f"defender.stock.{c}"].distribution.mean
                for c in ("tanks", "armoured-vehicles"))
    share = registry["campaign.equipment_loss_share_per_month"].distribution
    assert share.low == pytest.approx(losses.per_month / stock, rel=0.02)
    assert share.high == pytest.approx(2 * share.low, rel=0.01)
    assert 0.10 < losses.captured_share < losses.captured_or_abandoned_share < 0.25


def test_the_replay_of_today_is_near_the_record(ukraine: guaranty.Scenario) -> None:
    # The forces of 2025 at war at once, without surprise on a line like 2023-25's: the
    # attritional pace, casualties per km2 and exchange ratio of the record's order.
    out = replay(ukraine, "ceasefire-only", worlds=2_000, seed=3)
    assert 150 <= np.median(out["ground_km2_per_month"]) <= 1_200
    assert 40 <= np.median(out["casualties_per_km2"]) <= 250
    assert 1.0 <= np.median(out["exchange_ratio"]) <= 4.0


def test_halving_the_aggressors_manpower_lowers_the_risk(ukraine: guaranty.Scenario) -> None:
    half = scaled(ukraine, "aggressor", 0.5,
                  ("personnel", "recruitment_per_month", "personnel_ceiling"))
    base = guaranty.simulate(ukraine, ["ceasefire-only"], worlds=2_000, seed=5, anchor=False)
    less = guaranty.simulate(half, ["ceasefire-only"], worlds=2_000, seed=5, anchor=False)
    drop = (base.metric("ceasefire-only", "p_war_120m").mean
            - less.metric("ceasefire-only", "p_war_120m").mean)
    assert drop >= 0.02


def test_the_defenders_power_moves_the_war_smoothly_and_materially(
        ukraine: guaranty.Scenario) -> None:
    factors = (0.5, 0.75, 1.0, 1.5, 2.0)
    anchor = guaranty.calibrate(ukraine, seed=6)
    rows = []
    for f in factors:
        scenario = scaled(ukraine, "defender", f, ("personnel", "peacetime_personnel"),
                          stocks=True)
        r = guaranty.simulate(scenario, ["ceasefire-only"], worlds=1_500, seed=6,
                              anchor=anchor)
        rows.append([r.metric("ceasefire-only", m).mean for m in (
            "p_hold_given_war", "ground_lost_km2_given_war", "aggressor_casualties_given_war")])
    hold, ground, casualties = np.array(rows).T
    assert np.all(np.diff(hold) > 0) and np.all(np.diff(ground) < 0)
    assert np.all(np.diff(casualties) > 0)
    assert hold[-1] - hold[0] > 0.15 and ground[0] > 1.5 * ground[-1]


@pytest.fixture(scope="module")
def packages(ukraine: guaranty.Scenario) -> guaranty.Results:
    return guaranty.simulate(ukraine, ["ceasefire-only", "strong-army", "sky-shield",
                                       "deep-defence", "istanbul-2022"], worlds=3_000, seed=8)


def test_a_deep_defence_holds_the_line_more_often(packages: guaranty.Results) -> None:
    hold = {p: packages.metric(p, "p_hold_given_war").mean for p in packages.packages}
    assert hold["deep-defence"] >= hold["ceasefire-only"] + 0.08


def test_the_aggressors_losses_follow_the_balance(packages: guaranty.Results) -> None:
    losses = [packages.metric(p, "aggressor_casualties_given_war").mean
              for p in packages.packages]
    assert max(losses) >= 1.15 * min(losses)


def test_the_defender_denies_air_superiority_as_since_2022(packages: guaranty.Results) -> None:
    assert packages.metric("ceasefire-only", "p_air_denied_given_war").mean >= 0.5


def test_no_fighter_shield_can_cut_missile_leaks_by_15_percent(
        ukraine: guaranty.Scenario) -> None:
    # The ceiling of a zone shield of aircraft: make the allied layer stop every cruise
    # missile and drone it meets over the zone (unlimited aircraft, certain kills). The
    # ballistic missiles (~70 % of the leaks) and the cruise missiles outside the zone still
    # leak, so even this perfect shield removes only the zone's cruise missiles, ~12 %; the
    # drones it stops make the cut in all strikes several times larger (~39 %).
    from dataclasses import replace

    from guaranty.engine.chain import _leakage, init
    from guaranty.engine.inputs import prepare
    from guaranty.scenario.compile import compile_plan

    plan = compile_plan(ukraine, "strong-army")
    inputs = prepare(plan, plan.registry.sample(8, 0, 2_000), 13)
    state = init(inputs)
    ones = np.ones(2_000, dtype=np.float32)
    perfect = replace(inputs.air.allied, kill=(ones, ones, ones), kill_engaged=(ones, ones, ones))
    shielded = replace(inputs, air=replace(inputs.air, allied=perfect))
    none = _leakage(inputs, state, np.zeros(2_000, dtype=np.float32))
    best = _leakage(shielded, state, np.full(2_000, 1e6, dtype=np.float32))
    cut = 1.0 - best.missiles.mean() / none.missiles.mean()
    assert 0.05 < cut < 0.15
    strikes = 1.0 - ((best.missiles + best.drones).mean()
                     / (none.missiles + none.drones).mean())
    assert strikes > 2 * cut


def test_the_strikes_leaking_are_the_missiles_and_the_drones(
        packages: guaranty.Results) -> None:
    for p in packages.packages:
        world = {m: packages.outcomes[p][m] for m in (
            "missiles_leaking_per_month_given_war", "drones_leaking_per_month_given_war",
            "strikes_leaking_per_month_given_war")}
        both = (world["missiles_leaking_per_month_given_war"]
                + world["drones_leaking_per_month_given_war"])
        np.testing.assert_allclose(world["strikes_leaking_per_month_given_war"], both,
                                   rtol=1e-5)
        # One-way attack drones are most of what leaks by count (2025: ~4,000 drones and
        # ~130 missiles fired a month).
        assert (packages.metric(p, "drones_leaking_per_month_given_war").mean
                > 5 * packages.metric(p, "missiles_leaking_per_month_given_war").mean)


def test_sky_shield_lets_fewer_strikes_through(packages: guaranty.Results) -> None:
    # What air policing is for: the zone's cruise missiles and drones. Its cut in all strikes
    # (~11 % at 20,000 worlds) is far above its cut in missiles alone (~4 %).
    def cut(metric: str) -> float:
        sky = packages.metric("sky-shield", metric).mean
        return 1.0 - sky / packages.metric("strong-army", metric).mean

    strikes = cut("strikes_leaking_per_month_given_war")
    assert strikes >= 0.08
    assert strikes > 2 * cut("missiles_leaking_per_month_given_war")


@pytest.mark.parametrize("metric", [
    pytest.param("missiles_leaking_per_month_given_war", marks=pytest.mark.xfail(
        strict=True, reason="a physical limit, not a defect: about 70 % of the "
        "missiles that leak are ballistic, which only Patriot/SAMP-T class "
        "interceptors engage (air_defence.ENGAGES), and the zone holds 30-50 % of "
        "the targets; a perfect fighter shield over it cuts missile leaks by ~12 % "
        "(test_no_fighter_shield_can_cut_missile_leaks_by_15_percent), the "
        "sky-shield package (fighters only, as proposed) by ~4 % (20,000 worlds)")),
    pytest.param("strikes_leaking_per_month_given_war", marks=pytest.mark.xfail(
        strict=True, reason="capacity-bound, not a defect: 120 aircraft flown from "
        "450 km are ~23 effective over the zone, each engaging 12-28 threats a "
        "month (air_defence.engagements_per_system.allied), ~460 engagements against "
        "~1,800 cruise missiles and drones a month in the zone; the cut is ~11 % "
        "(20,000 worlds) and would reach 15 % only at ~1.75 times those engagements "
        "(~35 a month), which no source in the project supports")),
])
def test_sky_shield_cuts_leaks_by_15_percent(packages: guaranty.Results, metric: str) -> None:
    # The must-show, on missiles alone and on all strikes: neither is reached.
    sky = packages.metric("sky-shield", metric).mean
    army = packages.metric("strong-army", metric).mean
    assert sky <= 0.85 * army


def test_more_own_fighters_let_fewer_strikes_through(ukraine: guaranty.Scenario) -> None:
    # Half as many combat aircraft again: the defender's fighter layer engages more of the
    # cruise missiles and drones (air_defence.engagements_per_system.fighter).
    more = scaled(ukraine, "defender", 1.5, stocks=("combat-aircraft",))
    base, added = (guaranty.simulate(s, ["strong-army"], worlds=1_000, seed=9, anchor=False)
                   .metric("strong-army", "strikes_leaking_per_month_given_war").mean
                   for s in (ukraine, more))
    assert added < 0.97 * base


def test_sky_shield_protects_the_zone_it_covers(packages: guaranty.Results) -> None:
    # An air-policing mission: its aircraft meet the zone's cruise missiles and drones first.
    sky = packages.metric("sky-shield", "infrastructure_damage_given_war").mean
    army = packages.metric("strong-army", "infrastructure_damage_given_war").mean
    assert sky <= 0.92 * army
    leaking = {p: packages.metric(p, "missiles_leaking_per_month_given_war").mean
               for p in ("sky-shield", "strong-army")}
    assert leaking["sky-shield"] < leaking["strong-army"]


def test_air_policing_does_not_contest_the_air_over_the_front(
        packages: guaranty.Results) -> None:
    sky = packages.metric("sky-shield", "p_air_denied_given_war").mean
    army = packages.metric("strong-army", "p_air_denied_given_war").mean
    assert sky == pytest.approx(army, abs=1e-9)

"""The kernel: ``init(inputs) -> state``, ``step(inputs, state, t) -> (state, month)``, ``finish``.

One month of the model chain, as a pure function of the per-chunk inputs
(:func:`guaranty.engine.inputs.prepare`) and an explicit state record (:class:`ChainState`):

1. the instruments' terms this month (allied troops arrived, treaties, aircraft);
2. both sides' combat power, the air war, the perceived and the battle force ratio;
3. the aggressor's value of attacking now and the monthly hazard of war;
4. what a war begun this month would bring (campaign, casualties, capture, leakage);
5. investors' and refugees' view of the risk, investment and returns on the peace path;
6. the ledger of war probabilities and consequences (:mod:`guaranty.models.outcomes`);
7. supply, the aggressor's regeneration and the defender's drift to its peacetime army.

``step`` returns a new state and never changes the one it is given; it branches only on the
plan's structure (which instruments exist), never on array values; checkpoints (P(war) at
12/24/60/120 months, the economy at 12/60/120, the force ratio at 12 months and at the
horizon) are recorded by mask. Every operation is elementwise over worlds, so a world's
numbers do not depend on the chunk it is run in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from guaranty.engine.inputs import DTYPE, ChainInputs, prepare
from guaranty.models import (
    air,
    air_defence,
    campaign,
    decision,
    economy,
    forces,
    naval,
    refugees,
    response,
    supply,
)
from guaranty.models._arrays import Array, row_sum
from guaranty.models.outcomes import WarLedger
from guaranty.scenario.compile import Plan

OUTPUT_DTYPE = np.float32
"""Per-world outcomes are kept in single precision (7 significant digits, far finer than any
outcome is known): half the memory of a million-world Results and half the data sent back by
workers. Summaries are computed in double precision."""

ECONOMY_CHECKPOINTS = (12, 60, 120)


class ChainState(NamedTuple):
    """Everything that changes from month to month, as arrays over worlds."""

    supply: supply.SupplyState
    defender_personnel: Array
    aggressor_personnel: Array
    aggressor_stock: Array
    perception: economy.PerceptionState
    capital: economy.InvestmentState
    returns: refugees.ReturnState
    ledger: WarLedger
    needs_met: dict[int, Array]  # expected net capital at the economy checkpoints
    returned: dict[int, Array]  # expected refugees returned at those checkpoints
    force_ratio_12m: Array
    force_ratio_horizon: Array
    ln_seen_memory: Array  # the aggressor's remembered perceived ratio (preventive war)


@dataclass(frozen=True)
class Month:
    """What one month adds: the hazard and the consequences of a war begun in it."""

    hazard: Array
    consequences: dict[str, Array]
    ratio: Array  # the battle force ratio (aggressor over defender)
    terms: response.MonthTerms


def init(inputs: ChainInputs) -> ChainState:
    """The state at the cease-fire."""
    n, s = inputs.n, inputs.start
    stock = s["defender_stock"]
    checkpoints = [m for m in ECONOMY_CHECKPOINTS if m <= inputs.months]
    nan = np.full(n, np.nan, dtype=DTYPE)
    return ChainState(
        supply=supply.SupplyState.start(inputs.supply, stock),
        defender_personnel=s["defender_personnel"],
        aggressor_personnel=s["aggressor_personnel"],
        aggressor_stock=s["aggressor_stock"],
        perception=economy.PerceptionState.start(
            inputs.people.perception.prior_annual_risk, n),
        capital=economy.InvestmentState.start(n),
        returns=refugees.ReturnState.start(inputs.people.returns.abroad_m,
                                           inputs.people.return_probability),
        ledger=WarLedger.start(n, inputs.months),
        needs_met={m: np.zeros(n) for m in checkpoints},
        returned={m: np.zeros(n) for m in checkpoints},
        force_ratio_12m=nan,
        force_ratio_horizon=nan,
        ln_seen_memory=nan.copy(),
    )


def _rows(stock: Array, rows: Sequence[int]) -> Array:
    """Sum of some category rows of a (C, n) stock; zeros when there are none."""
    if not rows:
        return np.zeros(stock.shape[1], dtype=stock.dtype)
    return row_sum(stock[list(rows)])


LN_RATIO_LIMIT = 20.0
"""The log force ratio is held within +-20 (a ratio of 5e8 to 1, a rout many times over):
beyond it the campaign model's exponentials (exp(4 x) for the breakthrough rate) overflow
float32 and a world's outcomes became NaN (found by the fuzzing suite, tests/test_fuzz.py).
No realistic ratio comes near it, so no result moves."""


def _ln_ratio(attacker: Array, defender: Array) -> Array:
    out: Array = np.log(np.maximum(attacker, 1e-12)) - np.log(np.maximum(defender, 1e-12))
    return np.clip(out, -LN_RATIO_LIMIT, LN_RATIO_LIMIT)


def terms_at(inputs: ChainInputs, t: int) -> tuple[response.MonthTerms, Array]:
    """The instruments' terms and the attacker's surprise in month ``t``: row ``min(t, S)``
    of the schedule prepared once per chunk (they stop changing once troops have arrived)."""
    row = min(t, len(inputs.surprise) - 1)
    return response.at(inputs.terms, row), inputs.surprise[row]


def _denial(inputs: ChainInputs, fighters: Array, long_range: Array, aggressor: Array,
            allied: Array) -> Array:
    """P(the defender denies air superiority) (:func:`guaranty.models.air_defence.air_denial`)."""
    a = inputs.air
    short, medium = a.layers[1].systems, a.layers[2].systems
    wl, wm, ws = a.aircraft_equivalent
    return air_defence.air_denial(fighters, allied, long_range, medium, short, aggressor,
                                  weight_long_range=wl, weight_medium_range=wm,
                                  weight_short_range=ws, k=a.steepness)


class Leakage(NamedTuple):
    """What leaks through the air defence in a month of war, per world."""

    missiles: Array  # ballistic and cruise missiles leaking over the country a month
    drones: Array  # one-way attack drones leaking over the country a month
    damage: Array  # damage to the protected zone a month, in Shahed-equivalents


def _leakage(inputs: ChainInputs, state: ChainState, allied: Array) -> Leakage:
    """Missiles and drones leaking a month over the country, and the damage to the protected
    zone a month, in a war begun now (:mod:`guaranty.models.air_defence`)."""
    a, stock = inputs.air, state.supply.stock
    fighter, short, medium, long_range = a.layers
    layers = [replace(fighter, systems=_rows(stock, inputs.fighters)), short, medium,
              replace(long_range, systems=_rows(stock, inputs.air_defence),
                      interceptors=_rows(stock, inputs.interceptors) / a.munition_months)]
    inside, outside = air_defence.zone_leakage(
        a.salvo, layers, replace(a.allied, systems=allied), zone_share=a.zone_share)
    country = air_defence.country_leakage(inside, outside, zone_share=a.zone_share)
    leaking = air_defence.threats_leaking(a.salvo, country)
    damage = air_defence.damage_index(a.salvo, inside, zone_share=a.zone_share,
                                      damage_weight=a.damage_weight)
    return Leakage(leaking.ballistic + leaking.cruise, leaking.drone, damage)


class Balance(NamedTuple):
    """The balance in one month, as the aggressor perceives it and as a war would find it."""

    ln_perceived: Array  # ln ratio the aggressor perceives if no guarantor enters the war
    ln_battle: Array  # ln battle ratio (the realised responses)
    actual_air: Array  # P(air denied) in a war
    ln_fight: Array | None  # ln ratio it perceives if the guarantors fight (None: no treaty)
    power: Array  # the defender's combat power from its stocks and soldiers (forces.combat_power)
    own: Array  # that power at the front: times the force-to-space and C2 factors


def balance(inputs: ChainInputs, state: ChainState, terms: response.MonthTerms,
            sigma: Array) -> Balance:
    """The balance this month: the perceived ratio without and with the guarantors in the war
    (:func:`guaranty.models.decision.mixed_value` weighs them), the battle ratio and P(air
    denied)."""
    stock, pers, a = state.supply.stock, state.defender_personnel, inputs.air
    power = forces.combat_power(stock, pers, inputs.defender)
    own = power * (forces.space_factor(pers, inputs.campaign.front_km,
                                       inputs.campaign.space_threshold) * inputs.campaign.c2)
    a_power = forces.combat_power(state.aggressor_stock, state.aggressor_personnel,
                                  inputs.aggressor) * sigma
    fight = bool(inputs.instruments.treaties)
    # Conditional on the guarantors fighting, what comes only with a direct war arrives in
    # full: E[X | fight] = E[X] / P(fight), for X that is zero unless some R_g >= air-naval.
    share = 1.0 / np.maximum(terms.p_direct, DTYPE(1e-6))
    calm_air = terms.perceived_air - terms.direct_air
    fight_air = calm_air + terms.direct_air * share
    if inputs.fighters:
        fighters, long_range = _rows(stock, inputs.fighters), _rows(stock, inputs.air_defence)
        a_fighters = _rows(state.aggressor_stock, inputs.fighters)
        perceived_air = _denial(inputs, fighters, long_range, a_fighters, calm_air)
        actual_air = perceived_air if not inputs.instruments.any else _denial(
            inputs, fighters, long_range, a_fighters, terms.actual_air)
        fight_denial = _denial(inputs, fighters, long_range, a_fighters, fight_air) if fight \
            else perceived_air
    else:
        perceived_air = actual_air = fight_denial = np.zeros(inputs.n, dtype=DTYPE)
    base = own * terms.perceived_arms + terms.troop_power
    ln_perceived = _ln_ratio(
        a_power * air.ground_effect(perceived_air, air_share=a.ground_air_share), base)
    ln_fight = _ln_ratio(
        a_power * air.ground_effect(fight_denial, air_share=a.ground_air_share),
        base + terms.perceived_power_add * share) if fight else None
    ln_battle = _ln_ratio(
        a_power * air.ground_effect(actual_air, air_share=a.ground_air_share),
        own * terms.actual_arms + terms.troop_power + terms.actual_power_add)
    return Balance(ln_perceived, ln_battle, actual_air, ln_fight, power, own)


def equipment_path(inputs: ChainInputs, state: ChainState, power: Array) -> Array:
    """:math:`m(t) = P(S(t))/P(S(0))` at :data:`guaranty.models.campaign.PATH_MONTHS`, shape
    (J, n): the defender's power as a war wears its ground weapons down at the record's rate
    and its supply chain's deliveries (scaled by the record's ratio) replace them. ``power``
    is :math:`P(S(0))`, the month's :attr:`Balance.power`."""
    stock, pers, d, ground, c = (state.supply.stock, state.defender_personnel,
                                 inputs.defender, inputs.ground_weapons, inputs.campaign)
    deliveries = supply.war_deliveries(inputs.supply, state.supply) / c.reference_resupply
    loss = c.equipment_loss_share
    own = np.maximum(power, 1e-12)
    rows = [np.ones_like(own)]
    for months in campaign.PATH_MONTHS[1:]:
        kept = np.exp(-loss * months)
        grown = -np.expm1(-loss * months) / np.maximum(loss, 1e-9)
        at = stock + ground * (stock * (kept - 1.0) + deliveries * grown)
        rows.append(forces.combat_power(at, pers, d) / own)
    return np.stack(rows)


def own_share(own: Array, arms: Array, add: Array, troops: Array) -> Array:
    """The share of the defender's side of the ratio that its own forces make, ``own`` the
    month's :attr:`Balance.own` (the rest, allied troops and surges, does not wear in the
    war)."""
    mine = own * arms
    out: Array = mine / np.maximum(mine + troops + add, 1e-12)
    return out


def expected_war(inputs: ChainInputs, state: ChainState, ln_ratio: Array,
                 kit: campaign.Equipment | None = None) -> campaign.War:
    """The war model (:func:`guaranty.models.campaign.war`) at a log force ratio; ``kit``
    (the defender's equipment path and own share) moves the ratio over the war."""
    return campaign.war(
        ln_ratio, aggressor_personnel=state.aggressor_personnel,
        defender_personnel=state.defender_personnel,
        recruitment=inputs.regeneration.recruitment, c=inputs.campaign.war, equipment=kit)


def _hazard(inputs: ChainInputs, state: ChainState, seen: Balance,
            terms: response.MonthTerms, t: int, memory: Array, kit: campaign.Equipment,
            blockade_value: Array) -> Array:
    """The aggressor's monthly hazard of attacking (:mod:`guaranty.models.decision`), from the
    wars it expects at the ratios it perceives (one war model for decision and outcomes):
    without the guarantors, and with them, weighed by the probability that they fight."""
    d = inputs.decision

    def value(ln_ratio: Array) -> Array:
        expected = expected_war(inputs, state, ln_ratio + d.bias, kit)
        return decision.attack_value(
            expected, state.aggressor_personnel, gain=d.gain,
            neutral_discount=d.neutral_discount, failure_cost=d.failure_cost,
            loss_aversion=d.loss_aversion,
            sanctions_cost=d.sanctions_cost + terms.expected_cost - blockade_value)

    calm = value(seen.ln_perceived)
    mixed = calm if seen.ln_fight is None else decision.mixed_value(
        calm, value(seen.ln_fight), terms.p_direct)
    waiting = decision.preventive_waiting(
        d.value_of_waiting, decision.window_closing(seen.ln_perceived, memory),
        weight=d.preventive_weight)
    return decision.attack_hazard(
        mixed, value_of_waiting=waiting, base_rate=d.base_rate,
        sensitivity=d.sensitivity, ready=(t >= d.min_reconstitution_months).astype(DTYPE),
        duration=decision.duration_factor(t, d.hazard_shape))


def _war(inputs: ChainInputs, state: ChainState, ln_battle: Array,
         actual_air: Array, terms: response.MonthTerms, kit: campaign.Equipment,
         sea: naval.SeaMonth
         ) -> dict[str, Array]:
    """What a war begun this month would bring, per world."""
    c, stock = inputs.campaign, state.supply.stock
    fought = expected_war(inputs, state, ln_battle, kit)
    supplied = list(inputs.supplied)
    stock_value = row_sum(stock[supplied] * inputs.supply.unit_cost_usd[supplied])
    captured = supply.captured_share(fought.ground_km2 / np.maximum(c.territory_km2, 1e-9),
                                     c.front_loading) * stock_value / 1e9
    leak = _leakage(inputs, state, terms.zone_air)
    return {
        "p_hold_given_war": 1.0 - fought.p_breakthrough,
        "ground_lost_km2_given_war": fought.ground_km2,
        "aggressor_casualties_given_war": fought.aggressor_casualties,
        "defender_casualties_given_war": fought.defender_casualties,
        "war_months_given_war": fought.months,
        "equipment_captured_usd_bn_given_war": captured,
        "p_air_denied_given_war": actual_air,
        "p_blockade_given_war": sea.blockade,
        "exports_lost_share_given_war": sea.exports_lost,
        "missiles_leaking_per_month_given_war": leak.missiles,
        "drones_leaking_per_month_given_war": leak.drones,
        "strikes_leaking_per_month_given_war": leak.missiles + leak.drones,
        "infrastructure_damage_given_war": leak.damage,
        "guarantor_war_cost_usd_bn_given_war": terms.war_cost_usd / 1e9,
    }


def _people(inputs: ChainInputs, state: ChainState, hazard: Array, signal: Array, t: int,
            exports_lost: Array, p_hold: Array) -> ChainState:
    """Investors and families see a biased, slow view of the hazard, lowered by visible
    guarantees; investment and returns flow only at peace (:mod:`guaranty.models.economy`)."""
    seen, invest, ret = inputs.people.perception, inputs.people.investment, inputs.people.returns
    survival = state.ledger.survival
    perception = economy.step_perception(
        state.perception, hazard, guarantee_signal=signal, bias=seen.bias,
        signal_weight=seen.signal_weight, memory_months=seen.memory_months)
    risk = perception.annual
    # Investors discount the seaborne part by the chance of a war that closes the sea lanes
    # within the year: perceived annual risk x exports lost to a blockade.
    flow = economy.investment_per_year(
        risk, invest, exports_lost_share=risk * exports_lost) / 12.0
    capital = economy.step_investment(state.capital, flow, survival=survival, hazard=hazard,
                                      loss_share=invest.loss_share)
    # Families weigh the same perceived risk, and whether the army would hold (returns follow
    # security: refugees.security_share).
    share = refugees.security_share(
        inputs.people.return_probability, worst_case=ret.worst_case, perceived_annual_risk=risk,
        p_hold=p_hold, insecurity_aversion=ret.insecurity_aversion)
    returns = refugees.step_returns(
        state.returns, rate=share * refugees.return_rate(
            risk, delay_months=ret.delay_months, risk_aversion=ret.risk_aversion),
        keep=ret.keep, survival=survival, hazard=hazard, reversal_share=ret.reversal_share)
    net, home = capital.expected_net, returns.expected_returned
    return state._replace(
        perception=perception, capital=capital, returns=returns,
        needs_met={m: np.where(t + 1 == m, net, v) for m, v in state.needs_met.items()},
        returned={m: np.where(t + 1 == m, home, v) for m, v in state.returned.items()})


def _forces(inputs: ChainInputs, state: ChainState) -> ChainState:
    """Supply, the aggressor's regeneration and the defender's drift, one month on."""
    r = inputs.regeneration
    personnel, stock = forces.regenerate(
        state.aggressor_personnel, state.aggressor_stock, recruitment=r.recruitment,
        outflow_share=r.outflow_share, ceiling=r.ceiling, production=r.production,
        stock_ceiling=r.stock_ceiling, keep=inputs.supply.keep)
    return state._replace(
        supply=supply.step_supply(inputs.supply, state.supply),
        aggressor_personnel=personnel,
        aggressor_stock=stock,
        defender_personnel=forces.drift_personnel(
            state.defender_personnel, r.peacetime_personnel, r.demobilisation_months,
            r.personnel_cap))


def step(inputs: ChainInputs, state: ChainState, t: int, *, hazard_only: bool = False
         ) -> tuple[ChainState, Month]:
    """Month ``t`` (0-based): the new state and what the month adds.

    ``hazard_only`` skips what a war would bring and the economy (nothing upstream of the
    hazard reads them): the survival and the forces are the same, for a caller that needs
    only P(war) (the anchoring).
    """
    terms, sigma = terms_at(inputs, t)
    seen = balance(inputs, state, terms, sigma)
    # The sea: a blockade is one of the aggressor's gains, and lost exports sap the defender.
    sea = naval.sea_month(inputs.people.sea, terms.perceived_air, terms.actual_air)
    sapped = np.log(sea.perceived_sustain)
    seen = seen._replace(
        ln_perceived=seen.ln_perceived - sapped, ln_battle=seen.ln_battle - np.log(sea.sustain),
        ln_fight=None if seen.ln_fight is None else seen.ln_fight - sapped)
    ln_battle, actual_air = seen.ln_battle, seen.actual_air
    ratio = np.exp(ln_battle)
    memory = np.where(np.isnan(state.ln_seen_memory), seen.ln_perceived, state.ln_seen_memory)
    path = equipment_path(inputs, state, seen.power)
    kit = campaign.Equipment(path, own_share(seen.own, terms.perceived_arms,
                                             np.zeros_like(terms.troop_power),
                                             terms.troop_power))
    hazard = _hazard(inputs, state, seen, terms, t, memory, kit, sea.value)
    consequences: dict[str, Array] = {}
    if not hazard_only:
        fought = campaign.Equipment(path, own_share(seen.own, terms.actual_arms,
                                                    terms.actual_power_add, terms.troop_power))
        consequences = _war(inputs, state, ln_battle, actual_air, terms, fought, sea)
        state = _people(inputs, state, hazard, terms.signal, t, sea.exports_lost,
                        consequences["p_hold_given_war"])
    state = state._replace(
        ledger=state.ledger.record(t, hazard, consequences),
        force_ratio_12m=np.where(t == 12, ratio, state.force_ratio_12m),
        force_ratio_horizon=np.where(t == inputs.months - 1, ratio, state.force_ratio_horizon),
        ln_seen_memory=decision.remember(memory, seen.ln_perceived,
                                         months=inputs.decision.preventive_memory_months))
    return _forces(inputs, state), Month(hazard, consequences, ratio, terms)


def finish(inputs: ChainInputs, state: ChainState) -> dict[str, Array]:
    """Per-world outcomes at the horizon, in :data:`OUTPUT_DTYPE`."""
    months, ledger = inputs.months, state.ledger
    # Expected cost of the guarantors' responses: a war's cost weighted by its probability.
    war_cost_expected = ledger.sums["guarantor_war_cost_usd_bn_given_war"]
    out = ledger.finish()
    years = months / 12.0
    c = inputs.costs
    peacetime = response.peacetime_cost_usd(
        months, fixed_usd=c.fixed_usd, isr_per_year_usd=c.isr_per_year_usd,
        air_per_year_usd=c.air_per_year_usd, deployments=inputs.instruments.deployments,
        troops_per_year_usd=c.troops_per_year_usd)
    out["cost_usd_bn_per_year"] = (
        state.supply.shipped_usd / 1e9 / years + c.budget_support_usd_bn_per_year
        + peacetime / 1e9 / years + war_cost_expected / years
    )
    money = supply.money_balance(inputs.supply, state.supply, months)
    out["weapons_delivered_usd_bn_per_year"] = money["delivered"] / 1e9 / years
    out["weapons_backlog_usd_bn"] = money["backlog"] / 1e9
    out["weapons_unspent_usd_bn"] = money["unspent"] / 1e9
    if inputs.instruments.deployments:
        out["troops_feasible"] = inputs.instruments.feasible
        out["troops_shortfall_share"] = inputs.instruments.shortfall
    out["investment_usd_bn_per_year"] = state.capital.expected_gross / years
    needs = inputs.people.investment.needs_usd_bn
    for month, net in state.needs_met.items():
        out[f"reconstruction_needs_met_share_{month}m"] = economy.share_of_needs(net, needs)
    for month, value in state.returned.items():
        out[f"refugees_returned_m_{month}m"] = value
    if months > 12:
        out["force_ratio_12m"] = state.force_ratio_12m
    out["force_ratio_horizon"] = state.force_ratio_horizon
    return {name: np.asarray(values, dtype=OUTPUT_DTYPE) for name, values in out.items()}


def run_chunk(plan: Plan, params: Any, months: int) -> dict[str, Array]:
    """Run the model chain for one chunk of worlds; returns per-world outcomes.

    ``params`` maps every registry name to an array of shape (n,) (the sampled worlds).
    """
    inputs = prepare(plan, params, months)
    return finish(inputs, run(inputs))


def run(inputs: ChainInputs, *, hazard_only: bool = False) -> ChainState:
    """The state after every month of ``inputs`` (the one loop over months)."""
    state = init(inputs)
    for t in range(inputs.months):
        state, _ = step(inputs, state, t, hazard_only=hazard_only)
    return state

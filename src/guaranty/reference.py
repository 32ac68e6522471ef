r"""A per-world, pure-Python reference of the engine's model chain: a readable spec and an oracle.

:func:`run_reference` computes the same outcomes as :func:`guaranty.engine.run_chunk`, but one
world and one month at a time with Python floats and :mod:`math` only, written from the
models' equations rather than from the vectorised code. Tests compare the two on sampled worlds
(``tests/test_reference.py``) and ``benchmarks/run.py`` times the engine against it. It is slow
by design (tens of microseconds per world-month); never use it for real runs.

One month ``t`` of one world, in the order the engine applies it:

1. Combat power of each side (:mod:`guaranty.models.forces`): usable weapons
   :math:`U_c = \min(S_c, M/(\nu\mu))`, crews assigned by a fractional knapsack (most power per
   crew member first), :math:`P = \rho(\sum_c w_c x_c + w_0 N_{\text{left}})`; the defender's
   power is scaled by the force-to-space factor :math:`\min(1, N/(F\rho^*))`.
2. The aggressor's decision (:mod:`guaranty.models.decision`): value of attacking with the
   biased ratio, monthly hazard :math:`h = 1 - e^{-c\lambda_0 e^{k(V - V_w)}}` once ready,
   with :math:`c` the anchoring factor of the base hazard (:mod:`guaranty.anchoring`).
3. The campaign if war starts now (:mod:`guaranty.models.campaign`): probability the defender
   holds, ground lost, casualties, captured stocks.
4. The war ledger (:mod:`guaranty.models.outcomes`): :math:`S_{t+1} = S_t (1 - h_t)` and the
   survival-weighted sums :math:`\sum_u S_u h_u y_u`.
5. Supply (:mod:`guaranty.models.supply`): capacity ramps, backlog, first-order delivery delay,
   wear, domestic production, caps; then the aggressor regenerates and the defender's army
   drifts toward its peacetime size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guaranty.models.outcomes import GIVEN_WAR, WAR_CHECKPOINTS
from guaranty.scenario.compile import Plan

Array = NDArray[np.float64]

CHECKPOINTS = WAR_CHECKPOINTS  # months at which p_war_{t}m is reported
# Guards the vectorised models also use, so that both agree at the edges: divisors are kept
# away from zero, logarithms of powers start at 1e-12, and the exponent of the hazard stops at
# 50 (beyond it the monthly hazard is 1 to double precision for any plausible base rate).
TINY_POWER = 1e-12
MAX_EXPONENT = 50.0


def run_reference(plan: Plan, params: Mapping[str, Array], months: int) -> dict[str, Array]:
    """Run the model chain world by world; same outcomes as :func:`guaranty.engine.run_chunk`.

    Parameters
    ----------
    plan : Plan
        From :func:`guaranty.scenario.compile.compile_plan`.
    params : mapping of str to ndarray of shape (n,)
        Sampled parameters, e.g. ``plan.registry.sample(seed, start, stop)``.
    months : int
        Horizon in months, >= 1.

    Returns
    -------
    dict of str to ndarray of shape (n,)
        The per-world outcomes, keyed as the engine keys them.
    """
    if months < 1:
        raise ValueError(f"months must be >= 1, got {months}")
    columns = {name: np.asarray(values, dtype=float).tolist() for name, values in params.items()}
    n = len(columns["defender.personnel"])
    rows = []
    for i in range(n):
        world = {name: column[i] for name, column in columns.items()}
        rows.append(run_world(plan, world, months))
    return {key: np.array([row[key] for row in rows], dtype=float) for key in rows[0]}


@dataclass(frozen=True)
class Side:
    """What one side's combat power is made of, for one world."""

    ranking: tuple[tuple[int, float, float], ...]  # (category, weight, crew), best first
    munitions: tuple[tuple[int, int, float], ...]  # (munition, weapon fed, rounds per weapon)
    infantry_weight: float
    readiness: float


def side(plan: Plan, p: Mapping[str, float], name: str) -> Side:
    """The combat-power constants of ``name`` ("defender" or "aggressor") in world ``p``."""
    cats = plan.categories
    weapons = []
    for c in plan.weapons:
        weight = p[f"equipment.{cats[c]}.weight"]
        crew = max(p[f"equipment.{cats[c]}.crew"], 1e-9)
        weapons.append((c, weight, crew))
    # Most power per crew member first; sorted() is stable, so ties keep the scenario's order.
    ranking = tuple(sorted(weapons, key=lambda wc: -(wc[1] / wc[2])))
    stock_months = p["forces.munition_months"]
    munitions = tuple(
        (m, w, p[f"equipment.{cats[m]}.need_per_month"] * stock_months) for m, w in plan.munitions
    )
    return Side(ranking, munitions, p["forces.infantry_weight"], p[f"{name}.readiness"])


def combat_power(stock: list[float], personnel: float, s: Side) -> float:
    """:math:`P = \\rho(\\sum_c w_c x_c + w_0 (N - \\sum_c \\kappa_c x_c))`, crews by knapsack."""
    usable = {c: stock[c] for c, _, _ in s.ranking}
    for m, w, rounds in s.munitions:
        usable[w] = min(usable[w], stock[m] / max(rounds, 1e-12))
    left = personnel
    power = 0.0
    for c, weight, crew in s.ranking:
        x = max(0.0, min(left / crew, usable[c]))
        power += weight * x
        left = max(left - crew * x, 0.0)
    return s.readiness * (power + s.infantry_weight * left)


def phi(x: float) -> float:
    """The standard normal CDF (erfc keeps its relative precision in the lower tail)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def success(ln_ratio: float, mean: float, sd: float) -> float:
    """Probability that the attacker prevails, :math:`\\Phi((2\\ln R + m)/s)`."""
    return phi((2.0 * ln_ratio + mean) / max(sd, 1e-12))


def square_law_loss(ln_ratio: float) -> float:
    """Share of its force an attacker spends to win a square-law fight: all of it when R <= 1."""
    if ln_ratio <= 0.0:
        return 1.0
    return 1.0 - math.sqrt(1.0 - math.exp(-2.0 * ln_ratio))


def capacity_decay(t: int, ramp_months: float) -> float:
    """:math:`e^{-t/\\tau}`; an instant ramp (tau = 0) is at its end from month 1 on."""
    if ramp_months > 0.0:
        return math.exp(-t / ramp_months)
    return 1.0 if t == 0 else 0.0


def run_world(plan: Plan, p: Mapping[str, float], months: int) -> dict[str, float]:
    """All outcomes of one world ``p`` (parameter name -> value) over ``months`` months."""
    cats = plan.categories
    nc = len(cats)
    caps = list(plan.stock_caps)
    defender, aggressor = side(plan, p, "defender"), side(plan, p, "aggressor")

    # Supply constants.
    producers = []  # (category, start, end, ramp months, open share)
    for ref in plan.producers:
        will = p[f"supplier.{ref.supplier}.will"]
        commitment = p[f"supplier.{ref.supplier}.commitment"]
        producers.append((
            ref.category,
            p[f"{ref.prefix}.capacity_start"],
            p[f"{ref.prefix}.capacity_end"],
            p[f"{ref.prefix}.ramp_months"],
            p[f"{ref.prefix}.share_to_defender"] * will * commitment,
        ))
    money_per_month = p["financing.weapons_usd_bn_per_year"] * 1e9 / 12.0
    orders, unit_cost, lag = [0.0] * nc, [0.0] * nc, [1.0] * nc
    for c in plan.supplied:
        key = f"supply.{cats[c]}"
        unit_cost[c] = p[f"{key}.unit_cost_usd"]
        orders[c] = money_per_month * p[f"{key}.financing_share"] / max(unit_cost[c], 1e-9)
        lag[c] = max(p[f"{key}.delivery_lag_months"], 1.0)
    wear = [p[plan.wear_parameter(c)] for c in range(nc)]
    domestic = [p[f"defender.production.{x}"] for x in cats]

    # Defender state.
    d_pers = min(p["defender.personnel"], plan.personnel_cap)
    d_stock = [min(p[f"defender.stock.{x}"], caps[c]) for c, x in enumerate(cats)]
    backlog, transit = [0.0] * nc, [0.0] * nc
    shipped_usd = 0.0
    peacetime = p["defender.peacetime_personnel"]
    demobilisation = max(p["defender.demobilisation_months"], 1.0)

    # Aggressor state; sanctions slow recruitment and production unless a package lifts them.
    drag = 0.0 if plan.sanctions_relieved else p["forces.sanctions_drag"]
    a_pers = p["aggressor.personnel"]
    a_stock = [p[f"aggressor.stock.{x}"] for x in cats]
    a_ceiling = [p[f"aggressor.stock_ceiling.{x}"] for x in cats]
    a_production = [p[f"aggressor.production.{x}"] * (1.0 - drag) for x in cats]
    recruitment = p["aggressor.recruitment_per_month"] * (1.0 - drag)

    mean, sd = p["campaign.effectiveness_mean"], p["campaign.effectiveness_sd"]
    surprise = math.log(p["campaign.surprise_multiplier"])
    neutral = p["decision.neutrality_discount"] if plan.neutrality else 0.0
    front, territory = p["theatre.front_km"], p["theatre.territory_km2"]
    duration = p["campaign.war_months"]

    peace = 1.0  # S_t: probability of no war before month t
    war = 0.0  # 1 - S_t, summed from the monthly starts so that it stays exact when tiny
    sums = dict.fromkeys(GIVEN_WAR, 0.0)
    out: dict[str, float] = {}
    ratio = math.nan

    for t in range(months):
        # 1. Forces.
        density = d_pers / max(front, 1e-9)
        space = min(1.0, density / max(p["forces.space_density_threshold"], 1e-9))
        d_power = combat_power(d_stock, d_pers, defender) * space
        a_power = combat_power(a_stock, a_pers, aggressor)
        ln_ratio = math.log(max(a_power, TINY_POWER)) - math.log(max(d_power, TINY_POWER))
        ratio = math.exp(ln_ratio)
        if t == 12 and months > 12:
            out["force_ratio_12m"] = ratio

        # 2. Decision.
        perceived = ln_ratio + p["decision.misperception_bias"]
        p_win = success(perceived, mean, sd)
        value = (
            p_win * p["decision.gain"] * (1.0 - neutral)
            - (1.0 - p_win) * p["decision.failure_cost"]
            - p["decision.loss_aversion"] * square_law_loss(perceived)
            - p["decision.sanctions_cost"]
        )
        exponent = p["decision.value_sensitivity"] * (value - p["decision.value_of_waiting"])
        base_rate = p["decision.base_hazard_per_month"] * p["decision.base_hazard_scale"]
        rate = base_rate * math.exp(min(exponent, MAX_EXPONENT))
        ready = t >= p["decision.min_reconstitution_months"]
        hazard = -math.expm1(-rate) if ready else 0.0

        # 3. Campaign, were the war to start this month.
        ln_battle = ln_ratio + surprise
        p_hold = 1.0 - success(ln_battle, mean, sd)
        attritional = min(
            territory, p["campaign.hold_ground_km2_per_month"] * math.exp(ln_battle) * duration
        )
        ground = (
            p_hold * attritional
            + (1.0 - p_hold) * p["campaign.breakthrough_territory_share"] * territory
        )
        a_cas = a_pers * p["campaign.aggressor_casualty_share_per_month"] * duration
        d_cas = a_cas / max(p["campaign.exchange_ratio"], 1e-9)
        stock_value = sum(d_stock[c] * unit_cost[c] for c in plan.supplied)
        lost = min(1.0, max(ground / max(territory, 1e-9), 0.0) * p["campaign.front_loading"])
        consequences = (p_hold, ground, a_cas, d_cas, lost * stock_value / 1e9)

        # 4. Ledger.
        starts = peace * hazard
        for name, y in zip(GIVEN_WAR, consequences, strict=True):
            sums[name] += starts * y
        war += starts
        peace -= starts
        if t + 1 in CHECKPOINTS:
            out[f"p_war_{t + 1}m"] = war

        # 5. Supply of the defender.
        arrived = [0.0] * nc
        for c in plan.supplied:
            available = 0.0
            for k, start, end, ramp, share in producers:
                if k == c:
                    available += (end + (start - end) * capacity_decay(t, ramp)) * share
            backlog[c] += orders[c]
            shipped = min(backlog[c], available)
            backlog[c] -= shipped
            arrived[c] = transit[c] / lag[c]
            transit[c] += shipped - arrived[c]
            shipped_usd += shipped * unit_cost[c]
        for c in range(nc):
            d_stock[c] = min(d_stock[c] * (1.0 - wear[c]) + arrived[c] + domestic[c], caps[c])

        # The aggressor regenerates; its stocks wear at the same rates.
        a_pers = a_pers - a_pers * p["aggressor.outflow_share_per_month"] + recruitment
        a_pers = min(a_pers, p["aggressor.personnel_ceiling"])
        for c in range(nc):
            bound = max(a_ceiling[c], a_stock[c])
            a_stock[c] = min(a_stock[c] * (1.0 - wear[c]) + a_production[c], bound)

        # The defender's army drifts toward its peacetime size, under any cap.
        d_pers = min(d_pers + (peacetime - d_pers) / demobilisation, plan.personnel_cap)

    out["p_war_horizon"] = war
    for name in GIVEN_WAR:
        out[name] = sums[name] / war if war > 0.0 else math.nan
    out["cost_usd_bn_per_year"] = (
        shipped_usd / 1e9 / (months / 12.0) + p["financing.budget_support_usd_bn_per_year"]
    )
    out["force_ratio_horizon"] = ratio
    return out


__all__ = ["run_reference", "run_world"]

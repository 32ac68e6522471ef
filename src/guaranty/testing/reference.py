r"""A per-world, pure-Python reference of the engine's model chain: a readable spec and an oracle.

:func:`run_reference` computes the same outcomes as :func:`guaranty.engine.run_chunk`, but one
world and one month at a time with Python floats and :mod:`math` only, written from the
models' equations rather than from the vectorised code. Tests compare the two on sampled worlds
(``tests/test_reference.py``) and ``benchmarks/run.py`` times the engine against it. It is slow
by design (tens of microseconds per world-month); never use it for real runs.

Before the months, once per world: the package's instruments (:mod:`guaranty.models.response`) —
allied deployments with their power :math:`N\pi f \ell e` (:mod:`guaranty.models.troops`) and
arrival, the treaties' guarantors (rung, automaticity, will, delay, the world's response draw,
reinforcement :math:`\frac{\text{pool}}{\kappa}\,s\,\pi`, share of the war left after the delay
:math:`\operatorname{clip}(1 - \delta/d, 0, 1)`), allied aircraft :math:`n a b`
(:mod:`guaranty.models.air`), whether each contributor's :math:`\kappa \sum N` fits its pool;
the sea blockade :math:`1/(1 + (Q/(cF))^k)` and the exports it would cost
(:mod:`guaranty.models.naval`); the command-and-control factor :math:`1 - v(1 - r)`
(:mod:`guaranty.models.intel`); the refugees' return probability under the settlement
(:mod:`guaranty.models.refugees`).

One month ``t`` of one world, in the order the engine applies it:

1. The instruments' terms (:mod:`guaranty.models.response`): allied troop power and monitors
   present; each guarantor's honour probability, with the tripwire's logit shift when its
   own troops are in the country (:mod:`guaranty.models.guarantors`), and its realised rung
   from its response draw; what the aggressor expects (rungs at least 4, 5, 6 in
   probability) and what happens (the realised rungs); the expected cost of the responses.
2. Combat power of each side (:mod:`guaranty.models.forces`): usable weapons
   :math:`U_c = \min(S_c, M/(\nu\mu))`, crews assigned by a fractional knapsack (most power per
   crew member first), :math:`P = \rho(\sum_c w_c x_c + w_0 N_{\text{left}})`; the defender's
   power is scaled by the force-to-space factor :math:`\min(1, N/(F\rho^*))` and the C2
   factor, the aggressor's by the surprise left after the warning that ISR and monitors give.
   Air denial (perceived and actual) takes the ground effect :math:`1 - s\,p_{deny}` from the
   aggressor; allied troops and reinforcements add to the defender, the arms surge
   multiplies it.
3. The aggressor's decision (:mod:`guaranty.models.decision`) on the perceived ratio, with the
   guarantors' expected cost added to the sanctions cost: monthly hazard
   :math:`h = 1 - e^{-c\lambda_0 e^{k(V - V_w)}}` once ready, with :math:`c` the anchoring
   factor of the base hazard (:mod:`guaranty.engine.anchoring`).
4. The campaign if war starts now (:mod:`guaranty.models.campaign`) on the actual ratio:
   probability the defender holds, ground lost, casualties, captured stocks; air denial,
   blockade, missiles leaking :math:`S(1 - e(1 - (1-p)^m))`, what the guarantors' realised
   responses cost.
5. Perceived risk, investment and refugee returns on the peace path
   (:mod:`guaranty.models.economy`, :mod:`guaranty.models.refugees`).
6. The war ledger (:mod:`guaranty.models.outcomes`): :math:`S_{t+1} = S_t (1 - h_t)` and the
   survival-weighted sums :math:`\sum_u S_u h_u y_u`.
7. Supply (:mod:`guaranty.models.supply`): capacity ramps, money waiting unspent, orders up to
   an order book, new lines built by orders, backlog, first-order delivery delay,
   wear, domestic production, caps; then the aggressor regenerates and the defender's army
   drifts toward its peacetime size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from guaranty.models.guarantors import Rung
from guaranty.models.outcomes import GIVEN_WAR, WAR_CHECKPOINTS
from guaranty.scenario.compile import Plan

Array = NDArray[np.float64]

CHECKPOINTS = WAR_CHECKPOINTS  # months at which p_war_{t}m is reported
# Months at which the economy and refugee outcomes are reported. The engine has its own
# constant; the oracle re-states it (as it re-states the whole chain) rather than import it.
ECONOMY_CHECKPOINTS = (12, 60, 120)
# Guards the vectorised models also use, so that both agree at the edges: divisors are kept
# away from zero, logarithms of powers start at 1e-12, and the exponent of the hazard stops at
# 50 (beyond it the monthly hazard is 1 to double precision for any plausible base rate).
TINY_POWER = 1e-12
MAX_EXPONENT = 50.0
# The honour model keeps the base reliability a float epsilon inside (0, 1), in the engine's
# single precision; it matters only for a reliability of exactly 0 or 1.
RELIABILITY_EPS = 2.0**-23
# Rungs of the guarantors' ladder (guaranty.models.guarantors.Rung), as plain ints.
SANCTIONS, ARMS, AIR_NAVAL, GROUND = (int(r) for r in (
    Rung.SANCTIONS, Rung.ARMS, Rung.AIR_NAVAL, Rung.GROUND_TROOPS))
DAYS_PER_MONTH = 365.25 / 12.0
NAVAL_ASSETS = (  # (field of NavalAssets, parameter suffix)
    ("anti_ship_missiles", "anti_ship_missile"),
    ("naval_drones", "naval_drone"),
    ("patrol_boats", "patrol_boat"),
    ("patrol_aircraft", "patrol_aircraft"),
)
CORRIDOR = ("escorts", "mine_countermeasures", "air_cover")  # paid each year
SETTLEMENT_PAIRS = (("territory_most", "territory_1991"), ("nato_guarantees", "nato_membership"))
SETTLEMENT_SINGLES = ("agreement", "jobs", "eu_accession", "less_corruption")


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


# --- forces and campaign (guaranty.models.forces, campaign, decision) ------------------------
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


def usable_weapons(stock: list[float], s: Side) -> dict[int, float]:
    """:math:`U_c = \\min(S_c, M/(\\nu\\mu))`: weapons with munitions for the war-stock period."""
    usable = {c: stock[c] for c, _, _ in s.ranking}
    for m, w, rounds in s.munitions:
        usable[w] = min(usable[w], stock[m] / max(rounds, 1e-12))
    return usable


def combat_power(stock: list[float], personnel: float, s: Side) -> float:
    """:math:`P = \\rho(\\sum_c w_c x_c + w_0 (N - \\sum_c \\kappa_c x_c))`, crews by knapsack."""
    usable = usable_weapons(stock, s)
    left = personnel
    power = 0.0
    for c, weight, crew in s.ranking:
        x = max(0.0, min(left / crew, usable[c]))
        power += weight * x
        left = max(left - crew * x, 0.0)
    return s.readiness * (power + s.infantry_weight * left)


LN_RATIO_LIMIT = 20.0  # guaranty.engine.chain.LN_RATIO_LIMIT


def ln_ratio(attacker: float, defender: float) -> float:
    """:math:`\\ln(A/D)`, each power floored at :data:`TINY_POWER`, held within
    +-:data:`LN_RATIO_LIMIT`."""
    raw = math.log(max(attacker, TINY_POWER)) - math.log(max(defender, TINY_POWER))
    return min(max(raw, -LN_RATIO_LIMIT), LN_RATIO_LIMIT)


PATH_MONTHS = (0.0, 3.0, 6.0, 12.0, 24.0, 48.0)


def equipment_path(stock: list[float], personnel: float, s: Side, ground: set[int],
                   deliveries: list[float], p: Mapping[str, float]) -> list[float]:
    """m(t) = P(S(t))/P(S(0)) at PATH_MONTHS (guaranty.engine.chain.equipment_path), for one
    world: front weapons lost at the record's share a month, deliveries scaled by A_ref."""
    loss = p["campaign.equipment_loss_share_per_month"]
    scale = p["campaign.reference_resupply_ratio"]
    own = max(combat_power(stock, personnel, s), 1e-12)
    path = [1.0]
    for t in PATH_MONTHS[1:]:
        kept, grown = math.exp(-loss * t), -math.expm1(-loss * t) / max(loss, 1e-9)
        at = [v * kept + deliveries[c] / scale * grown if c in ground else v
              for c, v in enumerate(stock)]
        path.append(combat_power(at, personnel, s) / own)
    return path


def path_at(t: float, path: list[float]) -> float:
    """m(t): linear between PATH_MONTHS, flat after the last."""
    t = min(max(t, PATH_MONTHS[0]), PATH_MONTHS[-1])
    for k in range(1, len(PATH_MONTHS)):
        if t < PATH_MONTHS[k] or k == len(PATH_MONTHS) - 1:
            lo, hi = PATH_MONTHS[k - 1], PATH_MONTHS[k]
            return path[k - 1] + (t - lo) / (hi - lo) * (path[k] - path[k - 1])
    raise AssertionError("unreachable")


def campaign_war(ln_r: float, a_pers: float, d_pers: float, recruitment: float,
        p: Mapping[str, float], kit: tuple[list[float], float] | None = None
        ) -> dict[str, float]:
    """The campaign of a war begun now (guaranty.models.campaign.war), for one world; ``kit``
    is (the equipment path m at PATH_MONTHS, the defender's own share of its side)."""
    x = (ln_r - math.log(p["campaign.reference_ratio"])
         - math.log(p["campaign.prepared_defence"]))
    defenders = d_pers if kit is None else d_pers / max(kit[1], 1e-3)  # allies fight too
    positional = (p["campaign.casualties_per_defender_per_month"] * defenders
                  * math.exp(-p["campaign.loss_exponent"] * x))
    mobile = p["campaign.mobile_casualties_per_defender_per_month"] * defenders
    open_share = min(max(1.0 - p["campaign.prepared_defence"], 0.0), 1.0)
    monthly = positional + open_share * (mobile - positional)
    net, scale = monthly - recruitment, 0.05 * monthly + 1.0
    positive = 0.5 * (net + math.sqrt(net * net + scale * scale))
    endurance = p["campaign.culmination_share"] * a_pers / positive
    d0 = p["campaign.war_months"]
    window = d0 * endurance / max(d0 + endurance, 1e-9)
    rate = p["campaign.breakthrough_rate_per_month"] * math.exp(
        p["campaign.breakthrough_exponent"] * x)
    if kit is not None:
        mean = 0.0
        for node, weight in zip(*np.polynomial.legendre.leggauss(8), strict=True):
            t = 0.5 * window * (node + 1.0)
            defender = max(1.0 + kit[1] * (path_at(t, kit[0]) - 1.0), 1e-6)
            mean += 0.5 * weight * defender ** -p["campaign.breakthrough_exponent"]
        rate *= mean
    p_break = -math.expm1(-rate * window)
    offensive = p_break / rate if rate > 0 else window
    pace = positional / (p["campaign.casualties_per_km2"] * math.exp(
        -(p["campaign.loss_exponent"] + p["campaign.cost_exponent"]) * x))
    moving = p_break * p["campaign.mobile_war_months"]
    held = offensive + (1.0 - p_break) * (d0 - window)
    months_of_war = held + moving
    territory = p["theatre.territory_km2"]
    ground = min(territory, pace * window
                 + p_break * p["campaign.breakthrough_territory_share"] * territory)
    exchange = p["campaign.exchange_ratio"] * math.exp(-p["campaign.exchange_exponent"] * x)
    mobile_exchange = p["campaign.mobile_exchange_ratio"]
    held_defender = ((1.0 - open_share) * positional / exchange
                     + open_share * mobile / mobile_exchange)
    # the pursuit: m_x months at C_h plus the mobile premium, held below the months left
    a = max(mobile - monthly, 0.0) * p["campaign.mobile_war_months"]
    b = monthly * max(d0 - window, 0.0)
    top = max(a, b, 1e-30)
    pursuit = (monthly * p["campaign.mobile_war_months"]
               + a * b / top / (1.0 + (min(a, b) / top) ** 4) ** 0.25)
    fought = monthly * held + pursuit * p_break
    bound = p["campaign.culmination_share"] * a_pers + recruitment * months_of_war
    kept = bound / max(fought + bound, 1e-9)
    aggressor = fought * kept
    defender_losses = kept * (held_defender * held + pursuit / mobile_exchange * p_break)
    return {"p_break": p_break, "ground": ground, "months": months_of_war,
            "aggressor": aggressor, "defender": defender_losses}


def capacity_decay(t: int, ramp_months: float) -> float:
    """:math:`e^{-t/\\tau}`; an instant ramp (tau = 0) is at its end from month 1 on."""
    if ramp_months > 0.0:
        return math.exp(-t / ramp_months)
    return 1.0 if t == 0 else 0.0


def clip01(x: float) -> float:
    """:math:`\\operatorname{clip}(x, 0, 1)`."""
    return min(max(x, 0.0), 1.0)


# --- guarantors (guaranty.models.guarantors) ------------------------------------------------
def honour_probability(
    rho: float, automaticity: float, will: float, delay: float, *, a_ref: float, b_a: float,
    b_w: float, b_d: float, shift: float,
) -> float:
    """:math:`\\operatorname{logit} p = \\operatorname{logit}\\rho + b_a(a - a_{ref})
    + b_w(w - 1/2) - b_d\\delta + s`."""
    rho = min(max(rho, RELIABILITY_EPS), 1.0 - RELIABILITY_EPS)
    eta = (math.log(rho / (1.0 - rho)) + b_a * (automaticity - a_ref) + b_w * (will - 0.5)
           - b_d * delay + shift)
    if eta >= 0.0:
        return 1.0 / (1.0 + math.exp(-eta))
    e = math.exp(eta)
    return e / (1.0 + e)


def shortfall_tail(committed: int, k: int, weights: tuple[float, ...] | None) -> float:
    """:math:`Q_K(k)`: P(shortfall rung >= k) for weights of rungs 0..K-1 (None: uniform)."""
    if k <= 0:
        return 1.0
    if k >= committed:
        return 0.0
    if weights is None:
        return (committed - k) / committed
    total = sum(weights[:committed])
    return sum(weights[k:committed]) / max(total, 1e-12)


def rung_at_least(p: float, committed: int, k: int, obliged: int | None = None,
                  weights: tuple[float, ...] | None = None, tilt: float = 0.0) -> float:
    r""":math:`1 - (1 - p\,1[k \le K_o])(1 - \tilde Q_K(k))` for :math:`1 \le k \le K`, with
    :math:`\operatorname{logit}\tilde Q = \operatorname{logit} Q + \tau`; 1 below, 0 above."""
    if k <= 0:
        return 1.0
    if k > committed:
        return 0.0
    top = committed if obliged is None else min(obliged, committed)
    honoured = p if k <= top else 0.0
    q = shortfall_tail(committed, k, weights)
    if tilt != 0.0 and 0.0 < q < 1.0:
        eta = math.log(q / (1.0 - q)) + tilt
        q = 1.0 / (1.0 + math.exp(-eta)) if eta >= 0 else math.exp(eta) / (1.0 + math.exp(eta))
    return 1.0 - (1.0 - honoured) * (1.0 - q)


def realised_rung(p: float, committed: int, u: float, obliged: int | None = None,
                  weights: tuple[float, ...] | None = None, tilt: float = 0.0) -> int:
    r""":math:`\#\{k \ge 1: u < P(R \ge k)\}`."""
    return sum(1 for k in range(1, committed + 1)
               if u < rung_at_least(p, committed, k, obliged, weights, tilt))


def normal_cdf(x: float) -> float:
    r""":math:`\Phi(x)`."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_ppf(u: float) -> float:
    r""":math:`\Phi^{-1}(u)` (:class:`statistics.NormalDist`), infinite at 0 and 1."""
    if u <= 0.0:
        return -math.inf
    if u >= 1.0:
        return math.inf
    return NormalDist().inv_cdf(u)


COHESION_NODES = 128
_FLOAT32_EPS = 2.0**-23
_R_MAX = 0.999


def latent_uniform(draw: float, common: float, r: float) -> float:
    r""":math:`\Phi(\sqrt r\,\Phi^{-1}(c) + \sqrt{1-r}\,\Phi^{-1}(d))`, the draws kept a
    float32 epsilon inside (0, 1)."""
    r = min(max(r, 0.0), _R_MAX)
    c = min(max(common, _FLOAT32_EPS), 1.0 - _FLOAT32_EPS)
    d = min(max(draw, _FLOAT32_EPS), 1.0 - _FLOAT32_EPS)
    return normal_cdf(math.sqrt(r) * normal_ppf(c) + math.sqrt(1.0 - r) * normal_ppf(d))


_COHESION_X: list[float] = []


def p_any(probabilities: list[float], r: float) -> float:
    """P(some :math:`u_g < p_g`) under the one-factor copula: midpoint rule in probability
    over the common factor."""
    if not probabilities:
        return 0.0
    if not _COHESION_X:
        _COHESION_X.extend(normal_ppf((j + 0.5) / COHESION_NODES)
                           for j in range(COHESION_NODES))
    r = min(max(r, 0.0), _R_MAX)
    sr, sq = math.sqrt(r), math.sqrt(1.0 - r)
    thresholds = [normal_ppf(min(max(q, 0.0), 1.0)) for q in probabilities]
    none = 0.0
    for x in _COHESION_X:
        stay = 1.0
        for c in thresholds:
            stay *= 1.0 - normal_cdf((c - sr * x) / sq) if math.isfinite(c) else (
                1.0 if c < 0 else 0.0)
        none += stay / COHESION_NODES
    return min(max(1.0 - none, 0.0), 1.0)


# --- intel, air, naval (guaranty.models.intel, air, naval) ----------------------------------
def positions_loss(plan: Plan, p: Mapping[str, float]) -> float:
    """:math:`\\lambda = \\lambda_{max}(1 - e^{-N_a/N_{ref}})` for the aggressor's troops in
    the defender's territory (its positions and its share of a mixed contingent)."""
    stationed = plan.aggressor_positions.troops if plan.aggressor_positions else 0.0
    pk = plan.peacekeepers
    if pk is not None and "aggressor" in pk.members:
        stationed += pk.size / len(pk.members)
    if stationed <= 0.0:
        return 0.0
    loss = p["aggressor_positions.warning_loss"] * -math.expm1(
        -stationed / max(p["aggressor_positions.reference_troops"], 1e-9))
    return clip01(loss)


def surprise_after_warning(p: Mapping[str, float], monitors: float, lost: float = 0.0
                           ) -> float:
    """:math:`\\sigma = 1 + (\\sigma_0 - 1)(1 - m)`, :math:`m = \\operatorname{clip}(W/T, 0, 1)`,
    :math:`W = (W_0 + g\\,i + g_m\\,\\mu)(1 - \\lambda)`."""
    warning = (p["intel.base_warning_months"] + p["intel.isr_gain_months"] * p["intel.level"]
               + p["intel.monitor_gain_months"] * monitors) * (1.0 - lost)
    mobilisation = p["intel.mobilisation_months"]
    # An instant mobilisation (T = 0) is complete on any warning.
    instant = 1.0 if warning > 0.0 else 0.0
    ready = clip01(warning / mobilisation) if mobilisation > 0.0 else instant
    return 1.0 + (p["campaign.surprise_multiplier"] - 1.0) * (1.0 - ready)


def c2_factor(resilience: float, severity: float) -> float:
    """Effectiveness left after a first-hour strike, :math:`1 - v(1 - r)`."""
    return 1.0 - severity * (1.0 - resilience)


def basing_factor(distance_km: float, radius_km: float) -> float:
    """Share of time on station, :math:`\\operatorname{clip}(1 - d/R, 0, 1)`."""
    if radius_km <= 0.0:
        return 1.0 if distance_km <= 0.0 else 0.0
    return clip01(1.0 - distance_km / radius_km)


def inverse_odds(ratio: float, k: float) -> float:
    """:math:`1/(1 + r^k)` for :math:`r \\ge 0`, safe for huge :math:`r`."""
    if ratio <= 0.0:
        return 1.0
    exponent = k * math.log(ratio)
    if exponent > 700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(exponent))


def air_denial(allied: float, fighters: float, long_range: float, aggressor: float,
               p: Mapping[str, float]) -> float:
    r""":math:`p_{deny} = 1/(1 + (X/D)^k)`, :math:`D = A + F + \sum_\ell w_\ell n_\ell` over
    the long, medium and short range layers: 1 if X = 0, 0 if D = 0."""
    if aggressor <= 0.0:
        return 1.0
    defence = (allied + fighters
               + p["air_defence.aircraft_equivalent.long_range"] * long_range
               + p["air_defence.aircraft_equivalent.medium_range"]
               * p["air_defence.systems.medium_range"]
               + p["air_defence.aircraft_equivalent.short_range"]
               * p["air_defence.systems.short_range"])
    if defence <= 0.0:
        return 0.0
    return inverse_odds(aggressor / defence, p["air.denial_steepness"])


AIR_LAYERS = {  # which kinds (ballistic, cruise, drone) each layer engages
    "allied": (False, True, True), "fighter": (False, True, True),
    "short_range": (False, True, True), "medium_range": (False, True, True),
    "long_range": (True, True, False)}
THREAT_KINDS = ("ballistic", "cruise", "drone")
SHOT_NAMES = ("air.shots_per_ballistic", "air.shots_per_missile", "air.shots_per_drone")


def layer_leakage(arriving: list[float], layer: str, systems: float, interceptors: float,
                  p: Mapping[str, float], scale: float = 1.0) -> list[float]:
    """One layer's leakage factor per kind: each kind, highest priority first, is engaged in
    the share min(coverage, what capacity and interceptors leave / threats) and killed with
    1 - (1 - p)^m per engagement (guaranty.models.air_defence)."""
    capacity = scale * systems * p[f"air_defence.engagements_per_system.{layer}"]
    stock = interceptors if math.isinf(interceptors) else scale * interceptors
    cover = min(systems * p[f"air_defence.coverage_per_system.{layer}"], 1.0)
    used_c = used_r = 0.0
    factors = []
    for kind, engages in enumerate(AIR_LAYERS[layer]):
        if not engages:
            factors.append(1.0)
            continue
        shots = p[SHOT_NAMES[kind]]
        left = max(min(capacity - used_c, (stock - used_r) / shots), 0.0)
        share = min(cover, left / arriving[kind]) if arriving[kind] > 0 else cover
        kill = 1.0 - (1.0 - p[f"air_defence.kill_probability.{THREAT_KINDS[kind]}.{layer}"]
                      ) ** shots
        factors.append(1.0 - share * kill)
        used_c += arriving[kind]
        used_r += shots * arriving[kind]
    return factors


def layered(salvo: list[float], layers: list[tuple[str, float, float]],
            p: Mapping[str, float], scale: float = 1.0) -> list[float]:
    """Leakage per kind through ``layers`` (name, systems, interceptors) in order."""
    arriving, leak = list(salvo), [1.0, 1.0, 1.0]
    for name, systems, interceptors in layers:
        factors = layer_leakage(arriving, name, systems, interceptors, p,
                                1.0 if name == "allied" else scale)
        arriving = [a * f for a, f in zip(arriving, factors, strict=True)]
        leak = [total * f for total, f in zip(leak, factors, strict=True)]
    return leak


def layered_air_defence(p: Mapping[str, float], fighters: float, long_range: float,
                        interceptors: float, allied: float) -> tuple[float, float, float]:
    """(missiles leaking a month over the country, drones leaking a month over the country,
    damage to the protected zone a month):
    the country's layers, and in the zone (its share of the threats and of every layer's
    capacity and interceptors) the allied aircraft first."""
    missiles, share = p["air.salvo_missiles_per_month"], p["air_defence.ballistic_share"]
    salvo = [missiles * share, missiles * (1.0 - share), p["air.salvo_drones_per_month"]]
    own = [("fighter", fighters, math.inf),
           ("short_range", p["air_defence.systems.short_range"], math.inf),
           ("medium_range", p["air_defence.systems.medium_range"],
            p["air_defence.interceptors_per_month.medium_range"]),
           ("long_range", long_range, interceptors)]
    zone = p["air_defence.zone_share"]
    outside = layered(salvo, own, p)
    inside = layered([zone * s for s in salvo], [("allied", allied, math.inf), *own], p, zone)
    country = [zone * i + (1.0 - zone) * o for i, o in zip(inside, outside, strict=True)]
    weights = [p["air_defence.damage_weight.ballistic"], p["air_defence.damage_weight.cruise"],
               1.0]
    damage = sum(w * zone * s * leak for w, s, leak in zip(weights, salvo, inside, strict=True))
    return salvo[0] * country[0] + salvo[1] * country[1], salvo[2] * country[2], damage


def ground_effect(denial: float, air_share: float) -> float:
    """Multiplier on the aggressor's ground effectiveness, :math:`1 - s\\,p_{deny}`."""
    return 1.0 - air_share * denial


def sea_denial(plan: Plan, p: Mapping[str, float]) -> float:
    """:math:`Q_0 = \\sum w_j n_j` over own and added assets and the corridor's protection."""
    own = sum(
        p[f"naval.weight_{suffix}"] * (p[f"defender.naval.{field}"] + getattr(plan.naval, field))
        for field, suffix in NAVAL_ASSETS
    )
    return own + sum(p[f"naval.weight_{a}"] * getattr(plan.naval, a) for a in CORRIDOR)


def blockade_probability(denial: float, p: Mapping[str, float]) -> float:
    """:math:`1/(1 + (Q/(cF))^k)` at sea-denial power ``denial``."""
    fleet = p["aggressor.fleet"]
    if fleet <= 0.0:
        return 0.0
    return inverse_odds(denial / (p["naval.denial_per_warship"] * fleet),
                        p["naval.blockade_steepness"])


# --- economy and refugees (guaranty.models.economy, refugees) -------------------------------
def monthly_from_annual(annual: float) -> float:
    """:math:`1 - (1 - P)^{1/12}`."""
    return 1.0 - (1.0 - clip01(annual)) ** (1.0 / 12.0)


def annual_from_monthly(hazard: float) -> float:
    """:math:`\\hat P = 1 - (1 - \\hat h)^{12}`."""
    return 1.0 - (1.0 - clip01(hazard)) ** 12


def perceived_step(previous: float, hazard: float, signal: float, p: Mapping[str, float]) -> float:
    """:math:`\\hat h + \\alpha(b h (1 - w s) - \\hat h)`, :math:`\\alpha = 1 - e^{-1/M}`."""
    target = hazard * p["economy.perception_bias"] * (
        1.0 - clip01(p["economy.guarantee_signal_weight"]) * clip01(signal))
    alpha = -math.expm1(-1.0 / max(p["economy.perception_memory_months"], 1e-6))
    return clip01(previous + alpha * (target - previous))


def investment_per_year(risk: float, exports_lost: float, p: Mapping[str, float]) -> float:
    """:math:`I^{pub} + I_0 (c_0/(c_0 + \\mu\\lambda\\hat P))^{\\varepsilon}(1 - \\kappa x)`."""
    c0 = max(p["economy.cost_of_capital"], 1e-9)
    premium = p["economy.insurance_loading"] * p["economy.loss_share_in_war"] * clip01(risk)
    exports = 1.0 - clip01(p["economy.export_exposure"]) * clip01(exports_lost)
    private = (p["economy.private_usd_bn_per_year"]
               * (c0 / (c0 + premium)) ** p["economy.user_cost_elasticity"] * exports)
    return private + p["economy.public_usd_bn_per_year"]


def settlement_levels(plan: Plan, signal: float) -> dict[str, float]:
    """The package's settlement as the refugee survey's attributes, each in [0, 1]."""
    s = plan.settlement
    return {
        "territory_most": float(s.territory == "most"),
        "territory_1991": float(s.territory == "1991"),
        "nato_guarantees": signal,  # guarantees from some NATO states: the visible signal
        "nato_membership": float(s.nato_membership),
        "agreement": float(plan.provisions.agreement != "ceasefire"),
        "jobs": float(s.jobs),
        "eu_accession": float(s.eu_accession),
        "less_corruption": float(s.less_corruption),
    }


def return_probability(levels: Mapping[str, float], p: Mapping[str, float]) -> float:
    """:math:`q = q_w + \\max(\\beta_{most}x, \\beta_{1991}x) + \\max(\\beta_{gua}x,
    \\beta_{NATO}x) + \\sum \\beta_j x_j`, clipped to [0, 1]."""
    def term(name: str) -> float:
        return clip01(levels[name]) * p[f"refugees.effect_{name}_pp"] / 100.0

    q = p["refugees.worst_case_return_probability"]
    q += sum(max(term(a), term(b)) for a, b in SETTLEMENT_PAIRS)
    q += sum(term(name) for name in SETTLEMENT_SINGLES)
    return clip01(q)


def intention_keep(p: Mapping[str, float]) -> float:
    """:math:`\\rho_{keep} = \\exp(-\\sigma\\,(\\delta/I_0)\\,30.44/100)`, δ in pp per 100 days."""
    per_day = p["refugees.intention_decay_pp_per_100_days"] / 100.0 / (
        100.0 * p["refugees.intention_at_flight"])
    return math.exp(-p["refugees.decay_scale"] * per_day * DAYS_PER_MONTH)


def return_rate(risk: float, p: Mapping[str, float]) -> float:
    """:math:`r = (1/D)\\,e^{-\\theta \\hat P}`, in [0, 1]."""
    rate = math.exp(-p["refugees.risk_aversion"] * clip01(risk))
    return clip01(rate / max(p["refugees.return_delay_months"], 1.0))


# --- the package's instruments (guaranty.models.response) ---------------------------------
@dataclass(frozen=True)
class Deployment:
    """Allied troops of one guarantor in one world, scaled to what its pool supports."""

    guarantor: str
    size: float
    watches: bool  # a monitoring or tripwire mission watches the line
    in_country: bool
    arrival: float  # months
    power: float  # N pi f l e, once arrived
    cost_per_year: float  # USD
    exposure_weight: float  # location factor x mission role weight


@dataclass(frozen=True)
class Guarantee:
    """One guarantor's commitment in one world: a treaty, or the implicit one of its troops."""

    guarantor: str
    committed: int  # K
    obliged: int  # the rung the wording obliges
    weights: tuple[float, ...]  # the shortfall law over rungs 0..K-1
    tilt: float  # the wording's log-odds on the shortfall
    automaticity: float
    honour: tuple[float, float]  # without and with its troops present
    draw: float  # u, its correlated uniform
    surge_power: float  # (pool / kappa - deployed) x surge share x pi
    surge_cost_per_year: float  # (pool / kappa - deployed) x surge share x cost per soldier-year
    arrival_share: float  # share of the war left after the delay
    implicit: bool  # made by its troops, without a treaty


@dataclass(frozen=True)
class Aircraft:
    """One allied air deployment in one world."""

    guarantor: str
    effective: float  # n a b
    treaty_air: bool  # its government promised air support or more
    draw: float  # its government's correlated uniform
    policing: bool = False  # an air-policing mission: protects the zone only


@dataclass(frozen=True)
class Terms:
    """The instruments' terms in one month: perceived by the aggressor, and realised."""

    troop_power: float
    monitors: float
    expected_cost: float
    perceived_add: float
    perceived_arms: float
    perceived_air: float
    actual_add: float
    actual_arms: float
    actual_air: float
    war_cost_usd: float
    zone_air: float  # allied aircraft protecting the zone (combat and air policing)
    p_direct: float  # P(some guarantor enters the war)
    direct_air: float  # the part of perceived_air that comes only with a direct war


Wanted = tuple[str, float, str, str, str, float | None]


def _wanted(plan: Plan) -> list[Wanted]:
    wanted: list[Wanted] = [(d.guarantor, d.size, d.mission, d.location,
                             d.rules_of_engagement, d.arrival_months) for d in plan.troops]
    pk = plan.peacekeepers
    if pk is not None:
        # The aggressor's share of a mixed contingent is not an allied deployment.
        wanted += [(m, pk.size / len(pk.members), "monitoring", pk.location, "self-defence",
                    pk.arrival_months)
                   for m in pk.members if m != "aggressor"]
    return wanted


def supported_shares(plan: Plan, p: Mapping[str, float]) -> dict[str, float]:
    """Each contributor's :math:`\\min(1, P_g/(\\kappa N_g))`."""
    requested: dict[str, float] = {}
    for g, size, *_ in _wanted(plan):
        requested[g] = requested.get(g, 0.0) + size
    out = {}
    for g, size in requested.items():
        need = size * p["troops.rotation_factor"]
        out[g] = min(1.0, p[f"guarantor.{g}.troop_pool"] / max(need, 1e-9)) if need > 0 else 1.0
    return out


def deployments(plan: Plan, p: Mapping[str, float]) -> list[Deployment]:
    """The package's troops and a P5 contingent's allied members' equal shares of it, each
    scaled to what its contributor's rotation pool supports."""
    share = supported_shares(plan, p)
    out = []
    for g, size, mission, location, roe, arrival in _wanted(plan):
        size = size * share[g]
        power = (size * p["troops.power_per_soldier"] * p[f"troops.fight_share.{mission}"]
                 * p[f"troops.location_factor.{location}"] * p[f"troops.roe_factor.{roe}"])
        out.append(Deployment(
            guarantor=g, size=size, watches=mission in ("monitoring", "tripwire"),
            in_country=location != "neighbour",
            arrival=p["troops.arrival_months"] if arrival is None else float(arrival),
            power=power, cost_per_year=size * p[f"guarantor.{g}.cost_per_soldier_year_usd"],
            exposure_weight=(p[f"troops.location_factor.{location}"]
                             * p[f"tripwire.role_weight.{mission}"])))
    return out


def _uncommitted(plan: Plan) -> set[str]:
    pk = plan.peacekeepers
    if pk is None or "aggressor" not in pk.members:
        return set()
    own = {d.guarantor for d in plan.troops}
    return {m for m in pk.members if m != "aggressor" and m not in own}


def exposures(plan: Plan, p: Mapping[str, float], troops: list[Deployment]) -> dict[str, float]:
    """:math:`E_g = 1 - e^{-\\sum_d N_d w_d / N_{ref}}` over each guarantor's troops in the
    country (none for the members of a contingent the aggressor belongs to)."""
    skip = _uncommitted(plan)
    total: dict[str, float] = {}
    for d in troops:
        if d.in_country and d.guarantor not in skip:
            total[d.guarantor] = total.get(d.guarantor, 0.0) + d.size * d.exposure_weight
    ref = max(p["tripwire.reference_troops"], 1e-9)
    return {g: -math.expm1(-x / ref) for g, x in total.items()}


def _draw(p: Mapping[str, float], g: str) -> float:
    return latent_uniform(p[f"guarantor.{g}.response_draw"], p["guarantors.cohesion_draw"],
                          p["guarantors.cohesion_correlation"])


def guarantees(plan: Plan, p: Mapping[str, float], troops: list[Deployment]
               ) -> list[Guarantee]:
    """The treaties' guarantors, then the implicit commitments of guarantors whose troops
    stand in the country without a treaty."""
    out = []
    duration = max(p["campaign.war_months"], 1e-6)
    exposure = exposures(plan, p, troops)
    weights = tuple(p[f"guarantors.shortfall.{r}"]
                    for r in ("none", "consult", "condemn", "sanctions", "arms", "air_naval"))

    def common(g: str) -> dict[str, float]:
        deployed = sum(d.size for d in troops if d.guarantor == g)
        sent = max(p[f"guarantor.{g}.troop_pool"] / p["troops.rotation_factor"] - deployed,
                   0.0) * p["guarantors.troop_surge_share"]
        delay = p[f"guarantor.{g}.response_delay_months"]
        return {"surge_power": sent * p["troops.power_per_soldier"],
                "surge_cost_per_year": sent * p[f"guarantor.{g}.cost_per_soldier_year_usd"],
                "arrival_share": clip01(1.0 - delay / duration), "draw": _draw(p, g)}

    def honour(g: str, rho: float, automaticity: float, shift: float) -> float:
        return honour_probability(
            rho, automaticity, p[f"guarantor.{g}.will"],
            p[f"guarantor.{g}.response_delay_months"],
            a_ref=p["guarantors.automaticity_reference"], b_a=p["guarantors.automaticity_slope"],
            b_w=p["guarantors.will_slope"], b_d=p["guarantors.delay_slope"], shift=shift)

    shift = p["tripwire.response_shift"]
    for tr in plan.treaties:
        g = str(tr.guarantor)
        a = p[f"guarantors.automaticity.{tr.wording}"]
        rho = p["guarantors.base_reliability"]
        without = honour(g, rho, a, 0.0)
        with_troops = honour(g, rho, a, shift * exposure[g]) if g in exposure else without
        out.append(Guarantee(
            guarantor=g, committed=int(tr.level),
            obliged=int(Rung.CONSULT) if tr.wording == "consult" else int(tr.level),
            weights=weights,
            tilt=p["guarantors.automaticity_slope"] * (a - p["guarantors.automaticity_reference"]),
            automaticity=a, honour=(without, with_troops), implicit=False, **common(g)))
    with_treaty = {tr.guarantor for tr in plan.treaties}
    for g, e in exposure.items():
        if g in with_treaty:
            continue
        present = honour(g, p["guarantors.reliability_without_treaty"],
                         p["guarantors.automaticity_reference"], shift * e)
        out.append(Guarantee(
            guarantor=g, committed=GROUND, obliged=GROUND, weights=(1.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            tilt=0.0, automaticity=0.0, honour=(0.0, present), implicit=True, **common(g)))
    return out


def aircraft(plan: Plan, p: Mapping[str, float], treaties: list[Guarantee]) -> list[Aircraft]:
    """Allied aircraft over the defended area, :math:`n a b`."""
    air_promised = {tr.guarantor for tr in treaties
                    if not tr.implicit and tr.committed >= AIR_NAVAL}
    out = []
    for a in plan.aircraft:
        distance = 0.0 if a.basing == "in-country" else a.distance_km
        basing = basing_factor(distance, p["air.combat_radius_km"])
        effective = a.count * p[f"aircraft.{a.aircraft_type}.availability"] * basing
        out.append(Aircraft(a.guarantor, effective, a.guarantor in air_promised,
                            _draw(p, a.guarantor), a.mission == "air-policing"))
    return out


def peacetime_cost_usd(plan: Plan, p: Mapping[str, float], troops: list[Deployment],
                       months: int) -> float:
    """Troops while present, aircraft flying, naval assets added (once), ISR paid for."""
    total = sum(d.cost_per_year * min(max(months - d.arrival, 0.0), months) / 12.0
                for d in troops)
    for a in plan.aircraft:
        key = f"aircraft.{a.aircraft_type}"
        total += (a.count * p[f"{key}.flight_hours_per_year"] * p[f"{key}.cost_per_flight_hour_usd"]
                  * months / 12.0)
    total += sum(getattr(plan.naval, field) * p[f"naval.unit_cost_usd.{suffix}"]
                 for field, suffix in NAVAL_ASSETS if getattr(plan.naval, field))
    total += sum(getattr(plan.naval, a) * p[f"naval.cost_per_year_usd.{a}"] * months / 12.0
                 for a in CORRIDOR if getattr(plan.naval, a))
    if plan.isr_set:
        total += p["intel.level"] * p["intel.cost_usd_bn_per_year_full"] * 1e9 * months / 12.0
    return total


def guarantee_signal(troops: list[Deployment], treaties: list[Guarantee], t: int | None,
                     p: Mapping[str, float]) -> float:
    """:math:`\\max(\\min(1, N_{here}/N_{full}), \\max_g a_g K_g/6)`; ``t=None``: all present."""
    here = sum(d.size for d in troops if d.in_country and (t is None or t >= d.arrival))
    signal = min(here / max(p["economy.troops_for_full_signal"], 1.0), 1.0)
    for tr in treaties:
        signal = max(signal, tr.automaticity * tr.committed / GROUND)
    return signal


def month_terms(plan: Plan, p: Mapping[str, float], t: int, troops: list[Deployment],
                treaties: list[Guarantee], planes: list[Aircraft]) -> Terms:
    """What the instruments add in month ``t``, as the aggressor expects it and as it happens."""
    arrived = [d for d in troops if t >= d.arrival]
    troop_power = sum(d.power for d in arrived)
    watching = sum(d.size for d in arrived if d.watches)
    monitors = min(watching / max(p["intel.monitors_for_full_line"], 1.0), 1.0)
    here = {d.guarantor for d in arrived if d.in_country}

    # Hypothesis (b): foreign troops present cross the aggressor's red line.
    expected_cost = -p["tripwire.provocation"] if here else 0.0
    perceived_add = actual_add = war_cost = 0.0
    perceived_arms = actual_arms = 1.0
    perceived_air = actual_air = 0.0
    engage_p: dict[str, float] = {}
    engage_a: dict[str, float] = {}
    with_aircraft = {a.guarantor for a in plan.aircraft}
    for tr in treaties:
        honour = tr.honour[1] if tr.guarantor in here else tr.honour[0]
        k = tr.committed
        law = (tr.obliged, tr.weights, tr.tilt)
        rung = realised_rung(honour, k, tr.draw, *law)
        share = tr.arrival_share
        # Each guarantor's sanctions add up; a direct war with them is one war.
        expected_cost += p["guarantors.cost.sanctions"] * rung_at_least(honour, k, SANCTIONS,
                                                                        *law)
        perceived_arms += (rung_at_least(honour, k, ARMS, *law) * p["guarantors.arms_surge"]
                           * share)
        actual_arms += (rung >= ARMS) * p["guarantors.arms_surge"] * share
        perceived_add += rung_at_least(honour, k, GROUND, *law) * tr.surge_power * share
        actual_add += (rung >= GROUND) * tr.surge_power * share
        air_p, air_a = rung_at_least(honour, k, AIR_NAVAL, *law), float(rung >= AIR_NAVAL)
        engage_p[tr.guarantor] = max(engage_p.get(tr.guarantor, 0.0), air_p)
        engage_a[tr.guarantor] = max(engage_a.get(tr.guarantor, 0.0), air_a)
        if tr.guarantor not in with_aircraft:
            perceived_air += air_p * p["guarantors.air_surge_aircraft"] * share
            actual_air += air_a * p["guarantors.air_surge_aircraft"] * share
        # What the realised response costs its government over the war left after its delay.
        war_cost += p["campaign.war_months"] / 12.0 * share * (
            (rung >= ARMS) * p["guarantors.arms_support_usd_bn_per_year"] * 1e9
            + (rung >= AIR_NAVAL) * p["guarantors.air_support_usd_bn_per_year"] * 1e9
            + (rung >= GROUND) * tr.surge_cost_per_year)
    direct_air = perceived_air
    r = p["guarantors.cohesion_correlation"]
    p_direct = p_any(list(engage_p.values()), r) if engage_p else 0.0
    expected_cost += p["guarantors.cost.direct_war"] * p_direct
    exposed = [engage_p[g] for g in here if g in engage_p]
    if exposed:
        # The political cost of attacking through troops whose governments may answer.
        expected_cost += p["tripwire.political_cost"] * p_any(exposed, r)
    zone_air = 0.0
    for a in planes:
        if a.treaty_air:
            seen, flies = engage_p[a.guarantor], engage_a[a.guarantor]
        else:
            seen = p["guarantors.air_policing_continues_in_war" if a.policing
                     else "guarantors.air_engagement_without_treaty"]
            flies = float(a.draw < seen)
        if a.policing:  # protects the zone only
            zone_air += a.effective * flies
            continue
        if a.treaty_air:  # comes only with the guarantor's entry into the war
            direct_air += a.effective * seen
        perceived_air += a.effective * seen
        actual_air += a.effective * flies
    return Terms(troop_power, monitors, expected_cost, perceived_add, perceived_arms,
                 perceived_air, actual_add, actual_arms, actual_air, war_cost,
                 zone_air + actual_air, p_direct, direct_air)


def feasible(plan: Plan, p: Mapping[str, float]) -> tuple[float, float]:
    """(1 when every contributor's :math:`\\kappa \\sum N` fits its pool else 0, the share of
    the troops asked for that cannot be found)."""
    share = supported_shares(plan, p)
    asked: dict[str, float] = {}
    for g, size, *_ in _wanted(plan):
        asked[g] = asked.get(g, 0.0) + size
    total = sum(asked.values())
    found = sum(size * share[g] for g, size in asked.items())
    missing = clip01(1.0 - found / total) if total > 0 else 0.0
    return float(all(v >= 1.0 for v in share.values())), missing


# --- the chain ------------------------------------------------------------------------------
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
    money, grow_max, grow_rate = [0.0] * nc, [0.0] * nc, [0.0] * nc
    order_book = p["supply.order_book_months"]

    def first(*names: str) -> float:
        return next((p[x] for x in names[:-1] if x in p), p[names[-1]])

    for c in plan.supplied:
        key = f"supply.{cats[c]}"
        unit_cost[c] = p[f"{key}.unit_cost_usd"]
        money[c] = money_per_month * p[f"{key}.financing_share"]
        orders[c] = money[c] / max(unit_cost[c], 1e-9)
        lag[c] = max(p[f"{key}.delivery_lag_months"], 1.0)
        # New lines: up to (multiple - 1) x the start capacity the suppliers let through.
        start_open = sum(
            min(p[f"{ref.prefix}.capacity_start"], p[f"{ref.prefix}.capacity_end"])
            * p[f"supplier.{ref.supplier}.will"]
            * p[f"supplier.{ref.supplier}.commitment"]
            for ref in plan.producers if ref.category == c)
        multiple = first(f"{key}.expansion_multiple", "supply.expansion_multiple")
        grow_max[c] = max(multiple - 1.0, 0.0) * start_open
        tau = first(f"{key}.expansion_ramp_months", "supply.expansion_ramp_months")
        grow_rate[c] = 1.0 - math.exp(-1.0 / tau) if tau > 0 else 1.0
    unallocated = max(money_per_month - sum(money), 0.0)
    wear = [p[plan.wear_parameter(c)] for c in range(nc)]
    domestic = [p[f"defender.production.{x}"] for x in cats]

    # Defender state.
    reserves = p["defender.reserves"] * p["forces.reserve_availability"]
    d_pers = min(p["defender.personnel"] + reserves, plan.personnel_cap)
    d_stock = [min(p[f"defender.stock.{x}"], caps[c]) for c, x in enumerate(cats)]
    backlog, transit = [0.0] * nc, [0.0] * nc
    unspent, added = [0.0] * nc, [0.0] * nc
    shipped_usd = 0.0
    peacetime = p["defender.peacetime_personnel"] + reserves
    demobilisation = max(p["defender.demobilisation_months"], 1.0)

    # Aggressor state; sanctions slow recruitment and production unless a package lifts them.
    drag = 0.0 if plan.sanctions_relieved else p["forces.sanctions_drag"]
    elsewhere = p["aggressor.committed_elsewhere"]  # tied down on another front
    a_pers = max(p["aggressor.personnel"] - elsewhere, 0.0)
    a_stock = [p[f"aggressor.stock.{x}"] for x in cats]
    a_ceiling = [p[f"aggressor.stock_ceiling.{x}"] for x in cats]
    a_production = [p[f"aggressor.production.{x}"] * (1.0 - drag) for x in cats]
    recruitment = p["aggressor.recruitment_per_month"] * (1.0 - drag)

    # Instruments and the constants of the campaign.
    troops = deployments(plan, p)
    treaties = guarantees(plan, p, troops)
    planes = aircraft(plan, p, treaties)
    stationed_loss = positions_loss(plan, p)
    memory = math.nan  # the aggressor's remembered perceived ratio (preventive war)
    c2 = c2_factor(p["intel.c2_resilience"], p["intel.strike_severity"])
    denial = sea_denial(plan, p)
    fighters = plan.fighters
    gbad = set(plan.air_defence)
    ground_weapons = set(plan.front_weapons)  # the weapons a war wears down at the front
    interceptors = [m for m, w in plan.munitions if w in gbad]
    air_share = p["air.ground_air_share"]
    neutral = p["decision.neutrality_discount"] if plan.neutrality else 0.0
    front, territory = p["theatre.front_km"], p["theatre.territory_km2"]

    # Perceived risk, capital and refugees on the peace path.
    seen_hazard = monthly_from_annual(p["economy.prior_annual_risk"])
    capital = gross_investment = lost_capital = 0.0
    intending = p["refugees.abroad_m"] * return_probability(
        settlement_levels(plan, guarantee_signal(troops, treaties, None, p)), p)
    home = gross_returned = reversed_returns = 0.0
    keep = intention_keep(p)

    peace = 1.0  # S_t: probability of no war before month t
    started = 0.0  # sum of S_u h_u: 1 - S_t without its cancellation at a tiny risk
    sums = dict.fromkeys(GIVEN_WAR, 0.0)
    out: dict[str, float] = {}
    ratio = math.nan

    for t in range(months):
        # 1. The instruments this month.
        terms = month_terms(plan, p, t, troops, treaties, planes)

        # 2. Forces, air, and the two force ratios.
        density = d_pers / max(front, 1e-9)
        space = min(1.0, density / max(p["forces.space_density_threshold"], 1e-9))
        own = combat_power(d_stock, d_pers, defender) * space * c2
        a_power = (combat_power(a_stock, a_pers, aggressor)
                   * surprise_after_warning(p, terms.monitors, stationed_loss))
        d_fighters = sum(d_stock[c] for c in fighters)
        a_fighters = sum(a_stock[c] for c in fighters)
        # A scenario without fighter categories has no air war to deny.
        long_range = sum(d_stock[c] for c in gbad)
        # The aggressor weighs two wars: the guarantors stay out, or they fight; what comes
        # only with their entry arrives in full in the second, E[X | fight] = E[X] / P(fight).
        fight = 1.0 / max(terms.p_direct, 1e-6)
        calm_air = terms.perceived_air - terms.direct_air
        fight_air = calm_air + terms.direct_air * fight
        deny_seen = air_denial(calm_air, d_fighters, long_range, a_fighters,
                               p) if fighters else 0.0
        deny_fight = air_denial(fight_air, d_fighters, long_range, a_fighters,
                                p) if fighters else 0.0
        deny = air_denial(terms.actual_air, d_fighters, long_range, a_fighters,
                          p) if fighters else 0.0
        base = own * terms.perceived_arms + terms.troop_power
        ln_seen = ln_ratio(a_power * ground_effect(deny_seen, air_share), base)
        ln_fight = ln_ratio(a_power * ground_effect(deny_fight, air_share),
                            base + terms.perceived_add * fight)
        ln_battle = ln_ratio(a_power * ground_effect(deny, air_share),
                             own * terms.actual_arms + terms.troop_power + terms.actual_add)
        # The sea this month: allied aircraft cover the corridor; a closed sea is a gain to
        # the aggressor and lost exports sap the defender's war effort.
        seen_blockade = blockade_probability(denial + p["naval.weight_air_cover"]
                                             * terms.perceived_air, p)
        blockade = blockade_probability(denial + p["naval.weight_air_cover"] * terms.actual_air,
                                        p)
        dependence = p["naval.war_export_dependence"]
        exports_lost = p["naval.sea_export_share"] * blockade
        sapped = math.log(1.0 - dependence * p["naval.sea_export_share"] * seen_blockade)
        ln_seen -= sapped
        ln_fight -= sapped
        ln_battle -= math.log(1.0 - dependence * exports_lost)
        ratio = math.exp(ln_battle)
        if t == 12 and months > 12:
            out["force_ratio_12m"] = ratio

        # 3. Decision: V = (1 - pi) V(calm) + pi V(fight), each war with the equipment's path
        # over it; the value of waiting falls as the window closes (preventive war, 0 unless
        # a lens says so).
        deliveries = list(domestic)
        for c in plan.supplied:
            available = sum((end + (start - end) * capacity_decay(t, ramp)) * share
                            for k, start, end, ramp, share in producers if k == c)
            affordable = (unspent[c] + money[c]) / max(unit_cost[c], 1e-9) \
                if unit_cost[c] > 0 else 0.0
            deliveries[c] += min(backlog[c] + affordable, available + added[c])
        path = equipment_path(d_stock, d_pers, defender, ground_weapons, deliveries, p)
        mine_seen, mine = own * terms.perceived_arms, own * terms.actual_arms
        share_seen = mine_seen / max(mine_seen + terms.troop_power, 1e-12)
        share = mine / max(mine + terms.troop_power + terms.actual_add, 1e-12)

        def value_at(ln: float, a_pers: float = a_pers, d_pers: float = d_pers,
                     terms: Terms = terms, path: list[float] = path,
                     share_seen: float = share_seen, seen_blockade: float = seen_blockade
                     ) -> float:
            expected = campaign_war(ln + p["decision.misperception_bias"], a_pers, d_pers,
                                    recruitment, p, (path, share_seen))
            p_win = expected["p_break"]
            return (
                p_win * p["decision.gain"] * (1.0 - neutral)
                - (1.0 - p_win) * p["decision.failure_cost"]
                - p["decision.loss_aversion"] * expected["aggressor"] / max(a_pers, 1.0)
                - (p["decision.sanctions_cost"] + terms.expected_cost)
                + p["naval.blockade_gain"] * seen_blockade
            )

        value = value_at(ln_seen)
        if treaties:
            value = (1.0 - terms.p_direct) * value + terms.p_direct * value_at(ln_fight)
        memory = ln_seen if math.isnan(memory) else memory
        waiting = (p["decision.value_of_waiting"]
                   - p["decision.preventive_weight"] * max(memory - ln_seen, 0.0))
        memory = memory + (ln_seen - memory) / max(p["decision.preventive_memory_months"], 1.0)
        exponent = p["decision.value_sensitivity"] * (value - waiting)
        base_rate = p["decision.base_hazard_per_month"] * p["decision.base_hazard_scale"]
        shape, horizon = p["decision.hazard_shape"], 120.0  # models.decision.duration_factor
        duration = horizon * (((t + 1.0) / horizon) ** shape - (t / horizon) ** shape)
        rate = base_rate * duration * math.exp(min(exponent, MAX_EXPONENT))
        ready = t >= p["decision.min_reconstitution_months"]
        hazard = -math.expm1(-rate) if ready else 0.0

        # 4. Campaign, were the war to start this month.
        fought = campaign_war(ln_battle, a_pers, d_pers, recruitment, p, (path, share))
        p_hold, ground = 1.0 - fought["p_break"], fought["ground"]
        a_cas, d_cas = fought["aggressor"], fought["defender"]
        stock_value = sum(d_stock[c] * unit_cost[c] for c in plan.supplied)
        lost = min(1.0, max(ground / max(territory, 1e-9), 0.0) * p["campaign.front_loading"])
        per_month = sum(d_stock[m] for m in interceptors) / p["forces.munition_months"]
        leaking, drones, damage = layered_air_defence(p, d_fighters, long_range, per_month,
                                                      terms.zone_air)
        consequences = {
            "p_hold_given_war": p_hold,
            "ground_lost_km2_given_war": ground,
            "aggressor_casualties_given_war": a_cas,
            "defender_casualties_given_war": d_cas,
            "war_months_given_war": fought["months"],
            "equipment_captured_usd_bn_given_war": lost * stock_value / 1e9,
            "p_air_denied_given_war": deny,
            "p_blockade_given_war": blockade,
            "exports_lost_share_given_war": exports_lost,
            "missiles_leaking_per_month_given_war": leaking,
            "drones_leaking_per_month_given_war": drones,
            "strikes_leaking_per_month_given_war": leaking + drones,
            "infrastructure_damage_given_war": damage,
            "guarantor_war_cost_usd_bn_given_war": terms.war_cost_usd / 1e9,
        }
        starts = peace * hazard

        # 5. Perceived risk, investment and returns: flows stop, and wars undo, from the month
        # a war starts. Investors and families update on this month's hazard first.
        signal = guarantee_signal(troops, treaties, t, p)
        seen_hazard = perceived_step(seen_hazard, hazard, signal, p)
        risk = annual_from_monthly(seen_hazard)
        # Investors discount the seaborne part by the chance of a war that closes the sea
        # lanes within the year: perceived annual risk x exports lost to a blockade.
        flow = investment_per_year(risk, risk * exports_lost, p) / 12.0
        lost_capital += starts * p["economy.loss_share_in_war"] * capital
        gross_investment += (peace - starts) * flow
        capital += flow
        # The settlement's effects hold as far as families believe a war would not be lost.
        q_settle = return_probability(
            settlement_levels(plan, guarantee_signal(troops, treaties, None, p)), p)
        q_worst = min(p["refugees.worst_case_return_probability"], q_settle)
        belief = math.exp(-p["refugees.insecurity_aversion"] * clip01(risk) * (1.0 - p_hold))
        share = (q_worst + (q_settle - q_worst) * belief) / q_settle if q_settle > 0 else 1.0
        going = intending * min(max(share * return_rate(risk, p), 0.0), 1.0)
        reversed_returns += starts * p["refugees.reversal_share"] * home
        gross_returned += (peace - starts) * going
        home += going
        intending = (intending - going) * keep
        if t + 1 in ECONOMY_CHECKPOINTS:
            needs = p["economy.needs_usd_bn"]
            out[f"reconstruction_needs_met_share_{t + 1}m"] = (
                (gross_investment - lost_capital) / needs if needs > 0 else math.nan)
            out[f"refugees_returned_m_{t + 1}m"] = gross_returned - reversed_returns

        # 6. Ledger.
        for name in GIVEN_WAR:
            sums[name] += starts * consequences[name]
        peace -= starts
        started += starts
        if t + 1 in CHECKPOINTS:
            out[f"p_war_{t + 1}m"] = 1.0 - peace

        # 7. Supply of the defender.
        arrived = [0.0] * nc
        for c in plan.supplied:
            available = 0.0
            for k, start, end, ramp, share in producers:
                if k == c:
                    available += (end + (start - end) * capacity_decay(t, ramp)) * share
            # Money waits unspent until producers take it as orders (H months of output).
            output = available + added[c]
            unspent[c] += money[c]
            ordered = min(unspent[c] / max(unit_cost[c], 1e-9),
                          max(order_book * output - backlog[c], 0.0))
            ordered = ordered if unit_cost[c] > 0 else 0.0
            unspent[c] -= ordered * unit_cost[c]
            backlog[c] += ordered
            shipped = min(backlog[c], output)
            backlog[c] -= shipped
            arrived[c] = transit[c] / lag[c]
            transit[c] += shipped - arrived[c]
            shipped_usd += shipped * unit_cost[c]
            # Orders beyond what the suppliers let through build new lines, with a lag.
            target = min(max(orders[c] - available, 0.0), grow_max[c])
            added[c] += grow_rate[c] * max(target - added[c], 0.0)
        for c in range(nc):
            d_stock[c] = min(d_stock[c] * (1.0 - wear[c]) + arrived[c] + domestic[c], caps[c])

        # The aggressor regenerates; its stocks wear at the same rates.
        a_pers = a_pers - a_pers * p["aggressor.outflow_share_per_month"] + recruitment
        a_pers = min(a_pers, max(p["aggressor.personnel_ceiling"] - elsewhere, 0.0))
        for c in range(nc):
            bound = max(a_ceiling[c], a_stock[c])
            a_stock[c] = min(a_stock[c] * (1.0 - wear[c]) + a_production[c], bound)

        # The defender's army drifts toward its peacetime size, under any cap.
        d_pers = min(d_pers + (peacetime - d_pers) / demobilisation, plan.personnel_cap)

    war = 1.0 - peace
    years = months / 12.0
    out["p_war_horizon"] = war
    for name in GIVEN_WAR:
        out[name] = sums[name] / started if started > 0.0 else math.nan
    out["cost_usd_bn_per_year"] = (
        shipped_usd / 1e9 / years + p["financing.budget_support_usd_bn_per_year"]
        + peacetime_cost_usd(plan, p, troops, months) / 1e9 / years
        # The guarantors' war costs, weighted by the probability of the war they answer.
        + sums["guarantor_war_cost_usd_bn_given_war"] / years
    )
    out["weapons_delivered_usd_bn_per_year"] = shipped_usd / 1e9 / years
    out["weapons_backlog_usd_bn"] = sum(b * u for b, u in zip(backlog, unit_cost,
                                                              strict=True)) / 1e9
    out["weapons_unspent_usd_bn"] = (sum(unspent) + unallocated * months) / 1e9
    if troops:
        out["troops_feasible"], out["troops_shortfall_share"] = feasible(plan, p)
    out["investment_usd_bn_per_year"] = gross_investment / years
    out["force_ratio_horizon"] = ratio
    return out


__all__ = ["run_reference", "run_world"]

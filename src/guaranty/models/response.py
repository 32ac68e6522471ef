r"""A package's allied instruments as plain arrays, and what they add to the war each month.

This module joins the instrument models (:mod:`~guaranty.models.troops`, ``guarantors``,
``air``, ``intel``) into the terms the monthly chain needs: the power allied troops add, the
warning monitors give, each treaty's probability of being honoured, what the aggressor
expects from the guarantors, and what they actually do in each world. Everything is data
(:class:`ResponseArrays`, built once per chunk by :func:`guaranty.engine.inputs.prepare`) plus
pure functions of it; nothing is cached or mutated.

**What the aggressor expects** (the decision model): allied troops present, plus each
guarantor's expected reinforcement :math:`\Pr(R_g \ge 6)` × its surge, an expected arms surge
:math:`1 + \sum_g \Pr(R_g \ge 4)\,a`, expected allied aircraft :math:`\sum \Pr(\text{engage})
\times` effective aircraft, and the expected cost of the guarantors' responses: each
guarantor's sanctions :math:`c_s \Pr(R_g \ge 3)` add up, while a direct war with them is one
war, :math:`c_w\,P(\text{any } R_g \ge 5)`, the probability taken under the guarantors'
shared cohesion factor (:func:`guaranty.models.cohesion.p_any`), not as independent coin
flips.

**Tripwires work through governments.** A guarantor's troops in the country raise *its*
probability of honouring, by a logit shift :math:`s\,E_g` scaled by the contingent's
exposure :math:`E_g = 1 - \exp(-\sum_d N_d\,\ell_d\,m_d / N_\mathrm{ref})` (size, location,
mission role; :func:`exposure`). A guarantor with troops but no treaty makes an *implicit*
commitment: its troops are the promise, up to ground troops, with no written wording
(automaticity 0) and no shortfall — the sanctions and arms it would send anyway are the
baseline's. The political cost of attacking through foreign troops, :math:`c_t`, is paid only
where a response is possible: :math:`c_t\,P(\text{any government with troops present enters
the war})`. Under the provocation hypothesis (b) foreign troops in the country cross the
aggressor's red line and the cease-fire is worth :math:`\pi_b` less to it
(``tripwire.provocation``), which enters as a negative expected cost: an instrument can raise
the risk.

**What happens** (the campaign): in each world each guarantor's realised rung :math:`R_g` is
read from its correlated uniform (its ``guarantor.<g>.response_draw`` joined to the world's
``guarantors.cohesion_draw``), fixed per world, so the response changes with the month of the
war only when the honour probability does: the tripwire shift switches on as the
guarantor's troops arrive. A treaty's terms are therefore computed twice per chunk, with and
without its guarantor's troops present (:func:`treaty_terms`), and each month selects between
the two by the arrival mask. The realised arms surge (on the defender's own power), aircraft
and reinforcements (what the guarantor has not already deployed) enter the force ratio, each
scaled by the share of the war left after the guarantor's delay.

**P5 peacekeepers** whose members include the aggressor watch the line but make no
commitment: the aggressor's veto stops the contingent's collective response, and only that —
treaties of the package keep their effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from guaranty.models import cohesion, guarantors, troops
from guaranty.models._arrays import Array
from guaranty.models.guarantors import Rung

# The rungs the terms read, as plain ints (array arithmetic with them stays in float32).
SANCTIONS, ARMS, AIR_NAVAL, GROUND = (int(r) for r in (
    Rung.SANCTIONS, Rung.ARMS, Rung.AIR_NAVAL, Rung.GROUND_TROOPS))


@dataclass(frozen=True)
class Deployment:
    """Allied troops of one guarantor and mission, per world."""

    guarantor: str
    size: float | Array  # per world when packages share a pass
    monitors: bool  # a monitoring or tripwire mission (counts toward the watched line)
    in_country: bool
    arrival: Array  # (n,) months after the cease-fire
    power: Array  # (n,) power once present


@dataclass(frozen=True)
class TreatyTerms:
    """One treaty's contributions to the month's terms, per world (each shape (n,)).

    Index 0 of each pair: the guarantor has no troops in the country; 1: it has (the
    tripwire shift applies).
    """

    guarantor: str
    expected_cost: tuple[Array, Array]
    perceived_arms: tuple[Array, Array]
    actual_arms: tuple[Array, Array]
    perceived_add: tuple[Array, Array]
    actual_add: tuple[Array, Array]
    war_cost_usd: tuple[Array, Array]
    perceived_engage: tuple[Array, Array]  # P(R >= air-naval)
    actual_engage: tuple[Array, Array]  # R >= air-naval, 0 or 1
    perceived_air: tuple[Array, Array]  # surge aircraft, when the guarantor sends no aircraft
    actual_air: tuple[Array, Array]
    signal: Array  # automaticity x rung / ground troops


@dataclass(frozen=True)
class Aircraft:
    """Allied aircraft of one guarantor, per world."""

    guarantor: str
    effective: Array  # (n,) effective aircraft
    treaty_air: Array  # (n,) 1 where its government has a treaty commitment to air support
    engage_without_treaty: Array  # (n,) P(engage) without such a treaty
    engaged_without_treaty: Array  # (n,) 0 or 1: engages in this world
    policing: bool = False  # air-policing mission: protects the zone only, never the front


@dataclass(frozen=True)
class ResponseArrays:
    """The instruments of one package for one chunk of worlds."""

    n: int
    deployments: tuple[Deployment, ...]
    treaties: tuple[TreatyTerms, ...]
    aircraft: tuple[Aircraft, ...]
    tripwire_cost: Array  # (n,) political cost of attacking through troops that can be answered
    cost_direct_war: Array  # (n,)
    correlation: Array  # (n,) the guarantors' cohesion correlation r
    provocation: Array  # (n,) value the cease-fire loses when foreign troops are present
    monitor_line: Array  # (n,) monitors for the full line
    full_signal: Array  # (n,) troops in the country for a fully visible guarantee
    feasible: Array  # (n,) 1 where the troops asked for can be found
    shortfall: Array  # (n,) share of the troops asked for that cannot be found

    @property
    def any(self) -> bool:
        return bool(self.deployments or self.treaties or self.aircraft)


@dataclass(frozen=True)
class MonthTerms:
    """What the chain needs from the instruments in one month (each shape (n,))."""

    troop_power: Array
    monitors: Array  # share of the line watched by monitors
    expected_cost: Array
    perceived_power_add: Array
    perceived_arms: Array
    perceived_air: Array
    actual_power_add: Array
    actual_arms: Array
    actual_air: Array
    war_cost_usd: Array  # what the guarantors' realised responses cost in a war begun now
    zone_air: Array  # allied aircraft protecting the zone in a war (combat and air policing)
    signal: Array  # how visible the guarantee is, in [0, 1]
    p_direct: Array  # P(at least one guarantor enters the war), cohesion copula
    direct_air: Array  # the part of perceived_air that comes only with a direct war


def treaty_terms(
    guarantor: str,
    committed: int,
    *,
    honour: tuple[Array, Array],
    draw: Array,
    cost_sanctions: Array,
    arms_surge: Array,
    air_surge: Array | None,
    arrival_share: Array,
    surge_power: Array,
    war_years: Array,
    arms_cost: Array,
    air_cost: Array,
    surge_cost_per_year: Array,
    automaticity: Array,
    obliged: int | None = None,
    shortfall: Sequence[Array] | None = None,
    tilt: Array | float = 0.0,
) -> TreatyTerms:
    """A treaty's contributions, from its honour probability without and with a tripwire.

    ``draw`` is the guarantor's correlated uniform (:func:`guaranty.models.cohesion.
    latent_uniform`); ``obliged`` and ``shortfall`` shape its response law
    (:func:`guaranty.models.guarantors.rung_at_least`). ``air_surge`` is None when the
    guarantor sends aircraft of its own (they count through :class:`Aircraft` instead).
    """
    zero = np.zeros_like(draw)
    k = committed
    costs = [zero, zero, zero, cost_sanctions, cost_sanctions, cost_sanctions, cost_sanctions]

    law: dict[str, Any] = {"obliged": obliged, "shortfall": shortfall, "tilt": tilt}

    def at_least(prob: Array, rung: int) -> Array:
        return guarantors.rung_at_least(prob, k, rung, **law)

    def one(prob: Array) -> tuple[Array, ...]:
        rung = guarantors.realised_rung(prob, k, draw, **law)
        air_p = at_least(prob, AIR_NAVAL)
        air_a = (rung >= AIR_NAVAL).astype(draw.dtype)
        return (
            guarantors.expected_cost(prob, k, costs[: k + 1], **law),
            at_least(prob, ARMS) * arms_surge * arrival_share,
            (rung >= ARMS) * arms_surge * arrival_share,
            at_least(prob, GROUND) * surge_power * arrival_share,
            (rung >= GROUND) * surge_power * arrival_share,
            war_years * arrival_share * ((rung >= ARMS) * arms_cost + air_a * air_cost
                                         + (rung >= GROUND) * surge_cost_per_year),
            air_p,
            air_a,
            zero if air_surge is None else air_p * air_surge * arrival_share,
            zero if air_surge is None else air_a * air_surge * arrival_share,
        )

    (cost, p_arms, a_arms, p_add, a_add, war_cost, p_engage, a_engage, p_air,
     a_air) = ((x, y) for x, y in zip(one(honour[0]), one(honour[1]), strict=True))
    return TreatyTerms(guarantor, cost, p_arms, a_arms, p_add, a_add, war_cost,
                       p_engage, a_engage, p_air, a_air, automaticity * committed / GROUND)


def exposure(sizes: Sequence[float | Array], weights: Sequence[Array], reference: Array
             ) -> Array:
    r"""How much a guarantor's contingent binds its government, in [0, 1), per world.

    :math:`E = 1 - \exp\big(-\sum_d N_d\, w_d / N_\mathrm{ref}\big)`, with :math:`N_d` the
    soldiers of each of its deployments in the country, :math:`w_d` their exposure weight
    (where they stand × their mission's role) and :math:`N_\mathrm{ref}` the contingent at
    which a government's stake is :math:`1 - 1/e` of the most it can be. A few hundred
    trainers in the rear bind little; a brigade on the line binds nearly fully.
    """
    total: Array = np.zeros_like(reference)
    for size, weight in zip(sizes, weights, strict=True):
        total = total + size * weight
    out: Array = -np.expm1(-total / np.maximum(reference, 1e-9))
    return out


def _arrived(deployment: Deployment, t: int) -> Array:
    here: Array = (t >= deployment.arrival).astype(deployment.arrival.dtype)
    return here


def _pick(pair: tuple[Array, Array], present: np.ndarray | None) -> Array:
    """The pair's term where the guarantor's troops are present (a boolean mask), else the
    other."""
    if present is None:
        return pair[0]
    out: Array = np.where(present, pair[1], pair[0])
    return out


def _troops(arrays: ResponseArrays, t: int | None
            ) -> tuple[Array, Array, Array, dict[str, Array]]:
    """(troop power, share of the line monitored, troops in the country, presence of each
    guarantor's troops 0/1) in month ``t`` (``None``: every deployment present)."""
    dtype = arrays.tripwire_cost.dtype
    zero = np.zeros(arrays.n, dtype=dtype)
    troop_power, monitors, troops_here = zero.copy(), zero.copy(), zero.copy()
    present: dict[str, Array] = {}
    for d in arrays.deployments:
        here = np.ones(arrays.n, dtype=dtype) if t is None else _arrived(d, t)
        troop_power += d.power * here
        if d.monitors:
            monitors += d.size * here
        if d.in_country:
            present[d.guarantor] = np.maximum(present.get(d.guarantor, zero), here)
            troops_here = troops_here + d.size * here
    monitors = np.minimum(monitors / np.maximum(arrays.monitor_line, 1.0), 1.0)
    return troop_power, monitors, troops_here, present


def _p_any(key: str, probabilities: Sequence[Array], correlation: Array,
           memo: dict[str, tuple[Sequence[Array], Array]] | None) -> Array:
    """:func:`cohesion.p_any`, evaluated only in the worlds whose inputs differ from the
    previous month's (``memo``, kept by :func:`schedule`; without it, from all zeros, whose
    answer is exactly 0). The copula's quadrature is the costliest term of a month, and from
    one month to the next only the worlds where a deployment arrived change. Elementwise, so
    the same bits as a full evaluation."""
    previous = None if memo is None else memo.get(key)
    if previous is None or len(previous[0]) != len(probabilities):
        dtype = np.result_type(*probabilities, 1.0)
        shape = np.broadcast(*probabilities, correlation).shape
        zero = np.zeros(shape, dtype=dtype)
        previous = ([zero] * len(probabilities), zero)
    out: Array = previous[1].copy()
    changed = np.zeros(out.shape, dtype=bool)
    for p, q in zip(probabilities, previous[0], strict=True):
        changed |= p != q
    if changed.any():
        r = np.asarray(correlation)
        out[changed] = cohesion.p_any([np.broadcast_to(p, out.shape)[changed]
                                       for p in probabilities],
                                      r[changed] if r.ndim else r)
    if memo is not None:
        memo[key] = (probabilities, out)
    return out


def month_terms(arrays: ResponseArrays, t: int | None, *,
                memo: dict[str, tuple[Sequence[Array], Array]] | None = None) -> MonthTerms:
    """The instruments' terms in month ``t``; ``t=None`` counts every deployment as present.

    They change with the month only through the deployments' arrival masks
    :math:`1[t \\ge a_d]`. ``memo``: a dict kept across successive months by
    :func:`schedule`, so the copula is evaluated only where its inputs changed.
    """
    n = arrays.n
    dtype = arrays.tripwire_cost.dtype
    zero = np.zeros(n, dtype=dtype)
    troop_power, monitors, troops_here, present = _troops(arrays, t)
    any_present = zero.copy()
    for v in present.values():
        any_present = np.maximum(any_present, v)
    # Hypothesis (b): foreign troops on the ground cross the aggressor's red line, and the
    # cease-fire is worth less to it (a negative cost: V - V_w rises).
    expected_cost = zero - arrays.provocation * any_present
    p_add, a_add = zero.copy(), zero.copy()
    p_arms, a_arms = np.ones(n, dtype=dtype), np.ones(n, dtype=dtype)
    p_air, a_air = zero.copy(), zero.copy()
    engage_p: dict[str, Array] = {}
    engage_a: dict[str, Array] = {}
    war_cost = zero.copy()
    signal = np.minimum(troops_here / np.maximum(arrays.full_signal, 1.0), 1.0)
    masks = {g: v > 0 for g, v in present.items()}
    for tr in arrays.treaties:
        here_g = masks.get(tr.guarantor)
        # Each guarantor's sanctions add up; a direct war with the guarantors is one war.
        expected_cost = expected_cost + _pick(tr.expected_cost, here_g)
        p_arms = p_arms + _pick(tr.perceived_arms, here_g)
        a_arms = a_arms + _pick(tr.actual_arms, here_g)
        p_add = p_add + _pick(tr.perceived_add, here_g)
        a_add = a_add + _pick(tr.actual_add, here_g)
        war_cost = war_cost + _pick(tr.war_cost_usd, here_g)
        engage_p[tr.guarantor] = np.maximum(engage_p.get(tr.guarantor, zero),
                                            _pick(tr.perceived_engage, here_g))
        engage_a[tr.guarantor] = np.maximum(engage_a.get(tr.guarantor, zero),
                                            _pick(tr.actual_engage, here_g))
        p_air = p_air + _pick(tr.perceived_air, here_g)
        a_air = a_air + _pick(tr.actual_air, here_g)
        signal = np.maximum(signal, tr.signal)
    direct_air = p_air.copy()  # so far only the treaties' air surges (R >= air-naval)
    p_direct = zero.copy()
    if engage_p:
        # One war with the guarantors, its probability under their shared cohesion factor.
        p_direct = _p_any("direct", list(engage_p.values()), arrays.correlation, memo)
        expected_cost = expected_cost + arrays.cost_direct_war * p_direct
        exposed = [engage_p[g] * present[g] for g in present if g in engage_p]
        if exposed:
            # Attacking through foreign troops costs politically only where their
            # governments may answer.
            expected_cost = expected_cost + arrays.tripwire_cost * _p_any(
                "exposed", exposed, arrays.correlation, memo)
    zone_air = zero.copy()
    for a in arrays.aircraft:
        treaty = a.treaty_air > 0
        ea = np.where(treaty, engage_a.get(a.guarantor, zero), a.engaged_without_treaty)
        if a.policing:
            # An air-policing mission protects the zone while it goes on (a treaty's air
            # rung keeps it going); it does not contest the air over the front.
            zone_air = zone_air + a.effective * ea
            continue
        ep = np.where(treaty, engage_p.get(a.guarantor, zero), a.engage_without_treaty)
        p_air = p_air + a.effective * ep
        a_air = a_air + a.effective * ea
        direct_air = direct_air + np.where(treaty, a.effective * ep, 0.0)
    zone_air = zone_air + a_air
    if not arrays.any:
        signal = zero
    return MonthTerms(troop_power, monitors, expected_cost, p_add, p_arms, p_air, a_add,
                      a_arms, a_air, war_cost, zone_air, signal, p_direct, direct_air)


def settled_month(arrays: ResponseArrays, months: int) -> int:
    """The first month from which every deployment has arrived in every world (at most the
    last month): the terms of later months equal this month's. A deployment that never
    arrives in a world (arrival ``inf``, another package's in a shared pass) changes
    nothing."""
    arrivals = [d.arrival[np.isfinite(d.arrival)] for d in arrays.deployments]
    last = max((float(np.max(a)) for a in arrivals if a.size), default=0.0)
    return int(min(months - 1, max(0.0, np.ceil(last))))


def schedule(arrays: ResponseArrays, months: int) -> MonthTerms:
    """The terms of months ``0..S`` (:func:`settled_month`), stacked: each field has shape
    (S + 1, n). Month ``t`` reads row ``min(t, S)`` (:func:`at`)."""
    memo: dict[str, tuple[Sequence[Array], Array]] = {}
    rows = [month_terms(arrays, t, memo=memo)
            for t in range(settled_month(arrays, months) + 1)]
    return MonthTerms(*(np.stack([getattr(r, f.name) for r in rows])
                        for f in fields(MonthTerms)))


def at(terms: MonthTerms, row: int) -> MonthTerms:
    """Row ``row`` of a :func:`schedule` (views, no copy)."""
    return MonthTerms(*(getattr(terms, f.name)[row] for f in fields(MonthTerms)))


def peacetime_cost_usd(
    months: int,
    *,
    fixed_usd: Array,
    isr_per_year_usd: Array,
    air_per_year_usd: Array,
    deployments: Sequence[Deployment],
    troops_per_year_usd: Sequence[Array],
) -> Array:
    """Peacetime cost of troops, aircraft, naval assets and ISR over ``months``, USD (float64).

    ``fixed_usd`` is bought once (naval assets); ISR and the aircraft's flying hours run all
    the time; each deployment costs from its arrival on.
    """
    out: Array = fixed_usd.astype(np.float64) + isr_per_year_usd.astype(np.float64) * months / 12.0
    for d, per_year in zip(deployments, troops_per_year_usd, strict=True):
        present = np.clip(months - d.arrival.astype(np.float64), 0, months)
        out = out + troops.cost_usd(1.0, per_year.astype(np.float64), present)
    out = out + air_per_year_usd.astype(np.float64) * months / 12.0
    return out

r"""A package's allied instruments, assembled per chunk of worlds for the engine.

This module joins the instrument models (:mod:`guaranty.models.troops`, ``guarantors``,
``air``, ``naval``, ``intel``) into the terms the monthly chain needs: the power allied troops
add, the warning monitors give, each treaty's probability of being honoured, what the
aggressor expects from the guarantors, and what they actually do in each world.

**What the aggressor expects** (the decision model): allied troops present, plus each
guarantor's expected reinforcement :math:`\Pr(R_g \ge 6)` × its surge, an expected arms surge
:math:`1 + \sum_g \Pr(R_g \ge 4)\,a`, expected allied aircraft :math:`\sum \Pr(\text{engage})
\times` effective aircraft, and the expected cost of the guarantors' responses: each
guarantor's sanctions :math:`c_s \Pr(R_g \ge 3)` add up, while a direct war with them is one
war, :math:`c_w\,(1 - \prod_g (1 - \Pr(R_g \ge 5)))`; plus, under tripwire hypothesis (a), a
political cost of attacking through foreign troops.

**What happens** (the campaign): in each world each guarantor's realised rung :math:`R_g` is
drawn from its own uniform (``guarantor.<g>.response_draw``), fixed per world, so the response
changes with the month of the war only when the honour probability does (the tripwire shift
switches on as troops arrive); the realised arms surge (on the defender's own power),
aircraft and reinforcements (what the guarantor has not already deployed) enter the force
ratio, each scaled by the share of the war left after the guarantor's delay.

**P5 peacekeepers** whose members include the aggressor act as monitors only: the aggressor's
veto stops any collective response, and the guaranteed state's rejection is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.models import air, guarantors, intel, naval, troops
from guaranty.scenario.compile import Plan
from guaranty.scenario.schema import RUNG_NAMES, TroopDeployment

Array = NDArray[np.floating[Any]]
SANCTIONS, ARMS, AIR_NAVAL, GROUND = 3, 4, 5, 6


@dataclass
class Deployment:
    guarantor: str
    mission: str
    size: float
    in_country: bool
    arrival: Array  # (n,) months
    power: Array  # (n,) power once present


@dataclass
class TreatyTerms:
    guarantor: str
    committed: int
    automaticity: Array
    will: Array
    delay: Array
    draw: Array
    surge_power: Array  # (n,) power of the guarantor's reinforcement if it sends troops
    arrival_share: Array  # (n,) share of the war its help is there for
    surge_cost_per_year: Array  # (n,) USD a year of that reinforcement


@dataclass
class AirTerms:
    guarantor: str
    effective: Array  # (n,) effective aircraft
    treaty_air: bool  # its government has a treaty commitment to air support or more


@dataclass
class MonthTerms:
    """What the chain needs from the instruments in one month."""

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


class Instruments:
    """The instruments of one plan for one chunk of worlds (arrays of shape (n,))."""

    def __init__(self, plan: Plan, p: Mapping[str, Array], n: int, dtype: Any) -> None:
        self.n, self.dtype = n, dtype
        zero = np.zeros(n, dtype=dtype)
        self.zero = zero
        self.vetoed = plan.vetoed
        pi = p["troops.power_per_soldier"]
        self.rotation = p["troops.rotation_factor"]
        self.deployments = [self._deployment(d, p, pi) for d in self._all_troops(plan)]
        self.monitor_line = p["intel.monitors_for_full_line"]
        self.full_signal = p["economy.troops_for_full_signal"]
        self.duration = p["campaign.war_months"]

        requested: dict[str, float] = {}
        for d in self.deployments:
            requested[d.guarantor] = requested.get(d.guarantor, 0.0) + d.size
        ok = np.ones(n, dtype=bool)
        for g, size in requested.items():
            ok &= troops.feasible(np.asarray(size, dtype=dtype), p[f"guarantor.{g}.troop_pool"],
                                  self.rotation)
        self.feasible = ok.astype(dtype)
        self.cost_per_year = [d.size * p[f"guarantor.{d.guarantor}.cost_per_soldier_year_usd"]
                              for d in self.deployments]

        rho = p["guarantors.base_reliability"]
        self.honour_terms = {
            "rho": rho, "a_ref": p["guarantors.automaticity_reference"],
            "b_a": p["guarantors.automaticity_slope"], "b_w": p["guarantors.will_slope"],
            "b_d": p["guarantors.delay_slope"],
        }
        self.tripwire_shift = p["tripwire.response_shift"]
        self.tripwire_cost = p["tripwire.political_cost"]
        self.cost_sanctions = p["guarantors.cost.sanctions"]
        self.cost_war = p["guarantors.cost.direct_war"]
        self.arms_surge = p["guarantors.arms_surge"]
        self.air_surge = p["guarantors.air_surge_aircraft"]
        self.treaties: list[TreatyTerms] = []
        if not self.vetoed:
            for tr in plan.treaties:
                g = tr.guarantor
                delay = p[f"guarantor.{g}.response_delay_months"]
                # Troops already deployed are in the fight; the surge is what is left.
                deployable = np.maximum(
                    p[f"guarantor.{g}.troop_pool"] / self.rotation - requested.get(g, 0.0), 0.0)
                self.treaties.append(TreatyTerms(
                    guarantor=g,
                    committed=RUNG_NAMES.index(tr.rung),
                    automaticity=p[f"guarantors.automaticity.{tr.wording}"],
                    will=p[f"guarantor.{g}.will"],
                    delay=delay,
                    draw=p[f"guarantor.{g}.response_draw"],
                    surge_power=deployable * p["guarantors.troop_surge_share"] * pi,
                    arrival_share=np.clip(1.0 - delay / np.maximum(self.duration, 1e-6), 0, 1),
                    surge_cost_per_year=deployable * p["guarantors.troop_surge_share"]
                    * p[f"guarantor.{g}.cost_per_soldier_year_usd"],
                ))
        self.arms_cost = p["guarantors.arms_support_usd_bn_per_year"] * 1e9
        self.air_cost = p["guarantors.air_support_usd_bn_per_year"] * 1e9
        treaty_air = {t.guarantor for t in self.treaties if t.committed >= AIR_NAVAL}
        self.aircraft: list[AirTerms] = []
        self.air_cost_per_year = zero.copy()
        radius = p["air.combat_radius_km"]
        for a in plan.aircraft:
            key = f"aircraft.{a.aircraft_type}"
            distance = 0.0 if a.basing == "in-country" else a.distance_km
            basing = air.basing_factor(np.full(n, distance, dtype=dtype), combat_radius_km=radius)
            self.aircraft.append(AirTerms(a.guarantor, air.effective_aircraft(
                np.asarray(a.count, dtype=dtype), p[f"{key}.availability"], basing),
                a.guarantor in treaty_air))
            self.air_cost_per_year += air.flying_cost_usd(
                np.asarray(a.count, dtype=dtype), p[f"{key}.flight_hours_per_year"],
                p[f"{key}.cost_per_flight_hour_usd"])
        self.engage_without_treaty = p["guarantors.air_engagement_without_treaty"]
        self.fixed_cost_usd = zero.copy()
        for asset in ("anti_ship_missile", "naval_drone", "patrol_boat", "patrol_aircraft"):
            count = getattr(plan.naval, f"{asset}s" if asset != "patrol_aircraft" else asset)
            if count:
                self.fixed_cost_usd = self.fixed_cost_usd + count * p[
                    f"naval.unit_cost_usd.{asset}"]
        self.isr_cost_per_year = (p["intel.level"] * p["intel.cost_usd_bn_per_year_full"] * 1e9
                                  if plan.isr_set else zero)
        self.draws = {g: p[f"guarantor.{g}.response_draw"] for g in plan.guarantors}
        self.guarantors_with_aircraft = {a.guarantor for a in plan.aircraft}
        self._idle: MonthTerms | None = None
        self._idle_signal: Array | None = None
        self.settled = max((float(np.max(d.arrival)) for d in self.deployments), default=0.0)

    @staticmethod
    def _all_troops(plan: Plan) -> list[TroopDeployment]:
        out = list(plan.troops)
        pk = plan.peacekeepers
        if pk is not None:
            allied = [m for m in pk.members if m != "aggressor"]
            for m in allied:
                out.append(TroopDeployment(guarantor=m, size=pk.size / len(pk.members),
                                           mission="monitoring", location=pk.location,
                                           rules_of_engagement="self-defence"))
        return out

    def _deployment(self, d: TroopDeployment, p: Mapping[str, Array], pi: Array) -> Deployment:
        arrival = (np.full(self.n, d.arrival_months, dtype=self.dtype)
                   if d.arrival_months is not None else p["troops.arrival_months"])
        power = troops.troop_power(
            d.size, power_per_soldier=pi, fight_share=p[f"troops.fight_share.{d.mission}"],
            location_factor=p[f"troops.location_factor.{d.location}"],
            roe_factor=p[f"troops.roe_factor.{d.rules_of_engagement}"],
            present=np.ones(self.n, dtype=self.dtype))
        return Deployment(d.guarantor, d.mission, d.size, d.location != "neighbour", arrival,
                          power)

    def guarantee_signal(self, t: int | None = None) -> Array:
        """How visible the guarantee is, in [0, 1]: troops in the country, or a treaty.

        ``max(min(1, troops present / N_full), max over treaties of a x rung / 6)``, with
        ``N_full`` the ``economy.troops_for_full_signal``; ``t=None`` counts every planned
        deployment as present (the settlement as announced).
        """
        if not self.any:
            return self.zero
        if t is not None and t >= self.settled:
            if self._idle_signal is None:
                self._idle_signal = self.guarantee_signal(None)
            return self._idle_signal
        troops_here = self.zero.copy()
        for d in self.deployments:
            if d.in_country:
                here = 1.0 if t is None else (t >= d.arrival).astype(self.dtype)
                troops_here = troops_here + d.size * here
        signal = np.minimum(troops_here / np.maximum(self.full_signal, 1.0), 1.0)
        for tr in self.treaties:
            signal = np.maximum(signal, tr.automaticity * tr.committed / GROUND)
        return signal

    @property
    def any(self) -> bool:
        return bool(self.deployments or self.treaties or self.aircraft)

    def cost_usd(self, months: int) -> Array:
        """Peacetime cost of troops, aircraft, naval assets and ISR over the horizon, USD."""
        out = self.fixed_cost_usd.astype(np.float64) + (
            self.isr_cost_per_year.astype(np.float64) * months / 12.0)
        for d, per_year in zip(self.deployments, self.cost_per_year, strict=True):
            present = np.clip(months - d.arrival.astype(np.float64), 0, months)
            out += troops.cost_usd(1.0, per_year.astype(np.float64), present)
        out += self.air_cost_per_year.astype(np.float64) * months / 12.0
        return out

    def month(self, t: int) -> MonthTerms:
        """The instruments' terms in month ``t``.

        They change with the month only through which deployments have arrived; once every
        deployment has arrived in every world of the chunk (or when there are none) they are
        computed once and reused, which gives the same numbers.
        """
        if t >= self.settled:
            if self._idle is None:
                self._idle = self._month(t)
            return self._idle
        return self._month(t)

    def _month(self, t: int) -> MonthTerms:
        n, zero = self.n, self.zero
        troop_power = zero.copy()
        monitors = zero.copy()
        present: dict[str, Array] = {}
        for d in self.deployments:
            here = (t >= d.arrival).astype(self.dtype)
            troop_power += d.power * here
            if d.mission in ("monitoring", "tripwire"):
                monitors += d.size * here
            if d.in_country:
                present[d.guarantor] = np.maximum(present.get(d.guarantor, zero), here)
        monitors = np.minimum(monitors / np.maximum(self.monitor_line, 1.0), 1.0)
        any_present = np.zeros(n, dtype=self.dtype)
        for v in present.values():
            any_present = np.maximum(any_present, v)
        # Attacking through foreign troops costs politically only if their governments can
        # answer; the aggressor's veto over a P5 contingent removes that.
        expected_cost = zero if self.vetoed else self.tripwire_cost * any_present
        no_direct_war = np.ones(n, dtype=self.dtype)
        p_add, a_add = zero.copy(), zero.copy()
        p_arms, a_arms = np.ones(n, dtype=self.dtype), np.ones(n, dtype=self.dtype)
        p_air, a_air = zero.copy(), zero.copy()
        engage_p: dict[str, Array] = {}
        engage_a: dict[str, Array] = {}
        war_years = self.duration / 12.0
        war_cost = zero.copy()
        for tr in self.treaties:
            shift = self.tripwire_shift * present.get(tr.guarantor, zero)
            prob = guarantors.honour_probability(
                self.honour_terms["rho"], tr.automaticity, tr.will, tr.delay,
                a_ref=self.honour_terms["a_ref"], b_a=self.honour_terms["b_a"],
                b_w=self.honour_terms["b_w"], b_d=self.honour_terms["b_d"], shift=shift)
            k = tr.committed
            # Each guarantor's sanctions add up; a direct war with the guarantors is one war,
            # so its cost counts once, with the probability that any of them enters it.
            costs = [zero, zero, zero, self.cost_sanctions, self.cost_sanctions,
                     self.cost_sanctions, self.cost_sanctions]
            expected_cost = expected_cost + guarantors.expected_cost(prob, k, costs[: k + 1])
            no_direct_war = no_direct_war * (1 - guarantors.rung_at_least(prob, k, AIR_NAVAL))
            rung = guarantors.realised_rung(prob, k, tr.draw)
            arms = guarantors.rung_at_least(prob, k, ARMS)
            p_arms = p_arms + arms * self.arms_surge * tr.arrival_share
            a_arms = a_arms + (rung >= ARMS) * self.arms_surge * tr.arrival_share
            ground = guarantors.rung_at_least(prob, k, GROUND)
            p_add = p_add + ground * tr.surge_power * tr.arrival_share
            a_add = a_add + (rung >= GROUND) * tr.surge_power * tr.arrival_share
            air_p = guarantors.rung_at_least(prob, k, AIR_NAVAL)
            air_a = (rung >= AIR_NAVAL).astype(self.dtype)
            war_cost = war_cost + war_years * tr.arrival_share * (
                (rung >= ARMS) * self.arms_cost + air_a * self.air_cost
                + (rung >= GROUND) * tr.surge_cost_per_year)
            engage_p[tr.guarantor] = np.maximum(engage_p.get(tr.guarantor, zero), air_p)
            engage_a[tr.guarantor] = np.maximum(engage_a.get(tr.guarantor, zero), air_a)
            if tr.guarantor not in self.guarantors_with_aircraft:
                p_air = p_air + air_p * self.air_surge * tr.arrival_share
                a_air = a_air + air_a * self.air_surge * tr.arrival_share
        expected_cost = expected_cost + self.cost_war * (1 - no_direct_war)
        for a in self.aircraft:
            if a.treaty_air:
                ep, ea = engage_p[a.guarantor], engage_a[a.guarantor]
            else:
                ep = self.engage_without_treaty
                ea = (self.draws[a.guarantor] < self.engage_without_treaty).astype(self.dtype)
            p_air = p_air + a.effective * ep
            a_air = a_air + a.effective * ea
        return MonthTerms(troop_power, monitors, expected_cost, p_add, p_arms, p_air, a_add,
                          a_arms, a_air, war_cost)


def sea_blockade(plan: Plan, p: Mapping[str, Array]) -> tuple[Array, Array]:
    """(P(blockade) if war came, share of exports lost then), shape (n,)."""
    assets = {f: p[f"defender.naval.{f}"] + getattr(plan.naval, f)
              for f in ("anti_ship_missiles", "naval_drones", "patrol_boats", "patrol_aircraft")}
    power = naval.sea_denial_power(
        assets["anti_ship_missiles"], assets["naval_drones"], assets["patrol_boats"],
        assets["patrol_aircraft"],
        weights=(p["naval.weight_anti_ship_missile"], p["naval.weight_naval_drone"],
                 p["naval.weight_patrol_boat"], p["naval.weight_patrol_aircraft"]))
    blockade = naval.blockade_probability(p["aggressor.fleet"], power,
                                          k=p["naval.blockade_steepness"],
                                          c=p["naval.denial_per_warship"])
    return blockade, naval.exports_lost_share(blockade, sea_share=p["naval.sea_export_share"])


def warning_surprise(p: Mapping[str, Array], monitors: Array) -> Array:
    """The attacker's surprise multiplier after the warning that ISR and monitors give."""
    warning = intel.warning_months(
        p["intel.level"], monitors, base_warning_months=p["intel.base_warning_months"],
        gain=p["intel.isr_gain_months"], monitor_gain=p["intel.monitor_gain_months"])
    ready = intel.mobilised_share(warning, mobilisation_months=p["intel.mobilisation_months"])
    return intel.surprise(p["campaign.surprise_multiplier"], ready)

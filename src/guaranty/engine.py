"""The engine: sample worlds, step months through the model chain, chunk, collect Results.

Every random number comes from :mod:`guaranty.rng`, keyed by (seed, block of worlds, name), so
a chunk of worlds gives the same values whichever chunk size or worker runs it. Within a chunk
all work is NumPy over worlds; the only Python loops are over months and over the scenario's
producers and munition types, never over worlds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty import rng
from guaranty.anchoring import Anchor, calibrate, outside_estimate
from guaranty.errors import InputError
from guaranty.instruments import Instruments, sea_blockade, warning_surprise
from guaranty.models import air, campaign, decision, economy, forces, intel, refugees, supply
from guaranty.models.outcomes import WarLedger
from guaranty.params import ParamView
from guaranty.results import Results
from guaranty.scenario.compile import Plan, compile_plan
from guaranty.scenario.schema import Scenario

Array = NDArray[np.floating[Any]]
DEFAULT_CHUNK = 16_384
DTYPE = np.float32
"""Working precision of the monthly state (stocks, powers, hazards). Single precision halves
the memory traffic of a memory-bound loop; the run's ledger of probabilities is summed in
double precision, and outcomes are returned as float64. Each world's arithmetic is
elementwise, so results stay identical whatever the chunking."""


OUTPUT_DTYPE = np.float32
"""Per-world outcomes are kept in single precision (7 significant digits, far finer than any
outcome is known): half the memory of a million-world Results and half the data sent back by
workers. Summaries are computed in double precision."""


class _Cast(Mapping[str, Array]):
    """Parameters in the working precision, read through (and recorded by) a ParamView."""

    def __init__(self, view: ParamView) -> None:
        self._view = view
        self._cache: dict[str, Array] = {}

    def __getitem__(self, name: str) -> Array:
        if name not in self._cache:
            self._cache[name] = np.asarray(self._view[name], dtype=DTYPE)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._view)

    def __len__(self) -> int:
        return len(self._view)

MAX_WORLDS = 100_000_000


@dataclass
class Sides:
    """Per-world constants of both sides, built once per chunk from the sampled parameters."""

    defender: forces.PowerInputs
    aggressor: forces.PowerInputs


def _columns(p: Mapping[str, Array], names: Iterable[str]) -> Array:
    """Rows of named parameters: shape (len(names), n), category-major."""
    cols = [p[name] for name in names]
    return np.stack(cols, axis=0) if cols else np.zeros((0, 0), dtype=DTYPE)


def _power_inputs(plan: Plan, p: Mapping[str, Array], side: str) -> forces.PowerInputs:
    cats = plan.categories
    weapons = np.asarray(plan.weapons, dtype=np.int64)
    weight = _columns(p, (f"equipment.{cats[i]}.weight" for i in plan.weapons))
    crew = _columns(p, (f"equipment.{cats[i]}.crew" for i in plan.weapons))
    position = {col: pos for pos, col in enumerate(plan.weapons)}
    months = p["forces.munition_months"]
    munitions = tuple(
        (m, position[w], p[f"equipment.{cats[m]}.need_per_month"] * months)
        for m, w in plan.munitions
    )
    return forces.power_inputs(
        weight, crew, weapons, munitions, p["forces.infantry_weight"], p[f"{side}.readiness"]
    )


def _supply_inputs(plan: Plan, p: Mapping[str, Array], n: int) -> supply.SupplyInputs:
    cats, c = plan.categories, len(plan.categories)
    k = len(plan.producers)
    matrix = np.zeros((k, c), dtype=DTYPE)
    start, end, ramp, share = (np.zeros((k, n), dtype=DTYPE) for _ in range(4))
    for j, ref in enumerate(plan.producers):
        matrix[j, ref.category] = 1.0
        start[j] = p[f"{ref.prefix}.capacity_start"]
        end[j] = p[f"{ref.prefix}.capacity_end"]
        ramp[j] = p[f"{ref.prefix}.ramp_months"]
        share[j] = (
            p[f"{ref.prefix}.share_to_defender"]
            * p[f"supplier.{ref.supplier}.will"]
            * p[f"supplier.{ref.supplier}.commitment"]
        )
    orders, unit_cost = np.zeros((c, n), dtype=DTYPE), np.zeros((c, n), dtype=DTYPE)
    inv_lag = np.ones((c, n), dtype=DTYPE)
    per_month_usd = p["financing.weapons_usd_bn_per_year"] * DTYPE(1e9 / 12.0)
    for i in plan.supplied:
        key = f"supply.{cats[i]}"
        unit_cost[i] = p[f"{key}.unit_cost_usd"]
        orders[i] = per_month_usd * p[f"{key}.financing_share"] / np.maximum(unit_cost[i], 1e-9)
        inv_lag[i] = DTYPE(1.0) / np.maximum(p[f"{key}.delivery_lag_months"], DTYPE(1.0))
    wear = _columns(p, (plan.wear_parameter(i) for i in range(c)))
    return supply.SupplyInputs(
        capacity_start=start,
        capacity_end=end,
        ramp_factor=supply.ramp_factor(ramp),
        open_share=share,
        producer_matrix=np.ascontiguousarray(matrix.T),
        orders=orders,
        unit_cost_usd=unit_cost,
        inv_lag=inv_lag,
        domestic=_columns(p, (f"defender.production.{x}" for x in cats)),
        wear=wear,
        keep=DTYPE(1.0) - wear,
        caps=np.asarray(plan.stock_caps, dtype=DTYPE)[:, None],
    )


ECONOMY_CHECKPOINTS = (12, 60, 120)


def settlement_attributes(plan: Plan, signal: Array) -> dict[str, Array | float]:
    """A package's settlement as the refugee survey's attributes (refugees.return_probability).

    Guarantees from some NATO states count as the package's guarantee signal (troops in the
    country, or a treaty's strength); a peace agreement (or victory) against a bare
    cease-fire; the territory, membership and economy as the package's ``settlement`` says.
    """
    s = plan.settlement
    return {
        "nato_guarantees": signal,
        "nato_membership": float(s.nato_membership),
        "agreement": float(plan.provisions.agreement != "ceasefire"),
        "territory_most": float(s.territory == "most"),
        "territory_1991": float(s.territory == "1991"),
        "jobs": float(s.jobs),
        "eu_accession": float(s.eu_accession),
        "less_corruption": float(s.less_corruption),
    }


def _rows(stock: Array, rows: Sequence[int]) -> Array:
    """Sum of some category rows of a (C, n) stock; zeros when there are none."""
    if not rows:
        return np.zeros(stock.shape[1], dtype=stock.dtype)
    out: Array = stock[list(rows)].sum(axis=0)
    return out


def _usable_rows(stock: Array, rows: Sequence[int], inputs: forces.PowerInputs) -> Array:
    """Weapons of some categories that have munitions for the war-stock period."""
    out: Array = np.zeros(stock.shape[1], dtype=stock.dtype)
    position = {int(c): i for i, c in enumerate(inputs.weapon_rows)}
    for c in rows:
        usable = stock[c]
        for munition_row, weapon_pos, rounds in inputs.munitions:
            if weapon_pos == position[c]:
                usable = np.minimum(usable, stock[munition_row] / np.maximum(rounds, 1e-12))
        out = out + usable
    return out


def _interceptor_rows(plan: Plan) -> tuple[int, ...]:
    """Munition categories that feed air-defence weapons."""
    return tuple(mun for mun, weapon in plan.munitions if weapon in plan.air_defence)


def _ln_ratio(attacker: Array, defender: Array) -> Array:
    out: Array = np.log(np.maximum(attacker, 1e-12)) - np.log(np.maximum(defender, 1e-12))
    return out


def run_chunk(plan: Plan, view: ParamView, months: int) -> dict[str, Array]:
    """Run the model chain for one chunk of worlds; returns per-world outcomes (float64).

    ``view`` holds one array of shape (n,) per registry parameter (the sampled worlds).
    """
    p = _Cast(view)
    cats = plan.categories
    n = len(p["defender.personnel"])
    sup = _supply_inputs(plan, p, n)
    sides = Sides(_power_inputs(plan, p, "defender"), _power_inputs(plan, p, "aggressor"))

    d_pers = np.minimum(p["defender.personnel"], plan.personnel_cap)
    d_stock = supply.apply_caps(_columns(p, (f"defender.stock.{x}" for x in cats)), sup.caps)
    state = supply.SupplyState(
        stock=d_stock,
        backlog=np.zeros_like(d_stock),
        transit=np.zeros_like(d_stock),
        shipped_usd=np.zeros(n),
        decay=np.ones_like(sup.capacity_start),
    )
    a_pers = p["aggressor.personnel"].copy()
    a_stock = _columns(p, (f"aggressor.stock.{x}" for x in cats))
    a_ceiling = _columns(p, (f"aggressor.stock_ceiling.{x}" for x in cats))
    drag = np.zeros(n, dtype=DTYPE) if plan.sanctions_relieved else p["forces.sanctions_drag"]
    slowed = DTYPE(1.0) - drag
    a_production = _columns(p, (f"aggressor.production.{x}" for x in cats)) * slowed
    a_recruitment = p["aggressor.recruitment_per_month"] * slowed

    front, territory = p["theatre.front_km"], p["theatre.territory_km2"]
    threshold = p["forces.space_density_threshold"]
    m, s = p["campaign.effectiveness_mean"], p["campaign.effectiveness_sd"]
    inst = Instruments(plan, p, n, DTYPE)
    c2 = intel.c2_factor(p["intel.c2_resilience"], strike_severity=p["intel.strike_severity"])
    surprise = warning_surprise(p, inst.month(0).monitors) if not inst.deployments else None
    blockade, exports_lost = sea_blockade(plan, p)
    air_share, air_k, gbad_weight = (p["air.ground_air_share"], p["air.denial_steepness"],
                                     p["air.gbad_weight"])
    interceptors = _interceptor_rows(plan)
    seen = economy.PerceptionInputs.from_params(p)
    invest = economy.InvestmentInputs.from_params(p)
    perception = economy.PerceptionState.start(seen.prior_annual_risk, n)
    capital = economy.InvestmentState.start(n)
    ret = refugees.ReturnInputs.from_params(p)
    returns = refugees.ReturnState.start(ret.abroad_m, ret.return_probability(
        settlement_attributes(plan, inst.guarantee_signal())))
    returned: dict[int, Array] = {}
    needs_met: dict[int, Array] = {}
    neutral = p["decision.neutrality_discount"] if plan.neutrality else np.zeros(n, DTYPE)
    duration = p["campaign.war_months"]
    base_rate = p["decision.base_hazard_per_month"] * p["decision.base_hazard_scale"]
    supplied = list(plan.supplied)
    ledger = WarLedger(n)
    force_ratio_12m = force_ratio_end = np.full(n, np.nan)

    for t in range(months):
        terms = inst.month(t)
        sigma = surprise if surprise is not None else warning_surprise(p, terms.monitors)
        own = forces.combat_power(state.stock, d_pers, sides.defender)
        own *= forces.space_factor(d_pers, front, threshold) * c2
        a_power = forces.combat_power(a_stock, a_pers, sides.aggressor) * sigma
        d_fighters = _rows(state.stock, plan.fighters)
        d_gbad = _usable_rows(state.stock, plan.air_defence, sides.defender)
        a_fighters = _rows(a_stock, plan.fighters)
        # What the aggressor expects, and what happens in a war that starts this month.
        perceived_air = air.air_denial(terms.perceived_air, d_fighters, d_gbad, a_fighters,
                                       k=air_k, gbad_weight=gbad_weight) if plan.fighters else (
            np.zeros(n, dtype=DTYPE))
        actual_air = perceived_air if not (inst.any and plan.fighters) else air.air_denial(
            terms.actual_air, d_fighters, d_gbad, a_fighters, k=air_k, gbad_weight=gbad_weight)
        ln_perceived = _ln_ratio(
            a_power * air.ground_effect(perceived_air, air_share=air_share),
            own * terms.perceived_arms + terms.troop_power + terms.perceived_power_add)
        ln_battle = _ln_ratio(
            a_power * air.ground_effect(actual_air, air_share=air_share),
            own * terms.actual_arms + terms.troop_power + terms.actual_power_add)
        if t == 12:
            force_ratio_12m = np.exp(ln_battle)
        if t == months - 1:
            force_ratio_end = np.exp(ln_battle)
        value = decision.attack_value(
            ln_perceived,
            bias=p["decision.misperception_bias"],
            effectiveness_mean=m,
            effectiveness_sd=s,
            gain=p["decision.gain"],
            neutral_discount=neutral,
            failure_cost=p["decision.failure_cost"],
            loss_aversion=p["decision.loss_aversion"],
            sanctions_cost=p["decision.sanctions_cost"] + terms.expected_cost,
        )
        hazard = decision.attack_hazard(
            value,
            value_of_waiting=p["decision.value_of_waiting"],
            base_rate=base_rate,
            sensitivity=p["decision.value_sensitivity"],
            ready=(t >= p["decision.min_reconstitution_months"]).astype(DTYPE),
        )
        p_hold = 1.0 - campaign.attacker_success(ln_battle, m, s)
        ground = campaign.ground_lost(
            p_hold,
            np.exp(ln_battle),
            territory_km2=territory,
            hold_rate_km2=p["campaign.hold_ground_km2_per_month"],
            duration_months=duration,
            breakthrough_share=p["campaign.breakthrough_territory_share"],
        )
        cas_a, cas_d = campaign.casualties(
            a_pers,
            share_per_month=p["campaign.aggressor_casualty_share_per_month"],
            duration_months=duration,
            exchange_ratio=p["campaign.exchange_ratio"],
        )
        stock_value = np.einsum("cn,cn->n", state.stock[supplied], sup.unit_cost_usd[supplied])
        captured = supply.captured_share(ground / np.maximum(territory, 1e-9),
                                         p["campaign.front_loading"]) * stock_value / 1e9
        leaking = p["air.salvo_missiles_per_month"] * air.leakage(
            p["air.salvo_missiles_per_month"],
            _rows(state.stock, interceptors) / p["forces.munition_months"],
            per_threat=p["air.shots_per_missile"],
            intercept_probability=p["air.intercept_probability_missile"])
        # Investors and families see a biased, slow view of the hazard, lowered by visible
        # guarantees; investment and returns flow only at peace (see models/economy.py).
        risk = economy.step_perception(
            perception, hazard, guarantee_signal=inst.guarantee_signal(t), bias=seen.bias,
            signal_weight=seen.signal_weight, memory_months=seen.memory_months)
        # Investors discount the seaborne part by the chance of a war that closes the sea
        # lanes within the year: perceived annual risk x exports lost to a blockade.
        flow = economy.investment_per_year(risk, invest,
                                           exports_lost_share=risk * exports_lost) / 12.0
        economy.step_investment(capital, flow, survival=ledger.survival, hazard=hazard,
                                loss_share=invest.loss_share)
        refugees.step_returns(
            returns, rate=refugees.return_rate(risk, delay_months=ret.delay_months,
                                               risk_aversion=ret.risk_aversion),
            keep=ret.keep, survival=ledger.survival, hazard=hazard,
            reversal_share=ret.reversal_share)
        if t + 1 in ECONOMY_CHECKPOINTS:
            returned[t + 1] = returns.expected_returned.copy()
            needs_met[t + 1] = economy.needs_met_share(capital, invest.needs_usd_bn)
        ledger.record(t, hazard, {
            "p_hold_given_war": p_hold,
            "ground_lost_km2_given_war": ground,
            "aggressor_casualties_given_war": cas_a,
            "defender_casualties_given_war": cas_d,
            "equipment_captured_usd_bn_given_war": captured,
            "p_air_denied_given_war": actual_air,
            "p_blockade_given_war": blockade,
            "exports_lost_share_given_war": exports_lost,
            "missiles_leaking_per_month_given_war": leaking,
            "guarantor_war_cost_usd_bn_given_war": terms.war_cost_usd / 1e9,
        })

        supply.step_supply(sup, state)
        forces.regenerate(
            a_pers,
            a_stock,
            recruitment=a_recruitment,
            outflow_share=p["aggressor.outflow_share_per_month"],
            ceiling=p["aggressor.personnel_ceiling"],
            production=a_production,
            stock_ceiling=a_ceiling,
            keep=sup.keep,
        )
        d_pers = forces.drift_personnel(
            d_pers, p["defender.peacetime_personnel"], p["defender.demobilisation_months"],
            plan.personnel_cap,
        )

    # Expected cost of the guarantors' responses: a war's cost weighted by its probability.
    war_cost_expected = ledger.sums["guarantor_war_cost_usd_bn_given_war"].copy()
    out = ledger.finish(months)
    years = months / 12.0
    out["cost_usd_bn_per_year"] = (
        state.shipped_usd / 1e9 / years + p["financing.budget_support_usd_bn_per_year"]
        + inst.cost_usd(months) / 1e9 / years + war_cost_expected / years
    )
    if inst.deployments:
        out["troops_feasible"] = inst.feasible
    out["investment_usd_bn_per_year"] = capital.expected_gross / years
    for month, value in needs_met.items():
        out[f"reconstruction_needs_met_share_{month}m"] = value
    for month, value in returned.items():
        out[f"refugees_returned_m_{month}m"] = value
    if months > 12:
        out["force_ratio_12m"] = force_ratio_12m
    out["force_ratio_horizon"] = force_ratio_end
    return {name: np.asarray(values, dtype=OUTPUT_DTYPE) for name, values in out.items()}


def _run_range(plan: Plan, seed: int, start: int, stop: int, months: int
               ) -> tuple[dict[str, Array], set[str]]:
    view = ParamView(plan.registry.sample(seed, start, stop))
    out = run_chunk(plan, view, months)
    return out, view.read


@dataclass(frozen=True)
class Chunk:
    """Per-world outcomes of worlds ``start..stop-1`` of one package."""

    package: str
    start: int
    stop: int
    outcomes: dict[str, Array]


def iter_chunks(
    scenario: Scenario,
    package: str,
    *,
    worlds: int,
    seed: int,
    months: int | None = None,
    lens: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    start: int = 0,
    anchor: bool = True,
) -> Iterator[Chunk]:
    """Yield the outcomes of one package chunk by chunk, from world ``start`` on.

    Memory stays bounded by the chunk size whatever the number of worlds; a consumer that
    stores each chunk (a results store, a running summary) can stop and resume at any chunk
    boundary and get the same numbers.
    """
    seed = _seed(seed)
    _check(worlds, chunk_size, months, 1)
    anchored = calibrate_anchor(scenario, seed=seed, lens=None) if anchor else None
    plan = _plan(scenario, package, lens, anchored)
    horizon = months or scenario.horizon_months
    for a, b in chunk_bounds(worlds, chunk_size):
        if b <= start:
            continue
        a = max(a, start)
        out, _ = _run_range(plan, seed, a, b, horizon)
        yield Chunk(package, a, b, out)


_WORKER_PLANS: dict[str, Plan] = {}


def _set_worker_plans(plans: dict[str, Plan]) -> None:
    _WORKER_PLANS.clear()
    _WORKER_PLANS.update(plans)


def _run_named(name: str, seed: int, start: int, stop: int, months: int
               ) -> tuple[dict[str, Array], set[str]]:
    return _run_range(_WORKER_PLANS[name], seed, start, stop, months)


def chunk_bounds(worlds: int, chunk_size: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk."""
    return [(a, min(a + chunk_size, worlds)) for a in range(0, worlds, chunk_size)]


def _check(worlds: int, chunk_size: int, months: int | None, workers: int) -> None:
    if isinstance(worlds, bool) or not isinstance(worlds, int) or not 1 <= worlds <= MAX_WORLDS:
        raise InputError(f"worlds must be an integer in [1, {MAX_WORLDS}], got {worlds!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError(f"chunk_size must be an integer >= 1, got {chunk_size!r}")
    if months is not None and (not isinstance(months, int) or not 1 <= months <= 600):
        raise InputError(f"months must be an integer in [1, 600], got {months!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 256:
        raise InputError(f"workers must be an integer in [1, 256], got {workers!r}")


def simulate(
    scenario: Scenario,
    packages: Sequence[str] | None = None,
    *,
    worlds: int = 10_000,
    seed: int = 0,
    months: int | None = None,
    lens: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    anchor: bool = True,
) -> Results:
    """Simulate ``worlds`` sampled worlds of each package; same seed, same numbers.

    Parameters
    ----------
    scenario : Scenario
        From :func:`guaranty.load_scenario`.
    packages : sequence of str, optional
        Package names (default: all, in file order).
    worlds, seed, months, lens, chunk_size, workers
        Number of worlds; seed; horizon in months (default: the scenario's); lens name;
        worlds per chunk (changes memory, never numbers); processes.
    progress : callable, optional
        Called with the number of worlds finished after each chunk.
    anchor : bool
        Calibrate the aggressor's base hazard so that the anchor package (``ceasefire-only``)
        matches the outside view's base rate (:mod:`guaranty.anchoring`); on by default.
    """
    seed = _seed(seed)
    _check(worlds, chunk_size, months, workers)
    names = list(scenario.packages) if not packages else list(packages)
    for name in names:
        if name not in scenario.packages:
            raise InputError(_unknown("package", name, scenario.packages))
    if lens is not None and lens not in scenario.lenses:
        raise InputError(_unknown("lens", lens, scenario.lenses))
    horizon = months or scenario.horizon_months
    bounds = chunk_bounds(worlds, chunk_size)
    anchored = calibrate_anchor(scenario, seed=seed, lens=None) if anchor else None
    per_package: dict[str, dict[str, Array]] = {}
    read: set[str] = set()
    plans = {name: _plan(scenario, name, lens, anchored) for name in names}
    processes = min(workers, len(bounds))
    # Each worker receives the plans once, not with every chunk.
    pool = ProcessPoolExecutor(max_workers=processes, initializer=_set_worker_plans,
                               initargs=(plans,)) if processes > 1 else None
    try:
        for name in names:
            plan = plans[name]
            if pool is not None:
                futures = [pool.submit(_run_named, name, seed, a, b, horizon) for a, b in bounds]
                parts = []
                for fut, (_, b) in zip(futures, bounds, strict=True):
                    parts.append(fut.result())
                    if progress:
                        progress(b - bounds[0][0])
            else:
                parts = []
                for a, b in bounds:
                    parts.append(_run_range(plan, seed, a, b, horizon))
                    if progress:
                        progress(b)
            keys = parts[0][0].keys()
            per_package[name] = {k: np.concatenate([part[0][k] for part in parts]) for k in keys}
            for _, names_read in parts:
                read |= names_read
    finally:
        if pool is not None:
            pool.shutdown()
    registries = {name: plan.registry for name, plan in plans.items()}
    outside = {name: outside_estimate(plan.provisions) for name, plan in plans.items()}
    return Results(
        scenario=scenario.name,
        seed=seed,
        worlds=worlds,
        months=horizon,
        lens=lens,
        outcomes=per_package,
        parameters_read=frozenset(read),
        registries=registries,
        anchor=anchored,
        outside=outside,
        rejections={name: plan.rejected_by for name, plan in plans.items()},
    )


def _plan(scenario: Scenario, package: str, lens: str | None, anchored: Anchor | None) -> Plan:
    plan = compile_plan(scenario, package, lens)
    if anchored is None:
        return plan
    registry = plan.registry.overridden(
        "decision.base_hazard_scale",
        {"dist": "fixed", "value": anchored.scale},
        source=(f"anchored: {anchored.package} P(war within {anchored.months} months) set to "
                f"{anchored.target:.3f}, the outside view ({anchored.source})"),
    )
    return replace(plan, registry=registry)


_ANCHORS: dict[tuple[str, int, str | None], Anchor] = {}


def calibrate_anchor(scenario: Scenario, *, seed: int, lens: str | None) -> Anchor:
    """The anchoring of ``scenario`` under ``lens`` for ``seed`` (memoised)."""
    key = (scenario.model_dump_json(), seed, lens)
    if key not in _ANCHORS:
        if len(_ANCHORS) > 64:
            _ANCHORS.clear()
        _ANCHORS[key] = calibrate(scenario, seed=seed, lens=lens)
    return _ANCHORS[key]


def _seed(seed: int) -> int:
    try:
        return rng.check_seed(seed)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    import difflib

    options = sorted(known)
    close = difflib.get_close_matches(name, options, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(options) or "none defined"
    return f"unknown {kind} {name!r}{hint} (known: {listed})"


def default_workers() -> int:
    """Cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


__all__ = [
    "DEFAULT_CHUNK",
    "Chunk",
    "chunk_bounds",
    "default_workers",
    "iter_chunks",
    "run_chunk",
    "simulate",
]

"""``prepare(plan, params) -> ChainInputs``: the only place that reads the sampled parameters.

Every registry name the chain uses is read here, once per chunk, and turned into typed records
of per-world arrays in the working precision (:data:`DTYPE`): supply, the two sides' combat
power, the aggressor's regeneration, the decision and campaign coefficients, air, the
package's instruments (:class:`guaranty.models.response.ResponseArrays`) and the economy and
refugee models. The monthly step (:mod:`guaranty.engine.chain`) then sees arrays only, so a
model contract, a design of experiments (:func:`guaranty.engine.run_design`) or another array
backend needs nothing but these records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from guaranty.calibration.air_defence import allied_layer_from_parameters, layers_from_parameters
from guaranty.models import (
    air,
    air_defence,
    campaign,
    cohesion,
    economy,
    forces,
    guarantors,
    intel,
    naval,
    positions,
    refugees,
    response,
    supply,
    troops,
)
from guaranty.models._arrays import Array, row_sum
from guaranty.models.guarantors import Rung
from guaranty.scenario.compile import Plan
from guaranty.scenario.schema import Treaty, TroopDeployment

DTYPE = np.float32
"""Working precision of the monthly state (stocks, powers, hazards). Single precision halves
the memory traffic of a memory-bound loop; the ledger of probabilities and the economy's
running sums are kept in double precision. Each world's arithmetic is elementwise, so results
stay identical whatever the chunking."""


BASE_HAZARD_SCALE = "decision.base_hazard_scale"
HAZARD_SHAPE = "decision.hazard_shape"  # fitted with the factor (guaranty.engine.anchoring)
"""The factor on the aggressor's base hazard that anchoring sets (guaranty.engine.anchoring)."""


def with_base_hazard_scale(params: Mapping[str, Any], value: float, n: int) -> dict[str, Any]:
    """Sampled parameters with the base-hazard factor set to ``value`` in every world."""
    return {**params, BASE_HAZARD_SCALE: np.full(n, value)}


def base_hazard_override(registry: Any, distribution: Any, source: str) -> Any:
    """A registry whose base-hazard factor takes ``distribution`` (a number: fixed), with its
    source."""
    if isinstance(distribution, int | float):
        distribution = {"dist": "fixed", "value": float(distribution)}
    return registry.overridden(BASE_HAZARD_SCALE, distribution, source=source)


class Reader:
    """Sampled parameters in the working precision; each name is cast once."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self._params = params
        self._cache: dict[str, Array] = {}

    def __call__(self, name: str) -> Array:
        if name not in self._cache:
            self._cache[name] = np.asarray(self._params[name], dtype=DTYPE)
        return self._cache[name]

    def first(self, *names: str) -> Array:
        """The first of ``names`` that the worlds hold (a specific name before a default)."""
        for name in names[:-1]:
            if name in self._params:
                return self(name)
        return self(names[-1])

    def rows(self, names: Iterable[str]) -> Array:
        """Named parameters stacked as rows: shape (len(names), n), category-major."""
        cols = [self(name) for name in names]
        return np.stack(cols, axis=0) if cols else np.zeros((0, 0), dtype=DTYPE)


@dataclass(frozen=True)
class Regeneration:
    """The aggressor's recruitment, outflow, production and ceilings; the defender's drift."""

    recruitment: Array  # (n,) slowed by sanctions
    outflow_share: Array
    ceiling: Array
    production: Array  # (C, n) slowed by sanctions
    stock_ceiling: Array  # (C, n)
    peacetime_personnel: Array
    demobilisation_months: Array
    personnel_cap: float | Array  # per world when packages share a pass


@dataclass(frozen=True)
class Decision:
    """The aggressor's decision coefficients (:mod:`guaranty.models.decision`)."""

    bias: Array
    gain: Array
    neutral_discount: Array
    failure_cost: Array
    loss_aversion: Array
    sanctions_cost: Array
    value_of_waiting: Array
    base_rate: Array  # base hazard x anchoring factor
    sensitivity: Array
    min_reconstitution_months: Array
    hazard_shape: Array  # Weibull shape of the base hazard in time since the cease-fire
    preventive_weight: Array  # value of waiting lost per unit of closing window (hypothesis c)
    preventive_memory_months: Array


@dataclass(frozen=True)
class Campaign:
    """The war model's coefficients (:mod:`guaranty.models.campaign`) and the theatre."""

    war: campaign.WarCoefficients
    territory_km2: Array
    front_km: Array
    space_threshold: Array
    c2: Array
    front_loading: Array
    equipment_loss_share: Array  # l, ground weapons lost a month of war
    reference_resupply: Array  # A_ref, deliveries over losses in the 2023-25 war


@dataclass(frozen=True)
class AirWar:
    """Air denial and layered air defence (:mod:`guaranty.models.air_defence`)."""

    ground_air_share: Array
    steepness: Array
    munition_months: Array
    salvo: tuple[Array, Array, Array]  # ballistic, cruise, drones a month in a war
    layers: tuple[air_defence.Layer, ...]  # fighter, short, medium, long range (templates)
    allied: air_defence.Layer  # allied aircraft over the protected zone (template)
    zone_share: Array
    damage_weight: tuple[Array, Array, Array]
    aircraft_equivalent: tuple[Array, Array, Array]  # long, medium, short range systems


@dataclass(frozen=True)
class Warning:
    """Strategic warning from ISR and monitors (:mod:`guaranty.models.intel`)."""

    level: Array
    base_months: Array
    isr_gain_months: Array
    monitor_gain_months: Array
    mobilisation_months: Array
    surprise_multiplier: Array
    positions_loss: Array  # (n,) share of warning lost to the aggressor's troops in place


@dataclass(frozen=True)
class People:
    """Perception, investment and refugee returns (:mod:`economy`, :mod:`refugees`)."""

    perception: economy.PerceptionInputs
    investment: economy.InvestmentInputs
    returns: refugees.ReturnInputs
    return_probability: Array  # (n,) of the settlement as announced
    sea: naval.SeaInputs  # the blockade, month by month (naval.sea_month)


@dataclass(frozen=True)
class Costs:
    """What a package costs its partners in peacetime, per world."""

    budget_support_usd_bn_per_year: Array
    fixed_usd: Array
    isr_per_year_usd: Array
    air_per_year_usd: Array
    troops_per_year_usd: tuple[Array, ...]


@dataclass(frozen=True)
class ChainInputs:
    """Everything the monthly step reads: per-world arrays plus the plan's structure."""

    n: int
    months: int
    supply: supply.SupplyInputs
    defender: forces.PowerInputs
    aggressor: forces.PowerInputs
    regeneration: Regeneration
    decision: Decision
    campaign: Campaign
    air: AirWar
    warning: Warning
    people: People
    instruments: response.ResponseArrays
    terms: response.MonthTerms  # months 0..S of the instruments' terms (S + 1, n) each
    surprise: Array  # (S + 1, n) the attacker's surprise multiplier in those months
    costs: Costs
    start: dict[str, Array]  # initial stocks and personnel
    supplied: tuple[int, ...]  # categories bought abroad
    fighters: tuple[int, ...]
    air_defence: tuple[int, ...]
    interceptors: tuple[int, ...]  # munitions that feed air defence
    ground_weapons: Array  # (C, 1) 1 for the weapons a war wears down at the front, else 0


def prepare(plan: Plan, params: Mapping[str, Any], months: int) -> ChainInputs:
    """Read the sampled worlds of ``plan`` into the records the monthly step uses."""
    p = Reader(params)
    n = len(p("defender.personnel"))
    arrays = _response(plan, p, n)
    warning = Warning(p("intel.level"), p("intel.base_warning_months"),
                      p("intel.isr_gain_months"), p("intel.monitor_gain_months"),
                      p("intel.mobilisation_months"), p("campaign.surprise_multiplier"),
                      _positions_loss(plan, p, n))
    terms = response.schedule(arrays, months)
    interceptors = tuple(mun for mun, weapon in plan.munitions if weapon in plan.air_defence)
    return ChainInputs(
        n=n,
        months=months,
        supply=_supply(plan, p, n),
        defender=_power(plan, p, "defender"),
        aggressor=_power(plan, p, "aggressor"),
        regeneration=_regeneration(plan, p, n),
        decision=_decision(plan, p, n),
        campaign=_campaign(p),
        air=_air(p),
        warning=warning,
        people=_people(plan, p, arrays),
        instruments=arrays,
        terms=terms,
        surprise=surprise(warning, terms.monitors),
        costs=_costs(plan, p, arrays, months),
        start=_start(plan, p),
        supplied=tuple(plan.supplied),
        fighters=tuple(plan.fighters),
        air_defence=tuple(plan.air_defence),
        interceptors=interceptors,
        ground_weapons=_ground_weapons(plan),
    )


def _start(plan: Plan, p: Reader) -> dict[str, Array]:
    cats = plan.categories
    return {
        "defender_personnel": np.minimum(_defender_strength(p, "defender.personnel"),
                                         plan.personnel_cap),
        "defender_stock": supply.apply_caps(
            p.rows(f"defender.stock.{x}" for x in cats),
            np.asarray(plan.stock_caps, dtype=DTYPE)[:, None]),
        "aggressor_personnel": np.maximum(
            p("aggressor.personnel") - p("aggressor.committed_elsewhere"), 0.0),
        "aggressor_stock": p.rows(f"aggressor.stock.{x}" for x in cats),
    }


def _defender_strength(p: Reader, name: str) -> Array:
    """A defender's personnel figure with the share of its reserves a war mobilises added
    (``defender.reserves`` x ``forces.reserve_availability``; no reserves: the figure)."""
    out: Array = p(name) + p("defender.reserves") * p("forces.reserve_availability")
    return out


def _power(plan: Plan, p: Reader, side: str) -> forces.PowerInputs:
    cats = plan.categories
    weapons = np.asarray(plan.weapons, dtype=np.int64)
    weight = p.rows(f"equipment.{cats[i]}.weight" for i in plan.weapons)
    crew = p.rows(f"equipment.{cats[i]}.crew" for i in plan.weapons)
    position = {col: pos for pos, col in enumerate(plan.weapons)}
    months = p("forces.munition_months")
    munitions = tuple(
        (m, position[w], p(f"equipment.{cats[m]}.need_per_month") * months)
        for m, w in plan.munitions
    )
    return forces.power_inputs(
        weight, crew, weapons, munitions, p("forces.infantry_weight"), p(f"{side}.readiness")
    )


def _supply(plan: Plan, p: Reader, n: int) -> supply.SupplyInputs:
    cats, c = plan.categories, len(plan.categories)
    k = len(plan.producers)
    matrix = np.zeros((k, c), dtype=DTYPE)
    start, end, ramp, share = (np.zeros((k, n), dtype=DTYPE) for _ in range(4))
    for j, ref in enumerate(plan.producers):
        matrix[j, ref.category] = 1.0
        start[j] = p(f"{ref.prefix}.capacity_start")
        end[j] = p(f"{ref.prefix}.capacity_end")
        ramp[j] = p(f"{ref.prefix}.ramp_months")
        share[j] = (
            p(f"{ref.prefix}.share_to_defender")
            * p(f"supplier.{ref.supplier}.will")
            * p(f"supplier.{ref.supplier}.commitment")
        )
    orders, unit_cost = np.zeros((c, n), dtype=DTYPE), np.zeros((c, n), dtype=DTYPE)
    inv_lag = np.ones((c, n), dtype=DTYPE)
    money = np.zeros((c, n), dtype=DTYPE)
    grow_max, grow_rate = np.zeros((c, n), dtype=DTYPE), np.zeros((c, n), dtype=DTYPE)
    start_open = np.zeros((c, n), dtype=DTYPE)
    for j, ref in enumerate(plan.producers):
        # Lasting lines only: a stock being emptied (capacity ramping down) cannot grow.
        start_open[ref.category] += np.minimum(start[j], end[j]) * p(
            f"supplier.{ref.supplier}.will") * p(f"supplier.{ref.supplier}.commitment")
    per_month_usd = p("financing.weapons_usd_bn_per_year") * DTYPE(1e9 / 12.0)
    for i in plan.supplied:
        key = f"supply.{cats[i]}"
        unit_cost[i] = p(f"{key}.unit_cost_usd")
        money[i] = per_month_usd * p(f"{key}.financing_share")
        orders[i] = money[i] / np.maximum(unit_cost[i], 1e-9)
        inv_lag[i] = DTYPE(1.0) / np.maximum(p(f"{key}.delivery_lag_months"), DTYPE(1.0))
        grow = p.first(f"{key}.expansion_multiple", "supply.expansion_multiple")
        grow_max[i] = supply.expansion_max(start_open[i], grow)
        grow_rate[i] = supply.expansion_rate(
            p.first(f"{key}.expansion_ramp_months", "supply.expansion_ramp_months"))
    wear = p.rows(plan.wear_parameter(i) for i in range(c))
    return supply.SupplyInputs(
        capacity_start=start,
        capacity_end=end,
        ramp_factor=supply.ramp_factor(ramp),
        open_share=share,
        producer_matrix=np.ascontiguousarray(matrix.T),
        orders=orders,
        unit_cost_usd=unit_cost,
        inv_lag=inv_lag,
        domestic=p.rows(f"defender.production.{x}" for x in cats),
        wear=wear,
        keep=DTYPE(1.0) - wear,
        caps=np.asarray(plan.stock_caps, dtype=DTYPE)[:, None],
        money_usd=money,
        unallocated_usd=np.maximum(per_month_usd - row_sum(money), DTYPE(0.0)),
        expansion_max=grow_max,
        expansion_rate=grow_rate,
        order_book_months=p("supply.order_book_months"),
    )


class _Names(Mapping[str, Array]):
    """A :class:`Reader` as a mapping, for the builders of :mod:`guaranty.calibration`."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def __getitem__(self, name: str) -> Array:
        return self._reader(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _air(p: Reader) -> AirWar:
    names = _Names(p)
    ballistic, cruise = air_defence.split_missiles(
        p("air.salvo_missiles_per_month"), ballistic_share=p("air_defence.ballistic_share"))
    layers = layers_from_parameters(
        names, fighters=0.0, short_range=p("air_defence.systems.short_range"),
        medium_range=p("air_defence.systems.medium_range"), long_range=0.0,
        medium_range_interceptors=p("air_defence.interceptors_per_month.medium_range"),
        long_range_interceptors=0.0)
    return AirWar(
        ground_air_share=p("air.ground_air_share"),
        steepness=p("air.denial_steepness"),
        munition_months=p("forces.munition_months"),
        salvo=(ballistic, cruise, p("air.salvo_drones_per_month")),
        layers=tuple(air_defence.with_kill_engaged(layer) for layer in layers),
        allied=air_defence.with_kill_engaged(allied_layer_from_parameters(names, 0.0)),
        zone_share=p("air_defence.zone_share"),
        damage_weight=(p("air_defence.damage_weight.ballistic"),
                       p("air_defence.damage_weight.cruise"),
                       np.ones_like(p("air_defence.zone_share"))),
        aircraft_equivalent=(p("air_defence.aircraft_equivalent.long_range"),
                             p("air_defence.aircraft_equivalent.medium_range"),
                             p("air_defence.aircraft_equivalent.short_range")),
    )


def _regeneration(plan: Plan, p: Reader, n: int) -> Regeneration:
    cats = plan.categories
    drag = np.zeros(n, dtype=DTYPE) if plan.sanctions_relieved else p("forces.sanctions_drag")
    slowed = DTYPE(1.0) - drag
    return Regeneration(
        recruitment=p("aggressor.recruitment_per_month") * slowed,
        outflow_share=p("aggressor.outflow_share_per_month"),
        ceiling=np.maximum(p("aggressor.personnel_ceiling") - p("aggressor.committed_elsewhere"),
                           0.0),
        production=p.rows(f"aggressor.production.{x}" for x in cats) * slowed,
        stock_ceiling=p.rows(f"aggressor.stock_ceiling.{x}" for x in cats),
        peacetime_personnel=_defender_strength(p, "defender.peacetime_personnel"),
        demobilisation_months=p("defender.demobilisation_months"),
        personnel_cap=plan.personnel_cap,
    )


def _decision(plan: Plan, p: Reader, n: int) -> Decision:
    return Decision(
        bias=p("decision.misperception_bias"),
        gain=p("decision.gain"),
        neutral_discount=p("decision.neutrality_discount") if plan.neutrality else np.zeros(
            n, DTYPE),
        failure_cost=p("decision.failure_cost"),
        loss_aversion=p("decision.loss_aversion"),
        sanctions_cost=p("decision.sanctions_cost"),
        value_of_waiting=p("decision.value_of_waiting"),
        base_rate=p("decision.base_hazard_per_month") * p(BASE_HAZARD_SCALE),
        sensitivity=p("decision.value_sensitivity"),
        min_reconstitution_months=p("decision.min_reconstitution_months"),
        hazard_shape=p(HAZARD_SHAPE),
        preventive_weight=p("decision.preventive_weight"),
        preventive_memory_months=p("decision.preventive_memory_months"),
    )


def _ground_weapons(plan: Plan) -> Array:
    """(C, 1): 1 for the categories a war wears down at the front (``front_losses``)."""
    out = np.zeros((len(plan.categories), 1), dtype=DTYPE)
    out[list(plan.front_weapons)] = 1.0
    return out


def _campaign(p: Reader) -> Campaign:
    return Campaign(
        war=campaign.WarCoefficients(
            reference_ratio=p("campaign.reference_ratio"),
            prepared_defence=p("campaign.prepared_defence"),
            breakthrough_rate=p("campaign.breakthrough_rate_per_month"),
            breakthrough_exponent=p("campaign.breakthrough_exponent"),
            casualties_per_defender=p("campaign.casualties_per_defender_per_month"),
            loss_exponent=p("campaign.loss_exponent"),
            casualties_per_km2=p("campaign.casualties_per_km2"),
            cost_exponent=p("campaign.cost_exponent"),
            exchange_ratio=p("campaign.exchange_ratio"),
            exchange_exponent=p("campaign.exchange_exponent"),
            mobile_casualties_per_defender=p("campaign.mobile_casualties_per_defender_per_month"),
            mobile_exchange_ratio=p("campaign.mobile_exchange_ratio"),
            culmination_share=p("campaign.culmination_share"),
            duration_months=p("campaign.war_months"),
            mobile_months=p("campaign.mobile_war_months"),
            breakthrough_share=p("campaign.breakthrough_territory_share"),
            territory_km2=p("theatre.territory_km2"),
        ),
        territory_km2=p("theatre.territory_km2"),
        front_km=p("theatre.front_km"),
        space_threshold=p("forces.space_density_threshold"),
        c2=intel.c2_factor(p("intel.c2_resilience"), strike_severity=p("intel.strike_severity")),
        front_loading=p("campaign.front_loading"),
        equipment_loss_share=p("campaign.equipment_loss_share_per_month"),
        reference_resupply=p("campaign.reference_resupply_ratio"),
    )


def _people(plan: Plan, p: Reader, arrays: response.ResponseArrays) -> People:
    returns = refugees.ReturnInputs(
        abroad_m=p("refugees.abroad_m"),
        keep=refugees.intention_keep(
            at_flight=p("refugees.intention_at_flight"),
            pp_per_100_days=p("refugees.intention_decay_pp_per_100_days"),
            scale=p("refugees.decay_scale"),
        ),
        delay_months=p("refugees.return_delay_months"),
        risk_aversion=p("refugees.risk_aversion"),
        reversal_share=p("refugees.reversal_share"),
        worst_case=p("refugees.worst_case_return_probability"),
        effects_pp={name: p(f"refugees.effect_{name}_pp") for name in refugees.ATTRIBUTES},
        insecurity_aversion=p("refugees.insecurity_aversion"),
    )
    announced = response.month_terms(arrays, None).signal
    return People(
        perception=economy.PerceptionInputs(
            prior_annual_risk=p("economy.prior_annual_risk"),
            bias=p("economy.perception_bias"),
            signal_weight=p("economy.guarantee_signal_weight"),
            memory_months=p("economy.perception_memory_months"),
        ),
        investment=economy.InvestmentInputs(
            private_base_usd_bn=p("economy.private_usd_bn_per_year"),
            public_usd_bn=p("economy.public_usd_bn_per_year"),
            cost_of_capital=p("economy.cost_of_capital"),
            loss_share=p("economy.loss_share_in_war"),
            insurance_loading=p("economy.insurance_loading"),
            elasticity=p("economy.user_cost_elasticity"),
            export_exposure=p("economy.export_exposure"),
            needs_usd_bn=p("economy.needs_usd_bn"),
        ),
        returns=returns,
        return_probability=returns.return_probability(settlement_attributes(plan, announced)),
        sea=_sea(plan, p),
    )


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


def _sea(plan: Plan, p: Reader) -> naval.SeaInputs:
    """The sea war's constants: own and added means of sea denial, the corridor's protection."""
    assets = {f: p(f"defender.naval.{f}") + getattr(plan.naval, f)
              for f in ("anti_ship_missiles", "naval_drones", "patrol_boats", "patrol_aircraft")}
    power = naval.sea_denial_power(
        assets["anti_ship_missiles"], assets["naval_drones"], assets["patrol_boats"],
        assets["patrol_aircraft"],
        weights=(p("naval.weight_anti_ship_missile"), p("naval.weight_naval_drone"),
                 p("naval.weight_patrol_boat"), p("naval.weight_patrol_aircraft")))
    for asset in naval.CORRIDOR_ASSETS:
        count = getattr(plan.naval, asset)
        if count:
            power = power + count * p(f"naval.weight_{asset}")
    return naval.SeaInputs(
        power=power, fleet=p("aggressor.fleet"), steepness=p("naval.blockade_steepness"),
        per_warship=p("naval.denial_per_warship"), sea_share=p("naval.sea_export_share"),
        air_weight=p("naval.weight_air_cover"), gain=p("naval.blockade_gain"),
        dependence=p("naval.war_export_dependence"))


def _positions_loss(plan: Plan, p: Reader, n: int) -> Array:
    """Share of the defender's warning lost to the aggressor's troops stationed in its
    territory: its own ``aggressor_positions`` and its share of a mixed contingent
    (:func:`guaranty.models.positions.warning_loss`)."""
    stationed = 0.0
    if plan.aggressor_positions is not None:
        stationed += plan.aggressor_positions.troops
    pk = plan.peacekeepers
    if pk is not None and "aggressor" in pk.members:
        stationed += pk.size / len(pk.members)
    if stationed <= 0:
        return np.zeros(n, dtype=DTYPE)
    return positions.warning_loss(
        np.full(n, stationed, dtype=DTYPE), max_loss=p("aggressor_positions.warning_loss"),
        reference=p("aggressor_positions.reference_troops"))


def surprise(warning: Warning, monitors: Array) -> Array:
    """The attacker's surprise multiplier after the warning that ISR and monitors give, less
    what the aggressor's troops already in place take away."""
    months = intel.warning_months(
        warning.level, monitors, base_warning_months=warning.base_months,
        gain=warning.isr_gain_months, monitor_gain=warning.monitor_gain_months)
    months = months * (1.0 - warning.positions_loss)
    ready = intel.mobilised_share(months, mobilisation_months=warning.mobilisation_months)
    return intel.surprise(warning.surprise_multiplier, ready)


# --- the package's instruments ---------------------------------------------------------------
def _all_troops(plan: Plan) -> list[TroopDeployment]:
    """The package's troops and a peacekeeping contingent's allied members' equal shares."""
    out = list(plan.troops)
    pk = plan.peacekeepers
    if pk is not None:
        for m in (m for m in pk.members if m != "aggressor"):
            out.append(TroopDeployment(guarantor=m, size=pk.size / len(pk.members),
                                       mission="monitoring", location=pk.location,
                                       rules_of_engagement="self-defence",
                                       arrival_months=pk.arrival_months))
    return out


def _uncommitted(plan: Plan) -> set[str]:
    """Guarantors whose troops make no commitment: the members of a contingent the aggressor
    belongs to (its veto stops the contingent's collective response, and only that)."""
    pk = plan.peacekeepers
    if pk is None or "aggressor" not in pk.members:
        return set()
    own = {d.guarantor for d in plan.troops}
    return {m for m in pk.members if m != "aggressor" and m not in own}


def _deployment(d: TroopDeployment, p: Reader, n: int, scale: Array) -> response.Deployment:
    arrival = (np.full(n, d.arrival_months, dtype=DTYPE)
               if d.arrival_months is not None else p("troops.arrival_months"))
    size = d.size * scale
    power = troops.troop_power(
        1.0, power_per_soldier=p("troops.power_per_soldier"),
        fight_share=p(f"troops.fight_share.{d.mission}"),
        location_factor=p(f"troops.location_factor.{d.location}"),
        roe_factor=p(f"troops.roe_factor.{d.rules_of_engagement}"),
        present=size)
    return response.Deployment(d.guarantor, size, d.mission in ("monitoring", "tripwire"),
                               d.location != "neighbour", arrival, power)


def _force_generation(asked: list[TroopDeployment], p: Reader, n: int
                      ) -> tuple[dict[str, Array], Array]:
    """Each contributor's share of its request that its rotation pool supports, per world
    (:func:`guaranty.models.troops.supported_share`), and the share of all the troops asked
    for that cannot be found."""
    requested: dict[str, float] = {}
    for d in asked:
        requested[d.guarantor] = requested.get(d.guarantor, 0.0) + d.size
    scale = {g: troops.supported_share(np.asarray(size, dtype=DTYPE),
                                       p(f"guarantor.{g}.troop_pool"),
                                       p("troops.rotation_factor"))
             for g, size in requested.items()}
    total = sum(requested.values())
    found = np.zeros(n)  # in double: a tiny request must not underflow to 0/0 in single
    for g, size in requested.items():
        found = found + size * scale[g].astype(np.float64)
    missing = 1.0 - found / total if total > 0 else np.zeros(n)
    return scale, np.asarray(np.clip(missing, 0.0, 1.0), dtype=DTYPE)


def _exposures(asked: list[TroopDeployment], scale: Mapping[str, Array], p: Reader, n: int,
               skip: set[str]) -> dict[str, Array]:
    """Each guarantor's tripwire exposure E_g from its troops in the country."""
    sizes: dict[str, list[Array]] = {}
    weights: dict[str, list[Array]] = {}
    for d in asked:
        if d.location == "neighbour" or d.guarantor in skip:
            continue
        sizes.setdefault(d.guarantor, []).append(d.size * scale[d.guarantor])
        weights.setdefault(d.guarantor, []).append(
            p(f"troops.location_factor.{d.location}") * p(f"tripwire.role_weight.{d.mission}"))
    return {g: response.exposure(sizes[g], weights[g], p("tripwire.reference_troops"))
            for g in sizes}


def _response(plan: Plan, p: Reader, n: int) -> response.ResponseArrays:
    asked = _all_troops(plan)
    scale, missing = _force_generation(asked, p, n)
    deployments = tuple(_deployment(d, p, n, scale[d.guarantor]) for d in asked)
    deployed: dict[str, Array | float] = {}
    for dep in deployments:
        deployed[dep.guarantor] = deployed.get(dep.guarantor, 0.0) + dep.size
    ok = np.ones(n, dtype=bool)
    for share in scale.values():
        ok &= share >= 1.0
    exposure = _exposures(asked, scale, p, n, _uncommitted(plan))
    law = _law(p)
    treaties = [_treaty(plan, tr, p, n, deployed, exposure, law) for tr in plan.treaties]
    with_treaty = {tr.guarantor for tr in plan.treaties}
    treaties += [_implicit(plan, g, p, n, deployed, e) for g, e in exposure.items()
                 if g not in with_treaty]
    committed = {tr.guarantor for tr in plan.treaties if tr.level >= response.AIR_NAVAL}
    return response.ResponseArrays(
        n=n,
        deployments=deployments,
        treaties=tuple(treaties),
        aircraft=tuple(_aircraft(a, p, n, a.guarantor in committed) for a in plan.aircraft),
        tripwire_cost=p("tripwire.political_cost"),
        cost_direct_war=p("guarantors.cost.direct_war"),
        correlation=p("guarantors.cohesion_correlation"),
        provocation=p("tripwire.provocation"),
        monitor_line=p("intel.monitors_for_full_line"),
        full_signal=p("economy.troops_for_full_signal"),
        feasible=ok.astype(DTYPE),
        shortfall=missing,
    )


def _law(p: Reader) -> tuple[Array, ...]:
    """The shortfall weights of rungs none .. air-naval (guaranty.models.guarantors)."""
    return tuple(p(f"guarantors.shortfall.{name}") for name in guarantors.RUNGS[:-1])


def response_draw(p: Reader, guarantor: str) -> Array:
    """A guarantor's uniform, joined to the world's cohesion factor
    (:func:`guaranty.models.cohesion.latent_uniform`)."""
    return cohesion.latent_uniform(p(f"guarantor.{guarantor}.response_draw"),
                                   p("guarantors.cohesion_draw"),
                                   p("guarantors.cohesion_correlation"))


def _honour(p: Reader, g: str, automaticity: Array, exposure: Array | None,
            base: str = "guarantors.base_reliability") -> tuple[Array, Array]:
    """A guarantor's honour probability without and with its troops present."""
    delay = p(f"guarantor.{g}.response_delay_months")

    def honour(shift: Array | float) -> Array:
        return guarantors.honour_probability(
            p(base), automaticity, p(f"guarantor.{g}.will"), delay,
            a_ref=p("guarantors.automaticity_reference"), b_a=p("guarantors.automaticity_slope"),
            b_w=p("guarantors.will_slope"), b_d=p("guarantors.delay_slope"), shift=shift)

    without = honour(0.0)
    if exposure is None:
        return without, without
    return without, honour(p("tripwire.response_shift") * exposure)


def _surge(p: Reader, g: str, deployed: Mapping[str, Array | float]) -> dict[str, Any]:
    """What the guarantor adds in a war when it answers: its undeployed troops and costs."""
    delay = p(f"guarantor.{g}.response_delay_months")
    rotation, duration = p("troops.rotation_factor"), p("campaign.war_months")
    # Troops already deployed are in the fight; the surge is what is left.
    deployable = np.maximum(
        p(f"guarantor.{g}.troop_pool") / rotation - deployed.get(g, 0.0), 0.0)
    surge_share = p("guarantors.troop_surge_share")
    return {
        "cost_sanctions": p("guarantors.cost.sanctions"),
        "arms_surge": p("guarantors.arms_surge"),
        "arrival_share": np.clip(1.0 - delay / np.maximum(duration, 1e-6), 0, 1),
        "surge_power": deployable * surge_share * p("troops.power_per_soldier"),
        "war_years": duration / 12.0,
        "arms_cost": p("guarantors.arms_support_usd_bn_per_year") * 1e9,
        "air_cost": p("guarantors.air_support_usd_bn_per_year") * 1e9,
        "surge_cost_per_year": deployable * surge_share
        * p(f"guarantor.{g}.cost_per_soldier_year_usd"),
    }


def _treaty(plan: Plan, tr: Treaty, p: Reader, n: int, deployed: Mapping[str, Array | float],
            exposure: Mapping[str, Array], law: tuple[Array, ...]) -> response.TreatyTerms:
    g = str(tr.guarantor)  # compile_plan gives one guarantor per row
    automaticity = p(f"guarantors.automaticity.{tr.wording}")
    with_aircraft = {a.guarantor for a in plan.aircraft}
    obliged = int(Rung.CONSULT) if tr.wording == "consult" else int(tr.level)
    return response.treaty_terms(
        g, int(tr.level),
        honour=_honour(p, g, automaticity, exposure.get(g)),
        draw=response_draw(p, g),
        air_surge=None if g in with_aircraft else p("guarantors.air_surge_aircraft"),
        automaticity=automaticity,
        obliged=obliged,
        shortfall=law,
        tilt=p("guarantors.automaticity_slope")
        * (automaticity - p("guarantors.automaticity_reference")),
        **_surge(p, g, deployed),
    )


def _implicit(plan: Plan, g: str, p: Reader, n: int, deployed: Mapping[str, Array | float],
              exposure: Array) -> response.TreatyTerms:
    """The commitment a guarantor's troops make without a treaty: up to ground troops, from
    the reliability of an unwritten commitment raised by the troops' exposure, no shortfall
    (what it would do anyway is the baseline), and nothing at all before its troops arrive."""
    _, present = _honour(p, g, p("guarantors.automaticity_reference"), exposure,
                         base="guarantors.reliability_without_treaty")
    with_aircraft = {a.guarantor for a in plan.aircraft}
    return response.treaty_terms(
        g, response.GROUND,
        honour=(np.zeros(n, dtype=DTYPE), present),
        draw=response_draw(p, g),
        air_surge=None if g in with_aircraft else p("guarantors.air_surge_aircraft"),
        automaticity=np.zeros(n, dtype=DTYPE),
        obliged=response.GROUND,
        shortfall=(np.ones(n, dtype=DTYPE),
                   *(np.zeros(n, dtype=DTYPE) for _ in range(response.GROUND - 1))),
        **_surge(p, g, deployed),
    )


def _aircraft(a: Any, p: Reader, n: int, treaty_air: bool) -> response.Aircraft:
    key = f"aircraft.{a.aircraft_type}"
    distance = 0.0 if a.basing == "in-country" else a.distance_km
    basing = air.basing_factor(np.full(n, distance, dtype=DTYPE),
                               combat_radius_km=p("air.combat_radius_km"))
    policing = a.mission == "air-policing"
    engage = p("guarantors.air_policing_continues_in_war" if policing
               else "guarantors.air_engagement_without_treaty")
    return response.Aircraft(
        a.guarantor,
        air.effective_aircraft(np.asarray(a.count, dtype=DTYPE), p(f"{key}.availability"),
                               basing),
        np.full(n, float(treaty_air), dtype=DTYPE),
        engage,
        (response_draw(p, a.guarantor) < engage).astype(DTYPE),
        policing,
    )


def _costs(plan: Plan, p: Reader, arrays: response.ResponseArrays, months: int) -> Costs:
    n = arrays.n
    zero = np.zeros(n, dtype=DTYPE)
    fixed = zero.copy()
    for asset in ("anti_ship_missile", "naval_drone", "patrol_boat", "patrol_aircraft"):
        count = getattr(plan.naval, f"{asset}s" if asset != "patrol_aircraft" else asset)
        if count:
            fixed = fixed + count * p(f"naval.unit_cost_usd.{asset}")
    for asset in naval.CORRIDOR_ASSETS:  # paid every year of the horizon
        count = getattr(plan.naval, asset)
        if count:
            fixed = fixed + count * p(f"naval.cost_per_year_usd.{asset}") * (months / 12.0)
    air_per_year = zero.copy()
    for a in plan.aircraft:
        key = f"aircraft.{a.aircraft_type}"
        air_per_year += air.flying_cost_usd(
            np.asarray(a.count, dtype=DTYPE), p(f"{key}.flight_hours_per_year"),
            p(f"{key}.cost_per_flight_hour_usd"))
    return Costs(
        budget_support_usd_bn_per_year=p("financing.budget_support_usd_bn_per_year"),
        fixed_usd=fixed,
        isr_per_year_usd=(p("intel.level") * p("intel.cost_usd_bn_per_year_full") * 1e9
                          if plan.isr_set else zero),
        air_per_year_usd=air_per_year,
        troops_per_year_usd=tuple(
            d.size * p(f"guarantor.{d.guarantor}.cost_per_soldier_year_usd")
            for d in arrays.deployments),
    )

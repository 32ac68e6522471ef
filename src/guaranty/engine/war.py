"""The war model on its own: a war begun now, for replays of 2022-25 and for calibration.

:func:`replay` runs the campaign (:func:`guaranty.models.campaign.war`) at month 0 of a
scenario's package, as if the war began at once: the forces, surprise and prepared defences
the scenario gives, no decision to attack. Replays of February 2022 and of 2023-25
(``scenarios/replays/``) against the record (``guaranty calibrate war``) are how the war
model is calibrated and checked. :func:`reference_ratio` is the model's own battle ratio of
the 2023-25 war, where the record-based coefficients hold (``campaign.reference_ratio``).
"""

from __future__ import annotations

import numpy as np

from guaranty.engine.chain import (
    Balance,
    ChainState,
    balance,
    equipment_path,
    expected_war,
    init,
    own_share,
    step,
    terms_at,
)
from guaranty.engine.inputs import ChainInputs, prepare
from guaranty.engine.run import RunSpec
from guaranty.errors import InputError
from guaranty.models import supply
from guaranty.models._arrays import Array
from guaranty.models.campaign import Equipment
from guaranty.scenario.compile import Plan, compile_plan
from guaranty.scenario.schema import Scenario


def _only_package(scenario: Scenario) -> str:
    if len(scenario.packages) != 1:
        raise InputError(f"scenario {scenario.name!r} has {len(scenario.packages)} packages: "
                         "name the package")
    return next(iter(scenario.packages))


def _start(plan: Plan, worlds: int, seed: int) -> tuple[ChainInputs, ChainState]:
    inputs = prepare(plan, plan.registry.sample(seed, 0, worlds), 1)
    return inputs, init(inputs)


def battle_ratio(inputs: ChainInputs, state: ChainState, *, surprise: bool = True) -> Array:
    """The log battle ratio at month 0 (with or without the attack's surprise)."""
    return _balance(inputs, state, surprise=surprise).ln_battle


def _balance(inputs: ChainInputs, state: ChainState, *, surprise: bool = True) -> Balance:
    """The balance at month 0 (with or without the attack's surprise)."""
    terms, sigma = terms_at(inputs, 0)
    if not surprise:
        sigma = np.ones_like(sigma)
    return balance(inputs, state, terms, sigma)


def replay(scenario: Scenario, package: str | None = None, *, worlds: int, seed: int,
           lens: str | None = None) -> dict[str, Array]:
    """Per-world arrays of a war begun at month 0 of ``package`` (default: the scenario's only
    package; a scenario with several must name one)."""
    RunSpec(worlds=worlds, seed=seed, lens=lens)
    name = package if package is not None else _only_package(scenario)
    scenario.package(name)
    plan = compile_plan(scenario, name, lens)
    inputs, state = _start(plan, worlds, seed)
    seen = _balance(inputs, state)
    ln_battle = seen.ln_battle
    terms, _ = terms_at(inputs, 0)
    kit = Equipment(equipment_path(inputs, state, seen.power), own_share(
        seen.own, terms.actual_arms, terms.actual_power_add, terms.troop_power))
    fought = expected_war(inputs, state, ln_battle, kit)
    first = np.minimum(1.0, fought.months)  # the first month of the war
    p_1m = -np.expm1(-fought.rate * first)
    p_12m = -np.expm1(-fought.rate * np.minimum(12.0, fought.endurance_months))
    # Months of the first month before the line breaks, E[min(tau, 1)]; the rest is mobile war.
    held = np.where(fought.rate > 0, p_1m / np.maximum(fought.rate, 1e-30), first)
    moving = first - held
    territory = inputs.campaign.territory_km2
    out = {
        "p_breakthrough_1m": p_1m,
        "p_breakthrough_12m": p_12m,
        "p_breakthrough_war": fought.p_breakthrough,
        "ground_km2_per_month": fought.pace_km2,
        "ground_km2_first_month": np.minimum(
            territory, fought.pace_km2 * held
            + p_1m * inputs.campaign.war.breakthrough_share * territory),
        "aggressor_casualties_per_month": fought.monthly_casualties,
        "defender_casualties_per_month": fought.monthly_casualties / fought.exchange_ratio,
        "aggressor_casualties_first_month": (fought.monthly_casualties * held
                                             + fought.mobile_casualties * moving),
        "defender_casualties_first_month": (
            fought.monthly_casualties / fought.exchange_ratio * held
            + fought.mobile_casualties / fought.mobile_exchange_ratio * moving),
        "casualties_per_km2": fought.casualties_per_km2,
        "exchange_ratio": fought.exchange_ratio,
        "force_ratio": np.exp(ln_battle),
        "war_months": fought.months,
        "ground_lost_km2": fought.ground_km2,
    }
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def reference_ratio(scenario: Scenario, package: str | None = None, *, worlds: int = 4_000,
                    seed: int = 0) -> float:
    """Median battle ratio, without surprise, of ``package`` (default: the scenario's anchor
    package) at month 0: the balance of the war the scenario's forces come from."""
    name = package or scenario.anchor or _only_package(scenario)
    plan = compile_plan(scenario, name)
    inputs, state = _start(plan, worlds, seed)
    return float(np.exp(np.median(battle_ratio(inputs, state, surprise=False))))


REFERENCE_MONTH = 12
"""Month of the anchor package at which the record's supply is read: the 2023-25 war was fed
by a supply chain that had run for years, not by one starting cold at the cease-fire."""


def reference_resupply(scenario: Scenario, package: str | None = None, *,
                       worlds: int = 4_000, seed: int = 0,
                       month: int = REFERENCE_MONTH) -> float:
    """Median ratio of war deliveries to losses, :math:`\\sum_g I_g / \\sum_g \\ell S_g`
    over the front weapons, of ``package`` (default: the scenario's anchor package) after
    ``month`` months of its supply: the supply of the war the scenario's forces come from, in
    which the war model holds the defender's equipment flat
    (``campaign.reference_resupply_ratio``)."""
    name = package or scenario.anchor or _only_package(scenario)
    plan = compile_plan(scenario, name)
    inputs = prepare(plan, plan.registry.sample(seed, 0, worlds), month + 1)
    state = init(inputs)
    for t in range(month):
        state, _ = step(inputs, state, t, hazard_only=True)
    ground = inputs.ground_weapons[:, 0] > 0
    deliveries = supply.war_deliveries(inputs.supply, state.supply)[ground].sum(axis=0)
    lost = inputs.campaign.equipment_loss_share * state.supply.stock[ground].sum(axis=0)
    return float(np.median(deliveries / np.maximum(lost, 1e-12)))


__all__ = ["battle_ratio", "reference_ratio", "reference_resupply", "replay"]

"""The analyses a report shows beyond the run itself, at a budget the caller can scale.

Each analysis is the library's own (:func:`guaranty.analysis.compare_lenses`,
:func:`guaranty.analysis.sensitivity.sensitivity`, :func:`guaranty.analysis.discover`,
:func:`guaranty.negotiation.analyse`, :func:`guaranty.analysis.optimise.optimise`,
:func:`guaranty.history.curves_by`), run on the report's seed. The drivers and PRIM boxes
reuse the run's own worlds (their inputs regenerated from the seed, no new simulation); the
lenses, Sobol indices, negotiation and optimiser simulate again, at :class:`Budget`'s sizes.
An analysis the scenario cannot support (no lenses, no negotiation section, no levers), that
finds nothing to show, or whose library is not installed (SALib, EMA Workbench and pymoo come
with the ``analysis`` extra) is reported with the reason instead of a figure.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guaranty.errors import GuarantyError, InputError
from guaranty.results import Results
from guaranty.scenario.schema import Scenario

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` before each step and once at the end."""

RISK = "p_war_120m"


@dataclass(frozen=True)
class Budget:
    """How much work each analysis of a report may do (defaults: about a minute in all on two
    cores for the built-in scenario). :meth:`scaled` multiplies every size."""

    lens_worlds: int = 1_000
    sobol_n: int = 128
    drivers_worlds: int = 4_096
    table_drivers_worlds: int = 1_024
    prim_worlds: int = 4_000
    negotiation_worlds: int = 100
    optimise_population: int = 8
    optimise_generations: int = 3
    optimise_worlds: int = 100
    workers: int = 1

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"budget {f.name} must be an integer >= 1, got {value!r}")

    def scaled(self, factor: float) -> Budget:
        """Every size times ``factor`` (at least its floor: 2 generations, 4 in a population,
        16 Sobol base rows, 64 worlds); ``workers`` unchanged."""
        if not (isinstance(factor, int | float) and math.isfinite(factor) and factor > 0):
            raise InputError(f"the budget factor must be a number > 0, got {factor!r}")
        floors = {"optimise_population": 4, "optimise_generations": 2, "sobol_n": 16}
        sizes = {f.name: max(floors.get(f.name, 64), round(getattr(self, f.name) * factor))
                 for f in dataclasses.fields(self) if f.name != "workers"}
        return dataclasses.replace(self, **sizes)


@dataclass(frozen=True)
class Analyses:
    """What :func:`run_analyses` found; ``missing`` says why an analysis is absent."""

    focus: str
    lenses: Any = None  # LensComparison
    sobol: Any = None  # Sensitivity
    drivers: Any = None  # Sensitivity (RBD-FAST over the run's worlds)
    table_drivers: dict[str, list[str]] = field(default_factory=dict)
    prim: Any = None  # Discovery
    prim_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    negotiation: Any = None  # NegotiationResult
    optimum: Any = None  # Optimum
    km: dict[str, Any] = field(default_factory=dict)  # grouping -> list[GroupCurve]
    outside: dict[str, Any] = field(default_factory=dict)  # package -> OutsideEstimate
    missing: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall-clock, per analysis
    cpu: dict[str, float] = field(default_factory=dict)  # this process's CPU time, per analysis


def focus_package(results: Results) -> str:
    """The package the single-package analyses look at: the lowest mean risk of renewed war
    among those no party rejects (else among all)."""
    metric = RISK if RISK in results.metrics(results.packages[0]) else "p_war_horizon"
    free = [p for p in results.packages if not results.rejections.get(p)] or results.packages
    return min(free, key=lambda p: results.mean(p, metric))


STEPS = ("outside", "history", "drivers", "lenses", "sobol", "prim", "negotiation", "optimise")


def run_analyses(scenario: Scenario, results: Results, *, budget: Budget | None = None,
                 steps: Sequence[str] = STEPS, progress: Progress | None = None) -> Analyses:
    """Run the report's analyses in ``steps`` (a subset of :data:`STEPS`, in that order)."""
    budget = budget or Budget()
    focus = focus_package(results)
    found: dict[str, Any] = {}
    missing: dict[str, str] = {}
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    chosen = [s for s in STEPS if s in steps]
    for k, step in enumerate(chosen):
        if progress is not None:
            progress(step, k, len(chosen))
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            with warnings.catch_warnings():
                # constant outputs (a short horizon) make SALib divide by zero: the indices
                # come back NaN and are shown as such, without a warning on stderr
                warnings.simplefilter("ignore", RuntimeWarning)
                found |= _STEP[step](scenario, results, focus, budget)
        except GuarantyError as exc:
            missing[step] = str(exc)
        except ModuleNotFoundError as exc:  # SALib, EMA Workbench, pymoo: the analysis extra
            missing[step] = (f"needs {exc.name or 'a library that is not installed'} "
                             "(pip install 'guaranty[analysis]')")
        seconds[step] = time.perf_counter() - start
        cpu[step] = time.process_time() - start_cpu
    if progress is not None:
        progress("done", len(chosen), len(chosen))
    return Analyses(focus=focus, missing=missing, seconds=seconds, cpu=cpu,
                    **found)


def _outside(scenario: Scenario, results: Results, focus: str, budget: Budget
             ) -> dict[str, Any]:
    from guaranty.outside import outside_estimate

    months = tuple(range(0, results.months + 1, 3))
    return {"outside": {p: outside_estimate(scenario.packages[p].provisions, months=months)
                        for p in results.packages if p in results.outside}}


def _history(scenario: Scenario, results: Results, focus: str, budget: Budget
             ) -> dict[str, Any]:
    from guaranty.history import curves_by

    return {"km": {by: curves_by(by=by) for by in ("peacekeeping", "mission", "outcome")}}


def _drivers(scenario: Scenario, results: Results, focus: str, budget: Budget
             ) -> dict[str, Any]:
    from guaranty.analysis.sensitivity import drivers

    metric = RISK if RISK in results.metrics(focus) else "p_war_horizon"
    table = {p: [i.name for i in drivers(results, p, metric,
                                        worlds=budget.table_drivers_worlds).indices[:2]]
             for p in results.packages}
    return {"drivers": drivers(results, focus, metric, worlds=budget.drivers_worlds),
            "table_drivers": table}


def _lenses(scenario: Scenario, results: Results, focus: str, budget: Budget
            ) -> dict[str, Any]:
    from guaranty.analysis import LensComparison
    from guaranty.engine import simulate

    if not scenario.lenses:
        raise InputError("the scenario defines no expert lens")
    worlds = min(budget.lens_worlds, results.worlds)
    options: dict[str, Any] = {"worlds": worlds, "seed": results.seed, "months": results.months,
                               "anchor": results.anchor is not None, "workers": budget.workers}
    # The default lens is the run's own first worlds: world w's draws depend only on the seed
    # and w (the seed contract), so they are exactly a run of that many worlds.
    default = _first_worlds(results, worlds) if results.lens is None else simulate(
        scenario, results.packages, **options)
    runs = {"default": default} | {
        lens: simulate(scenario, results.packages, lens=lens, **options)
        for lens in scenario.lenses}
    return {"lenses": LensComparison(runs)}


def _first_worlds(results: Results, worlds: int) -> Results:
    """``results`` cut to its first ``worlds`` worlds."""
    if worlds >= results.worlds:
        return results
    outcomes = {p: {m: v[:worlds] for m, v in data.items()}
                for p, data in results.outcomes.items()}
    return dataclasses.replace(results, worlds=worlds, outcomes=outcomes)


def _sobol(scenario: Scenario, results: Results, focus: str, budget: Budget
           ) -> dict[str, Any]:
    from guaranty.analysis.sensitivity import sensitivity

    metric = RISK if RISK in results.metrics(focus) else "p_war_horizon"
    return {"sobol": sensitivity(scenario, focus, metric, n=budget.sobol_n, seed=results.seed,
                                 months=results.months, lens=results.lens, second_order=False,
                                 workers=budget.workers, anchor=results.anchor is not None)}


def _prim(scenario: Scenario, results: Results, focus: str, budget: Budget
          ) -> dict[str, Any]:
    from guaranty.analysis import discover
    from guaranty.analysis.factors import origin_of

    metric = RISK if RISK in results.metrics(focus) else "p_war_horizon"
    registry = results.registries[focus]
    names = [n for n in registry.uncertain() if n in results.parameters_read]
    k = min(budget.prim_worlds, results.worlds)
    x = results.inputs(focus, names).iloc[:k]
    y = np.asarray(results.outcomes[focus][metric][:k], dtype=np.float64)
    ok = np.isfinite(y)
    threshold = float(np.quantile(y[ok], 0.75))
    fails = y[ok] > threshold
    if not fails.any():
        raise InputError(f"{metric} of {focus} is the same in at least a quarter of the worlds "
                         "at its top: there is no riskiest quarter to explain")
    found = discover(x[ok], fails, cart=False)
    boxes = tuple(dataclasses.replace(b, origins={n: origin_of(registry[n]) for n in b.limits})
                  for b in found.boxes)
    if not boxes:
        raise InputError(f"PRIM found no box where {metric} of {focus} is in its riskiest "
                         "quarter")
    ranges = {n: (float(x[n].min()), float(x[n].max())) for b in boxes for n in b.limits}
    discovery = dataclasses.replace(
        found, boxes=boxes, package=focus, metric=metric, seed=results.seed,
        condition=f"{metric} above {threshold:.1%}, its riskiest quarter of worlds")
    return {"prim": discovery, "prim_ranges": ranges}


def _negotiation(scenario: Scenario, results: Results, focus: str, budget: Budget
                 ) -> dict[str, Any]:
    from guaranty.negotiation import analyse

    if not scenario.negotiation.parties or not scenario.negotiation.issues:
        raise InputError("the scenario has no negotiation section (parties and issues)")
    return {"negotiation": analyse(scenario, lens=results.lens,
                                   worlds=budget.negotiation_worlds, seed=results.seed,
                                   workers=budget.workers)}


def _optimise(scenario: Scenario, results: Results, focus: str, budget: Budget
              ) -> dict[str, Any]:
    from guaranty.analysis.optimise import optimise

    if not scenario.levers.items:
        raise InputError("the scenario defines no levers to optimise")
    return {"optimum": optimise(scenario, lens=results.lens,
                                population=budget.optimise_population,
                                generations=budget.optimise_generations,
                                worlds=budget.optimise_worlds, seed=results.seed,
                                months=results.months)}


_STEP: dict[str, Callable[[Scenario, Results, str, Budget], dict[str, Any]]] = {
    "outside": _outside, "history": _history, "drivers": _drivers, "lenses": _lenses,
    "sobol": _sobol, "prim": _prim, "negotiation": _negotiation, "optimise": _optimise}

r"""Optimisation over package levers: the Pareto front of risk, cost and the rest, on pymoo.

The decision variables are the scenario's levers (:mod:`guaranty.scenario.levers`), coded in
the unit cube (:func:`guaranty.analysis.levers.decode`). NSGA-II (Deb et al. 2002,
doi:10.1109/4235.996017; pymoo, Blank & Deb 2020, doi:10.1109/ACCESS.2020.2990567) evolves a
population of settings; every candidate of a generation is simulated in one pass of the engine
on the same worlds and seed (common random numbers, :func:`guaranty.analysis.evaluate`), so
a difference between two candidates is the levers', not sampling noise. Objectives are means
over worlds, each minimised (a metric where higher is better is negated); a constraint
``metric>=value`` is the inequality :math:`g = value - \bar y \le 0`. With ``lens="all"``
each objective and constraint takes its least favourable value over the default assumptions
and every lens (robust, minimax). A metric the candidate does not report counts as met for
``troops_feasible`` (no troops asked for: every pool suffices).

The front returned is the non-dominated set of every feasible candidate evaluated (not only
the last population). For each point the negotiation (:mod:`guaranty.negotiation`) says which
parties would accept it: its utility over the issues the point stands for
(:func:`guaranty.analysis.levers.choice`) and the simulated terms, against each party's
fall-back and red lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from guaranty.analysis import levers as lv
from guaranty.analysis.evaluate import Evaluations, evaluate
from guaranty.analysis.robust import Rule, parse_rule
from guaranty.errors import InputError, unknown
from guaranty.models.outcomes import metric_info
from guaranty.negotiation import acceptable, problem_of
from guaranty.scenario.schema import Scenario

DEFAULT_OBJECTIVES = ("p_war_120m", "cost_usd_bn_per_year")
SIDES = ("defender", "aggressor")
"""The negotiation's parties that are not guarantors; the others (the US, Europe) fund."""
MET_WHEN_ABSENT = {"troops_feasible": 1.0}


@dataclass(frozen=True)
class Point:
    """One setting on the front: its levers, objective means, constraint values and who
    accepts it."""

    levers: dict[str, str | float]
    objectives: dict[str, float]
    constraints: dict[str, float]
    accepted_by: tuple[str, ...]
    choice: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"levers": self.levers, "objectives": self.objectives,
                "constraints": self.constraints, "accepted_by": list(self.accepted_by),
                "negotiation_options": self.choice}


@dataclass(frozen=True)
class Optimum:
    """The Pareto front of an optimisation, sorted by the first objective."""

    front: tuple[Point, ...]
    candidates: tuple[Point, ...]
    objectives: tuple[str, ...]
    constraints: tuple[str, ...]
    evaluated: int
    simulated: int
    worlds: int
    seed: int
    lenses: tuple[str, ...]
    parties: tuple[str, ...]

    def cheapest(self, *, risk: str = "p_war_120m", below: float = 0.1,
                 cost: str = "cost_usd_bn_per_year",
                 accepted_by: Sequence[str] = ()) -> Point | None:
        """The feasible candidate (on the front or not) with the least ``cost`` whose ``risk``
        is below ``below`` and that every party in ``accepted_by`` accepts (None if none)."""
        for name in (risk, cost):
            if name not in self.objectives:
                raise InputError(f"{name} is not an objective ({', '.join(self.objectives)})")
        ok = [p for p in self.candidates if p.objectives[risk] < below
              and set(accepted_by) <= set(p.accepted_by)]
        return min(ok, key=lambda p: p.objectives[cost]) if ok else None

    @property
    def guarantors(self) -> tuple[str, ...]:
        """The parties that fund the guarantee: every party but the defender and aggressor."""
        return tuple(p for p in self.parties if p not in SIDES)

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty optimise --json`` object."""
        cheapest: dict[str, Any] = {}
        if set(DEFAULT_OBJECTIVES) <= set(self.objectives):
            for label, who in (("any", ()), ("guarantors", self.guarantors)):
                best = self.cheapest(accepted_by=who)
                cheapest[label] = None if best is None else best.to_dict()
        return {"objectives": list(self.objectives), "constraints": list(self.constraints),
                "cheapest_under_10pct_risk": cheapest,
                "evaluated": self.evaluated, "simulated": self.simulated,
                "worlds": self.worlds, "seed": self.seed, "lenses": list(self.lenses),
                "parties": list(self.parties), "front": [p.to_dict() for p in self.front],
                "candidates": len(self.candidates)}


def _lenses(scenario: Scenario, lens: str | None) -> list[str | None]:
    if lens == "all":
        return [None, *scenario.lenses]
    if lens in (None, "default"):
        return [None]
    scenario.check_names((), lens)
    return [lens]


def optimise(
    scenario: Scenario,
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    *,
    constraints: Sequence[str | Rule] = (),
    lens: str | None = None,
    population: int = 16,
    generations: int = 6,
    worlds: int = 400,
    seed: int = 0,
    months: int | None = None,
    executor: Executor | None = None,
    cache: Evaluations | None = None,
) -> Optimum:
    """NSGA-II over the scenario's levers (see the module docstring)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    lv.check(scenario)
    for name, value, low in (("population", population, 4), ("generations", generations, 1),
                             ("worlds", worlds, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
    objectives = list(objectives)
    if not objectives or len(set(objectives)) != len(objectives):
        raise InputError(f"objectives must be distinct metric names, got {objectives}")
    rules = [c if isinstance(c, Rule) else parse_rule(c, "--constraint") for c in constraints]
    for r in rules:
        if r.op not in ("<=", ">="):
            raise InputError(f"a constraint must use <= or >=, got {r}")
    lenses = _lenses(scenario, lens)
    cache = cache if cache is not None else Evaluations()
    names = list(scenario.levers.items)
    archive: list[tuple[lv.Setting, dict[str, float], dict[str, float]]] = []

    def values(settings: list[lv.Setting]) -> list[dict[str, float]]:
        """The worst, over lenses, of each objective (oriented) and constraint."""
        built = [lv.build(scenario, s) for s in settings]
        per_lens = [evaluate(scenario, built, worlds=worlds, seed=seed, lens=name,
                             months=months, executor=executor, cache=cache)
                    for name in lenses]
        out = []
        for k in range(len(settings)):
            row: dict[str, float] = {}
            for metric in objectives:
                row[metric] = _worst([m[k] for m in per_lens], metric)
            for r in rules:
                ys = [_metric(m[k], r.metric) for m in per_lens]
                row[str(r)] = min(ys) if r.op == ">=" else max(ys)
            out.append(row)
        return out

    class Levers(Problem):
        def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any,
                      **kwargs: Any) -> None:
            settings = [lv.decode(scenario, row) for row in x]
            rows = values(settings)
            f = np.array([[_oriented(r[m], m) for m in objectives] for r in rows])
            out["F"] = f
            if rules:
                out["G"] = np.array([[(rule.value - r[str(rule)]) if rule.op == ">=" else
                                      (r[str(rule)] - rule.value) for rule in rules]
                                     for r in rows])
            for s, r in zip(settings, rows, strict=True):
                archive.append((s, {m: r[m] for m in objectives},
                                {str(rule): r[str(rule)] for rule in rules}))

    problem = Levers(n_var=len(names), n_obj=len(objectives), n_ieq_constr=len(rules),
                     xl=0.0, xu=1.0)
    minimize(problem, NSGA2(pop_size=population), ("n_gen", generations), seed=seed,
             verbose=False)
    feasible = [a for a in archive if all(
        (v >= r.value) if r.op == ">=" else (v <= r.value)
        for r, v in zip(rules, a[2].values(), strict=True))]
    unique: dict[str, tuple[lv.Setting, dict[str, float], dict[str, float]]] = {}
    for a in feasible:
        unique.setdefault(repr(sorted(a[0].items())), a)
    pool = list(unique.values())
    parties: tuple[str, ...] = tuple(scenario.negotiation.parties)
    accepted = _acceptance(scenario, [a[0] for a in pool], worlds, seed, lenses[0], months,
                           executor, cache) if pool else []
    points = [Point(dict(a[0]), a[1], a[2], acc, ch)
              for a, (acc, ch) in zip(pool, accepted, strict=True)]
    front: list[Point] = []
    if points:
        f = np.array([[_oriented(p.objectives[m], m) for m in objectives] for p in points])
        best = NonDominatedSorting().do(f, only_non_dominated_front=True)
        # Settings with the very same objectives (money a full queue cannot spend, say):
        # the first found stands for them.
        seen: set[tuple[float, ...]] = set()
        for i in sorted(best):
            if tuple(f[i]) not in seen:
                seen.add(tuple(f[i]))
                front.append(points[i])
        front.sort(key=lambda p: (p.objectives[objectives[0]], repr(p.levers)))
    return Optimum(tuple(front), tuple(points), tuple(objectives), tuple(str(r) for r in rules),
                   len(archive), cache.simulated, worlds, seed,
                   tuple(n or "default" for n in lenses), parties)


def _metric(values: dict[str, float], metric: str) -> float:
    if metric in values:
        return values[metric]
    if metric in MET_WHEN_ABSENT:
        return MET_WHEN_ABSENT[metric]
    raise InputError(unknown("metric", metric, values))


def _oriented(y: float, metric: str) -> float:
    return -y if metric_info(metric).better == "higher" else y


def _worst(rows: list[dict[str, float]], metric: str) -> float:
    ys = [_metric(r, metric) for r in rows]
    if metric_info(metric).better is None:
        raise InputError(f"{metric} has no better direction: it cannot be an objective")
    return max(ys) if metric_info(metric).better == "lower" else min(ys)


def _acceptance(scenario: Scenario, settings: list[lv.Setting], worlds: int, seed: int,
                lens: str | None, months: int | None, executor: Executor | None,
                cache: Evaluations) -> list[tuple[tuple[str, ...], dict[str, str]]]:
    """Which parties accept each setting, and the negotiation options it stands for."""
    neg = scenario.negotiation
    choices = [lv.choice(scenario, s) for s in settings]
    if not neg.parties or not neg.issues:
        return [((), c) for c in choices]
    built = [lv.build(scenario, s) for s in settings]
    security = dict(enumerate(evaluate(scenario, built, worlds=worlds, seed=seed, lens=lens,
                                       months=months, executor=executor, cache=cache)))
    mask = acceptable(problem_of(scenario, choices, security))
    names = tuple(neg.parties)
    return [(tuple(p for j, p in enumerate(names) if mask[j, i]), c)
            for i, c in enumerate(choices)]

r"""Analyse a scenario's negotiation: who accepts what, the zone of agreement, what opens one.

Party :math:`i`'s utility for a package :math:`x` (one option :math:`x_k` per issue :math:`k`)
is additive over the issues it cares about and the simulated security terms it weighs:

.. math:: u_i(x) = \sum_k w_{ik}\, s_{ik}(x_k)
          + \sum_m w_{im}\,\operatorname{clip}\!\Big(\frac{y_m(x) - \text{worst}_{im}}
          {\text{best}_{im} - \text{worst}_{im}}, 0, 1\Big),
          \qquad \sum_k w_{ik} + \sum_m w_{im} = 1,

with :math:`s_{ik} \in [0, 1]` the score of an option and :math:`y_m(x)` the engine's mean of
metric :math:`m` for the package (:mod:`guaranty.analysis.evaluate`). The bargaining
problem and its solutions are in :mod:`guaranty.negotiation.bargaining`.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from guaranty import defaults
from guaranty._processes import owned_pool
from guaranty.analysis.evaluate import GAIN, Evaluations, evaluate
from guaranty.engine import MAX_WORLDS
from guaranty.errors import InputError
from guaranty.limits import MAX_WORKERS
from guaranty.negotiation import space
from guaranty.negotiation.bargaining import (
    Concession,
    FallbackChange,
    Mask,
    Problem,
    RedLine,
    acceptable,
    concessions,
    feasible,
    kalai_smorodinsky,
    nash,
    pareto_front,
)
from guaranty.scenario.schema import Scenario

PRICE = "p_war_120m"


@dataclass(frozen=True)
class NegotiationResult:
    """The analysis of one scenario's negotiation (indices refer to :attr:`packages`)."""

    scenario: str
    seed: int
    worlds: int
    lens: str | None
    problem: Problem
    packages: tuple[dict[str, str], ...]
    security: dict[int, dict[str, float]]
    acceptable: Mask
    feasible: Mask
    pareto: tuple[int, ...]
    nash: int | None
    kalai_smorodinsky: int | None
    concessions: tuple[Concession, ...]

    @property
    def parties(self) -> tuple[str, ...]:
        return self.problem.parties

    def price(self, package: int) -> float:
        """The simulated P(renewed war within 120 months) of a package."""
        return self.security[package][PRICE]

    def accepted_by(self, *parties: str) -> list[int]:
        """Packages every one of ``parties`` accepts."""
        rows = [self.parties.index(p) for p in parties]
        return [int(i) for i in np.flatnonzero(self.acceptable[rows].all(axis=0))]

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty negotiate --json`` object."""
        pk = self.packages

        def one(i: int | None) -> dict[str, str] | None:
            return None if i is None else dict(pk[i])

        return {
            "parties": list(self.parties),
            "acceptable": {p: [dict(pk[i]) for i in np.flatnonzero(self.acceptable[j])]
                           for j, p in enumerate(self.parties)},
            "feasible": [dict(pk[i]) for i in np.flatnonzero(self.feasible)],
            "pareto": [dict(pk[i]) for i in self.pareto],
            "nash": one(self.nash),
            "kalai_smorodinsky": one(self.kalai_smorodinsky),
            "concessions": [{"relax": list(c.relax), "package": dict(pk[c.package]),
                             PRICE: self.price(c.package)} for c in self.concessions],
        }


def problem_of(scenario: Scenario, choices: list[dict[str, str]],
               security: dict[int, dict[str, float]] | None) -> Problem:
    """The bargaining problem of a scenario's positions over ``choices``."""
    neg = scenario.negotiation
    n = len(choices)
    names = tuple(neg.parties)
    utility = np.zeros((len(names), n))
    red_lines: list[RedLine] = []
    changes: list[FallbackChange] = []
    for i, (pname, party) in enumerate(neg.parties.items()):
        for issue, pref in party.issues.items():
            utility[i] += pref.weight * np.array([pref.scores[c[issue]] for c in choices])
        for metric, term in party.terms.items():
            if security is None:
                raise InputError(f"party {pname!r} weighs {metric!r}: pass the simulated "
                                 "security terms of every package")
            y = np.array([security[j][metric] for j in range(n)])
            scaled = np.clip((y - term.worst) / (term.best - term.worst), 0.0, 1.0)
            utility[i] += term.weight * scaled
        for line in party.red_lines:
            options = ", ".join(line.reject)
            red_lines.append(RedLine(
                party=i,
                text=f"{pname} rejects {line.issue} = {options}",
                concession=line.concession or f"{pname} accepts {line.issue} = {options}",
                rules_out=np.array([c[line.issue] in line.reject for c in choices]),
            ))
        for change in party.fallback.changes:
            changes.append(FallbackChange(i, change.change, change.value))
    fallback = np.array([p.fallback.value for p in neg.parties.values()])
    return Problem(names, utility, fallback, tuple(red_lines), tuple(changes))


def analyse(
    scenario: Scenario,
    *,
    lens: str | None = None,
    worlds: int = defaults.NEGOTIATION_WORLDS,
    seed: int = defaults.SEED,
    max_concessions: int = 4,
    workers: int = 1,
    executor: Executor | None = None,
    cache: Evaluations | None = None,
) -> NegotiationResult:
    """Acceptability, feasible set, Pareto front, Nash and Kalai–Smorodinsky solutions, and the
    smallest concessions that open a zone of agreement, for a scenario's ``negotiation:``.

    Every package on the table is simulated (``worlds`` worlds, ``seed``, ``lens``) when a
    party weighs a security term; otherwise only the packages reported with a price are.
    The packages are simulated together (:func:`guaranty.analysis.evaluate`) on
    ``executor``, or on ``workers`` processes started for this call (the numbers do not
    change); ``cache`` (an :class:`~guaranty.analysis.Evaluations`) keeps what was simulated
    for the next analysis of the same scenario.
    """
    for name, value, top in (("worlds", worlds, MAX_WORLDS), ("workers", workers, MAX_WORKERS),
                             ("max_concessions", max_concessions, 8)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise InputError(f"{name} must be an integer in [1, {top}], got {value!r}")
    space.check(scenario)
    cache = cache if cache is not None else Evaluations()
    with owned_pool(workers if executor is None else 1) as own:
        return _analyse(scenario, lens, worlds, seed, max_concessions, own or executor, cache)


def _analyse(scenario: Scenario, lens: str | None, worlds: int, seed: int,
             max_concessions: int, executor: Executor | None, cache: Evaluations
             ) -> NegotiationResult:
    neg = scenario.negotiation
    choices = space.choices(neg)
    metrics = {m for party in neg.parties.values() for m in party.terms}
    security: dict[int, dict[str, float]] = {}
    if metrics:
        security = _simulate(scenario, choices, range(len(choices)), worlds, seed, lens,
                             executor, cache)
        missing = sorted(metrics - set(security[0]))
        if missing:
            known = ", ".join(sorted(security[0]))
            raise InputError(f"negotiation terms must name simulated metrics ({known}), got "
                             f"{', '.join(missing)}")
    problem = problem_of(scenario, choices, security or None)
    ok = acceptable(problem)
    zone = feasible(problem)
    found = concessions(problem, max_size=max_concessions)
    priced = {c.package for c in found} - set(security)
    if priced:
        security |= _simulate(scenario, choices, sorted(priced), worlds, seed, lens, executor,
                              cache)
    return NegotiationResult(
        scenario=scenario.name, seed=seed, worlds=worlds, lens=lens, problem=problem,
        packages=tuple(choices), security=security, acceptable=ok, feasible=zone,
        pareto=tuple(pareto_front(problem.utility, zone)), nash=nash(problem),
        kalai_smorodinsky=kalai_smorodinsky(problem), concessions=tuple(found),
    )


def _simulate(scenario: Scenario, choices: list[dict[str, str]], which: Iterable[int], worlds: int,
              seed: int, lens: str | None, executor: Executor | None, cache: Evaluations
              ) -> dict[int, dict[str, float]]:
    index = list(which)
    built = [space.build(scenario, choices[i]) for i in index]
    values = evaluate(scenario, built, worlds=worlds, seed=seed, lens=lens, executor=executor,
                      cache=cache)
    return dict(zip(index, values, strict=True))


__all__ = ["GAIN", "NegotiationResult", "analyse", "problem_of"]

"""Negotiation: parties, issues, red lines, acceptability, Pareto front and bargaining.

>>> import guaranty
>>> from guaranty.negotiation import analyse
>>> scenario = guaranty.load_scenario("ukraine-2025")
>>> result = analyse(scenario, worlds=50, seed=0)   # doctest: +SKIP
>>> result.to_dict()["feasible"]                    # doctest: +SKIP
[]

The model and its equations: ``docs/negotiation.md``. The bargaining functions work on any
utility table (:class:`Problem`), with or without the simulation.
"""

from guaranty.negotiation.analysis import NegotiationResult, analyse, problem_of
from guaranty.negotiation.bargaining import (
    Concession,
    FallbackChange,
    Problem,
    RedLine,
    acceptable,
    concessions,
    feasible,
    kalai_smorodinsky,
    nash,
    pareto_front,
)
from guaranty.negotiation.security import GAIN, clear_cache

__all__ = [
    "GAIN",
    "Concession",
    "FallbackChange",
    "NegotiationResult",
    "Problem",
    "RedLine",
    "acceptable",
    "analyse",
    "clear_cache",
    "concessions",
    "feasible",
    "kalai_smorodinsky",
    "nash",
    "pareto_front",
    "problem_of",
]

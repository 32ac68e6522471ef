"""Negotiation: parties, issues, red lines, acceptability, Pareto front and bargaining.

The bargaining functions work on any utility table (:class:`Problem`), with or without the
simulation: two parties, three packages, each party's fall-back utility.

>>> import numpy as np
>>> from guaranty.negotiation import Problem, feasible, nash
>>> problem = Problem(parties=("defender", "aggressor"),
...                   utility=np.array([[0.9, 0.6, 0.5], [0.1, 0.5, 0.6]]),
...                   fallback=np.array([0.4, 0.3]))
>>> feasible(problem).tolist()      # each party gets at least its fall-back
[False, True, True]
>>> nash(problem)                   # the largest product of gains over the fall-backs
1

:func:`analyse` builds the problem from a scenario's ``negotiation:`` section, simulating the
packages (``analyse(guaranty.load_scenario("ukraine-2025"))``; ``examples/negotiate.py``). The
model and its equations: ``docs/negotiation.md``.
"""

from guaranty.analysis.evaluate import GAIN
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

__all__ = [
    "GAIN",
    "Concession",
    "FallbackChange",
    "NegotiationResult",
    "Problem",
    "RedLine",
    "acceptable",
    "analyse",
    "concessions",
    "feasible",
    "kalai_smorodinsky",
    "nash",
    "pareto_front",
    "problem_of",
]

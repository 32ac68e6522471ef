r"""The bargaining problem over an enumerated package space, and its solutions.

A problem has parties :math:`i = 1..P`, packages :math:`x = 1..N`, utilities
:math:`u_i(x)`, fall-backs :math:`d_i` (what party :math:`i` expects without a deal) and red
lines, each a set of packages one party rejects outright. A package is *acceptable* to
:math:`i` if no red line of :math:`i` rules it out and :math:`u_i(x) \ge d_i`; it is
*feasible* if it is acceptable to every party. Over the feasible set :math:`F`:

* **Pareto front**: :math:`x \in F` such that no :math:`y \in F` has
  :math:`u_i(y) \ge u_i(x)` for all :math:`i` and :math:`>` for some.
* **Nash** (1950): :math:`\arg\max_{x} \prod_i \big(u_i(x) - d_i\big)`.
* **Kalai–Smorodinsky** (1975), discrete: with the ideal point
  :math:`I_i = \max_{x \in F} u_i(x)` and normalised gains
  :math:`g_i(x) = (u_i(x) - d_i) / (I_i - d_i)` (:math:`g_i = 1` where :math:`I_i = d_i`),
  :math:`\arg\max_{x} \min_i g_i(x)`: the package that goes furthest along the line from the
  fall-back point to the ideal point while staying in :math:`F`. On a finite set this line
  rarely meets a package, so the max–min of normalised gains is the discrete counterpart.

Both solutions are taken over the Pareto front; ties go to the larger sum of (normalised)
gains, then to the first package in enumeration order. Utilities equal within
:data:`TOLERANCE` count as equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from guaranty.errors import InputError

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
TOLERANCE = 1e-12


@dataclass(frozen=True)
class RedLine:
    """One party's hard limit: the packages it rules out, and the concession that lifts it."""

    party: int
    text: str
    concession: str
    rules_out: Mask


@dataclass(frozen=True)
class FallbackChange:
    """A change of one party's fall-back to ``value``, described by ``text``."""

    party: int
    text: str
    value: float


@dataclass(frozen=True)
class Problem:
    """A bargaining problem: utilities (parties x packages), fall-backs and red lines."""

    parties: tuple[str, ...]
    utility: Array
    fallback: Array
    red_lines: tuple[RedLine, ...] = ()
    fallback_changes: tuple[FallbackChange, ...] = field(default=())

    def __post_init__(self) -> None:
        p = len(self.parties)
        if self.utility.ndim != 2 or self.utility.shape[0] != p:
            raise InputError(f"utility must have shape (parties={p}, packages), got "
                             f"{self.utility.shape}")
        if self.fallback.shape != (p,):
            raise InputError(f"fallback must have shape ({p},), got {self.fallback.shape}")
        if not np.all(np.isfinite(self.utility)):
            raise InputError("utility must be finite, got NaN or infinity; check the "
                             "simulated terms the parties weigh")
        n = self.utility.shape[1]
        for line in self.red_lines:
            if line.rules_out.shape != (n,) or not 0 <= line.party < p:
                raise InputError(f"red line {line.text!r} must rule out a mask of {n} packages "
                                 f"for one of the {p} parties")

    @property
    def packages(self) -> int:
        return int(self.utility.shape[1])

    def relaxed(self, relaxations: Sequence[RedLine | FallbackChange]) -> Problem:
        """A copy with the given red lines dropped and fall-back changes applied."""
        dropped = {id(r) for r in relaxations if isinstance(r, RedLine)}
        fallback = self.fallback.copy()
        for r in relaxations:
            if isinstance(r, FallbackChange):
                fallback[r.party] = r.value
        return replace(self, fallback=fallback,
                       red_lines=tuple(r for r in self.red_lines if id(r) not in dropped))


def acceptable(problem: Problem) -> Mask:
    """Which packages each party accepts: shape (parties, packages)."""
    ok: Mask = problem.utility >= problem.fallback[:, None] - TOLERANCE
    for line in problem.red_lines:
        ok[line.party] &= ~line.rules_out
    return ok


def feasible(problem: Problem) -> Mask:
    """Packages every party accepts."""
    return np.asarray(acceptable(problem).all(axis=0), dtype=bool)


def pareto_front(utility: Array, candidates: Mask) -> list[int]:
    """Indices of the candidate packages that no other candidate dominates."""
    idx = np.flatnonzero(candidates)
    if idx.size == 0:
        return []
    u = utility[:, idx].T  # (k, parties)
    geq = (u[:, None, :] >= u[None, :, :] - TOLERANCE).all(axis=2)  # geq[a, b]: a >= b
    gt = (u[:, None, :] > u[None, :, :] + TOLERANCE).any(axis=2)
    dominated = (geq & gt).any(axis=0)
    return [int(i) for i in idx[~dominated]]


def _best(scores: Array, tiebreak: Array, order: Sequence[int]) -> int:
    top = scores.max()
    tied = np.flatnonzero(scores >= top - TOLERANCE)
    best = tied[np.argmax(tiebreak[tied] >= tiebreak[tied].max() - TOLERANCE)]
    return int(order[int(best)])


def nash(problem: Problem, candidates: Mask | None = None) -> int | None:
    """The Nash bargaining solution over the feasible set (or ``candidates``), or None."""
    front = pareto_front(problem.utility, feasible(problem) if candidates is None else candidates)
    if not front:
        return None
    gains = np.maximum(problem.utility[:, front] - problem.fallback[:, None], 0.0)
    return _best(gains.prod(axis=0), gains.sum(axis=0), front)


def kalai_smorodinsky(problem: Problem, candidates: Mask | None = None) -> int | None:
    """The discrete Kalai–Smorodinsky solution over the feasible set, or None."""
    mask = feasible(problem) if candidates is None else candidates
    front = pareto_front(problem.utility, mask)
    if not front:
        return None
    ideal = problem.utility[:, mask].max(axis=1)
    span = ideal - problem.fallback
    gains = problem.utility[:, front] - problem.fallback[:, None]
    safe = np.where(span > TOLERANCE, span, 1.0)
    normalised = np.where(span[:, None] > TOLERANCE, gains / safe[:, None], 1.0)
    return _best(normalised.min(axis=0), normalised.sum(axis=0), front)


@dataclass(frozen=True)
class Concession:
    """A set of relaxations that opens a zone of agreement, and the package it opens."""

    relax: tuple[str, ...]
    package: int
    feasible: int  # how many packages the relaxed problem makes feasible


def concessions(problem: Problem, *, max_size: int = 4) -> list[Concession]:
    """The smallest sets of red-line relaxations or fall-back changes that open a zone.

    Breadth-first over subsets by size: every subset of size 1, then 2, ... up to
    ``max_size``; at the first size where some subset makes the feasible set non-empty, all
    such subsets of that size are returned (none when the feasible set is not empty to begin
    with, or nothing up to ``max_size`` opens it). A subset holds at most one fall-back change
    per party. The package each subset opens is the Nash solution of the relaxed problem.
    """
    from itertools import combinations

    if feasible(problem).any():
        return []
    moves: list[RedLine | FallbackChange] = [*problem.red_lines, *problem.fallback_changes]
    for size in range(1, max_size + 1):
        found = []
        for subset in combinations(range(len(moves)), size):
            chosen = [moves[i] for i in subset]
            changed = [m.party for m in chosen if isinstance(m, FallbackChange)]
            if len(changed) != len(set(changed)):
                continue
            relaxed = problem.relaxed(chosen)
            zone = feasible(relaxed)
            if zone.any():
                package = nash(relaxed)
                if package is None:  # pragma: no cover - a non-empty set has a Pareto front
                    continue
                found.append(Concession(tuple(_text(m) for m in chosen), package,
                                        int(zone.sum())))
        if found:
            return found
    return []


def _text(move: RedLine | FallbackChange) -> str:
    return move.concession if isinstance(move, RedLine) else move.text

"""Alternating offers between parties' agents, run by NegMAS (optional dependency).

The analysis in :mod:`guaranty.negotiation.analysis` is exhaustive: it finds every package
each party accepts. This module asks a different question: whether boundedly rational agents
who concede over time reach one of them. It hands NegMAS (Mohammad et al., ``negmas``) the
outcome space (one NegMAS issue per negotiation issue, its options as values), each party's
utility function (a mapping from each package to the utility the analysis computed, with a
package across one of the party's red lines set one below its fall-back) and the party's
fall-back as its reserved value, then runs the stacked alternating offers protocol
(``SAOMechanism``) between time-based ``AspirationNegotiator`` agents (Boulware concession,
deterministic). With more than two parties an offer must be accepted by all.

Install with ``pip install negmas``; without it :func:`alternating_offers` raises an
ImportError that says so.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from guaranty.errors import InputError
from guaranty.negotiation.bargaining import Problem


@dataclass(frozen=True)
class Bargain:
    """What a run of the protocol ended with."""

    parties: tuple[str, ...]
    agreement: dict[str, str] | None
    steps: int
    offers: int


def _negmas() -> Any:
    try:
        return importlib.import_module("negmas")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("alternating offers need NegMAS: pip install negmas") from exc


def alternating_offers(
    problem: Problem,
    packages: Sequence[Mapping[str, str]],
    parties: Sequence[str] = ("defender", "aggressor"),
    *,
    steps: int = 200,
) -> Bargain:
    """Run alternating offers between ``parties`` over ``packages`` (issue -> option each).

    ``problem`` and ``packages`` come from :func:`guaranty.negotiation.analyse`
    (``result.problem``, ``result.packages``) or are built by hand.
    """
    unknown = [p for p in parties if p not in problem.parties]
    if len(parties) < 2 or unknown:
        raise InputError(f"parties must name at least two of {', '.join(problem.parties)}, got "
                         f"{', '.join(parties) or 'none'}")
    if len(packages) != problem.packages or not packages:
        raise InputError(f"packages must list the problem's {problem.packages} packages, got "
                         f"{len(packages)}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 100_000:
        raise InputError(f"steps must be an integer in [1, 100000], got {steps!r}")
    negmas = _negmas()
    prefs = importlib.import_module("negmas.preferences")
    issues = list(packages[0])
    options: dict[str, list[str]] = {i: [] for i in issues}
    for package in packages:
        for issue, option in package.items():
            if option not in options[issue]:
                options[issue].append(option)
    space = negmas.make_os([negmas.make_issue(options[i], name=i) for i in issues])
    mechanism = negmas.SAOMechanism(outcome_space=space, n_steps=steps)
    for name in parties:
        row = problem.parties.index(name)
        floor = float(problem.fallback[row])
        ruled_out = [line.rules_out for line in problem.red_lines if line.party == row]
        mapping = {}
        for j, package in enumerate(packages):
            crossed = any(bool(mask[j]) for mask in ruled_out)
            value = floor - 1.0 if crossed else float(problem.utility[row, j])
            mapping[tuple(package[i] for i in issues)] = value
        ufun = prefs.MappingUtilityFunction(mapping, outcome_space=space, reserved_value=floor)
        mechanism.add(negmas.AspirationNegotiator(name=name), preferences=ufun)
    state = mechanism.run()
    agreement = None if state.agreement is None else dict(zip(issues, state.agreement,
                                                              strict=True))
    return Bargain(tuple(parties), agreement, int(state.step), len(mechanism.history))


__all__ = ["Bargain", "alternating_offers"]

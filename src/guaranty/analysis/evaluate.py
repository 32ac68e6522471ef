r"""Evaluate many candidate packages on common random numbers, in one pass of the engine.

:func:`evaluate` adds the candidates to the scenario under private names and runs them all
in one :func:`guaranty.simulate` call: the anchor is calibrated once (it depends on the
anchor package, not on the candidates), every candidate meets the same sampled worlds, and
the engine steps many candidates together (:mod:`guaranty.engine.batch`). What each
candidate gets is the mean of every simulated metric, plus the aggressor's expected gain
from a later attack,

.. math:: G = \frac{1}{W}\sum_w P_w(\text{war within 120 months})\,
          \big(1 - P_w(\text{hold} \mid \text{war})\big),

the probability that it attacks within ten years and breaks the defence (each world's
P(hold | war) weighted by its own risk of war; a world with no risk adds nothing).

An :class:`Evaluations` object (owned by the caller, never module state) remembers results by
a digest of the candidate, the rest of the scenario, the seed, the worlds, the horizon and
the lens, so a second analysis with other preferences simulates nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import Executor

import numpy as np

from guaranty.engine import AnchorCache, simulate
from guaranty.results import Results
from guaranty.scenario import Package, Scenario

GAIN = "aggressor_gain_120m"


class Evaluations:
    """Evaluated candidates by fingerprint, and the anchors they used; caller-owned."""

    def __init__(self, maxsize: int = 200_000) -> None:
        self.maxsize = maxsize
        self.anchors = AnchorCache()
        self.simulated = 0  # candidates actually simulated
        self._values: dict[str, dict[str, float]] = {}

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def get(self, key: str) -> dict[str, float]:
        return self._values[key]

    def put(self, key: str, values: dict[str, float]) -> None:
        if len(self._values) >= self.maxsize:
            self._values.clear()
        self._values[key] = values


def fingerprint(scenario: Scenario, package: Package, *, seed: int, worlds: int,
                months: int | None, lens: str | None) -> str:
    """A digest of everything a candidate's numbers depend on (the negotiation section
    changes none)."""
    body = scenario.model_dump_json(exclude={"negotiation"})
    text = "\n".join((body, package.model_dump_json(), str(seed), str(worlds), str(months),
                      str(lens)))
    return hashlib.sha256(text.encode()).hexdigest()


def evaluate(
    scenario: Scenario,
    candidates: Sequence[Package],
    *,
    worlds: int,
    seed: int,
    lens: str | None = None,
    months: int | None = None,
    executor: Executor | None = None,
    cache: Evaluations | None = None,
) -> list[dict[str, float]]:
    """The mean of every simulated metric (and :data:`GAIN`) for each candidate, in order."""
    cache = cache if cache is not None else Evaluations()
    keys = [fingerprint(scenario, p, seed=seed, worlds=worlds, months=months, lens=lens)
            for p in candidates]
    todo = {key: pkg for key, pkg in zip(keys, candidates, strict=True) if key not in cache}
    if todo:
        names = {key: f"candidate-{i}" for i, key in enumerate(todo)}
        trial = scenario.model_copy(update={
            "packages": {**scenario.packages, **{names[k]: p for k, p in todo.items()}}})
        results = simulate(trial, list(names.values()), worlds=worlds, seed=seed, lens=lens,
                           months=months, executor=executor, anchor=cache.anchors)
        for key, name in names.items():
            cache.put(key, means(results, name))
        cache.simulated += len(todo)
    return [cache.get(key) for key in keys]


def means(results: Results, package: str) -> dict[str, float]:
    """Every simulated metric's mean for one package, and :data:`GAIN`."""
    values = {m: results.mean(package, m) for m in results.metrics(package)
              if not m.startswith("outside_")}
    data = results.outcomes[package]
    if "p_war_120m" in data and "p_hold_given_war" in data:
        hold = np.nan_to_num(data["p_hold_given_war"], nan=1.0)
        values[GAIN] = float(np.mean(data["p_war_120m"] * (1.0 - hold)))
    return values

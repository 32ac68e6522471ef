"""Lens comparison: the same packages, worlds and seed under the default assumptions and under
each expert lens of a scenario.

Every run uses the same seed, so the lenses share common random numbers: a difference between
two lenses comes from the lens, not from sampling noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from guaranty import defaults
from guaranty.engine import DEFAULT_CHUNK, simulate
from guaranty.results import Results, Summary
from guaranty.scenario import Scenario

DEFAULT_LENS = "default"
HEADLINE_METRICS = (
    "p_war_120m",
    "p_war_60m",
    "p_hold_given_war",
    "cost_usd_bn_per_year",
    "investment_usd_bn_per_year",
    "refugees_returned_m_120m",
)
"""The metrics a lens comparison shows first, in order (those a run has)."""


@dataclass(frozen=True)
class LensComparison:
    """One :class:`~guaranty.results.Results` per lens, ``"default"`` first, then the scenario's
    lenses in file order."""

    runs: Mapping[str, Results]

    @property
    def scenario(self) -> str:
        return self._first.scenario

    @property
    def seed(self) -> int:
        return self._first.seed

    @property
    def worlds(self) -> int:
        return self._first.worlds

    @property
    def lenses(self) -> list[str]:
        """``"default"`` (no lens), then each lens of the scenario."""
        return list(self.runs)

    @property
    def packages(self) -> list[str]:
        """The packages compared, in run order."""
        return self._first.packages

    @property
    def metrics(self) -> list[str]:
        """The headline metrics (:data:`HEADLINE_METRICS`) that these runs report, in order."""
        first = self._first
        have = first.metrics(first.packages[0])
        return [m for m in HEADLINE_METRICS if m in have]

    def metric(self, lens: str, package: str, name: str) -> Summary:
        """The summary of one metric of one package under one lens."""
        return self.runs[lens].metric(package, name)

    def to_pandas(self) -> pd.DataFrame:
        """One row per (lens, package, metric): mean, p05, p95, se, worlds; every metric."""
        return pd.concat({lens: r.summary() for lens, r in self.runs.items()}, names=["lens"])

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty lenses --json`` object: each lens's ``Results.to_dict()``."""
        return {"lenses": {lens: r.to_dict() for lens, r in self.runs.items()}}

    @property
    def _first(self) -> Results:
        return next(iter(self.runs.values()))


def compare_lenses(
    scenario: Scenario,
    packages: Sequence[str] | None = None,
    *,
    worlds: int = defaults.WORLDS,
    seed: int = defaults.SEED,
    months: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    anchor: bool = True,
) -> LensComparison:
    """Simulate ``packages`` (default: all) with no lens and with each lens of ``scenario``.

    The arguments are those of :func:`guaranty.simulate`; every run uses the same ``seed``.
    """
    lenses: list[str | None] = [None, *scenario.lenses]
    runs = {
        (lens or DEFAULT_LENS): simulate(
            scenario, packages, worlds=worlds, seed=seed, months=months, lens=lens,
            chunk_size=chunk_size, workers=workers, anchor=anchor,
        )
        for lens in lenses
    }
    return LensComparison(runs)

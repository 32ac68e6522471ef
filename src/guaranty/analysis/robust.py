r"""Robust comparison of packages over worlds and lenses (common random numbers).

Every package meets the same sampled worlds under each lens (one seed, so world :math:`w`
draws the same uniforms for every package and lens, :mod:`guaranty.rng`). For packages
:math:`A, B`, a metric :math:`y` where lower is better (say), lenses :math:`L` and worlds
:math:`W`,

.. math:: P(A \succ B) = \frac{1}{|L||W|}\sum_{l, w} \mathbb 1[y_{A,l,w} < y_{B,l,w}],

with ties (equal values, e.g. a cost no world changes) counted apart. The comparison is
*robust* when one package is better in at least ``level`` (default 90 %) of the worlds under
every lens separately. Two robustness measures of each package in the manner of Rhodium
(Hadka et al. 2015, doi:10.1016/j.envsoft.2015.07.014) and of Savage's minimax regret:

- **regret** in world :math:`w` under lens :math:`l`: :math:`r_{P,l,w} = |y_{P,l,w} -
  y^*_{l,w}|`, the distance to the best package in that world; reported as its mean and its
  90th percentile over worlds and lenses;
- **satisficing**: the share of worlds and lenses in which the package meets a threshold
  (``p_war_120m <= 0.1``, say).

:func:`compare_packages` runs :func:`~guaranty.analysis.compare.compare_lenses` (the lens
comparison) and measures it; :func:`robustness` measures runs already made (one
:class:`~guaranty.results.Results` per lens).
"""

from __future__ import annotations

import operator
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from guaranty.analysis.compare import DEFAULT_LENS, HEADLINE_METRICS, compare_lenses
from guaranty.engine import DEFAULT_CHUNK, simulate
from guaranty.errors import InputError, unknown
from guaranty.models.outcomes import metric_info
from guaranty.results import Results
from guaranty.scenario.schema import Scenario

ROBUST_LEVEL = 0.9
DEFAULT_SATISFICE = ("p_war_120m<=0.1",)
_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_RULE = re.compile(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Rule:
    """A threshold on a metric: ``metric op value`` (``p_war_120m<=0.1``)."""

    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"

    def holds(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(_OPS[self.op](y, self.value))


def parse_rule(text: str, what: str = "--satisfice") -> Rule:
    """``metric<=value`` (or ``>=``, ``<``, ``>``) as a :class:`Rule`."""
    m = _RULE.match(text)
    if not m:
        raise InputError(f"{what} must look like metric<=value (or >=, <, >), e.g. "
                         f"p_war_120m<=0.1; got {text!r}")
    try:
        value = float(m.group(3))
    except ValueError:
        raise InputError(f"{what}: {m.group(3)!r} is not a number (in {text!r})") from None
    if not np.isfinite(value):
        raise InputError(f"{what}: the threshold must be finite, got {text!r}")
    return Rule(m.group(1), m.group(2), value)


@dataclass(frozen=True)
class Pair:
    """Package ``a`` against ``b`` on one metric: the share of worlds (over all lenses, and
    under each lens) in which each is better."""

    a: str
    b: str
    metric: str
    p_a_better: float
    p_b_better: float
    p_tie: float
    a_by_lens: dict[str, float]
    b_by_lens: dict[str, float]
    level: float = ROBUST_LEVEL

    @property
    def winner(self) -> str | None:
        """The package better in more worlds (None on a draw)."""
        if self.p_a_better == self.p_b_better:
            return None
        return self.a if self.p_a_better > self.p_b_better else self.b

    @property
    def robust(self) -> bool:
        """One package is better in at least ``level`` of the worlds under every lens."""
        return bool(min(self.a_by_lens.values()) >= self.level
                    or min(self.b_by_lens.values()) >= self.level)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "metric": self.metric, "p_a_better": self.p_a_better,
                "p_b_better": self.p_b_better, "p_tie": self.p_tie,
                "p_a_better_by_lens": self.a_by_lens, "winner": self.winner,
                "robust": self.robust}


@dataclass(frozen=True)
class Measure:
    """Robustness of one package on one metric: regret and satisficing."""

    package: str
    metric: str
    mean: float
    regret_mean: float
    regret_p90: float
    satisficing: float | None = None
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (NaN, where no world defines the metric, as null)."""
        def num(x: float | None) -> float | None:
            return None if x is None or not np.isfinite(x) else float(x)

        return {"package": self.package, "metric": self.metric, "mean": num(self.mean),
                "regret_mean": num(self.regret_mean), "regret_p90": num(self.regret_p90),
                "satisficing": num(self.satisficing), "rule": self.rule}


@dataclass(frozen=True)
class Robustness:
    """Every pair of packages on every metric, and each package's regret and satisficing."""

    pairs: tuple[Pair, ...]
    measures: tuple[Measure, ...]
    lenses: tuple[str, ...]
    worlds: int
    seed: int
    level: float = ROBUST_LEVEL

    def pair(self, a: str, b: str, metric: str) -> Pair:
        for p in self.pairs:
            if p.metric == metric and {p.a, p.b} == {a, b}:
                return p
        raise InputError(f"no comparison of {a!r} and {b!r} on {metric!r}")

    def best(self, metric: str) -> tuple[str, float]:
        """The package with the least mean regret on ``metric``, and the smallest share of
        worlds in which it beats any other package (over all lenses)."""
        ms = [m for m in self.measures if m.metric == metric]
        if not ms:
            raise InputError(unknown("metric", metric, {m.metric for m in self.measures}))
        top = min(ms, key=lambda m: (m.regret_mean, m.package)).package
        shares = [(p.p_a_better if p.a == top else p.p_b_better) for p in self.pairs
                  if p.metric == metric and top in (p.a, p.b)]
        return top, (min(shares) if shares else float("nan"))

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty compare --json`` object."""
        return {"lenses": list(self.lenses), "worlds": self.worlds, "seed": self.seed,
                "level": self.level, "pairs": [p.to_dict() for p in self.pairs],
                "packages": [m.to_dict() for m in self.measures]}


def _better(metric: str) -> str:
    better = metric_info(metric).better
    if better is None:
        raise InputError(f"{metric} has no better direction (neither lower nor higher is "
                         "better): it cannot rank packages")
    return better


def robustness(
    runs: Mapping[str, Results],
    metrics: Sequence[str] | None = None,
    *,
    satisfice: Sequence[str | Rule] = DEFAULT_SATISFICE,
    level: float = ROBUST_LEVEL,
) -> Robustness:
    """Pairwise comparisons and robustness measures of runs that share seed and worlds.

    ``runs`` maps lens names to results of the same packages, seed and worlds (as
    :func:`compare_lenses` makes). ``metrics``: default the headline metrics with a better
    direction that the runs report. Worlds where a metric is undefined (NaN) for either
    package of a pair are left out of that pair.
    """
    if not runs:
        raise InputError("robustness needs at least one run")
    if not 0.5 < level < 1:
        raise InputError(f"level must be in (0.5, 1), got {level}")
    first = next(iter(runs.values()))
    for lens, r in runs.items():
        if (r.seed, r.worlds, r.packages) != (first.seed, first.worlds, first.packages):
            raise InputError(f"run {lens!r} differs in seed, worlds or packages: the "
                             "comparison needs common random numbers")
    packages = first.packages
    have = [m for m in first.metrics(packages[0]) if not m.startswith("outside_")]
    if metrics is None:
        metrics = [m for m in HEADLINE_METRICS if m in have and metric_info(m).better]
    for m in metrics:
        if m not in have:
            raise InputError(unknown("metric", m, have))
        _better(m)
    rules = [r if isinstance(r, Rule) else parse_rule(r) for r in satisfice]
    for given in rules:
        if given.metric not in have:
            raise InputError(unknown("metric", given.metric, have))
    pairs: list[Pair] = []
    measures: list[Measure] = []
    for metric in metrics:
        sign = 1.0 if _better(metric) == "lower" else -1.0
        # y[l, p, w]: the metric, oriented so that lower is better.
        y = sign * np.stack([np.stack([np.asarray(r.outcomes[p][metric], dtype=np.float64)
                                       for p in packages]) for r in runs.values()])
        for i, j in combinations(range(len(packages)), 2):
            a, b = y[:, i], y[:, j]
            ok = np.isfinite(a) & np.isfinite(b)
            n_all = max(int(ok.sum()), 1)
            wins, losses = (a < b) & ok, (a > b) & ok
            per = [max(int(ok[k].sum()), 1) for k in range(len(runs))]
            a_by = {lens: float(wins[k].sum() / per[k]) for k, lens in enumerate(runs)}
            b_by = {lens: float(losses[k].sum() / per[k]) for k, lens in enumerate(runs)}
            ties = float(((a == b) & ok).sum() / n_all)
            pairs.append(Pair(packages[i], packages[j], metric, float(wins.sum() / n_all),
                              float(losses.sum() / n_all), ties, a_by, b_by, level))
        with warnings.catch_warnings():  # worlds where no package defines the metric
            warnings.simplefilter("ignore", RuntimeWarning)
            best = np.nanmin(y, axis=1, keepdims=True)
        regret = y - best
        rule: Rule | None = next((r for r in rules if r.metric == metric), None)
        for k, p in enumerate(packages):
            values = regret[:, k][np.isfinite(regret[:, k])]
            raw = sign * y[:, k]
            sat = None
            if rule is not None:
                finite = raw[np.isfinite(raw)]
                sat = float(rule.holds(finite).mean()) if finite.size else float("nan")
            measures.append(Measure(
                p, metric, float(np.mean(raw[np.isfinite(raw)])) if np.isfinite(raw).any()
                else float("nan"),
                float(values.mean()) if values.size else float("nan"),
                float(np.percentile(values, 90)) if values.size else float("nan"),
                sat, str(rule) if rule else None))
    return Robustness(tuple(pairs), tuple(measures), tuple(runs), first.worlds, first.seed,
                      level)


def compare_packages(
    scenario: Scenario,
    packages: Sequence[str] | None = None,
    *,
    lens: str | None = "all",
    metrics: Sequence[str] | None = None,
    satisfice: Sequence[str | Rule] = DEFAULT_SATISFICE,
    level: float = ROBUST_LEVEL,
    worlds: int = 4_000,
    seed: int = 0,
    months: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    anchor: bool = True,
) -> Robustness:
    """Simulate ``packages`` (default all) and compare every pair.

    ``lens``: ``"all"`` (the default assumptions and every lens of the scenario, through
    :func:`compare_lenses`), ``None`` or ``"default"`` (the default assumptions only) or one
    lens's name.
    """
    if lens == "all":
        runs = dict(compare_lenses(scenario, packages, worlds=worlds, seed=seed, months=months,
                                   chunk_size=chunk_size, workers=workers,
                                   anchor=anchor).runs)
    else:
        name = None if lens in (None, DEFAULT_LENS) else lens
        runs = {lens or DEFAULT_LENS: simulate(
            scenario, packages, worlds=worlds, seed=seed, months=months, lens=name,
            chunk_size=chunk_size, workers=workers, anchor=anchor)}
    if len(runs[next(iter(runs))].packages) < 2:
        raise InputError("compare needs at least two packages")
    return robustness(runs, metrics, satisfice=satisfice, level=level)

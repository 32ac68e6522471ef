r"""Global sensitivity: which uncertain assumptions move a package's outcome, on SALib.

Three methods, one entry point (:func:`sensitivity`, or :func:`indices` for any model of a
design in :math:`[0, 1]^D`):

- **Sobol** (Saltelli 2002; Saltelli et al. 2010): a design of :math:`N(2G + 2)` rows from two
  scrambled Sobol' matrices :math:`A, B` (:math:`N \times D`); for group :math:`g`,
  :math:`A_B^{(g)}` is :math:`A` with the columns of :math:`g` taken from :math:`B`. Then

  .. math:: S_g = \frac{\frac1N\sum_j f(B)_j\,(f(A_B^{(g)})_j - f(A)_j)}{V},\qquad
            S_{Tg} = \frac{\frac1{2N}\sum_j (f(A)_j - f(A_B^{(g)})_j)^2}{V},

  and the second-order :math:`S_{gh}` from :math:`B_A^{(g)}` (Saltelli 2002), with
  bootstrap intervals (SALib ``sobol.analyze``).
- **Morris** elementary effects (Morris 1991; Campolongo et al. 2007): :math:`\mu^*`, the mean
  absolute effect of moving a factor, and :math:`\sigma`, its spread (interactions).
- **RBD-FAST** (Tarantola et al. 2006; Plischke 2010): first-order indices from any sample,
  each parameter's values sorted into a periodic curve and the power at its harmonics.

A factor is a parameter or a group (:mod:`guaranty.analysis.factors`); the members of a
group move together in the design but each keeps its own distribution: every column of the
design is a uniform that the engine maps through its parameter's inverse CDF
(:func:`guaranty.engine.run_design`). A convergence check repeats the analysis on the first
half of the design (N/2 base rows for Sobol, half the trajectories for Morris, half the
sample for RBD-FAST) and reports the largest change of an index.

SALib is imported inside the functions that need it (the ``analysis`` extra).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.analysis.factors import (
    Factor,
    check_metric,
    factors_of,
    origin_of,
    package_plan,
    probe,
)
from guaranty.engine import DEFAULT_CHUNK, run_design
from guaranty.errors import InputError
from guaranty.results import Results
from guaranty.scenario.compile import Plan
from guaranty.scenario.schema import Scenario

METHODS = ("sobol", "morris", "rbd-fast")
DEFAULT_N = {"sobol": 512, "morris": 64, "rbd-fast": 4096}
EPS = 1e-12  # uniforms are kept inside (0, 1) so that every inverse CDF stays finite
Model = Callable[[NDArray[np.float64]], NDArray[np.float64]]
"""A model of a design: rows of uniforms in [0, 1], shape (n, D) -> outputs, shape (n,)."""


@dataclass(frozen=True)
class Index:
    """The indices of one factor. Sobol fills S1, ST (and their 95 % half-widths); Morris
    fills mu_star, sigma (S1/ST stay None); RBD-FAST fills S1 only."""

    factor: Factor
    S1: float | None = None
    S1_conf: float | None = None
    ST: float | None = None
    ST_conf: float | None = None
    mu_star: float | None = None
    mu_star_conf: float | None = None
    sigma: float | None = None
    half: float | None = None  # the headline index (ST, mu*, S1) on the first half

    @property
    def name(self) -> str:
        return self.factor.name

    @property
    def score(self) -> float:
        """The index factors are ranked by: ST for Sobol, mu* for Morris, S1 for RBD-FAST."""
        for v in (self.ST, self.mu_star, self.S1):
            if v is not None:
                return v
        return float("nan")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (NaN, e.g. Morris's sigma of a group, as null)."""
        out: dict[str, Any] = {"name": self.name, "S1": _num(self.S1),
                               "S1_conf": _num(self.S1_conf), "ST": _num(self.ST),
                               "ST_conf": _num(self.ST_conf), "origin": self.factor.origin}
        if self.mu_star is not None:
            out |= {"mu_star": _num(self.mu_star), "mu_star_conf": _num(self.mu_star_conf),
                    "sigma": _num(self.sigma)}
        out["half_n"] = _num(self.half)
        info = self.factor.to_dict()
        out["members"] = info["members"]
        out["origins"] = info["origins"]
        return out


def _num(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass(frozen=True)
class Sensitivity:
    """Indices of every factor, ranked (largest first), with the convergence check."""

    method: str
    n: int
    evaluations: int
    indices: tuple[Index, ...]
    second_order: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    package: str | None = None
    metric: str | None = None
    seed: int = 0
    variance: float = float("nan")

    @property
    def max_change(self) -> float:
        """The largest change of the ranking index between N/2 and N."""
        diffs = [abs(i.score - i.half) for i in self.indices if i.half is not None]
        return float(max(diffs)) if diffs else float("nan")

    @property
    def converged(self) -> bool:
        """Whether the top three factors are the same at N/2 and at N and no index moved by
        more than 0.05 (for Morris: 5 % of the largest mu*)."""
        scale = 1.0 if self.method != "morris" else max(i.score for i in self.indices) or 1.0
        top = [i.name for i in self.indices[:3]]
        halves = sorted(self.indices, key=lambda i: -(i.half or 0.0))
        return set(top) == {i.name for i in halves[:3]} and self.max_change <= 0.05 * scale

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty sensitivity --json`` object."""
        return {
            "package": self.package, "metric": self.metric, "method": self.method,
            "n": self.n, "evaluations": self.evaluations, "seed": self.seed,
            "variance": _num(self.variance),
            "indices": [i.to_dict() for i in self.indices],
            "second_order": [{"a": a, "b": b, "S2": _num(s), "S2_conf": _num(c)}
                             for (a, b), (s, c) in self.second_order.items()],
            "convergence": {"half_n": self.n // 2, "max_change": _num(self.max_change),
                            "converged": self.converged},
        }


# --- designs ----------------------------------------------------------------------------------


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    names = [m for f in factors for m in f.members]
    groups = [f.name for f in factors for _ in f.members]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names),
            "groups": groups}


def group_columns(factors: Sequence[Factor]) -> list[NDArray[np.intp]]:
    """The design columns of each factor (its members, in order)."""
    out, at = [], 0
    for f in factors:
        out.append(np.arange(at, at + len(f.members)))
        at += len(f.members)
    return out


def saltelli_rows(a: NDArray[np.float64], b: NDArray[np.float64],
                  groups: Sequence[NDArray[np.intp]], second_order: bool) -> NDArray[np.float64]:
    """The Saltelli design of base rows ``a``, ``b`` (n x D) in SALib's order: for each base
    row, A, then A_B for each group, then (second order) B_A for each group, then B."""
    g = len(groups)
    step = 2 * g + 2 if second_order else g + 2
    n, d = a.shape
    out = np.empty((n, step, d))
    out[:, 0] = a
    out[:, step - 1] = b
    for k, cols in enumerate(groups):
        out[:, 1 + k] = a
        out[:, 1 + k, cols] = b[:, cols]
        if second_order:
            out[:, 1 + g + k] = b
            out[:, 1 + g + k, cols] = a[:, cols]
    return out.reshape(n * step, d)


def sobol_base(n: int, d: int, seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two n x d matrices from one scrambled Sobol' sequence of dimension 2d (seeded)."""
    from scipy.stats import qmc

    base = qmc.Sobol(2 * d, scramble=True, seed=np.random.default_rng(seed)).random(n)
    return base[:, :d], base[:, d:]


# --- the analysis on any model ----------------------------------------------------------------


def indices(
    factors: Sequence[Factor],
    model: Model,
    *,
    method: str = "sobol",
    n: int | None = None,
    seed: int = 0,
    second_order: bool = True,
    rows_per_call: int = DEFAULT_CHUNK,
) -> Sensitivity:
    """The indices of ``factors`` for ``model``, on a design of ``n`` base rows.

    ``model`` maps rows of uniforms (one column per member of each factor, in order) to one
    output per row; it is called on consecutive blocks of at most ``rows_per_call`` rows
    (Sobol), so memory stays bounded. ``n`` must be a power of two for Sobol.
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not factors:
        raise InputError("there must be at least one factor to analyse")
    n = DEFAULT_N[method] if n is None else n
    if isinstance(n, bool) or not isinstance(n, int) or n < 4:
        raise InputError(f"n must be an integer >= 4, got {n!r}")
    if method == "sobol":
        if n & (n - 1):
            raise InputError(f"n must be a power of two for Sobol (Sobol' sequences), got {n}")
        return _sobol(factors, model, n, seed, second_order, rows_per_call)
    if method == "morris":
        return _morris(factors, model, n, seed)
    if any(len(f.members) > 1 for f in factors):
        raise InputError("rbd-fast estimates single parameters only: use --groups none")
    return _rbd_fast(factors, model, n, seed)


def _finite(y: NDArray[np.float64], what: str) -> NDArray[np.float64]:
    y = np.asarray(y, dtype=np.float64)
    bad = ~np.isfinite(y)
    if bad.any():
        raise InputError(f"{what} is undefined (NaN) in {int(bad.sum()):,} of {y.size:,} worlds "
                         "of the design; choose a metric defined in every world (e.g. "
                         "p_war_120m, cost_usd_bn_per_year)")
    return y


def _sobol(factors: Sequence[Factor], model: Model, n: int, seed: int, second_order: bool,
           rows_per_call: int) -> Sensitivity:
    from SALib.analyze import sobol

    groups = group_columns(factors)
    d = sum(len(f.members) for f in factors)
    a, b = sobol_base(n, d, seed)
    step = 2 * len(factors) + 2 if second_order else len(factors) + 2
    per = max(1, rows_per_call // step)
    blocks = (np.clip(saltelli_rows(a[i:i + per], b[i:i + per], groups, second_order),
                      EPS, 1 - EPS) for i in range(0, n, per))
    y = _finite(np.concatenate(_map(model, blocks)), "the metric")
    problem = _problem(factors)
    full = sobol.analyze(problem, y, calc_second_order=second_order, seed=seed)
    # The first N/2 base rows are the design for N/2 (a prefix of the Sobol' sequence); their
    # A, A_B and B blocks alone give the first and total indices (no second order: cheap).
    base = y[:(n // 2) * step].reshape(n // 2, step)
    keep = [0, *range(1, len(factors) + 1), step - 1]
    half = sobol.analyze(problem, base[:, keep].ravel(), calc_second_order=False, seed=seed)
    out = [Index(f, S1=float(full["S1"][k]), S1_conf=float(full["S1_conf"][k]),
                 ST=float(full["ST"][k]), ST_conf=float(full["ST_conf"][k]),
                 half=float(half["ST"][k]))
           for k, f in enumerate(factors)]
    s2: dict[tuple[str, str], tuple[float, float]] = {}
    if second_order:
        for j in range(len(factors)):
            for k in range(j + 1, len(factors)):
                s2[(factors[j].name, factors[k].name)] = (float(full["S2"][j, k]),
                                                          float(full["S2_conf"][j, k]))
    return Sensitivity("sobol", n, int(y.size), _ranked(out), s2, seed=seed,
                       variance=float(np.var(y)))


def _morris(factors: Sequence[Factor], model: Model, n: int, seed: int) -> Sensitivity:
    from SALib.analyze import morris as analyse
    from SALib.sample import morris as sample

    problem = _problem(factors)
    x = sample.sample(problem, n, num_levels=4, seed=seed)
    y = _finite(model(np.clip(x, EPS, 1 - EPS)), "the metric")
    full = analyse.analyze(problem, x, y, num_levels=4, seed=seed)
    rows = (len(factors) + 1) * (n // 2)
    half = analyse.analyze(problem, x[:rows], y[:rows], num_levels=4, seed=seed)
    out = [Index(f, mu_star=float(full["mu_star"][k]),
                 mu_star_conf=float(full["mu_star_conf"][k]), sigma=float(full["sigma"][k]),
                 half=float(half["mu_star"][k]))
           for k, f in enumerate(factors)]
    return Sensitivity("morris", n, int(y.size), _ranked(out), seed=seed,
                       variance=float(np.var(y)))


def _rbd_fast(factors: Sequence[Factor], model: Model, n: int, seed: int) -> Sensitivity:
    from SALib.sample import latin

    problem = _problem(factors)
    x = latin.sample(problem, n, seed=seed)
    y = _finite(model(np.clip(x, EPS, 1 - EPS)), "the metric")
    return rbd_fast_of(factors, x, y, seed=seed)


def rbd_fast_of(factors: Sequence[Factor], x: NDArray[np.float64], y: NDArray[np.float64], *,
                seed: int = 0, resamples: int = 100) -> Sensitivity:
    """RBD-FAST first-order indices from a sample already drawn (``x``: one column per
    factor, any monotone scale; ``y``: one output per row); ``resamples`` bootstrap
    resamples for the intervals (the half-sample check takes 2)."""
    from SALib.analyze import rbd_fast

    problem = _problem(factors)
    n = len(y)
    full = rbd_fast.analyze(problem, x, y, num_resamples=resamples, seed=seed)
    half = rbd_fast.analyze(problem, x[:n // 2], y[:n // 2], num_resamples=2, seed=seed)
    out = [Index(f, S1=float(full["S1"][k]), S1_conf=float(full["S1_conf"][k]),
                 half=float(half["S1"][k]))
           for k, f in enumerate(factors)]
    return Sensitivity("rbd-fast", n, n, _ranked(out), seed=seed, variance=float(np.var(y)))


def _ranked(out: list[Index]) -> tuple[Index, ...]:
    return tuple(sorted(out, key=lambda i: (-np.nan_to_num(i.score, nan=-np.inf), i.name)))


# --- the engine as the model ------------------------------------------------------------------


def _evaluate(plan: Plan, names: tuple[str, ...], rows: NDArray[np.float64], metric: str,
              months: int, seed: int) -> NDArray[np.float64]:
    """One block of design rows through the engine: the metric of each row (a pure,
    picklable function: the unit of work an executor runs)."""
    design = {name: rows[:, k] for k, name in enumerate(names)}
    out = run_design(plan, design, months=months, seed=seed, chunk_size=len(rows))
    return np.asarray(out[metric], dtype=np.float64)


class EngineModel:
    """A :data:`Model` that evaluates design rows through :func:`run_design` for one plan,
    on ``executor`` when given: blocks of ``rows`` rows are submitted in order, a few in
    flight at a time so that memory stays bounded (the numbers do not change)."""

    def __init__(self, plan: Plan, names: tuple[str, ...], metric: str, months: int, seed: int,
                 executor: Executor | None = None, rows: int = DEFAULT_CHUNK,
                 in_flight: int = 4) -> None:
        self.plan, self.names, self.metric = plan, names, metric
        self.months, self.seed, self.executor, self.rows = months, seed, executor, rows
        self.in_flight = in_flight

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.concatenate(self.map(x[i:i + self.rows] for i in range(0, len(x), self.rows)))

    def map(self, blocks: Iterable[NDArray[np.float64]]) -> list[NDArray[np.float64]]:
        """The metric of each block of rows, in order."""
        plan, names, metric, months, seed = (self.plan, self.names, self.metric, self.months,
                                             self.seed)
        if self.executor is None:
            return [_evaluate(plan, names, b, metric, months, seed) for b in blocks]
        out: list[NDArray[np.float64]] = []
        pending: deque[Future[NDArray[np.float64]]] = deque()
        for b in blocks:
            pending.append(self.executor.submit(_evaluate, plan, names, b, metric, months, seed))
            if len(pending) >= self.in_flight:
                out.append(pending.popleft().result())
        out.extend(f.result() for f in pending)
        return out


def _map(model: Model, blocks: Iterable[NDArray[np.float64]]) -> list[NDArray[np.float64]]:
    """``model`` over blocks of rows: concurrently where the model can (:class:`EngineModel`)."""
    if isinstance(model, EngineModel):
        return model.map(blocks)
    return [np.asarray(model(b), dtype=np.float64) for b in blocks]


def sensitivity(
    scenario: Scenario,
    package: str,
    metric: str = "p_war_120m",
    *,
    method: str = "sobol",
    groups: str | int | None = None,
    n: int | None = None,
    seed: int = 0,
    months: int | None = None,
    lens: str | None = None,
    second_order: bool = True,
    workers: int = 1,
    executor: Executor | None = None,
    anchor: bool = True,
) -> Sensitivity:
    """Sensitivity of one package's ``metric`` to the uncertain parameters its chain reads.

    ``groups``: see :func:`guaranty.analysis.factors.group_names` (default ``"prefix"``,
    families; ``"none"`` for RBD-FAST). The plan is the one :func:`guaranty.simulate` runs
    (lens, package, anchor). ``workers`` processes (or ``executor``) evaluate the design.
    """
    plan = package_plan(scenario, package, lens=lens, seed=seed, anchor=anchor)
    horizon = months or scenario.horizon_months
    names, metrics = probe(plan, horizon)
    check_metric(metric, metrics)
    if not names:
        raise InputError(f"package {package!r} reads no uncertain parameter: nothing to analyse")
    spec = groups if groups is not None else ("none" if method == "rbd-fast" else "prefix")
    factors = factors_of(plan.registry, names, spec)
    own = ProcessPoolExecutor(workers) if executor is None and workers > 1 else None
    try:
        model = EngineModel(plan, tuple(m for f in factors for m in f.members), metric,
                            horizon, seed, executor or own)
        result = indices(factors, model, method=method, n=n, seed=seed,
                         second_order=second_order)
    finally:
        if own is not None:
            own.shutdown()
    return _named(result, package, metric)


def one_at_a_time(factors: Sequence[Factor], model: Model, *,
                  levels: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)
                  ) -> list[tuple[str, float]]:
    """A one-at-a-time sweep: every factor at the median (u = 0.5) but one, whose members
    all move through the quantiles ``levels`` together; each factor's range of the output,
    largest first. A local cross-check of the global indices (it misses interactions)."""
    d = sum(len(f.members) for f in factors)
    rows = [np.full(d, 0.5)]
    for cols in group_columns(factors):
        for q in levels:
            row = np.full(d, 0.5)
            row[cols] = q
            rows.append(row)
    y = np.asarray(model(np.array(rows)), dtype=np.float64)[1:].reshape(len(factors), -1)
    ranges = [(f.name, float(np.ptp(y[k]))) for k, f in enumerate(factors)]
    return sorted(ranges, key=lambda r: (-r[1], r[0]))


def _named(result: Sensitivity, package: str, metric: str) -> Sensitivity:
    return Sensitivity(result.method, result.n, result.evaluations, result.indices,
                       result.second_order, package, metric, result.seed, result.variance)


def drivers(results: Results, package: str, metric: str = "p_war_120m", *,
            worlds: int = 4_096, resamples: int = 5) -> Sensitivity:
    """RBD-FAST first-order indices of ``metric`` over a run's own worlds: no new simulation.

    The worlds' parameter values are regenerated from the seed (:meth:`Results.inputs`), at
    most ``worlds`` of them; only parameters that vary are analysed. The cheap method behind
    the headline of ``guaranty run``.
    """
    if package not in results.outcomes:
        raise InputError(f"package {package!r} is not in these results")
    check_metric(metric, results.outcomes[package])
    registry = results.registries[package]
    k = min(worlds, results.worlds)
    read = [n for n in registry.uncertain() if n in results.parameters_read]
    x = results.inputs(package, read).to_numpy()[:k]
    y = np.asarray(results.outcomes[package][metric][:k], dtype=np.float64)
    ok = np.isfinite(y)
    factors = [Factor(n, (n,), (origin_of(registry[n]),)) for n in read]
    return _named(rbd_fast_of(factors, x[ok], y[ok], seed=results.seed, resamples=resamples),
                  package, metric)

r"""Scenario discovery: the regions of assumption space where a package fails.

Each sampled world is a point :math:`x_w` (its parameter values, :meth:`Results.inputs`) with
an outcome :math:`y_w` (a metric, :meth:`Results.to_pandas`); it *fails* when the metric is
above (or below) a threshold. Two rule-induction methods look for boxes
:math:`B = \prod_j [l_j, u_j]` that hold the failures (Bryant & Lempert 2010,
doi:10.1016/j.techfore.2009.08.002):

- **PRIM** (Friedman & Fisher 1999), EMA Workbench's implementation
  (``ema_workbench.analysis.prim``): peel a small share :math:`\alpha` of the worlds off one
  face of the box at a time, the face whose removal raises the density most, then paste back;
  each step of the *peeling trajectory* trades coverage for density.
- **CART** (Breiman et al. 1984), EMA Workbench's wrapper of scikit-learn's tree: the leaves
  with a majority of failures, as boxes.

For a box, with :math:`F` the failing worlds,

.. math:: \text{coverage} = \frac{|F \cap B|}{|F|}, \qquad
          \text{density} = \frac{|F \cap B|}{|B|}, \qquad \text{mass} = \frac{|B|}{W}.

From PRIM's trajectory the box chosen is, among those with density at least ``density``
(default 0.8), the one with the largest product coverage × density (the trade-off's knee for a
sharp region); when none reaches it, the densest box, flagged.
Further boxes are sought among the failures the first leaves out (EMA's covering approach).

With many parameters, PRIM restricts dimensions that only happen to trim a few worlds; the
inputs are first screened to the ``dims`` parameters whose distributions differ most between
failing and other worlds, by the two-sample Kolmogorov–Smirnov distance
:math:`D_j = \sup_t |F_j^{fail}(t) - F_j^{ok}(t)|` (regional sensitivity analysis, Spear &
Hornberger 1980).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from guaranty.analysis.factors import check_metric, origin_of
from guaranty.engine import simulate
from guaranty.errors import InputError
from guaranty.scenario.schema import Scenario


@dataclass(frozen=True)
class Box:
    """A box of assumption space: limits on the restricted parameters, and its statistics."""

    method: str
    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    meets_density: bool = True
    trajectory: tuple[dict[str, float], ...] = ()
    origins: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "limits": {k: [lo, hi] for k, (lo, hi) in self.limits.items()},
            "coverage": self.coverage, "density": self.density, "mass": self.mass,
            "meets_density": self.meets_density,
        }
        if self.origins is not None:
            out["origins"] = self.origins
        if self.trajectory:
            out["trajectory"] = list(self.trajectory)
        return out


@dataclass(frozen=True)
class Discovery:
    """The boxes PRIM and CART found for one failure condition."""

    boxes: tuple[Box, ...]
    failures: int
    worlds: int
    condition: str
    package: str | None = None
    metric: str | None = None
    seed: int | None = None

    @property
    def prim(self) -> list[Box]:
        return [b for b in self.boxes if b.method == "prim"]

    @property
    def cart(self) -> list[Box]:
        return [b for b in self.boxes if b.method == "cart"]

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty discover --json`` object."""
        return {"package": self.package, "metric": self.metric, "condition": self.condition,
                "seed": self.seed, "worlds": self.worlds, "failures": self.failures,
                "boxes": [b.to_dict() for b in self.boxes]}


def _limits(box: pd.DataFrame, initial: pd.DataFrame) -> dict[str, tuple[float, float]]:
    out = {}
    now, start = box.to_numpy(dtype=np.float64), initial.to_numpy(dtype=np.float64)
    for k, col in enumerate(box.columns):
        lo, hi = float(now[0, k]), float(now[1, k])
        lo0, hi0 = float(start[0, k]), float(start[1, k])
        if lo > lo0 or hi < hi0:
            out[str(col)] = (lo, hi)
    return out


def _quiet() -> None:
    logging.getLogger("EMA").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="ipyparallel not installed")


def ks_distance(x: pd.DataFrame, y: NDArray[np.bool_]) -> pd.Series:
    """The Kolmogorov–Smirnov distance of each column between rows where ``y`` holds and the
    others, largest first."""
    y = np.asarray(y, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    out = {}
    for col in x.columns:
        order = np.argsort(x[col].to_numpy(), kind="stable")
        hit = y[order]
        out[col] = float(np.max(np.abs(np.cumsum(hit) / n1 - np.cumsum(~hit) / n0)))
    return pd.Series(out).sort_values(ascending=False, kind="stable")


def discover(x: pd.DataFrame, y: NDArray[np.bool_], *, density: float = 0.8,
             boxes: int = 2, peel_alpha: float = 0.05, mass_min: float = 0.05,
             cart: bool = True, dims: int | None = 20) -> Discovery:
    """PRIM and CART boxes of the rows of ``x`` where ``y`` is true (the failures).

    ``density``: the least density of a chosen PRIM box; ``boxes``: at most this many PRIM
    boxes; ``peel_alpha`` and ``mass_min`` as in EMA Workbench; ``dims``: screen the inputs
    to this many columns by :func:`ks_distance` first (None: all).
    """
    _quiet()
    from ema_workbench.analysis import cart as ema_cart
    from ema_workbench.analysis import prim

    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise InputError(f"x and y must have one row per world, got {len(x)} and {len(y)}")
    if not 0 < density <= 1 or not 0 < peel_alpha < 0.5 or not 0 < mass_min < 1:
        raise InputError("density must be in (0, 1], peel_alpha in (0, 0.5), mass_min in (0, 1)")
    failures = int(y.sum())
    if failures == 0 or failures == len(y):
        what = "no world fails" if failures == 0 else "every world fails"
        raise InputError(f"{what} under this condition ({failures:,} of {len(y):,}): choose a "
                         "threshold that splits the worlds")
    x = x.reset_index(drop=True).astype(np.float64)
    if dims is not None and x.shape[1] > dims:
        x = x[list(ks_distance(x, y).index[:dims])]
    found: list[Box] = []
    # For 0/1 outcomes EMA counts a world of interest where y >= threshold, and keeps a box
    # whose last step has a mean of at least the threshold (else a "dump box", unpeeled).
    finder = prim.Prim(x, y.astype(int), threshold=0.5, peel_alpha=peel_alpha,
                       mass_min=mass_min)
    for _ in range(boxes):
        box = finder.find_box()
        if box is None or len(box.peeling_trajectory) < 2:
            break
        trail = box.peeling_trajectory
        dens, cov = trail["density"].to_numpy(), trail["coverage"].to_numpy()
        ok = np.flatnonzero(dens >= density)
        meets = ok.size > 0
        pick = int(ok[np.argmax((cov * dens)[ok])]) if meets else int(np.argmax(dens))
        box.select(pick)
        if not meets and found:
            break
        steps = tuple({k: float(trail.iloc[i][k]) for k in ("coverage", "density", "mass",
                                                             "res_dim")}
                      for i in range(len(trail)))
        found.append(Box("prim", _limits(box.box_lims[pick], finder.box_init),
                         float(box.coverage), float(box.density), float(box.mass), meets,
                         steps))
        if not meets:
            break
    if cart:
        found.extend(_cart(ema_cart, x, y, mass_min))
    return Discovery(tuple(found), failures, len(y), "")


def _cart(module: Any, x: pd.DataFrame, y: NDArray[np.bool_], mass_min: float) -> list[Box]:
    tree = module.CART(x, y.astype(int), mass_min=mass_min)
    tree.build_tree()
    initial = module.sdutil._make_box(x)
    out = []
    for lims, stats in zip(tree.boxes, tree.stats, strict=True):
        if stats["density"] >= 0.5:
            out.append(Box("cart", _limits(lims, initial), float(stats["coverage"]),
                           float(stats["density"]), float(stats["mass"]),
                           bool(stats["density"] >= 0.5)))
    out.sort(key=lambda b: -b.coverage)
    return out


def parse_condition(above: float | None, below: float | None) -> tuple[str, float]:
    """``("above", x)`` or ``("below", x)``; exactly one must be given."""
    if above is not None and below is None:
        side, value = "above", above
    elif below is not None and above is None:
        side, value = "below", below
    else:
        raise InputError("give exactly one of --above X or --below X (the failure condition)")
    if not np.isfinite(value):
        raise InputError(f"--{side} must be a finite number, got {value}")
    return side, float(value)


def discover_scenario(
    scenario: Scenario,
    package: str,
    metric: str,
    *,
    above: float | None = None,
    below: float | None = None,
    worlds: int = 4_000,
    seed: int = 0,
    lens: str | None = None,
    months: int | None = None,
    density: float = 0.8,
    boxes: int = 2,
    peel_alpha: float = 0.05,
    anchor: bool = True,
    names: Sequence[str] | None = None,
) -> Discovery:
    """Where ``package`` fails: its ``metric`` above ``above`` (or below ``below``).

    Simulates ``worlds`` worlds; the inputs are the uncertain parameters its chain reads
    (or ``names``). Worlds where the metric is undefined (NaN) are left out.
    """
    side, value = parse_condition(above, below)
    scenario.check_names([package], lens)
    results = simulate(scenario, [package], worlds=worlds, seed=seed, lens=lens, months=months,
                       anchor=anchor)
    check_metric(metric, results.metrics(package))
    registry = results.registries[package]
    if names is None:
        names = [n for n in registry.uncertain() if n in results.parameters_read]
    if metric.startswith("outside_"):
        raise InputError(f"{metric} is the same in every world (the outside view); choose a "
                         "model metric")
    x = results.inputs(package, names)
    y_all = np.asarray(results.outcomes[package][metric], dtype=np.float64)
    ok = np.isfinite(y_all)
    fails = y_all[ok] > value if side == "above" else y_all[ok] < value
    found = discover(x[ok], fails, density=density, boxes=boxes, peel_alpha=peel_alpha)
    tagged = tuple(Box(b.method, b.limits, b.coverage, b.density, b.mass, b.meets_density,
                       b.trajectory, {k: origin_of(registry[k]) for k in b.limits})
                   for b in found.boxes)
    return Discovery(tagged, found.failures, int(ok.sum()), f"{metric} {side} {value:g}",
                     package, metric, seed)

"""Results of a simulation: per-world outcomes with the scenario, seed and version.

Summaries report, for each metric, the mean over worlds, the 5th–95th percentile spread
across worlds, and the Monte Carlo standard error of the mean. Metrics "given war" are
ratio estimators: their mean is the probability-weighted mean over worlds,
:math:`\\sum_w P_w y_w / \\sum_w P_w` with :math:`P_w` a world's probability of war, and their
standard error comes from the delta method for a ratio.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from guaranty._version import __version__
from guaranty.errors import InputError, unknown
from guaranty.models.outcomes import GIVEN_WAR, metric_info
from guaranty.outside import OutsideEstimate
from guaranty.params import Parameter, Registry

if TYPE_CHECKING:
    import xarray

Array = NDArray[np.floating[Any]]
OUTSIDE_MONTHS = (60, 120)
SAVE_FORMAT = 1  # the layout of :meth:`Results.save` files
Z90 = 1.6448536269514722  # the standard normal's 95th percentile: a two-sided 90 % interval
_SCALE = "decision.base_hazard_scale"  # the anchoring factor (guaranty.engine.anchoring)


@dataclass(frozen=True)
class Anchor:
    """The anchoring of the base hazard: fitted on which scenario and package, to what
    target (the outside view's curve), with what factor (median and log-sd)."""

    package: str
    target: float
    achieved: float
    scale: float
    months: int
    source: str
    sd_log: float = 0.0  # the factor is lognormal: median ``scale``, this sigma of its log
    scenario: str | None = None  # the scenario the factor was fitted on
    curve: Mapping[str, Mapping[str, float]] | None = None  # by month: target, lo, hi, model
    log_likelihood: float | None = None
    scale_fit_without_spread: float | None = None
    hazard_shape: float | None = None  # the base hazard's Weibull shape fitted with the factor
    hazard_shape_sd_log: float = 0.0
    hazard_shape_interval: tuple[float, float] | None = None  # its 95 % profile interval

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Anchor:
        """The inverse of :meth:`to_dict`."""
        return cls(package=d["package"], target=d["target_p_war_120m"],
                   achieved=d["achieved_p_war_120m"], scale=d["base_hazard_scale"],
                   months=d["months"], source=d["source"], sd_log=d.get("sd_log", 0.0),
                   scenario=d.get("scenario"), curve=d.get("curve"),
                   log_likelihood=d.get("log_likelihood"),
                   scale_fit_without_spread=d.get("scale_fit_without_spread"),
                   hazard_shape=d.get("hazard_shape"),
                   hazard_shape_sd_log=d.get("hazard_shape_sd_log", 0.0),
                   hazard_shape_interval=(None if d.get("hazard_shape_interval") is None
                                          else tuple(d["hazard_shape_interval"])))

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package, "target_p_war_120m": self.target,
                "achieved_p_war_120m": self.achieved, "base_hazard_scale": self.scale,
                "sd_log": self.sd_log, "months": self.months, "source": self.source,
                "scenario": self.scenario,
                "curve": None if self.curve is None else {k: dict(v)
                                                          for k, v in self.curve.items()},
                "log_likelihood": self.log_likelihood,
                "scale_fit_without_spread": self.scale_fit_without_spread,
                "hazard_shape": self.hazard_shape,
                "hazard_shape_sd_log": self.hazard_shape_sd_log,
                "hazard_shape_interval": (None if self.hazard_shape_interval is None
                                          else list(self.hazard_shape_interval))}


@dataclass(frozen=True)
class Summary:
    """One metric of one package."""

    mean: float
    p05: float
    p95: float
    se: float
    worlds: int

    def as_dict(self) -> dict[str, float | None]:
        return {k: _clean(getattr(self, k)) for k in ("mean", "p05", "p95", "se")}


@dataclass(frozen=True)
class Change:
    """A paired change of one metric, package against a reference package over the same
    worlds: the mean of the per-world differences and its 90 % interval (mean ± 1.645 s.e.,
    the s.e. of the per-world differences)."""

    package: str
    reference: str
    metric: str
    mean: float
    lo: float
    hi: float
    se: float

    def as_dict(self) -> dict[str, Any]:
        return {"package": self.package, "reference": self.reference, "metric": self.metric,
                **{k: _clean(getattr(self, k)) for k in ("mean", "lo", "hi", "se")}}


def paired_change(package: str, reference: str, metric: str, a: Array, b: Array) -> Change:
    """:class:`Change` of ``a`` (the package's per-world values) against ``b`` (the
    reference's, the same worlds); NaNs in either drop the world."""
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return Change(package, reference, metric, math.nan, math.nan, math.nan, math.nan)
    mean = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(d.size))
    return Change(package, reference, metric, mean, mean - Z90 * se, mean + Z90 * se, se)


def _clean(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def _kept(values: Array, weights: Array | None
          ) -> tuple[Array, Array | None, NDArray[np.bool_]]:
    """The finite values (with positive weight), their weights, and the mask that kept them;
    in double precision."""
    values = np.asarray(values, dtype=np.float64)
    if weights is None:
        ok = np.isfinite(values)
        return values[ok], None, ok
    weights = np.asarray(weights, dtype=np.float64)
    ok = np.isfinite(values) & (weights > 0)
    return values[ok], weights[ok], ok


def _mean(v: Array, w: Array | None) -> float:
    if w is None:
        return float(v.mean()) if v.size else math.nan
    return float((w * v).sum() / w.sum()) if w.sum() > 0 else math.nan


def mean_of(values: Array, weights: Array | None = None) -> float:
    """The mean :func:`summarise` reports, alone (no percentiles, no standard error)."""
    return _mean(*_kept(values, weights)[:2])


def summarise(values: Array, weights: Array | None = None) -> Summary:
    """Mean, 5–95 % spread and standard error of ``values`` (NaNs dropped).

    With ``weights`` the mean is the weighted (ratio) estimator over all worlds. Inputs may be
    single precision; everything here is computed in double precision.
    """
    v, w, ok = _kept(values, weights)
    if w is None:
        n = int(v.size)
        if n == 0:
            return Summary(math.nan, math.nan, math.nan, math.nan, 0)
        se = float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        p05, p95 = np.percentile(v, [5, 95])
        return Summary(_mean(v, None), float(p05), float(p95), se, n)
    n_all = int(ok.size)
    if w.sum() <= 0:
        return Summary(math.nan, math.nan, math.nan, math.nan, 0)
    mean = _mean(v, w)
    # Delta method for the ratio of two means over all worlds (zeros where no war).
    wy = np.zeros(n_all)
    wy[ok] = w * v
    ww = np.zeros(n_all)
    ww[ok] = w
    wbar = ww.mean()
    resid = (wy - mean * ww) / wbar
    se = float(resid.std(ddof=1) / math.sqrt(n_all)) if n_all > 1 else math.nan
    p05, p95 = _weighted_percentiles(v, w, (0.05, 0.95))
    return Summary(mean, p05, p95, se, int(v.size))


def _weighted_percentiles(v: Array, w: Array, qs: tuple[float, ...]) -> tuple[float, ...]:
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return tuple(float(np.interp(q, cdf, v)) for q in qs)


@dataclass(frozen=True)
class Results:
    """Per-world outcomes of each package, with the run's identity."""

    scenario: str
    seed: int
    worlds: int
    months: int
    lens: str | None
    outcomes: Mapping[str, Mapping[str, Array]]
    parameters_read: frozenset[str] = frozenset()
    registries: Mapping[str, Registry] = field(default_factory=dict)
    anchor: Anchor | None = None
    rejections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    outside: Mapping[str, OutsideEstimate] = field(default_factory=dict)
    version: str = __version__
    scenario_sha256: str | None = None

    @property
    def packages(self) -> list[str]:
        return list(self.outcomes)

    def _package(self, package: str) -> Mapping[str, Array]:
        if not isinstance(package, str) or package not in self.outcomes:
            raise InputError(unknown("package", str(package), self.outcomes))
        return self.outcomes[package]

    def _values(self, package: str, name: str) -> Array:
        data = self._package(package)
        if not isinstance(name, str) or name not in data:
            raise InputError(unknown("metric", str(name), self.metrics(package)))
        return data[name]

    def metrics(self, package: str) -> list[str]:
        """Metric names of a package: the model's, then the outside view's."""
        self._package(package)
        names = [k for k in self.outcomes[package] if not k.startswith("_")]
        if package in self.outside:
            names += [f"outside_p_war_{m}m" for m in OUTSIDE_MONTHS if m <= self.months]
        return names

    def metric(self, package: str, name: str) -> Summary:
        """The summary of one metric of one package.

        ``outside_p_war_{t}m`` is the historical estimate for the package
        (:mod:`guaranty.outside`): its p05/p95 are the ends of the estimate's 90 %
        interval and its se the half-width over 1.645.
        """
        if name.startswith("outside_p_war_"):
            months = int(name.removeprefix("outside_p_war_").removesuffix("m"))
            est, lo, hi = self.outside[package].p_war[months]
            return Summary(est, lo, hi, (hi - lo) / (2 * 1.645), 0)
        values = self._values(package, name)
        data = self.outcomes[package]
        weights = data["p_war_horizon"] if name in GIVEN_WAR else None
        return summarise(values, weights)

    def mean(self, package: str, name: str) -> float:
        """The mean of one metric of one package (:meth:`metric`'s, without its spread)."""
        if name.startswith("outside_p_war_"):
            return self.metric(package, name).mean
        values = self._values(package, name)
        data = self.outcomes[package]
        return mean_of(values, data["p_war_horizon"] if name in GIVEN_WAR else None)

    def summary(self) -> pd.DataFrame:
        """One row per (package, metric): mean, p05, p95, se, worlds."""
        rows = []
        for package in self.outcomes:
            for name in self.metrics(package):
                s = self.metric(package, name)
                rows.append({"package": package, "metric": name, "mean": s.mean,
                             "p05": s.p05, "p95": s.p95, "se": s.se, "worlds": s.worlds})
        return pd.DataFrame(rows).set_index(["package", "metric"])

    def inputs(self, package: str, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Each world's parameter values, one row per world: regenerated exactly from the seed.

        The values are those the engine used for ``package`` (its registry after the
        scenario, lens, package and anchoring overrides), so ``inputs`` beside
        :meth:`to_pandas` is the (X, Y) of scenario discovery, at no storage cost.
        ``names`` restricts the columns (default: every parameter).
        """
        if package not in self.registries:
            raise InputError(unknown("package", package, self.registries))
        registry = self.registries[package]
        chosen = list(registry) if names is None else list(names)
        sub = Registry({name: registry[name] for name in chosen})
        frame = pd.DataFrame(sub.sample(self.seed, 0, self.worlds), columns=chosen)
        frame.index.name = "world"
        return frame

    def to_pandas(self) -> pd.DataFrame:
        """One row per (package, world) with every per-world outcome."""
        frames = []
        for package, data in self.outcomes.items():
            frame = pd.DataFrame({k: v for k, v in data.items() if not k.startswith("_")})
            frame.insert(0, "world", np.arange(len(frame)))
            frame.insert(0, "package", package)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def change(self, package: str, reference: str, metric: str = "p_war_120m") -> Change:
        """The paired change of ``metric``, ``package`` against ``reference``: both ran on the
        same worlds (same seed), so the difference is taken world by world and its spread is
        the spread of those differences, not of either package's values. A metric given war
        (a ratio over different worlds) and the outside view have no per-world values: an
        :class:`InputError`."""
        if metric in GIVEN_WAR or metric.startswith("outside_"):
            raise InputError(f"metric must have a value in every world for a paired change, "
                             f"got {metric!r} (given war, or the outside view)")
        return paired_change(package, reference, metric, self._values(package, metric),
                             self._values(reference, metric))

    def unanchored(self, package: str) -> dict[str, Summary]:
        """The package's P(war) metrics had the base hazard's factor been 1 (the raw model),
        beside the anchored ones; empty for an unanchored run.

        Not re-run: the factor :math:`c_w` multiplies each world's cumulative hazard, so the
        raw P(war) is :math:`1 - (1 - p_w)^{1/c_w}`, with :math:`c_w` the world's draw of
        ``decision.base_hazard_scale`` (regenerated from the seed). Exact except in worlds
        whose anchored P(war) rounds to 1 in single precision, where the raw value shown is
        1 (an overstatement: about 0.1–0.5 pp on the mean of the built-in packages).
        """
        data = self._package(package)
        registry = self.registries.get(package)
        if self.anchor is None or registry is None or _SCALE not in registry:
            return {}
        scale = Registry({_SCALE: registry[_SCALE]}).sample(self.seed, 0, self.worlds)[_SCALE]
        out = {}
        for name in data:
            if name.startswith("p_war_"):
                p = np.minimum(np.asarray(data[name], dtype=np.float64), 1.0)
                with np.errstate(divide="ignore"):  # p = 1: log1p(-1) = -inf, and 1 back
                    out[name] = summarise(-np.expm1(np.log1p(-p) / scale), None)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``guaranty run --json`` object: the run's identity (with the scenario's
        SHA-256), each metric's unit and label, and per package every metric's summary."""
        names = list(dict.fromkeys(m for p in self.outcomes for m in self.metrics(p)))
        return {
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_sha256,
            "seed": self.seed,
            "worlds": self.worlds,
            "months": self.months,
            "lens": self.lens,
            "version": self.version,
            "anchor": self.anchor.to_dict() if self.anchor else None,
            "metric_info": {name: _info(name) for name in names},
            "packages": [
                {
                    "name": package,
                    "metrics": {
                        name: self.metric(package, name).as_dict()
                        for name in self.metrics(package)
                    },
                    "outside_view": self.outside[package].to_dict()
                    if package in self.outside else None,
                    "rejected_by": list(self.rejections.get(package, ())),
                    "unanchored": {name: s.as_dict()
                                   for name, s in self.unanchored(package).items()} or None,
                }
                for package in self.outcomes
            ],
        }

    def notes(self) -> list[str]:
        """Plain-language warnings about the run, for any view to show beside the numbers.

        First whether the run is unanchored (its base hazard is the registry's, not fitted
        to history); then, for each package, in order: the share of worlds in which the
        troops asked for fit the contributors' rotation pools, when below all of them; then
        each party that rejects the package.
        """
        notes = [] if self.anchor is not None else [
            "unanchored: the aggressor's base hazard is the raw model's (factor 1), not "
            "calibrated to the outside view (--no-anchor)"]
        for package in self.packages:
            if "troops_feasible" in self.metrics(package):
                share = self.metric(package, "troops_feasible").mean
                if share < 1.0:
                    missing = (self.metric(package, "troops_shortfall_share").mean
                               if "troops_shortfall_share" in self.metrics(package) else None)
                    scaled = ("" if missing is None else
                              f"; deployments are scaled to what the pools supply, "
                              f"{missing:.0%} of the troops asked for missing on average")
                    notes.append(f"{package}: the troops asked for fit the contributors' "
                                 f"rotation pools in only {share:.0%} of worlds{scaled}")
            notes.extend(f"{package}: rejected by the {why}"
                         for why in self.rejections.get(package, ()))
        return notes

    def to_xarray(self) -> xarray.Dataset:
        """Every per-world outcome as an :class:`xarray.Dataset` with dimensions
        ``package`` × ``world`` (one variable per metric, its unit in ``attrs``; a metric a
        package lacks is NaN there); the run's identity in the dataset's ``attrs``. Needs
        the ``analysis`` extra (xarray)."""
        try:
            import xarray
        except ImportError:
            raise InputError("to_xarray needs xarray: pip install 'guaranty[analysis]'") from None
        names = list(dict.fromkeys(k for data in self.outcomes.values() for k in data
                                   if not k.startswith("_")))
        variables = {}
        for name in names:
            grid = np.full((len(self.outcomes), self.worlds), np.nan)
            for i, data in enumerate(self.outcomes.values()):
                if name in data:
                    grid[i] = data[name]
            variables[name] = xarray.Variable(("package", "world"), grid,
                                              attrs=_info(name))
        return xarray.Dataset(
            variables, coords={"package": self.packages, "world": np.arange(self.worlds)},
            attrs={k: v for k, v in self._identity().items() if v is not None})

    def _identity(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "scenario_sha256": self.scenario_sha256,
                "seed": self.seed, "worlds": self.worlds, "months": self.months,
                "lens": self.lens, "version": self.version}

    def save(self, path: str | Path) -> Path:
        """Write these results to ``path`` (a NumPy ``.npz`` file, no pickles): every
        per-world array exactly, and the run's identity (scenario name and SHA-256, seed,
        worlds, months, lens, version), the anchoring, the rejections, the outside view and
        each package's parameter registry, so that :meth:`load` gives back equal results and
        :meth:`inputs` still regenerates each world's parameters."""
        path = Path(path)
        meta = {
            "format": SAVE_FORMAT, **self._identity(),
            "anchor": self.anchor.to_dict() if self.anchor else None,
            "packages": self.packages,
            "metrics": {p: list(d) for p, d in self.outcomes.items()},
            "parameters_read": sorted(self.parameters_read),
            "rejections": {p: list(v) for p, v in self.rejections.items()},
            "outside": {p: self.outside[p].to_dict() for p in self.packages
                        if p in self.outside},
            "registries": {p: [param.model_dump(mode="python") for param in r.values()]
                           for p, r in self.registries.items()},
        }
        arrays: dict[str, Any] = {f"{i}/{name}": np.asarray(values)
                  for i, data in enumerate(self.outcomes.values())
                  for name, values in data.items()}
        with path.open("wb") as f:
            np.savez_compressed(f, __meta__=np.array(json.dumps(meta, default=_json_plain)),
                                **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Results:
        """Results written by :meth:`save`; a file that is not one is an :class:`InputError`
        naming it."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["__meta__"]))
                if meta.get("format") != SAVE_FORMAT:
                    raise ValueError(f"format {meta.get('format')!r}, expected {SAVE_FORMAT}")
                outcomes = {p: {name: z[f"{i}/{name}"] for name in meta["metrics"][p]}
                            for i, p in enumerate(meta["packages"])}
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"{path}: not a results file written by Results.save "
                             f"({type(exc).__name__}: {exc})") from None
        return cls(
            scenario=meta["scenario"], seed=meta["seed"], worlds=meta["worlds"],
            months=meta["months"], lens=meta["lens"], outcomes=outcomes,
            parameters_read=frozenset(meta["parameters_read"]),
            registries={p: Registry({d["name"]: Parameter.model_validate(d) for d in params})
                        for p, params in meta["registries"].items()},
            anchor=Anchor.from_dict(meta["anchor"]) if meta["anchor"] else None,
            rejections={p: tuple(v) for p, v in meta["rejections"].items()},
            outside={p: _outside_from_dict(d) for p, d in meta["outside"].items()},
            version=meta["version"], scenario_sha256=meta["scenario_sha256"],
        )

    def _repr_html_(self) -> str:
        """A small table for notebooks: per package, the main metrics' means (escaped)."""
        shown = [m for m in ("p_war_120m", "p_hold_given_war", "cost_usd_bn_per_year",
                             "troops_feasible", "outside_p_war_120m")
                 if any(m in self.metrics(p) for p in self.packages)]
        head = "".join(f"<th>{html.escape(m)}</th>" for m in shown)
        rows = []
        for p in self.packages:
            have = self.metrics(p)
            cells = "".join(
                f"<td>{html.escape(metric_info(m).format(self.metric(p, m).mean))}</td>"
                if m in have else "<td>—</td>" for m in shown)
            rows.append(f"<tr><th>{html.escape(p)}</th>{cells}</tr>")
        ident = (f"{html.escape(self.scenario)} · {self.worlds:,} worlds · seed {self.seed}"
                 + (f" · lens {html.escape(self.lens)}" if self.lens else "")
                 + f" · guaranty {html.escape(self.version)}")
        return (f"<table><caption>{ident}</caption><thead><tr><th>package</th>{head}</tr>"
                f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _info(name: str) -> dict[str, Any]:
    m = metric_info(name)
    return {"unit": m.unit, "label": m.label, "kind": m.kind, "better": m.better}


def _outside_from_dict(d: Mapping[str, Any]) -> OutsideEstimate:
    return OutsideEstimate(
        p_war={int(k): (float(v[0]), float(v[1]), float(v[2])) for k, v in d["p_war"].items()},
        hazard_ratio=d["hazard_ratio_vs_bare_ceasefire"], reference=d["reference"],
        reference_n=d["reference_n"], unmapped=tuple(d["unmapped"]), level=d["level"])


def _json_plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")

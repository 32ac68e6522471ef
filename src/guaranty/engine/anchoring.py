r"""Anchoring: the aggressor's base hazard calibrated once, on the whole survival curve.

The factor :math:`c` on the aggressor's base hazard (``decision.base_hazard_scale``) belongs
to the *behavioural model* (the decision block and its parameters), not to a scenario file.
It is fitted once, by :func:`calibrate` (``guaranty calibrate anchor``), on the built-in
reference scenario (:data:`REFERENCE_SCENARIO`, its package :data:`REFERENCE_PACKAGE`, a bare
cease-fire), and stored in ``data/parameters.yaml`` (a lognormal) with the fit's record in
``data/anchor_fit.json``. Every run then samples :math:`c` per world from that distribution,
so a scenario's forces and guarantees move its risk (halving the aggressor lowers the risk of
every package, the anchor package included), and the fit's own uncertainty is in each
reported interval and standard error.

**The fit.** Nothing upstream of the hazard depends on :math:`c`, and the monthly hazard is
:math:`h_t = 1 - e^{-c\,r_t}`, so world :math:`w`'s survival to month :math:`t` is
:math:`S_w(t; c) = e^{-c R_w(t)}` with :math:`R_w(t) = -\ln S_w(t; 1)` from one run of the
chain at :math:`c = 1` (:data:`FIT_WORLDS` worlds of seed :data:`FIT_SEED`). With
:math:`\ln c_w = \mu + \sigma z_w` (:math:`z_w` the world's normal score of the parameter's
own random stream, exactly as a run draws it), the model's survival curve of the reference
package is :math:`S(t) = \overline{e^{-c_w R_w(t)}}`. The outside view is the interstate
episodes behind the base rate (UCDP Conflict Termination, 69 episodes; the same data as
:func:`guaranty.history.interstate.base_rate`), each a failure in month :math:`d` (renewed
war, :math:`d = \lceil \text{months} \rceil`) or censored; episodes still at peace after
:data:`ANCHOR_MONTHS` months are censored there. :math:`\mu` maximises the likelihood of the
episodes under the curve transported by the package's hazard ratio (proportional hazards,
:math:`S_{ref} = S^{1/HR}`):

.. math:: \ell(\mu) = \sum_{\text{failures}} \ln\big(S_{ref}(d-1) - S_{ref}(d)\big)
                    + \sum_{\text{censored}} \ln S_{ref}(d)

so the whole curve (1, 2, 5 and 10 years and every month between) is fitted, not one point.

**The shape, fitted with it.** The base hazard's Weibull shape :math:`\rho`
(``decision.hazard_shape``; :func:`guaranty.models.decision.duration_factor` :math:`g_\rho(t)`
multiplies month :math:`t`'s rate) also changes nothing upstream of the hazard, so
:math:`R_w(t;\rho) = \sum_{u<t} g_\rho(u)\,\Delta R_w(u)` from the same run at
:math:`\rho = 1` (:func:`shaped`). :math:`\hat\rho` maximises the profile likelihood
(:math:`\mu` refitted at each :math:`\rho`, :func:`_fit_shape`), with the 95 % interval where
the profile falls by :data:`LR_95`, carried as a lognormal; the engine's own hazard falls with
time faster than history's, so the fitted shape is above 1 (docs/anchoring.md).

**Its uncertainty.** :math:`\sigma` is the bootstrap standard deviation of :math:`\hat\mu`
(:data:`BOOTSTRAP` replicates, each resampling the episodes — the outside view's sampling
error — and the fit worlds — the Monte Carlo error of the fit), fitted at :math:`\sigma = 0`;
:math:`\mu` is then refitted with that :math:`\sigma`, so the mixture over worlds, not its
median, matches history.

:func:`calibrate` fits any scenario and package the same way, for a caller who wants a
scenario-specific anchor (``simulate(..., anchor=calibrate(scenario, package=...))``);
:func:`stored_anchor` is the stored one every run uses by default. :class:`AnchorCache` is
kept for callers that pass one: it hands out the stored anchor.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, get_args

import numpy as np
from numpy.typing import NDArray
from scipy import special

from guaranty import rng
from guaranty.engine.chain import init, step
from guaranty.engine.finite import check_outputs
from guaranty.engine.inputs import (
    BASE_HAZARD_SCALE,
    HAZARD_SHAPE,
    base_hazard_override,
    prepare,
    with_base_hazard_scale,
)
from guaranty.errors import InputError, RegistryError, expect
from guaranty.history.spells import termination_spells
from guaranty.models.decision import duration_factor
from guaranty.outside import Reference, outside_estimate
from guaranty.params import default_registry
from guaranty.results import Anchor
from guaranty.rng import check_seed
from guaranty.scenario.compile import Plan, compile_plan, resolve_package
from guaranty.scenario.schema import Scenario

REFERENCE_SCENARIO = "ukraine-2025"
"""The built-in scenario the behavioural model is calibrated on."""
REFERENCE_PACKAGE = "ceasefire-only"
"""Its package that history measures: a bare cease-fire (hazard ratio 1)."""
FIT_SEED = 2_025
FIT_WORLDS = 4_000
ANCHOR_MONTHS = 120
CURVE_MONTHS = (12, 24, 60, 120)
BOOTSTRAP = 200
CALIBRATION_WORLDS = FIT_WORLDS  # the former name, kept for callers
SHAPE_BOUNDS = (0.1, 4.0)  # the shape's search range (1: a constant base hazard)
LR_95 = 1.920729410347062  # half the chi-square(1) 95th percentile: the profile interval
FIT_FILE = "data/anchor_fit.json"

FloatArray = NDArray[np.float64]


def _checked(scenario: object, seed: object, lens: object, package: object) -> Scenario:
    """The arguments of a calibration checked (API misuse is an :class:`InputError`)."""
    try:
        check_seed(seed)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    for what, value in (("lens", lens), ("package", package)):
        if value is not None:
            expect(value, str, what, f"a {what} name (text) or None")
    return Scenario.expect(scenario)


def anchor_key(scenario: Scenario, *, seed: int, lens: str | None = None,
               package: str | None = None) -> str:
    """A digest of everything a :func:`calibrate` of ``scenario`` depends on."""
    scenario = _checked(scenario, seed, lens, package)
    name = package or scenario.anchor or REFERENCE_PACKAGE
    body = scenario.model_dump_json(exclude={"packages", "negotiation", "anchor"})
    resolved = resolve_package(scenario, name).model_dump_json()
    text = "\n".join((body, name, resolved, str(seed), str(lens)))
    return hashlib.sha256(text.encode()).hexdigest()


# --- the data and the model's curve -----------------------------------------------------------

def episodes(months: int = ANCHOR_MONTHS) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The interstate episodes as (month index, failed): a failure in month ``d`` (renewed
    war between months d-1 and d), or censored at month ``d``; censored at ``months``."""
    frame = termination_spells()
    frame = frame[frame["kind"] == "interstate"]
    raw = frame["months"].to_numpy(dtype=np.float64)
    failed = frame["failed"].to_numpy().astype(bool)
    d = np.where(failed, np.ceil(raw), np.floor(raw)).astype(np.int64)
    late = d > months
    failed = failed & ~late
    d = np.clip(d, 1, months)
    return d, failed


def cumulative_hazards(plan: Plan, seed: int, worlds: int, months: int = ANCHOR_MONTHS
                       ) -> FloatArray:
    """:math:`R_w(t) = -\\ln S_w(t)` at factor 1 and a constant base hazard (shape 1), shape
    (worlds, months + 1), column 0 = 0."""
    params = with_base_hazard_scale(plan.registry.sample(seed, 0, worlds), 1.0, worlds)
    params[HAZARD_SHAPE] = np.ones_like(params[HAZARD_SHAPE])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        inputs = prepare(plan, params, months)
        state = init(inputs)
        out = np.zeros((worlds, months + 1))
        for t in range(months):
            state, _ = step(inputs, state, t, hazard_only=True)
            out[:, t + 1] = -np.log(np.maximum(state.ledger.survival, 1e-300))
    if not np.isfinite(out).all():  # the solver would see NaN: name the world instead
        check_outputs({f"p_war_{months}m": -np.expm1(-out[:, -1])}, params,
                      package=plan.package, registry=plan.registry, seed=seed, start=0)
    return out


def shaped(cumulative: FloatArray, shape: float) -> FloatArray:
    """:math:`R_w(t)` under a base hazard of Weibull ``shape``: month :math:`u`'s increment of
    the shape-1 cumulative hazard times :func:`guaranty.models.decision.duration_factor`
    (the factor multiplies the month's rate, and nothing upstream of the hazard depends on
    it)."""
    if shape == 1.0:
        return cumulative
    months = cumulative.shape[1] - 1
    g = np.array([float(duration_factor(t, np.array([shape]))[0]) for t in range(months)])
    out = np.zeros_like(cumulative)
    out[:, 1:] = np.cumsum(np.diff(cumulative, axis=1) * g, axis=1)
    return out


def normal_scores(seed: int, worlds: int) -> FloatArray:
    """Each world's normal score of the factor's own stream (as :meth:`Registry.sample`)."""
    scores: FloatArray = special.ndtri(rng.uniforms(seed, f"param:{BASE_HAZARD_SCALE}",
                                                    0, worlds))
    return scores


def survival_curve(cumulative: FloatArray, scores: FloatArray, mu: float, sigma: float
                   ) -> FloatArray:
    """The model's survival curve :math:`\\overline{e^{-c_w R_w(t)}}`, t = 0..months."""
    scale = np.exp(mu + sigma * scores)
    curve: FloatArray = np.mean(np.exp(-scale[:, None] * cumulative), axis=0)
    return curve


def log_likelihood(curve: FloatArray, d: NDArray[np.int64], failed: NDArray[np.bool_],
                   hazard_ratio: float = 1.0) -> float:
    """The episodes' log-likelihood under a survival curve (transported by 1/HR)."""
    s = np.clip(curve, 1e-300, 1.0) ** (1.0 / hazard_ratio)
    mass = np.where(failed, s[d - 1] - s[d], s[d])
    return float(np.sum(np.log(np.maximum(mass, 1e-300))))


def _fit_mu(cumulative: FloatArray, scores: FloatArray, sigma: float, d: NDArray[np.int64],
            failed: NDArray[np.bool_], hazard_ratio: float) -> tuple[float, float]:
    """The maximum-likelihood :math:`\\mu` for a given :math:`\\sigma`, and its log-likelihood."""
    from scipy.optimize import minimize_scalar

    def loss(mu: float) -> float:
        return -log_likelihood(survival_curve(cumulative, scores, mu, sigma), d, failed,
                               hazard_ratio)

    fit = minimize_scalar(loss, bounds=(-8.0, 10.0), method="bounded",
                          options={"xatol": 1e-6})
    return float(fit.x), -float(fit.fun)


def _fit_shape(cumulative: FloatArray, scores: FloatArray, d: NDArray[np.int64],
               failed: NDArray[np.bool_], hazard_ratio: float
               ) -> tuple[float, float, float]:
    r"""The maximum-likelihood shape :math:`\hat\rho` (profiled over :math:`\mu` at
    :math:`\sigma = 0`) and its 95 % profile-likelihood interval (where the profile falls by
    :data:`LR_95`; a bound of :data:`SHAPE_BOUNDS` where it never does)."""
    from scipy.optimize import brentq, minimize_scalar

    def profile(log_rho: float) -> float:
        return _fit_mu(shaped(cumulative, math.exp(log_rho)), scores, 0.0, d, failed,
                       hazard_ratio)[1]

    lo_b, hi_b = (math.log(b) for b in SHAPE_BOUNDS)
    best = minimize_scalar(lambda x: -profile(x), bounds=(lo_b, hi_b), method="bounded",
                           options={"xatol": 1e-4})
    top = -float(best.fun)

    def drop(x: float) -> float:
        return profile(x) - (top - LR_95)

    ends = []
    for bound in (lo_b, hi_b):
        ends.append(bound if drop(bound) > 0 else brentq(drop, *sorted((best.x, bound)),
                                                          xtol=1e-4))
    return math.exp(best.x), math.exp(ends[0]), math.exp(ends[1])


# --- the calibration -------------------------------------------------------------------------

def reference_scenario() -> Scenario:
    """The built-in scenario the stored calibration is fitted on."""
    from guaranty.scenario import load_scenario

    return load_scenario(REFERENCE_SCENARIO)


def calibrate(
    scenario: Scenario,
    *,
    seed: int = FIT_SEED,
    lens: str | None = None,
    reference: Reference = "interstate",
    package: str | None = None,
    worlds: int = FIT_WORLDS,
    bootstrap: int = BOOTSTRAP,
) -> Anchor:
    """Fit the base-hazard factor on the whole survival curve of history (module docstring).

    ``package`` defaults to the scenario's ``anchor`` (else :data:`REFERENCE_PACKAGE`). The
    stored calibration is ``calibrate(reference_scenario())`` with the other defaults
    (:data:`FIT_WORLDS` worlds of :data:`FIT_SEED`, :data:`BOOTSTRAP` replicates).
    """
    scenario = _checked(scenario, seed, lens, package)
    if reference not in get_args(Reference):
        raise InputError(f"reference must be one of {', '.join(get_args(Reference))}, got "
                         f"{reference!r}")
    for what, value, least in (("worlds", worlds, 50), ("bootstrap", bootstrap, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise InputError(f"{what} must be an integer >= {least}, got {value!r}")
    name = package or scenario.anchor or REFERENCE_PACKAGE
    scenario.check_names([name], lens)
    plan = compile_plan(scenario, name, lens)
    view = outside_estimate(plan.provisions, reference=reference,
                            months=CURVE_MONTHS, level=0.90)
    d, failed = episodes()
    raw, scores = cumulative_hazards(plan, seed, worlds), normal_scores(seed, worlds)
    shape, shape_lo, shape_hi = _fit_shape(raw, scores, d, failed, view.hazard_ratio)
    data = (shaped(raw, shape), scores)
    mu0, sigma = _bootstrap(data, d, failed, view.hazard_ratio, seed, bootstrap)
    mu, loglik = _fit_mu(*data, sigma, d, failed, view.hazard_ratio)
    curve = survival_curve(*data, mu, sigma)
    rows = {str(m): {"target": view.p_war[m][0], "lo": view.p_war[m][1],
                     "hi": view.p_war[m][2], "model": float(1.0 - curve[m])}
            for m in CURVE_MONTHS}
    source = (f"fitted by `guaranty calibrate anchor`: maximum likelihood of the "
              f"{len(d)} episodes behind the base rate "
              f"({view.reference.removesuffix(' (Kaplan-Meier)')}; renewed war by month, "
              f"censored after {ANCHOR_MONTHS}) on the survival curve of {scenario.name} "
              f"{name} ({worlds:,} worlds, seed {seed}), jointly with the base hazard's "
              f"Weibull shape (decision.hazard_shape, profile likelihood); sigma from "
              f"{bootstrap} bootstrap replicates of episodes and worlds")
    last = rows[str(ANCHOR_MONTHS)]
    return Anchor(
        package=name, target=last["target"], achieved=last["model"], scale=math.exp(mu),
        months=ANCHOR_MONTHS, source=source, sd_log=sigma, scenario=scenario.name,
        curve=rows, log_likelihood=loglik, scale_fit_without_spread=math.exp(mu0),
        hazard_shape=shape,
        hazard_shape_sd_log=(math.log(shape_hi) - math.log(shape_lo)) / (2 * 1.959963984540054),
        hazard_shape_interval=(shape_lo, shape_hi))


def _bootstrap(data: tuple[FloatArray, FloatArray], d: NDArray[np.int64],
               failed: NDArray[np.bool_], hazard_ratio: float, seed: int, replicates: int
               ) -> tuple[float, float]:
    r"""The point fit of :math:`\mu` (at :math:`\sigma = 0`) and the bootstrap standard
    deviation of it, resampling episodes and fit worlds together."""
    cumulative, scores = data
    mu0, _ = _fit_mu(cumulative, scores, 0.0, d, failed, hazard_ratio)
    gen = rng.generator(seed, "anchor:bootstrap")
    draws = []
    for _ in range(replicates):
        pick_w = gen.integers(0, len(scores), len(scores))
        pick_e = gen.integers(0, len(d), len(d))
        mu_b, _ = _fit_mu(cumulative[pick_w], scores[pick_w], 0.0, d[pick_e], failed[pick_e],
                          hazard_ratio)
        draws.append(mu_b)
    return mu0, float(np.std(draws, ddof=1)) if replicates > 1 else 0.0


# --- the stored calibration ------------------------------------------------------------------

@lru_cache(maxsize=1)
def stored_anchor() -> Anchor:
    """The stored calibration (``data/anchor_fit.json``), checked against the registry."""
    text = resources.files("guaranty").joinpath(FIT_FILE).read_text("utf-8")
    anchor = anchor_from_dict(json.loads(text))
    entry = default_registry()[BASE_HAZARD_SCALE].distribution
    median, sigma = getattr(entry, "median", None), getattr(entry, "sigma", None)
    if (median is None or sigma is None or not math.isclose(median, anchor.scale, rel_tol=1e-6)
            or not math.isclose(sigma, anchor.sd_log, rel_tol=1e-6, abs_tol=1e-9)):
        raise RegistryError(
            f"{BASE_HAZARD_SCALE} in parameters.yaml ({entry.describe()}) differs from the "
            f"stored fit {FIT_FILE} (median {anchor.scale:g}, sigma {anchor.sd_log:g}); "
            "refit with `guaranty calibrate anchor --write`")
    shape = default_registry()[HAZARD_SHAPE].distribution
    if anchor.hazard_shape is not None and (
            not math.isclose(getattr(shape, "median", math.nan), anchor.hazard_shape,
                             rel_tol=1e-6)
            or not math.isclose(getattr(shape, "sigma", math.nan),
                                anchor.hazard_shape_sd_log, rel_tol=1e-6, abs_tol=1e-9)):
        raise RegistryError(
            f"{HAZARD_SHAPE} in parameters.yaml ({shape.describe()}) differs from the stored "
            f"fit {FIT_FILE} (median {anchor.hazard_shape:g}, sigma "
            f"{anchor.hazard_shape_sd_log:g}); refit with `guaranty calibrate anchor --write`")
    return anchor


def anchor_from_dict(doc: Mapping[str, Any]) -> Anchor:
    """An :class:`Anchor` from its :meth:`Anchor.to_dict` form (:meth:`Anchor.from_dict`)."""
    return Anchor.from_dict(doc)


def write_stored(anchor: Anchor) -> list[str]:
    """Write ``anchor`` as the stored calibration (fit file and registry entry) in the source
    tree; the paths written."""
    anchor = replace(anchor, scale=float(f"{anchor.scale:.6g}"),
                     sd_log=float(f"{anchor.sd_log:.6g}"))  # as parameters.yaml holds them
    if anchor.hazard_shape is not None:
        anchor = replace(anchor, hazard_shape=float(f"{anchor.hazard_shape:.6g}"),
                         hazard_shape_sd_log=float(f"{anchor.hazard_shape_sd_log:.6g}"))
    root = resources.files("guaranty")
    fit_path = str(root.joinpath(FIT_FILE))
    with open(fit_path, "w", encoding="utf-8") as fh:
        json.dump(anchor.to_dict(), fh, indent=2)
        fh.write("\n")
    yaml_path = str(root.joinpath("data/parameters.yaml"))
    with open(yaml_path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    lines = _replace_block(lines, BASE_HAZARD_SCALE, [
        f"- name: {BASE_HAZARD_SCALE}",
        "  dist: lognormal",
        f"  median: {anchor.scale:.6g}",
        f"  sigma: {anchor.sd_log:.6g}",
        "  unit: ratio",
        "  sample_size: 69",
        '  description: "Multiplier on the base hazard, calibrated once for the behavioural '
        'model to the outside view\'s whole survival curve (guaranty.engine.anchoring); 1 in '
        'an unanchored run."',
        "  source: >-",
        f"    {anchor.source}. Refit after any change to the decision block.",
    ])
    if anchor.hazard_shape is not None:
        lines = _replace_block(lines, HAZARD_SHAPE, [
            f"- name: {HAZARD_SHAPE}",
            "  dist: lognormal",
            f"  median: {anchor.hazard_shape:.6g}",
            f"  sigma: {anchor.hazard_shape_sd_log:.6g}",
            "  unit: ratio",
            "  sample_size: 69",
            '  description: "Weibull shape of the aggressor\'s base hazard in time since the '
            'ceasefire (1 constant; below 1 a hazard that falls as the peace lasts), fitted '
            'jointly with decision.base_hazard_scale."',
            "  source: >-",
            f"    {anchor.source}: shape {anchor.hazard_shape:.3g}, 95 % profile-likelihood "
            f"interval {_interval(anchor)}, carried as a lognormal. The case library's fit of "
            "the decision equations alone gives 0.56 (0.41-0.78; `guaranty calibrate "
            "decision`, data/fits/decision.json) but counts twice the fall the engine already "
            "has (the value of attacking falls as the defender rebuilds; "
            "docs/models/decision.md). Refit after any change to the decision block.",
        ])
    with open(yaml_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    default_registry.cache_clear()
    stored_anchor.cache_clear()
    return [fit_path, yaml_path]


def _interval(anchor: Anchor) -> str:
    lo, hi = anchor.hazard_shape_interval or (math.nan, math.nan)
    return f"{lo:.3g}-{hi:.3g}"


def _replace_block(lines: list[str], name: str, block: list[str]) -> list[str]:
    """``lines`` of parameters.yaml with the entry ``name`` replaced by ``block``."""
    start = lines.index(f"- name: {name}")
    stop = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("- name:")
                or lines[i].startswith("# ---"))
    while lines[stop - 1] == "":
        stop -= 1
    return [*lines[:start], *block, *lines[stop:]]


class AnchorCache:
    """Kept for callers that pass one: anchoring is no longer per scenario, so every
    :meth:`get` hands out :func:`stored_anchor` and ``calibrations`` stays 0."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self.calibrations = 0

    def get(self, scenario: Scenario, *, seed: int, lens: str | None = None) -> Anchor:
        """The stored anchor (the arguments are checked, not used)."""
        _checked(scenario, seed, lens, None)
        return stored_anchor()


def anchored(plan: Plan, anchor: Anchor | None) -> Plan:
    """The plan with its base-hazard factor set by ``anchor``: a lognormal (median
    ``scale``, sigma ``sd_log``), or fixed at 1 without one (unanchored)."""
    if anchor is None:
        registry = base_hazard_override(
            plan.registry, {"dist": "fixed", "value": 1.0},
            "unanchored: the base hazard as the registry gives it (--no-anchor)")
    else:
        dist: dict[str, Any] = (
            {"dist": "lognormal", "median": anchor.scale, "sigma": anchor.sd_log}
            if anchor.sd_log > 0 else {"dist": "fixed", "value": anchor.scale})
        registry = base_hazard_override(plan.registry, dist, f"anchored: {anchor.source}")
        if (anchor.hazard_shape is not None and HAZARD_SHAPE in registry
                and registry[HAZARD_SHAPE] == default_registry()[HAZARD_SHAPE]):
            # The factor was fitted jointly with the shape: a scenario-specific anchor brings
            # its own (a shape the scenario or lens sets is kept).
            shape: dict[str, Any] = (
                {"dist": "lognormal", "median": anchor.hazard_shape,
                 "sigma": anchor.hazard_shape_sd_log} if anchor.hazard_shape_sd_log > 0
                else {"dist": "fixed", "value": anchor.hazard_shape})
            registry = registry.overridden(HAZARD_SHAPE, shape,
                                           source=f"anchored: {anchor.source}")
    return replace(plan, registry=registry)


def unanchored_p_war(p_war: FloatArray, scale: FloatArray) -> FloatArray:
    """Each world's P(war) had its factor been 1: :math:`1 - (1 - p)^{1/c}` (exact, as the
    factor scales the cumulative hazard)."""
    out: FloatArray = -np.expm1(np.log1p(-np.minimum(p_war.astype(np.float64), 1.0))
                                / scale)
    return out


__all__ = ["ANCHOR_MONTHS", "AnchorCache", "anchor_key", "anchored", "calibrate",
           "stored_anchor", "unanchored_p_war"]

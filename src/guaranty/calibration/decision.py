r"""The aggressor's decision block fitted on the interstate case library, by maximum likelihood.

The engine's monthly hazard of attack (:mod:`guaranty.models.decision`) is

.. math:: r = \lambda_0 \exp\{k\,(V - V_w)\},\qquad
          V = \hat p\,G - (1 - \hat p)\,C_f - \lambda_L \hat L - C_s - \mathbb E[C_g]

with :math:`G = 1` the numeraire. Written out, the log rate is

.. math:: \ln r = \underbrace{\ln\lambda_0 - k\,(C_f + C_s + V_w)}_{\alpha}
          + \underbrace{k\,(G + C_f)}_{b_{win}}\,\hat p
          - \underbrace{k\,\lambda_L}_{b_{loss}}\,\hat L
          - \underbrace{k\,c_g}_{b_{g}}\,\pi

so **the data can identify only** :math:`\alpha`, :math:`b_{win}`, :math:`b_{loss}`,
:math:`b_g` and the misperception bias :math:`\beta_m` (through the curvature of
:math:`\hat p` and :math:`\hat L` in the ratio). :math:`\lambda_0`, :math:`C_s` and
:math:`V_w` enter only through :math:`\alpha`, and :math:`k` and :math:`C_f` only through
their products: no case library separates them, and they stay assumptions. This module fits
the identified combination (``REDUCED``) and reports the structural parameters it implies
given the registry's ranges for the rest (:func:`implied`).

For a case, either side may renew the war: side :math:`i` attacking :math:`j` sees
:math:`\ln\hat R_i = \pm\ln R_{12} + \beta_m` (the capability composite of
:mod:`guaranty.history.cases`), :math:`\hat p_i = \Phi((2\ln\hat R_i + m)/s)` (the engine's
attacker-success curve, CDB90 probit: ``campaign.effectiveness_mean``/``_sd``),
:math:`\hat L_i` the square-law share of its force lost winning,
:math:`1 - \sqrt{1 - 1/\hat R^2}` for :math:`\hat R > 1` and 1 otherwise (Lanchester 1916),
and :math:`\pi_j = \rho\,\mathbb 1[j` has a defence pact with a major power:math:`]` with
:math:`\rho` the registry's post-1945 reliability of defence pacts (``guarantors.
base_reliability``). The pair's monthly hazard is :math:`\Lambda = r_1 + r_2`, constant in time
as in the engine (after reconstitution). Likelihoods (``sides="summed"``, the first fit):

* war ends (``episodes``): :math:`\ell = \delta\ln(1 - e^{-\Lambda}) - \Lambda\,(t - \delta)`,
  :math:`\Lambda = r_1 + r_2`, :math:`t` months to renewal (:math:`\delta = 1`) or censoring;
* rival dyad-years (``rivalries``): Bernoulli with :math:`P = 1 - e^{-12\Lambda}`, with its
  own intercept :math:`\alpha_r` (rivals at peace are a different population from pairs just
  out of a war); the slopes are shared.

**Directed fit** (``sides="directed"``; the default and the stored fit stay ``"summed"``,
since the directed fit identifies neither slope, ``docs/cases.md``). Summed over sides, a
negative :math:`b_{win}` cannot be told from danger at parity (Bremer 1992): both raise
:math:`\Lambda` near :math:`\ln R = 0`. The directed fit adds a parity term to each side's log rate,

.. math:: \ln r_i = \alpha + b_{win}\hat p_i - b_{loss}\hat L_i - b_g\pi_j
          + b_{parity}\,|\ln R_{12}|

(:math:`b_{parity} < 0`: pairs near parity fight more), and uses who started the war where the
library knows it (``initiator``, :mod:`guaranty.history.cases`): the two sides are competing
risks with proportional hazards, so the probability that side :math:`i` starts the war in the
interval is :math:`(r_i/\Lambda)(1 - e^{-\Delta\Lambda})` and the row's log-likelihood gains
:math:`\delta\ln(r_i/\Lambda)`; where the initiator is unknown the row is the summed one.
:math:`r_i/\Lambda` does not depend on :math:`b_{parity}` or :math:`\alpha`, so the initiators
identify the direction (:math:`b_{win}`, :math:`b_{loss}`, :math:`\beta_m`, :math:`b_g`) and the
timing the level and the parity term.

References
----------
Venzon, D. J. & Moolgavkar, S. H. (1988). A method for computing profile-likelihood-based
confidence intervals. *Applied Statistics* 37(1), 87-94.
Bremer, S. A. (1992). Dangerous dyads. *Journal of Conflict Resolution* 36(2), 309-341.
Lanchester, F. W. (1916). *Aircraft in Warfare*. Constable.
Fortna, V. P. (2004). *Peace Time*. Princeton University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from guaranty.errors import InputError
from guaranty.history.cases import load_episodes, load_rival_years

__all__ = [
    "DIRECTED",
    "REDUCED",
    "SIDES",
    "DecisionFit",
    "Profile",
    "cumulative",
    "delay_profile",
    "direction",
    "fit_decision",
    "hazard_shape",
    "implied",
    "log_likelihood",
    "pair_rate",
    "parameter_names",
    "profile",
    "profile_interval",
    "side_rates",
]

Array = NDArray[np.float64]
_HALF_CHI2 = 1.920729  # chi-square(1) 95 % quantile / 2

#: The identified parameters: intercept (war ends), win and loss slopes, guarantor slope,
#: misperception bias, intercept (rival years).
REDUCED = ("alpha", "b_win", "b_loss", "b_guarantor", "bias", "alpha_rivalry", "log_shape")
#: The directed fit's parameters: :data:`REDUCED` and the parity slope on |ln R|.
DIRECTED = (*REDUCED, "b_parity")
SAMPLES = ("episodes", "rivalries", "both")
#: How the two sides enter: ``directed`` (initiators where known, a parity term) or ``summed``
#: (either side may have started every war; the first fit, kept to compare).
SIDES = ("directed", "summed")
_START = np.array([-6.0, 1.0, 0.5, 1.0, 0.3, -7.0, 0.0, 0.0])
_BOUNDS = [(-20.0, 8.0), (-30.0, 30.0), (-30.0, 60.0), (-30.0, 30.0), (-3.0, 3.0),
           (-20.0, 8.0), (-2.0, 1.0), (-10.0, 10.0)]


def parameter_names(sides: str) -> tuple[str, ...]:
    """The parameters of a fit with ``sides`` (:data:`DIRECTED` or :data:`REDUCED`).

    Raises
    ------
    InputError
        When ``sides`` is not one of :data:`SIDES`.
    """
    if sides not in SIDES:
        raise InputError(f"sides must be one of {', '.join(SIDES)}, got {sides!r}")
    return DIRECTED if sides == "directed" else REDUCED


@cache
def _constants() -> tuple[float, float, float]:
    """(m, s) of the attacker-success curve and the defence-pact reliability, from the
    registry."""
    from guaranty.params import default_registry

    reg = default_registry()
    m = float(reg["campaign.effectiveness_mean"].distribution.mean)
    s = float(reg["campaign.effectiveness_sd"].distribution.mean)
    rho = float(reg["guarantors.base_reliability"].distribution.mean)
    return m, s, rho


@dataclass(frozen=True)
class Design:
    """What the likelihood reads for each row: the log ratio of side 1 over side 2, each
    side's guarantor probability, the outcome and who started it (0 where unknown)."""

    ln_ratio: Array
    pi: Array  # (n, 2): the probability that a major-power ally of side 1 / side 2 fights
    months: Array  # episodes: months observed; rival years: 12
    event: Array
    yearly: bool
    initiator: Array = field(default_factory=lambda: np.zeros(0))  # 1, 2, or 0 (unknown)


def _design(frame: pd.DataFrame, *, yearly: bool) -> Design:
    _, _, rho = _constants()
    pi = rho * np.column_stack([frame["pact_major1"].to_numpy(float),
                                frame["pact_major2"].to_numpy(float)])
    event = frame["onset" if yearly else "renewed"].to_numpy(float)
    months = np.full(len(frame), 12.0) if yearly else frame["months"].to_numpy(float)
    who = (frame["initiator"].to_numpy(float) if "initiator" in frame
           else np.zeros(len(frame)))
    who = np.where(np.isin(who, (1.0, 2.0)) & (event > 0), who, 0.0)
    return Design(frame["ln_ratio"].to_numpy(float), pi, months, event, yearly, who)


def _square_law_loss(ln_ratio: Array) -> Array:
    r = np.exp(ln_ratio)
    inside = np.clip(1.0 - 1.0 / np.maximum(r, 1.0) ** 2, 0.0, 1.0)
    out: Array = np.where(r > 1.0, 1.0 - np.sqrt(inside), 1.0)
    return out


def side_rates(theta: Sequence[float] | Array, ln_ratio: Array, pi: Array, *,
               rivalry: bool = False) -> Array:
    r"""Each side's monthly rate of starting the war, shape (n, 2): column 0 is side 1
    attacking side 2, column 1 side 2 attacking side 1. ``theta`` in :data:`REDUCED` order
    (no parity term) or :data:`DIRECTED` order."""
    from scipy.special import ndtr

    m, s, _ = _constants()
    t = np.asarray(theta, dtype=float)
    alpha = t[5] if rivalry else t[0]
    parity = t[7] * np.abs(ln_ratio) if len(t) > 7 else 0.0
    out = np.empty((len(ln_ratio), 2))
    for col, (sign, j) in enumerate(((1.0, 1), (-1.0, 0))):
        perceived = sign * ln_ratio + t[4]
        p = ndtr((2.0 * perceived + m) / s)
        log_rate = (alpha + t[1] * p - t[2] * _square_law_loss(perceived) - t[3] * pi[:, j]
                    + parity)
        out[:, col] = np.exp(np.minimum(log_rate, 20.0))
    return out


def pair_rate(theta: Sequence[float] | Array, ln_ratio: Array, pi: Array, *,
              rivalry: bool = False) -> Array:
    r"""The pair's monthly rate :math:`\Lambda = r_1 + r_2` of renewed war, shape (n,)."""
    out: Array = side_rates(theta, ln_ratio, pi, rivalry=rivalry).sum(axis=1)
    return out


def cumulative(lam: Array, months: Array | float, log_shape: float,
               delay: float = 0.0) -> Array:
    r"""Cumulative hazard :math:`\Lambda\,(\max(t, d)^{\rho} - d^{\rho})` by ``months``: a
    constant hazard when :math:`\ln\rho = 0`; one falling with time since the war when
    :math:`\rho < 1` (the engine's ``decision.hazard_shape``, :func:`guaranty.models.decision.
    duration_factor`); none before a delay :math:`d` months (the engine's
    ``decision.min_reconstitution_months``, 0 unless given)."""
    rho = float(np.exp(log_shape))
    d = max(float(delay), 0.0)
    t = np.maximum(np.asarray(months, dtype=float), d)
    out: Array = lam * (t ** rho - d ** rho)
    return out


def _loglik_rows(theta: Array, d: Design, *, rivalry: bool, delay: float = 0.0) -> Array:
    """Per-row log-likelihood; directed (the initiator's share of the hazard where known)
    when ``theta`` has the parity slope (:data:`DIRECTED`), summed otherwise."""
    rates = side_rates(theta, d.ln_ratio, d.pi, rivalry=rivalry)
    lam = rates.sum(axis=1)
    share = np.zeros(len(lam))
    if len(theta) > 7 and len(d.initiator):
        known = d.initiator > 0
        col = np.where(known, d.initiator - 1, 0).astype(int)
        first_side = rates[np.arange(len(lam)), col]
        share = np.where(known, np.log(np.maximum(first_side, 1e-300) / lam), 0.0)
    if d.yearly:
        p = -np.expm1(-12.0 * lam)
        out: Array = np.where(d.event > 0, np.log(np.maximum(p, 1e-300)) + share, -12.0 * lam)
        return out
    before = cumulative(lam, d.months - d.event, theta[6], delay)
    step = cumulative(lam, d.months, theta[6], delay) - before
    first = np.log(np.maximum(-np.expm1(-step), 1e-300)) + share
    return np.asarray(d.event * first - before, dtype=float)


def log_likelihood(theta: Sequence[float] | Array, episodes: pd.DataFrame | None = None,
                   rivalries: pd.DataFrame | None = None) -> float:
    """The log-likelihood of ``theta`` on the two samples; either may be None (left out). Rows
    with a missing balance are left out. ``theta`` in :data:`REDUCED` order is the summed fit's
    likelihood; in :data:`DIRECTED` order (eight values) the directed one."""
    t = np.asarray(theta, dtype=float)
    total = 0.0
    if episodes is not None:
        total += float(_loglik_rows(t, _design(_complete(episodes), yearly=False),
                                    rivalry=False).sum())
    if rivalries is not None:
        total += float(_loglik_rows(t, _design(_complete(rivalries), yearly=True),
                                    rivalry=True).sum())
    return total


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[np.isfinite(frame["ln_ratio"].to_numpy(float))]


@dataclass(frozen=True)
class DecisionFit:
    """The maximum-likelihood fit: estimates, standard errors, the Hessian's condition."""

    sample: str
    names: tuple[str, ...]
    estimate: Array
    se: Array
    cov: Array
    log_likelihood: float
    n_episodes: int
    renewals: int
    n_rival_years: int
    onsets: int
    condition: float  # condition number of the correlation matrix of the estimates
    free: tuple[bool, ...] = field(default=())
    sides: str = "summed"
    initiators: int = 0  # events whose initiator entered the likelihood (directed fits)

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON and the stored fit."""
        return {
            "sample": self.sample,
            "sides": self.sides,
            "initiators_known": self.initiators,
            "parameters": {n: {"estimate": float(e), "se": float(s),
                               "lo95": float(e - 1.96 * s), "hi95": float(e + 1.96 * s)}
                           for n, e, s, f in zip(self.names, self.estimate, self.se,
                                                 self.free, strict=True) if f},
            "log_likelihood": self.log_likelihood,
            "n_episodes": self.n_episodes,
            "renewals": self.renewals,
            "n_rival_years": self.n_rival_years,
            "onsets": self.onsets,
            "hessian_condition": self.condition,
        }


def _samples(sample: str, episodes: pd.DataFrame | None, rivalries: pd.DataFrame | None
             ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if sample not in SAMPLES:
        raise InputError(f"sample must be one of {', '.join(SAMPLES)}, got {sample!r}")
    ep = _complete(load_episodes() if episodes is None else episodes)
    rv = _complete(load_rival_years() if rivalries is None else rivalries)
    return (ep if sample != "rivalries" else None), (rv if sample != "episodes" else None)


def _hessian(f: Any, x: Array, free: Array, h: float = 1e-3) -> Array:
    idx = np.flatnonzero(free)
    k = len(idx)
    out = np.zeros((k, k))
    for a in range(k):
        for b in range(a, k):
            ea = np.zeros_like(x)
            eb = np.zeros_like(x)
            ea[idx[a]] = h
            eb[idx[b]] = h
            v = (f(x + ea + eb) - f(x + ea - eb) - f(x - ea + eb) + f(x - ea - eb)) / (4 * h * h)
            out[a, b] = out[b, a] = v
    return out


def _optimise(objective: Any, start: Array, free: Array) -> Array:
    """Minimise over the free coordinates: L-BFGS-B from ``start`` and from four fixed
    perturbations of it (the surface has shallow valleys: the win and loss terms are nearly
    collinear), then a Nelder-Mead polish of the best (the square-law loss has a kink at
    parity that defeats gradient methods). Deterministic: the perturbations are fixed."""
    from scipy.optimize import minimize

    idx = np.flatnonzero(free)
    lo = np.array([_BOUNDS[i][0] for i in idx])
    hi = np.array([_BOUNDS[i][1] for i in idx])

    def f(z: Array) -> float:
        x = start.copy()
        x[idx] = np.clip(z, lo, hi)
        return float(objective(x))

    shifts = np.random.default_rng(20261201).normal(0.0, 1.5, size=(4, len(idx)))
    best = None
    for shift in (np.zeros(len(idx)), *shifts):
        z0 = np.clip(start[idx] + shift, lo, hi)
        res = minimize(f, z0, method="L-BFGS-B", bounds=list(zip(lo, hi, strict=True)))
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    polish = minimize(f, best.x, method="Nelder-Mead",
                      options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 4000})
    z = polish.x if polish.fun < best.fun else best.x
    x = start.copy()
    x[idx] = np.clip(z, lo, hi)
    return x


def fit_decision(*, sample: str = "both", episodes: pd.DataFrame | None = None,
                 rivalries: pd.DataFrame | None = None,
                 fixed: dict[str, float] | None = None,
                 start: Sequence[float] | Array | None = None,
                 duration: bool = False, delay: float = 0.0,
                 sides: str = "summed") -> DecisionFit:
    """Fit the decision block by maximum likelihood on ``sample`` (episodes, rivalries, both):
    :data:`DIRECTED` with ``sides="directed"`` (who started each war where known, and a parity
    term), :data:`REDUCED` with ``sides="summed"`` (the pair's hazard only).

    ``episodes`` and ``rivalries`` default to the shipped library; ``fixed`` pins parameters
    (the profile likelihood uses it); ``start`` is where the search begins (default: a fixed
    point); ``duration`` frees the Weibull shape of the war-end hazard (default: the engine's
    constant hazard, ``log_shape`` = 0); ``delay`` months without hazard after a war's end
    (default none). Standard errors from the inverse of the numerical Hessian of the negative
    log-likelihood at the optimum.
    """
    names = parameter_names(sides)
    ep, rv = _samples(sample, episodes, rivalries)
    free = np.ones(len(names), dtype=bool)
    if ep is None:
        free[0] = False
    if rv is None:
        free[5] = False
    free[6] = duration
    start = (_START[:len(names)].copy() if start is None
             else np.asarray(start, dtype=float)[:len(names)].copy())
    if len(start) < len(names):  # a summed estimate as the start of a directed fit
        start = np.concatenate([start, _START[len(start):len(names)]])
    for name, value in (fixed or {}).items():
        if name not in names:
            raise InputError(f"fixed parameter must be one of {', '.join(names)}, got {name!r}")
        i = names.index(name)
        start[i] = value
        free[i] = False

    designs = [(_design(ep, yearly=False), False)] if ep is not None else []
    if rv is not None:
        designs.append((_design(rv, yearly=True), True))

    def negative(x: Array) -> float:
        return -sum(float(_loglik_rows(x, d, rivalry=r, delay=delay).sum())
                    for d, r in designs)

    x = _optimise(negative, start, free)
    hess = _hessian(negative, x, free)
    k = int(free.sum())
    try:
        inv = np.linalg.inv(hess)
        diag = np.sqrt(np.clip(np.diag(inv), 1e-300, None))
        corr = inv / np.outer(diag, diag)
        condition = float(np.linalg.cond(corr)) if np.all(np.isfinite(corr)) else float("inf")
    except np.linalg.LinAlgError:
        inv = np.full((k, k), np.nan)
        condition = float("inf")
    se = np.full(len(names), np.nan)
    cov = np.full((len(names), len(names)), np.nan)
    idx = np.flatnonzero(free)
    se[idx] = np.sqrt(np.clip(np.diag(inv), 0.0, None))
    cov[np.ix_(idx, idx)] = inv
    known = sum(int((d.initiator > 0).sum()) for d, _ in designs) if sides == "directed" else 0
    return DecisionFit(
        sample=sample, names=names, estimate=x, se=se, cov=cov,
        log_likelihood=-negative(x),
        n_episodes=0 if ep is None else len(ep),
        renewals=0 if ep is None else int(ep["renewed"].sum()),
        n_rival_years=0 if rv is None else len(rv),
        onsets=0 if rv is None else int(rv["onset"].sum()),
        condition=condition, free=tuple(bool(f) for f in free), sides=sides,
        initiators=known,
    )


@dataclass(frozen=True)
class Profile:
    """The profile log-likelihood of one parameter over a grid, relative to the optimum."""

    name: str
    grid: tuple[float, ...]
    drop: tuple[float, ...]  # max log L at the grid point minus the overall max (<= 0)

    @property
    def flat(self) -> bool:
        """True when no grid point is rejected at 95 % (drop above -1.92 everywhere)."""
        return min(self.drop) > -1.92

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON."""
        return {"name": self.name, "grid": list(self.grid), "drop": list(self.drop),
                "flat": self.flat}


def profile(fit: DecisionFit, name: str, grid: Sequence[float], *,
            episodes: pd.DataFrame | None = None,
            rivalries: pd.DataFrame | None = None,
            pool: list[Array] | None = None) -> Profile:
    """Profile log-likelihood of ``name`` on ``grid`` (the others re-fitted at each point,
    from the previous point's optimum and, given a ``pool`` of optima, the best of them;
    each point's optimum joins ``pool``)."""
    drops = []
    at = fit.estimate
    for value in grid:
        drop, at = _profile_drop(fit, name, float(value), episodes, rivalries, at, pool)
        drops.append(round(min(drop, 0.0), 4))
    return Profile(name, tuple(float(g) for g in grid), tuple(drops))


def _profile_drop(fit: DecisionFit, name: str, value: float, episodes: pd.DataFrame | None,
                  rivalries: pd.DataFrame | None, near: Array | None = None,
                  pool: list[Array] | None = None) -> tuple[float, Array]:
    """The profile's drop at ``value`` and the re-fitted estimate: the better of the fits
    started from ``near`` (the neighbouring profile point, else the optimum: continuation
    follows the valley the profile is in) and from the member of ``pool`` (optima found so far,
    in other valleys too: the surface has more than one) with the highest likelihood at
    ``value``. The new optimum is appended to ``pool``."""
    i = fit.names.index(name)
    starts = [fit.estimate if near is None else near]
    if pool:
        ep, rv = _samples(fit.sample, episodes, rivalries)

        def at_value(theta: Array) -> float:
            x = theta.copy()
            x[i] = value
            return log_likelihood(x, ep, rv)

        other = max(pool, key=at_value)
        if not np.allclose(other, starts[0]):
            starts.append(other)
    best = None
    for start in starts:
        f = fit_decision(sample=fit.sample, episodes=episodes, rivalries=rivalries,
                         fixed={name: value}, start=start, duration=fit.free[6],
                         sides=fit.sides)
        if best is None or f.log_likelihood > best.log_likelihood:
            best = f
    assert best is not None
    if pool is not None:
        pool.append(best.estimate)
    return best.log_likelihood - fit.log_likelihood, best.estimate


def profile_interval(fit: DecisionFit, name: str, *, step: float, limit: float,
                     episodes: pd.DataFrame | None = None,
                     rivalries: pd.DataFrame | None = None,
                     tol: float = 0.05, pool: list[Array] | None = None) -> dict[str, Any]:
    r"""The 95 % profile-likelihood confidence set of ``name``: the values whose profile log
    likelihood is within :math:`\chi^2_{1,0.95}/2 = 1.92` of the optimum (Venzon &
    Moolgavkar 1988, by search rather than their Newton step), and the likelihood-ratio test
    of zero.

    The profile is scanned from the estimate outwards every ``step`` up to ``limit`` on each
    side (each point re-fitted from its neighbour's optimum: the surface has more than one
    valley); ``lo95``/``hi95`` are the outermost crossings, bisected to ``tol``, or ``None``
    where the profile never leaves the set within ``limit`` (open). ``disjoint`` is True when
    a scanned point between them lies outside the set (a profile with two valleys: the set is
    not an interval). ``drop_at_zero`` is the profile at 0, from the optimum and from the
    nearest scanned point, and ``excludes_zero`` whether it is below -1.92.
    """
    from scipy import stats

    i = fit.names.index(name)
    est = float(fit.estimate[i])
    lo_bound, hi_bound = _BOUNDS[i]
    out: dict[str, Any] = {"name": name, "estimate": est}
    scanned: dict[float, tuple[float, Array]] = {est: (0.0, fit.estimate)}
    disjoint = False
    for side, key in ((-1.0, "lo95"), (1.0, "hi95")):
        at = fit.estimate
        last_in, first_out_after, outside_seen = est, None, False
        for k in range(1, round(limit / step) + 1):
            value = est + side * k * step
            if not lo_bound <= value <= hi_bound:
                break
            drop, at = _profile_drop(fit, name, value, episodes, rivalries, at, pool)
            scanned[value] = (drop, at)
            if drop >= -_HALF_CHI2:
                disjoint = disjoint or outside_seen
                last_in, first_out_after = value, None
            else:
                outside_seen = True
                first_out_after = value if first_out_after is None else first_out_after
        if first_out_after is None:
            out[key] = None
            continue
        a_, b_ = last_in, first_out_after
        while abs(b_ - a_) > tol:
            mid = 0.5 * (a_ + b_)
            drop, _ = _profile_drop(fit, name, mid, episodes, rivalries, scanned[a_][1], pool)
            if drop < -_HALF_CHI2:
                b_ = mid
            else:
                scanned[mid] = (drop, scanned[a_][1])
                a_ = mid
        out[key] = 0.5 * (a_ + b_)
    below = [v for v in scanned if v < 0.0]
    above = [v for v in scanned if v > 0.0]
    zero = -np.inf
    for side_values in (below, above):  # from the scanned neighbours on either side of 0
        if side_values:
            near0 = min(side_values, key=abs)
            z, _ = _profile_drop(fit, name, 0.0, episodes, rivalries, scanned[near0][1], pool)
            zero = max(zero, z)
    scanned[0.0] = (float(zero), fit.estimate)
    zero = min(float(zero), 0.0)
    inside_interval = ((out["lo95"] is None or out["lo95"] < 0.0)
                       and (out["hi95"] is None or out["hi95"] > 0.0))
    # Optima found elsewhere (the pool: other valleys) inside the set but outside the scanned
    # interval: the set has a piece the scan stepped over.
    also = []
    if pool:
        ep, rv = _samples(fit.sample, episodes, rivalries)
        for theta in pool:
            v = float(theta[i])
            beyond = ((out["lo95"] is not None and v < out["lo95"])
                      or (out["hi95"] is not None and v > out["hi95"]))
            if beyond and log_likelihood(theta, ep, rv) - fit.log_likelihood >= -_HALF_CHI2:
                also.append(round(v, 4))
    out["also_in_set"] = sorted(set(also))
    out["disjoint"] = disjoint or bool(also) or (inside_interval and zero < -_HALF_CHI2)
    out["drop_at_zero"] = zero
    out["p_value_zero"] = float(stats.chi2.sf(-2.0 * zero, 1))
    out["excludes_zero"] = bool(zero < -_HALF_CHI2)
    # A scanned point above the optimum: the fit was a local optimum (see decision_report).
    out["improves_on_optimum"] = max(0.0, max(d for d, _ in scanned.values()))
    out["scan"] = {f"{v:.4g}": round(min(d, 0.0), 4) for v, (d, _) in sorted(scanned.items())}
    return out


#: Grids of the identification report: each parameter over a range wide enough to show
#: whether the data bound it.
PROFILE_GRIDS = {
    "b_win": (-4.0, -2.0, 0.0, 2.0, 4.0, 8.0),
    "b_loss": (-4.0, -2.0, 0.0, 2.0, 4.0),
    "b_guarantor": (-8.0, -4.0, 0.0, 4.0, 8.0),
    "bias": (-1.5, -0.75, 0.0, 0.75, 1.5),
}


def implied(fit: DecisionFit, *, draws: int = 4000, seed: int = 0) -> dict[str, Any]:
    r"""The structural parameters the fit implies, with the assumptions it needs.

    :math:`k = b_{win} / (1 + C_f)` and :math:`\lambda_L = b_{loss}/k` need :math:`C_f`
    (``decision.failure_cost``, an assumption); :math:`\lambda_0 = e^{\alpha + k(C_f + C_s +
    V_w)}` needs :math:`C_s` and :math:`V_w` as well. Intervals are the 5-95 % spread over
    the fit's normal approximation and the registry ranges of the assumptions.
    """
    from guaranty.params import default_registry

    rng = np.random.default_rng(seed)
    reg = default_registry()
    idx = np.flatnonzero(fit.free)
    mean = fit.estimate[idx]
    cov = fit.cov[np.ix_(idx, idx)]
    if np.all(np.isfinite(cov)):  # the nearest positive semi-definite matrix
        values, vectors = np.linalg.eigh(0.5 * (cov + cov.T))
        cov = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    else:
        cov = np.diag(np.nan_to_num(fit.se[idx], nan=0.0) ** 2)
    z = mean + rng.standard_normal((draws, len(idx))) @ np.linalg.cholesky(
        cov + 1e-12 * np.eye(len(idx))).T
    theta = np.tile(fit.estimate, (draws, 1))
    theta[:, idx] = z

    def sample(name: str) -> Array:
        return np.asarray(reg[name].distribution.ppf(rng.random(draws)), dtype=float)

    c_f = sample("decision.failure_cost")
    c_s = sample("decision.sanctions_cost")
    v_w = sample("decision.value_of_waiting")
    k = theta[:, 1] / (1.0 + c_f)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = theta[:, 2] / k
    base = np.exp(theta[:, 0] + k * (c_f + c_s + v_w))

    def band(x: Array) -> dict[str, float]:
        x = x[np.isfinite(x)]
        return {"median": float(np.median(x)), "p05": float(np.quantile(x, 0.05)),
                "p95": float(np.quantile(x, 0.95))}

    return {
        "decision.value_sensitivity": {**band(k), "needs": ["decision.failure_cost"]},
        "decision.loss_aversion": {**band(loss), "needs": ["decision.failure_cost"]},
        "decision.misperception_bias": band(theta[:, 4]),
        "decision.base_hazard_per_month": {**band(base), "needs": [
            "decision.failure_cost", "decision.sanctions_cost", "decision.value_of_waiting"]},
    }


#: What no case library can separate (see the module docstring), kept as assumptions.
UNIDENTIFIED = {
    "decision.base_hazard_per_month": "enters only through alpha = ln(lambda0) - k(C_f + C_s + "
                                      "V_w); set by anchoring, not by this fit",
    "decision.sanctions_cost": "a constant across cases: absorbed in alpha",
    "decision.value_of_waiting": "a constant across cases: absorbed in alpha",
    "decision.failure_cost": "enters only through b_win = k(1 + C_f) and alpha",
    "decision.value_sensitivity": "enters only through b_win = k(1 + C_f), b_loss = k lambda_L",
}


def decision_report(*, sample: str = "both", profiles: bool = True,
                    sides: str = "summed") -> dict[str, Any]:
    """The fit, its identification report and the structural values it implies: the
    ``guaranty calibrate decision`` document (stored as ``data/fits/decision.json``).

    ``sides="directed"`` also holds the profile-likelihood intervals of the
    directional slope ``b_win`` and the parity slope ``b_parity`` (``identification``), what
    the fit says about the stronger side (``direction``) and the summed fit beside it
    (``summed_fit``); ``sides="summed"`` is the first fit, either side may have started every
    war."""
    fit = fit_decision(sample=sample, sides=sides)
    pool: list[Array] = [fit.estimate]
    other = None
    if sides == "directed":
        # The directed surface has a second valley, which the fit started from the summed
        # optimum finds: the better of the two starts is the fit, the other is reported.
        summed = fit_decision(sample=sample, sides="summed")
        other = fit_decision(sample=sample, sides="directed", start=summed.estimate)
        if other.log_likelihood > fit.log_likelihood:
            fit, other = other, fit
        pool = [fit.estimate, other.estimate]
    doc: dict[str, Any] = {
        "command": f"guaranty calibrate decision --sample {sample} --sides {sides}",
        "sides": sides,
        "model": ("monthly hazard r_i = exp(alpha + b_win p_i - b_loss L_i - b_guarantor pi_j "
                  "+ b_parity |ln R|) per side; the initiator's share r_i / (r1 + r2) where "
                  "the library knows who started the war, the pair hazard r1 + r2 otherwise "
                  "(guaranty.calibration.decision)" if sides == "directed" else
                  "monthly hazard r = exp(alpha + b_win p - b_loss L - b_guarantor pi) per "
                  "side, pair hazard r1 + r2 (guaranty.calibration.decision)"),
        **_fit_sections(fit, sample),
    }
    if other is not None:
        doc["summed_fit"] = summed.to_dict()
        doc["other_valley"] = {
            "note": "the directed fit's other local optimum (from the fixed start or from the "
                    "summed optimum, whichever is lower); profiles start from it as well",
            "fit": other.to_dict(),
            "fit_vector": [float(x) for x in other.estimate],
            "log_likelihood_below_optimum": fit.log_likelihood - other.log_likelihood,
            "direction": direction(other, sample=sample)}
    if profiles:
        doc.update(_profile_sections(fit, pool))
        if sides == "directed" and max(
                p["improves_on_optimum"] for p in doc["identification"]) > 0.01:
            doc["refit_from_profile"] = True  # the scans found a higher point: restart
            return _report_from(max(pool, key=lambda t: _loglik(fit, t)), sample, doc)
    return doc


def _fit_sections(fit: DecisionFit, sample: str) -> dict[str, Any]:
    """The report's sections that follow from the fit: its estimates, the structural values
    it implies, the Weibull-shape and delay variants, and (directed) the direction."""
    slow = fit_decision(sample=sample, duration=True, start=fit.estimate, sides=fit.sides)
    out: dict[str, Any] = {
        "fit": fit.to_dict(),
        "estimate_vector": [float(x) for x in fit.estimate],
        "names": list(fit.names),
        "unidentified": UNIDENTIFIED,
        "implied": implied(fit),
        "duration_variant": {
            "note": "the same block with a Weibull shape rho on the war-end hazard (the "
                    "engine's decision.hazard_shape); rho < 1 is a hazard that falls with time "
                    "since the war",
            "fit": slow.to_dict(),
            "shape_rho": float(np.exp(slow.estimate[6])),
            "likelihood_ratio": 2.0 * (slow.log_likelihood - fit.log_likelihood),
        },
        "hazard_shape": hazard_shape(slow),
        "delay_profile": delay_profile(fit, DELAY_GRID),
    }
    if fit.sides == "directed":
        out["direction"] = direction(fit, sample=sample)
    return out


def _profile_sections(fit: DecisionFit, pool: list[Array]) -> dict[str, Any]:
    """The identification report: profiles on their grids, the weakly identified, and
    (directed) the profile-likelihood sets of the slopes, each started from ``pool`` too."""
    directed = fit.sides == "directed"
    grids = {**PROFILE_GRIDS, **(PARITY_GRID if directed else {})}
    prof = [profile(fit, name, grid, pool=pool) for name, grid in grids.items()]
    out: dict[str, Any] = {"profiles": [p.to_dict() for p in prof],
                           "weakly_identified": [p.name for p in prof if p.flat]}
    if directed:
        out["identification"] = [
            profile_interval(fit, name, step=search["step"], limit=search["limit"], pool=pool)
            for name, search in INTERVAL_SEARCH.items()]
    return out


def _loglik(fit: DecisionFit, theta: Array) -> float:
    ep, rv = _samples(fit.sample, None, None)
    return log_likelihood(theta, ep, rv)


def _report_from(start: Array, sample: str, first: dict[str, Any]) -> dict[str, Any]:
    """The directed report once more, from ``start`` (a point the first report's profile
    scans found above its optimum); the profiles and intervals are recomputed."""
    fit = fit_decision(sample=sample, sides="directed", start=start)
    doc = {**first, **_fit_sections(fit, sample)}
    other_ll = first["fit"]["log_likelihood"] - first["other_valley"][
        "log_likelihood_below_optimum"]
    doc["other_valley"] = {**first["other_valley"],
                           "log_likelihood_below_optimum": fit.log_likelihood - other_ll}
    pool = [fit.estimate, np.asarray(first["estimate_vector"], dtype=float),
            np.asarray(first["other_valley"]["fit_vector"], dtype=float)]
    doc.update(_profile_sections(fit, pool))
    return doc


#: The parity slope's profile grid (directed fits).
PARITY_GRID = {"b_parity": (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0)}
#: The profile-likelihood intervals of the directed identification report: first step and
#: farthest distance searched from the estimate.
INTERVAL_SEARCH = {"b_win": {"step": 2.0, "limit": 20.0},
                   "b_parity": {"step": 0.25, "limit": 2.0}}
#: Balances (|ln R|, the stronger side over the weaker) at which ``direction`` reports the
#: fitted hazard ratio of the stronger side over the weaker.
DIRECTION_AT = (0.5, 1.0, 2.0)


def direction(fit: DecisionFit, *, sample: str = "both") -> dict[str, Any]:
    r"""What a directed fit says about who starts wars: the fitted log hazard ratio
    :math:`\ln(r_{strong}/r_{weak})` of the stronger side over the weaker at
    :math:`|\ln R|` in :data:`DIRECTION_AT` (no pacts), and the library's own count: of the
    events with a known initiator and balance, how many the stronger side started."""
    grid = np.asarray(DIRECTION_AT, dtype=float)
    rates = side_rates(fit.estimate, grid, np.zeros((len(grid), 2)))
    ep, rv = _samples(sample, None, None)
    started, total = 0, 0
    for frame in (f for f in (ep, rv) if f is not None):
        who = frame["initiator"].to_numpy(float) if "initiator" in frame else np.array([])
        known = np.isin(who, (1.0, 2.0))
        lr = frame["ln_ratio"].to_numpy(float)[known]
        own = np.where(who[known] == 1.0, lr, -lr)
        started += int((own > 0).sum())
        total += int(known.sum())
    return {
        "log_hazard_ratio_stronger": {f"{g:g}": float(np.log(r[0] / r[1]))
                                      for g, r in zip(grid, rates, strict=True)},
        "initiators_known": total,
        "started_by_stronger": started,
    }


#: Delays (months without hazard after a war's end) of the delay profile in the stored fit.
DELAY_GRID = (0.0, 6.0, 12.0)


def hazard_shape(fit: DecisionFit) -> dict[str, Any]:
    r"""The Weibull shape :math:`\rho = e^{\ln\rho}` of a duration fit (``duration=True``), with
    its Wald 95 % interval on the log scale and the lognormal that carries it into the registry
    (``decision.hazard_shape``: median :math:`e^{\hat{\ln\rho}}`, sigma its standard error).

    Raises
    ------
    InputError
        When the fit held the shape fixed.
    """
    i = REDUCED.index("log_shape")
    if not fit.free[i]:
        raise InputError("the fit held the hazard shape fixed; fit with duration=True")
    mu, se = float(fit.estimate[i]), float(fit.se[i])
    return {
        "estimate": float(np.exp(mu)), "lo95": float(np.exp(mu - 1.96 * se)),
        "hi95": float(np.exp(mu + 1.96 * se)), "log_estimate": mu, "log_se": se,
        "n_cases": fit.n_episodes, "renewals": fit.renewals,
        "registry": {"name": "decision.hazard_shape", "dist": "lognormal",
                     "median": round(float(np.exp(mu)), 3), "sigma": round(se, 3)},
    }


def delay_profile(fit: DecisionFit, delays: Sequence[float]) -> list[dict[str, float]]:
    """The duration fit with no hazard for the first ``d`` months after each war's end, for
    each ``d`` of ``delays``: its log-likelihood and shape. The delay and the shape trade off
    (a later start with a steeper fall); the registry's shape is the fit at no delay."""
    out = []
    for d in delays:
        f = fit_decision(sample=fit.sample, duration=True, delay=float(d), start=fit.estimate,
                         sides=fit.sides)
        out.append({"delay_months": float(d), "log_likelihood": f.log_likelihood,
                    "shape": float(np.exp(f.estimate[REDUCED.index("log_shape")]))})
    return out


def stored_fit() -> dict[str, Any]:
    """The stored fit (``data/fits/decision.json``), written by ``guaranty calibrate decision
    --write``.

    Raises
    ------
    DataError
        When the file is missing or not JSON.
    """
    import json

    from guaranty._datasets import data_path
    from guaranty.errors import DataError

    path = data_path("fits", "decision.json")
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the stored decision fit ({exc}); rerun `guaranty "
                        "calibrate decision --write`") from exc
    return doc

r"""Survival models of peace after fighting stops: Kaplan-Meier, Cox and Weibull.

Thin, typed wrappers around lifelines that return frozen results instead of fitted objects.
lifelines (and scipy.stats) are imported inside the functions that fit, so importing this
module, or :mod:`guaranty`, does not load them.

Kaplan-Meier (product-limit) estimate, with Greenwood's exponential interval:

.. math:: \hat S(t) = \prod_{t_i \le t} \left(1 - \frac{d_i}{n_i}\right)

Cox proportional hazards, in start-stop (counting-process) form where covariates change within
a spell (Andersen & Gill 1982); a hazard ratio is :math:`e^{\beta_j}`:

.. math:: h(t \mid x(t)) = h_0(t)\, \exp\{\beta^\top x(t)\}

Proportional hazards are checked with the Grambsch-Therneau test of scaled Schoenfeld residuals
against the rank of time, on one row per spell (covariates as at the cease-fire).

Weibull accelerated failure time, fitted with left truncation at each period's start so that
start-stop rows give the exact likelihood:

.. math:: S(t \mid x) = \exp\{-(t / \lambda(x))^{\rho}\},\quad \lambda(x) = e^{\beta^\top x}

It is also proportional hazards, with hazard ratio :math:`e^{-\rho\beta_j}`. Intervals for the
probability of renewed war :math:`F(t) = 1 - S(t)` come from the delta method on
:math:`\eta = \log\{-\log S(t)\} = \rho(\log t - \beta^\top x)`, whose gradient is
:math:`(-\rho x, \eta)` in :math:`(\beta, \log\rho)`.

References
----------
Kaplan, E. L. & Meier, P. (1958). *JASA* 53(282), 457-481. https://doi.org/10.2307/2281868
Cox, D. R. (1972). *JRSS B* 34(2), 187-220. https://doi.org/10.1111/j.2517-6161.1972.tb00899.x
Andersen, P. K. & Gill, R. D. (1982). *Ann. Stat.* 10(4), 1100-1120.
https://doi.org/10.1214/aos/1176345976
Grambsch, P. M. & Therneau, T. M. (1994). *Biometrika* 81(3), 515-526.
https://doi.org/10.1093/biomet/81.3.515
Davidson-Pilon, C. (2019). lifelines: survival analysis in Python. *JOSS* 4(40), 1317.
https://doi.org/10.21105/joss.01317
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from guaranty.errors import InputError

__all__ = [
    "CoxFit",
    "Curve",
    "PHCheck",
    "Term",
    "WeibullFit",
    "fit_cox",
    "fit_weibull",
    "kaplan_meier",
]

FloatArray = NDArray[np.float64]


def _check_level(level: float) -> None:
    if not 0.5 <= level < 1:
        raise InputError(f"level must be in [0.5, 1), got {level}")


def _z(level: float) -> float:
    _check_level(level)
    from scipy import stats  # scipy.stats loads scipy.optimize: only when a fit is asked for

    return float(stats.norm.ppf(0.5 + level / 2))


@dataclass(frozen=True)
class Term:
    """One covariate's hazard ratio with its interval and Wald p-value."""

    name: str
    hazard_ratio: float
    lo: float
    hi: float
    p: float


@dataclass(frozen=True)
class PHCheck:
    """Grambsch-Therneau test of proportional hazards for one covariate (small p: violated)."""

    name: str
    statistic: float
    p: float


@dataclass(frozen=True)
class Curve:
    """A Kaplan-Meier survival curve with its pointwise interval.

    ``months``, ``survival``, ``lo``, ``hi`` : ndarray of shape (steps,), survival is the share
    of spells still at peace just after each month in ``months``.
    """

    label: str
    n: int
    events: int
    months: FloatArray
    survival: FloatArray
    lo: FloatArray
    hi: FloatArray

    def at(self, months: float) -> tuple[float, float, float]:
        """Survival (estimate, lo, hi) at a time, from the step function."""
        i = int(np.searchsorted(self.months, months, side="right")) - 1
        if i < 0:
            return 1.0, 1.0, 1.0
        return float(self.survival[i]), float(self.lo[i]), float(self.hi[i])


@dataclass(frozen=True)
class CoxFit:
    """A fitted Cox model: hazard ratios, sample, fit and the proportional-hazards check."""

    terms: tuple[Term, ...]
    form: str
    n_rows: int
    n_spells: int
    n_failures: int
    log_likelihood: float
    concordance: float
    ph: tuple[PHCheck, ...]

    def term(self, name: str) -> Term:
        """The term called ``name``."""
        for t in self.terms:
            if t.name == name:
                return t
        raise KeyError(name)


def kaplan_meier(
    months: Sequence[float] | FloatArray,
    failed: Sequence[int] | NDArray[np.int64],
    *,
    label: str = "all",
    entry: Sequence[float] | FloatArray | None = None,
    level: float = 0.95,
) -> Curve:
    """Kaplan-Meier estimate of the share of spells still at peace.

    Parameters
    ----------
    months : array of shape (spells,)
        Time from cease-fire to renewed war or censoring, in months.
    failed : array of shape (spells,)
        1 where war resumed, 0 where censored.
    label : str
        Name of the group.
    entry : array of shape (spells,), optional
        Left-truncation times (a spell joins the risk set only after it).
    level : float
        Coverage of the pointwise interval.
    """
    if entry is None:
        return _kaplan_meier(np.asarray(months, float), np.asarray(failed, int), label, level)
    from lifelines import KaplanMeierFitter  # lifelines loads in about 1 s: only when used

    _z(level)
    kmf = KaplanMeierFitter(alpha=1 - level)
    kmf.fit(np.asarray(months, float), np.asarray(failed, int), entry=entry, label=label)
    table = kmf.survival_function_.join(kmf.confidence_interval_)
    arr = table.to_numpy(dtype=float)
    return Curve(
        label=label,
        n=len(np.asarray(months)),
        events=int(np.asarray(failed).sum()),
        months=table.index.to_numpy(dtype=float),
        survival=arr[:, 0],
        lo=arr[:, 1],
        hi=arr[:, 2],
    )


def _kaplan_meier(months: FloatArray, failed: NDArray[np.int64], label: str, level: float
                  ) -> Curve:
    r"""Kaplan–Meier without left truncation, in NumPy: lifelines' ``KaplanMeierFitter``
    (same timeline, estimate and exponential-Greenwood interval; a test holds them equal)
    without loading lifelines.

    At each time :math:`t_i` (0 and every distinct duration) with :math:`n_i` at risk and
    :math:`d_i` failures, :math:`\hat S(t) = \prod_{t_i \le t} (1 - d_i/n_i)`; the interval is
    :math:`\hat S^{\exp(\pm z \sqrt{V}/\ln \hat S)}` with
    :math:`V = \sum d_i / (n_i (n_i - d_i))` (Greenwood on the log-log scale).
    """
    from scipy.special import ndtri

    _check_level(level)
    times = np.unique(np.concatenate([[0.0], months]))
    index = np.searchsorted(times, months)
    removed = np.bincount(index, minlength=times.size).astype(float)
    deaths = np.bincount(index, weights=failed.astype(float), minlength=times.size)
    at_risk = months.size - np.concatenate([[0.0], np.cumsum(removed)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.cumsum(np.log(at_risk - deaths) - np.log(at_risk))
        step = deaths / (at_risk * (at_risk - deaths))
        var = np.cumsum(np.where(np.isinf(step), 0.0, step))
        survival = np.exp(log_s)
        v = np.log(survival)
        z = float(ndtri(1 - (1 - level) / 2))
        lo = np.exp(-np.exp(np.log(-v) - z * np.sqrt(var) / v))
        hi = np.exp(-np.exp(np.log(-v) + z * np.sqrt(var) / v))
    return Curve(label=label, n=int(months.size), events=int(failed.sum()), months=times,
                 survival=survival, lo=np.nan_to_num(lo, nan=1.0),
                 hi=np.nan_to_num(hi, nan=1.0))


def _terms(summary: pd.DataFrame) -> tuple[Term, ...]:
    lo_col = next(c for c in summary.columns if c.startswith("exp(coef) lower"))
    hi_col = next(c for c in summary.columns if c.startswith("exp(coef) upper"))
    return tuple(
        Term(str(name), float(r["exp(coef)"]), float(r[lo_col]), float(r[hi_col]), float(r["p"]))
        for name, r in summary.iterrows()
    )


def _complete(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"unknown covariate(s) {', '.join(missing)}; have {list(frame.columns)}")
    return frame[list(columns)].dropna()


def _ph_checks(spells: pd.DataFrame, covariates: Sequence[str]) -> tuple[PHCheck, ...]:
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    cph = CoxPHFitter().fit(spells, duration_col="months", event_col="failed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = proportional_hazard_test(cph, spells, time_transform="rank")
    s = result.summary
    return tuple(
        PHCheck(c, float(s.loc[c, "test_statistic"]), float(s.loc[c, "p"])) for c in covariates
    )


def fit_cox(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    *,
    level: float = 0.95,
    start_stop: bool = True,
) -> CoxFit:
    """Fit a Cox model, in start-stop form where the frame has periods.

    Parameters
    ----------
    frame : DataFrame
        Either start-stop rows (``spell``, ``start``, ``stop``, ``failed``, ``first``) or one row
        per spell (``months``, ``failed``). Rows with a missing covariate are left out.
    covariates : sequence of str
        Columns to use.
    level : float
        Coverage of the hazard-ratio intervals.
    start_stop : bool
        Use the start-stop rows when present (time-varying covariates); False fits one row per
        spell with covariates as at the cease-fire.

    Returns
    -------
    CoxFit
        Hazard ratios, the sample used, and the proportional-hazards check (one row per spell).
    """
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter
    from lifelines.utils import concordance_index

    _z(level)
    covs = list(covariates)
    periods = {"spell", "start", "stop", "first"} <= set(frame.columns)
    spells = _first_rows(frame, covs) if periods else _complete(frame, ["months", "failed", *covs])
    if periods and start_stop:
        rows = _complete(frame, ["spell", "start", "stop", "failed", *covs])
        rows = rows[rows["spell"].isin(spells["spell"])]
        ctv = CoxTimeVaryingFitter(alpha=1 - level)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ctv.fit(rows, id_col="spell", start_col="start", stop_col="stop", event_col="failed")
        terms, ll = _terms(ctv.summary), float(ctv.log_likelihood_)
        risk = ctv.predict_partial_hazard(spells[covs]).to_numpy()
        form, n_rows = "start-stop", len(rows)
    else:
        cph = CoxPHFitter(alpha=1 - level).fit(
            spells[["months", "failed", *covs]], duration_col="months", event_col="failed"
        )
        terms, ll = _terms(cph.summary), float(cph.log_likelihood_)
        risk = cph.predict_partial_hazard(spells[covs]).to_numpy()
        form, n_rows = "one row per spell", len(spells)
    c = float(concordance_index(spells["months"], -risk, spells["failed"]))
    return CoxFit(
        terms=terms,
        form=form,
        n_rows=n_rows,
        n_spells=len(spells),
        n_failures=int(spells["failed"].sum()),
        log_likelihood=ll,
        concordance=c,
        ph=_ph_checks(spells[["months", "failed", *covs]], covs),
    )


def _first_rows(frame: pd.DataFrame, covs: list[str]) -> pd.DataFrame:
    """One row per complete spell: covariates at the start, time to the spell's end."""
    gaps = frame[covs].isna().any(axis=1).groupby(frame["spell"]).any()
    keep = gaps.index[~gaps.to_numpy()]
    sub = frame[frame["spell"].isin(keep)]
    last = sub.groupby("spell").agg(months=("stop", "max"), failed=("failed", "max"))
    first = sub[sub["first"]].set_index("spell")[covs]
    return first.join(last).reset_index()


@dataclass(frozen=True)
class WeibullFit:
    r"""A fitted Weibull AFT model, ready to predict the probability of renewed war.

    ``beta`` : ndarray of shape (k + 1,), intercept first, then ``covariates``;
    ``log_rho`` : log of the shape; ``cov`` : ndarray of shape (k + 2, k + 2), the covariance of
    :math:`(\beta, \log\rho)`.
    """

    covariates: tuple[str, ...]
    beta: FloatArray
    log_rho: float
    cov: FloatArray
    n_spells: int
    n_failures: int
    log_likelihood: float
    aic: float

    def _x(self, values: Mapping[str, float]) -> FloatArray:
        missing = [c for c in self.covariates if c not in values]
        if missing:
            raise InputError(f"missing covariate value(s) {', '.join(missing)}")
        return np.array([1.0, *(float(values[c]) for c in self.covariates)])

    def failure(
        self, values: Mapping[str, float], months: Sequence[float] | FloatArray, *, level: float
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """P(war resumed by each month) with a delta-method interval.

        Parameters
        ----------
        values : Mapping[str, float]
            One value per covariate.
        months : array of shape (times,)
            Months since the cease-fire, > 0.

        Returns
        -------
        tuple of three ndarrays of shape (times,)
            Estimate, lower and upper bound of :math:`F(t) = 1 - S(t)`.
        """
        z = _z(level)
        t = np.asarray(months, dtype=float)
        if np.any(t <= 0):
            raise InputError(f"months must be > 0, got {t.min()}")
        x = self._x(values)
        rho = float(np.exp(self.log_rho))
        eta = rho * (np.log(t) - x @ self.beta)
        grad = np.column_stack([np.outer(np.ones_like(t), -rho * x), eta])
        se = np.sqrt(np.einsum("ti,ij,tj->t", grad, self.cov, grad))

        def f(e: FloatArray) -> FloatArray:
            return np.asarray(-np.expm1(-np.exp(e)), dtype=float)

        return f(eta), f(eta - z * se), f(eta + z * se)

    def failure_many(self, frame: pd.DataFrame, months: float) -> FloatArray:
        """P(war by ``months``) for each row of ``frame``, shape (rows,)."""
        x = np.column_stack([np.ones(len(frame)), frame[list(self.covariates)].to_numpy(float)])
        rho = float(np.exp(self.log_rho))
        return np.asarray(-np.expm1(-((months / np.exp(x @ self.beta)) ** rho)), dtype=float)

    def hazard_ratios(self, *, level: float = 0.95) -> tuple[Term, ...]:
        r"""Hazard ratios :math:`e^{-\rho\beta_j}` with delta-method intervals."""
        from scipy import stats

        z = _z(level)
        rho = float(np.exp(self.log_rho))
        out = []
        k = len(self.covariates)
        for j, name in enumerate(self.covariates, start=1):
            log_hr = -rho * self.beta[j]
            grad = np.zeros(k + 2)
            grad[j], grad[-1] = -rho, log_hr
            se = float(np.sqrt(grad @ self.cov @ grad))
            p = float(2 * stats.norm.sf(abs(log_hr) / se))
            out.append(
                Term(
                    name,
                    float(np.exp(log_hr)),
                    float(np.exp(log_hr - z * se)),
                    float(np.exp(log_hr + z * se)),
                    p,
                )
            )
        return tuple(out)


def fit_weibull(frame: pd.DataFrame, covariates: Sequence[str]) -> WeibullFit:
    """Fit a Weibull AFT model by maximum likelihood.

    Parameters
    ----------
    frame : DataFrame
        Start-stop rows (``spell``, ``start``, ``stop``, ``failed``), fitted with left truncation
        at ``start``, or one row per spell (``months``, ``failed``).
    covariates : sequence of str
        Columns to use; rows with a missing value are left out.
    """
    from lifelines import WeibullAFTFitter

    covs = list(covariates)
    periods = {"spell", "start", "stop"} <= set(frame.columns)
    if periods:
        rows = _complete(frame, ["spell", "start", "stop", "failed", *covs])
        data = rows.drop(columns=["spell"])
        kwargs = {"duration_col": "stop", "event_col": "failed", "entry_col": "start"}
        n_spells = int(rows["spell"].nunique())
    else:
        data = _complete(frame, ["months", "failed", *covs])
        kwargs = {"duration_col": "months", "event_col": "failed"}
        n_spells = len(data)
    aft = WeibullAFTFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aft.fit(data, **kwargs)
    order = [("lambda_", "Intercept"), *(("lambda_", c) for c in covs), ("rho_", "Intercept")]
    params = aft.params_.loc[order].to_numpy(dtype=float)
    cov = aft.variance_matrix_.loc[order, order].to_numpy(dtype=float)
    return WeibullFit(
        covariates=tuple(covs),
        beta=params[:-1],
        log_rho=float(params[-1]),
        cov=cov,
        n_spells=n_spells,
        n_failures=int(data["failed"].sum()),
        log_likelihood=float(aft.log_likelihood_),
        aic=float(aft.AIC_),
    )

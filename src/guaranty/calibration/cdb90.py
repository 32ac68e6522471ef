r"""Attacker success against force ratio, casualties and front density, from the CDB90 battles.

The campaign model needs three things from history: how the chance that an attack succeeds
grows with the attacker's force ratio, how heavy battle casualties are, and how densely a
defender holds its front. This module estimates all three from the 660 land battles of 1600–1973
in the CAA Database of Battles (CDB90), shipped as ``data/cdb90/battles.csv``.

Success curve
-------------
For battle *i* with attacker and defender personnel strengths ``STRA``, ``STRD`` the force
ratio is :math:`R_i = \mathrm{STRA}_i / \mathrm{STRD}_i`, and

.. math:: P(\text{attacker wins} \mid R) = F(a + b \ln R),

with :math:`F` the logistic function (``link="logit"``) or the standard normal CDF
(``link="probit"``). :math:`a` and :math:`b` are maximum-likelihood estimates on the battles
that the attacker won (``WINA = 1``) or lost (``WINA = -1``); draws, unknown outcomes and
missing strengths are left out (n = 614, 397 wins). The covariance is the inverse of the
observed information (the Hessian of the negative log-likelihood at the optimum), and
:meth:`SuccessCurve.band` gives a pointwise delta-method band on the linear predictor,
:math:`\operatorname{Var}(a + b x) = V_{aa} + 2 x V_{ab} + x^2 V_{bb}`, mapped through
:math:`F`. The logit fit is :math:`a = 0.405\,(0.098)`, :math:`b = 0.478\,(0.125)`: P = 0.60
at parity and 0.72 at 3:1, so the "3:1 rule" (Mearsheimer 1989) is no threshold in these data.
Force ratio explains little of the outcome.

Lanchester reading
------------------
Under Lanchester's square law (Lanchester 1916) the attacker wins iff
:math:`E_a A^2 > E_d D^2`, i.e. iff :math:`k \ln R + z > 0` with exponent :math:`k = 2` and
:math:`z = \ln(E_a / E_d)` the relative fighting effectiveness. If :math:`z` varies from
battle to battle as :math:`\mathcal{N}(m, s^2)` then
:math:`P = \Phi((k \ln R + m) / s)`, which is the probit curve with :math:`a = m / s` and
:math:`b = k / s`; hence :math:`s = k / b` and :math:`m = k a / b`
(:func:`lanchester_effectiveness`). The probit fit (:math:`a = 0.252`, :math:`b = 0.293`) gives
:math:`m = 1.72`, :math:`s = 6.83` for :math:`k = 2`: attackers chose battles where they fought
better (:math:`m > 0`), and the battle-to-battle spread of effectiveness dwarfs the force ratio.

Casualties and density
----------------------
:func:`casualty_shares` gives the median and quartiles of ``CASA/STRA``, ``CASD/STRD`` and the
exchange ratio ``CASA/CASD``; :func:`front_density` those of personnel per km of front,
``STRD/WOFD1`` and ``STRA/WOFA1`` (front widths in km at the start of the battle).

:func:`casualty_elasticities` fits, by least squares on the 654 battles with both strengths
and casualties known and positive, how the attacker's casualties per defender soldier and the
exchange ratio move with the force ratio:

.. math:: \ln\frac{\mathrm{CASA}}{\mathrm{STRD}} = a + \eta \ln R + e, \qquad
          \ln\frac{\mathrm{CASA}}{\mathrm{CASD}} = a' + \eta' \ln R + e'.

They give :math:`\eta = 0.51\ (0.06)` and :math:`\eta' = 0.29\ (0.08)`: a larger attacker
loses *more* per defender soldier (its losses grow about as :math:`\sqrt{A D}`, not as the
square law's :math:`D`) and at a worse exchange. The war model's elasticities of the same
quantities to its effective ratio, :math:`-\delta` and :math:`-\epsilon`
(:mod:`guaranty.models.campaign`, square-law assumptions 0.5-1.5), have the other sign;
``docs/calibration.md`` sets the two side by side. The fit is across battles, not within a
campaign: attackers bring more men where they expect a harder fight, so :math:`\eta` mixes
the effect of numbers with that selection.

Data
----
``battles.csv`` holds the columns ISQNO, NAME, WAR, YR1, STRA, STRD, CASA, CASD, WINA, WOFA1
and WOFD1 of ``CDB90-patched.csv`` from the ``jrnold/CDB90`` repository, unmodified; its
SHA-256 is checked on every load. Missing values are coded -1 (strengths, casualties, widths),
-9 (outcome) and 9999 (year); :func:`load_battles` turns them into NaN. ``YR1`` is the start
year of the first front-width observation, not the year of the battle, and is 9999 for 625 of
the 660 battles.

References
----------
U.S. Army Concepts Analysis Agency (1991). *Database of Battles — Version 1990 (CDB90)*.
Tidy version: J. B. Arnold, ``jrnold/CDB90``, https://github.com/jrnold/CDB90 (ODC-By).

Helmbold, R. L. (1993). *Personnel Attrition Rates in Historical Land Combat Operations: A
Catalog of Attrition and Casualty Data Bases on Diskettes Usable with Personal Computers*.
Research Paper CAA-RP-93-4, U.S. Army Concepts Analysis Agency, Bethesda, MD.

Lanchester, F. W. (1916). *Aircraft in Warfare: The Dawn of the Fourth Arm*. London: Constable.

Mearsheimer, J. J. (1989). "Assessing the Conventional Balance: The 3:1 Rule and Its Critics".
*International Security* 13(4).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

from guaranty._datasets import data_path, frame_with_columns, read_checked_csv
from guaranty.errors import InputError

__all__ = [
    "COLUMNS",
    "SHA256",
    "Elasticity",
    "Link",
    "Quartiles",
    "SuccessCurve",
    "casualty_elasticities",
    "casualty_shares",
    "fit_success_curve",
    "front_density",
    "lanchester_effectiveness",
    "load_battles",
]

Link = Literal["logit", "probit"]
FloatArray = NDArray[np.float64]

#: SHA-256 of the shipped ``data/cdb90/battles.csv``.
SHA256 = "7327eefc19da577c643244b0046c8b6aefda3ee1e4b49bce3809ec758b20ba78"

#: Columns of the shipped file, in order.
COLUMNS = ("ISQNO", "NAME", "WAR", "YR1", "STRA", "STRD", "CASA", "CASD", "WINA", "WOFA1", "WOFD1")

_LINKS: tuple[Link, ...] = ("logit", "probit")
_TEXT = ("NAME", "WAR")
_MUST_BE_POSITIVE = ("STRA", "STRD", "WOFA1", "WOFD1")  # -1 = missing; 0 is impossible
_MUST_BE_NONNEGATIVE = ("CASA", "CASD")  # -1 = missing; 0 casualties is possible
_MISSING_YEAR = 9999
_OUTCOMES = (-1.0, 0.0, 1.0)  # WINA: attacker loss, draw, attacker win (-9 = unknown)


class Quartiles(NamedTuple):
    """Median and quartiles of a quantity over the battles where it is known."""

    median: float
    q25: float
    q75: float
    n: int


# --------------------------------------------------------------------------- loading


def load_battles(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the shipped CDB90 battles, checked against their SHA-256.

    Parameters
    ----------
    path : path-like, optional
        Where to read the file; default ``data_path("cdb90", "battles.csv")``. Whatever the
        path, the file must be the shipped one, byte for byte.

    Returns
    -------
    pandas.DataFrame
        One row per battle (660) with columns :data:`COLUMNS`. ``ISQNO`` is int; ``NAME`` and
        ``WAR`` are text; the rest are float with missing codes as NaN: -1 (or any non-positive
        strength or front width, any negative casualty count), ``WINA`` -9 and ``YR1`` 9999.
        ``STRA``/``STRD``/``CASA``/``CASD`` are personnel, ``WOFA1``/``WOFD1`` km.

    Raises
    ------
    DataError
        If the file is missing, unreadable, altered or lacks a column.
    """
    file = data_path("cdb90", "battles.csv") if path is None else Path(path)
    raw = read_checked_csv(
        file, sha256=SHA256, columns=COLUMNS, what="CDB90 battles file",
        restore="data/cdb90/battles.csv from the guaranty repository (see data/cdb90/SOURCE.md)")

    frame = pd.DataFrame({"ISQNO": raw["ISQNO"].astype(np.int64)})
    for column in COLUMNS[1:]:
        if column in _TEXT:
            frame[column] = raw[column]
            continue
        values = pd.to_numeric(raw[column], errors="coerce").astype(np.float64)
        if column in _MUST_BE_POSITIVE:
            values = values.where(values > 0)
        elif column in _MUST_BE_NONNEGATIVE:
            values = values.where(values >= 0)
        elif column == "YR1":
            values = values.where(values != _MISSING_YEAR)
        elif column == "WINA":
            values = values.where(values.isin(_OUTCOMES))
        frame[column] = values
    return frame


def _battles(battles: pd.DataFrame | None, needed: Sequence[str]) -> pd.DataFrame:
    return frame_with_columns(battles, needed, load=load_battles, what="battles")


def _column(frame: pd.DataFrame, name: str) -> FloatArray:
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)


# --------------------------------------------------------------------------- success curve


def _inverse_link(link: Link, eta: FloatArray) -> FloatArray:
    if link == "logit":
        return np.asarray(special.expit(eta), dtype=np.float64)
    return np.asarray(special.ndtr(eta), dtype=np.float64)


def _check_link(link: str) -> None:
    if link not in _LINKS:
        raise InputError(f'link must be "logit" or "probit", got {link!r}')


def _log_ratio(ratio: ArrayLike) -> FloatArray:
    values = np.asarray(ratio, dtype=np.float64)
    bad = ~(values > 0)
    if np.any(bad):
        raise InputError(
            f"ratio (attacker/defender strength) must be > 0, got {values[bad].ravel()[:5]}"
        )
    return np.log(values)


@dataclass(frozen=True)
class SuccessCurve:
    """P(attacker wins | force ratio R) = F(intercept + slope · ln R), as fitted.

    Attributes
    ----------
    link : {"logit", "probit"}
        F is the logistic function or the standard normal CDF.
    intercept, slope : float
        a and b of the linear predictor a + b ln R.
    cov : tuple of tuple of float, shape (2, 2)
        Covariance of (intercept, slope): inverse observed information.
    n : int
        Battles used (attacker wins and losses with both strengths known).
    n_wins : int
        Of which attacker wins.
    """

    link: Link
    intercept: float
    slope: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    n: int
    n_wins: int

    def __post_init__(self) -> None:
        _check_link(self.link)
        if not 0 <= self.n_wins <= self.n:
            raise InputError(f"n_wins must be in [0, n={self.n}], got {self.n_wins}")

    @property
    def se(self) -> tuple[float, float]:
        """Standard errors of (intercept, slope)."""
        return float(np.sqrt(self.cov[0][0])), float(np.sqrt(self.cov[1][1]))

    def p_win(self, ratio: ArrayLike) -> FloatArray:
        """Probability that the attacker wins at force ratio ``ratio``.

        Parameters
        ----------
        ratio : array_like of float, any shape
            Attacker/defender personnel ratio R, > 0.

        Returns
        -------
        ndarray of float, same shape as ``ratio``
            F(a + b ln R), in [0, 1].
        """
        return _inverse_link(self.link, self.intercept + self.slope * _log_ratio(ratio))

    def band(self, ratio: ArrayLike, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
        """Pointwise confidence band of :meth:`p_win` by the delta method.

        Parameters
        ----------
        ratio : array_like of float, any shape
            Attacker/defender personnel ratio R, > 0.
        level : float, default 0.95
            Confidence level, in (0, 1).

        Returns
        -------
        lower, upper : ndarray of float, same shape as ``ratio``
            F(η ∓ z·se(η)) with η = a + b ln R, se(η)² = V_aa + 2 ln R V_ab + (ln R)² V_bb
            and z the standard normal quantile at (1 + level)/2.
        """
        if not 0 < level < 1:
            raise InputError(f"level must be in (0, 1), got {level}")
        x = _log_ratio(ratio)
        (v_aa, v_ab), (_, v_bb) = self.cov
        eta = self.intercept + self.slope * x
        half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(v_aa + 2 * x * v_ab + x**2 * v_bb)
        return _inverse_link(self.link, eta - half), _inverse_link(self.link, eta + half)


def _likelihood(
    link: Link, design: FloatArray, won: FloatArray
) -> tuple[
    Callable[[FloatArray], float],
    Callable[[FloatArray], FloatArray],
    Callable[[FloatArray], FloatArray],
]:
    """Negative log-likelihood of a binary regression, its gradient and Hessian."""
    sign = 2 * won - 1  # +1 for a win, -1 for a loss: P(y | η) = F(sign · η) for both links

    def fun(beta: FloatArray) -> float:
        z = sign * (design @ beta)
        if link == "logit":
            return float(np.sum(np.logaddexp(0.0, -z)))
        return float(-np.sum(stats.norm.logcdf(z)))

    def score_weights(beta: FloatArray) -> tuple[FloatArray, FloatArray]:
        # d(-log F(z))/dz and d²(-log F(z))/dz², z = sign · η.
        z = sign * (design @ beta)
        if link == "logit":
            tail = special.expit(-z)
            return -tail, tail * (1 - tail)
        mills = np.exp(stats.norm.logpdf(z) - stats.norm.logcdf(z))
        return -mills, mills * (mills + z)

    def jac(beta: FloatArray) -> FloatArray:
        first, _ = score_weights(beta)
        return np.asarray(design.T @ (first * sign), dtype=np.float64)

    def hess(beta: FloatArray) -> FloatArray:
        _, second = score_weights(beta)
        return np.asarray(design.T @ (design * second[:, None]), dtype=np.float64)

    return fun, jac, hess


def fit_success_curve(battles: pd.DataFrame | None = None, *, link: Link = "logit") -> SuccessCurve:
    """Fit P(attacker wins) = F(a + b ln(STRA/STRD)) by maximum likelihood.

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With columns STRA, STRD, WINA; default :func:`load_battles`. Battles with
        ``WINA`` other than 1 or -1 (draws, unknown) or a missing, zero or negative
        strength are left out.
    link : {"logit", "probit"}, default "logit"
        F: logistic or standard normal CDF.

    Returns
    -------
    SuccessCurve
        Estimates with the inverse observed information as covariance.

    Raises
    ------
    InputError
        If fewer than three battles remain, the outcomes are all alike, the ratios are all
        equal, the ratio separates wins from losses perfectly, or the fit does not converge.
    """
    _check_link(link)
    frame = _battles(battles, ("STRA", "STRD", "WINA"))
    attacker, defender = _column(frame, "STRA"), _column(frame, "STRD")
    outcome = _column(frame, "WINA")
    with np.errstate(invalid="ignore"):
        keep = (attacker > 0) & (defender > 0) & np.isfinite(attacker * defender)
    keep &= np.isin(outcome, (1.0, -1.0))
    x = np.log(attacker[keep] / defender[keep])
    won = (outcome[keep] == 1.0).astype(np.float64)
    n, n_wins = int(x.size), int(won.sum())
    if n < 3 or n_wins in (0, n) or np.ptp(x) == 0:
        raise InputError(
            f"fit_success_curve needs >= 3 won or lost battles with both outcomes and "
            f"differing force ratios, got n={n} with {n_wins} wins"
        )

    wins, losses = x[won == 1.0], x[won == 0.0]
    if wins.min() >= losses.max() or wins.max() <= losses.min():
        raise InputError(
            "fit_success_curve: the force ratio separates wins from losses perfectly, so the "
            f"maximum-likelihood estimate does not exist (n={n}); add battles or pool data"
        )
    design = np.column_stack([np.ones(n), x])
    fun, jac, hess = _likelihood(link, design, won)
    # Newton steps with exact Hessian; gtol tight enough that the score equations hold to ~1e-10.
    result = optimize.minimize(
        fun, np.zeros(2), jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-10}
    )
    if not result.success:
        raise InputError(
            f"fit_success_curve ({link}) did not converge: {result.message}; check the "
            "strengths and outcomes passed in"
        )
    beta = np.asarray(result.x, dtype=np.float64)
    information = hess(beta)
    cov = np.linalg.inv((information + information.T) / 2)
    cov = (cov + cov.T) / 2
    return SuccessCurve(
        link=link,
        intercept=float(beta[0]),
        slope=float(beta[1]),
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        n=n,
        n_wins=n_wins,
    )


def lanchester_effectiveness(curve: SuccessCurve, *, exponent: float = 2.0) -> tuple[float, float]:
    """Mean and spread of log relative effectiveness implied by a probit success curve.

    The attacker wins iff ``exponent · ln R + z > 0`` with ``z = ln(E_a/E_d) ~ N(m, s²)``, so
    ``P = Φ((exponent · ln R + m)/s) = Φ(a + b ln R)``.

    Parameters
    ----------
    curve : SuccessCurve
        A probit fit with positive slope.
    exponent : float, default 2.0
        Lanchester exponent k (2: square law, 1: linear law), > 0.

    Returns
    -------
    m, s : float
        ``m = exponent · a / b`` and ``s = exponent / b``, in natural-log units of the
        attacker's per-soldier effectiveness relative to the defender's.

    Raises
    ------
    InputError
        (a ValueError) if the curve is not probit, its slope is not > 0, or exponent is not > 0.
    """
    if curve.link != "probit":
        raise InputError(
            f'lanchester_effectiveness needs a probit curve, got link="{curve.link}"; '
            'fit with fit_success_curve(link="probit")'
        )
    if not curve.slope > 0:
        raise InputError(f"curve.slope must be > 0, got {curve.slope}")
    if not exponent > 0:
        raise InputError(f"exponent must be > 0, got {exponent}")
    scale = exponent / curve.slope
    return curve.intercept * scale, scale


# --------------------------------------------------------------------------- casualties, density


def _quartiles(values: FloatArray, what: str) -> Quartiles:
    known = values[np.isfinite(values)]
    if known.size == 0:
        raise InputError(f"{what} is known for no battle; pass battles with it")
    q25, median, q75 = np.percentile(known, [25, 50, 75])
    return Quartiles(float(median), float(q25), float(q75), int(known.size))


def _ratio(numerator: FloatArray, denominator: FloatArray, *, zero_ok: bool) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = numerator / denominator
    # Missing codes (-1), NaN and impossible zeros give no ratio; zero casualties are possible.
    valid = ((numerator >= 0) if zero_ok else (numerator > 0)) & (denominator > 0)
    return np.where(valid, ratio, np.nan)


def casualty_shares(battles: pd.DataFrame | None = None) -> dict[str, Quartiles]:
    """Median and quartiles of battle casualties as shares of strength, and their exchange.

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With columns STRA, STRD, CASA, CASD; default :func:`load_battles`. Each quantity uses
        every battle where it is known, whatever the outcome.

    Returns
    -------
    dict of str to Quartiles
        ``"attacker"``: CASA/STRA; ``"defender"``: CASD/STRD (fractions of initial strength;
        can exceed 1 where reinforcements arrived); ``"exchange_ratio"``: CASA/CASD.
    """
    frame = _battles(battles, ("STRA", "STRD", "CASA", "CASD"))
    casa, casd = _column(frame, "CASA"), _column(frame, "CASD")
    return {
        "attacker": _quartiles(_ratio(casa, _column(frame, "STRA"), zero_ok=True), "CASA/STRA"),
        "defender": _quartiles(_ratio(casd, _column(frame, "STRD"), zero_ok=True), "CASD/STRD"),
        "exchange_ratio": _quartiles(_ratio(casa, casd, zero_ok=True), "CASA/CASD"),
    }


class Elasticity(NamedTuple):
    r"""A least-squares slope of a log quantity on :math:`\ln R`, with its standard error."""

    slope: float
    se: float
    intercept: float
    residual_sd: float
    n: int


def _least_squares(x: FloatArray, y: FloatArray) -> Elasticity:
    design = np.column_stack([np.ones_like(x), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    variance = float(residual @ residual) / (len(y) - 2)
    cov = variance * np.linalg.inv(design.T @ design)
    return Elasticity(float(beta[1]), float(np.sqrt(cov[1, 1])), float(beta[0]),
                      float(np.sqrt(variance)), len(y))


def casualty_elasticities(battles: pd.DataFrame | None = None) -> dict[str, Elasticity]:
    r"""How battle casualties move with the force ratio :math:`R = \mathrm{STRA/STRD}`.

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With columns STRA, STRD, CASA, CASD; default :func:`load_battles`. Uses every battle
        where all four are known and positive (654 of 660), whatever the outcome.

    Returns
    -------
    dict of str to Elasticity
        ``"attacker_per_defender"``: the slope of :math:`\ln(\mathrm{CASA/STRD})` on
        :math:`\ln R`; ``"exchange_ratio"``: that of :math:`\ln(\mathrm{CASA/CASD})`.
    """
    frame = _battles(battles, ("STRA", "STRD", "CASA", "CASD"))
    stra, strd = _column(frame, "STRA"), _column(frame, "STRD")
    casa, casd = _column(frame, "CASA"), _column(frame, "CASD")
    known = np.isfinite(stra + strd + casa + casd)
    known &= np.where(known, (stra > 0) & (strd > 0) & (casa > 0) & (casd > 0), False)
    if known.sum() < 3:
        raise InputError("casualty elasticities need at least 3 battles with both strengths "
                         "and casualties known and positive")
    x = np.log(stra[known] / strd[known])
    return {
        "attacker_per_defender": _least_squares(x, np.log(casa[known] / strd[known])),
        "exchange_ratio": _least_squares(x, np.log(casa[known] / casd[known])),
    }


def front_density(battles: pd.DataFrame | None = None) -> dict[str, Quartiles]:
    """Median and quartiles of personnel per km of front at the start of battle.

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With columns STRA, STRD, WOFA1, WOFD1; default :func:`load_battles`.

    Returns
    -------
    dict of str to Quartiles
        ``"defender"``: STRD/WOFD1 and ``"attacker"``: STRA/WOFA1, in personnel per km, over
        the battles where both are known and positive.
    """
    frame = _battles(battles, ("STRA", "STRD", "WOFA1", "WOFD1"))
    defender = _ratio(_column(frame, "STRD"), _column(frame, "WOFD1"), zero_ok=False)
    attacker = _ratio(_column(frame, "STRA"), _column(frame, "WOFA1"), zero_ok=False)
    return {
        "defender": _quartiles(defender, "STRD/WOFD1"),
        "attacker": _quartiles(attacker, "STRA/WOFA1"),
    }


# --------------------------------------------------------------------------- theatre-neutral fits
#
# Two defaults of the campaign model that were set on the Russia-Ukraine war alone
# (``forces.space_density_threshold``, ``campaign.surprise_multiplier``) are confronted here
# with the battles of CDB90; the registry cites these functions.

#: SHA-256 of the shipped ``data/cdb90/surprise.csv`` (columns ISQNO, SURPA of CDB90-patched.csv).
SURPRISE_SHA256 = "28bc135e0cccba209d6ff6e475a88c7e2ff2d8a298ad45da3e489f910b60e8af"

#: Thresholds (persons per km of the defender's front) profiled by :func:`space_threshold_profile`.
THRESHOLD_GRID = (100.0, 200.0, 300.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0, 3000.0, 5000.0,
                  7500.0, 10000.0)

_CHI2_95 = float(stats.chi2.ppf(0.95, 1))  # 3.84: a 95 % likelihood-ratio interval


def _fit_binary(design: FloatArray, won: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Logistic maximum likelihood: coefficients, covariance and log-likelihood."""
    fun, jac, hess = _likelihood("logit", design, won)
    result = optimize.minimize(fun, np.zeros(design.shape[1]), jac=jac, hess=hess,
                               method="trust-exact", options={"gtol": 1e-9})
    if not result.success and np.max(np.abs(jac(result.x))) > 1e-6:  # stalled short of the optimum
        raise InputError(f"logistic fit did not converge: {result.message}")
    beta = np.asarray(result.x, dtype=np.float64)
    information = hess(beta)
    cov = np.linalg.inv((information + information.T) / 2)
    return beta, (cov + cov.T) / 2, -float(result.fun)


@dataclass(frozen=True)
class ThresholdProfile:
    r"""Profile likelihood of a force-to-space threshold in the battle record.

    Attributes
    ----------
    thresholds : tuple of float
        The thresholds T profiled, persons per km of the defender's front.
    log_likelihood : tuple of float
        Maximised log-likelihood of the success curve with the defender's strength scaled by
        :math:`\min(1, \rho_d / T)`, at each T.
    no_threshold : float
        The log-likelihood with no threshold (T = 0: strength counts in full).
    n : int
        Battles used (won or lost, strengths and the defender's front width known).
    """

    thresholds: tuple[float, ...]
    log_likelihood: tuple[float, ...]
    no_threshold: float
    n: int

    @property
    def best(self) -> float:
        """The threshold of highest likelihood on the grid."""
        return self.thresholds[int(np.argmax(self.log_likelihood))]

    @property
    def accepted(self) -> tuple[float, ...]:
        """Thresholds not rejected at 95 % by the likelihood ratio against the best one."""
        top = max(max(self.log_likelihood), self.no_threshold)
        return tuple(t for t, ll in zip(self.thresholds, self.log_likelihood, strict=True)
                     if 2 * (top - ll) <= _CHI2_95)

    @property
    def range(self) -> float:
        """Log-likelihood between the best and the worst threshold on the grid (a flat
        profile, under 1.92, identifies nothing)."""
        return max(self.log_likelihood) - min(self.log_likelihood)


def space_threshold_profile(battles: pd.DataFrame | None = None, *,
                            thresholds: Sequence[float] = THRESHOLD_GRID) -> ThresholdProfile:
    r"""How well a force-to-space threshold explains who won the CDB90 battles.

    The campaign model scales the defender's strength by :math:`\min(1, \rho_d / T)`, with
    :math:`\rho_d` its soldiers per km of front (``forces.space_density_threshold`` = T). The
    same rule is put into the success curve,

    .. math:: P(\text{attacker wins}) = \operatorname{logit}^{-1}\bigl(a + b \ln
              \frac{\mathrm{STRA}}{\mathrm{STRD}\,\min(1, \mathrm{STRD}/(\mathrm{WOFD1}\,T))}
              \bigr),

    and a and b are refitted for each T on the grid (profile likelihood). Battles won or lost
    with both strengths and the defender's front width known are used (n = 579).

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With columns STRA, STRD, WINA, WOFD1; default :func:`load_battles`.
    thresholds : sequence of float
        The grid of T, persons per km, each > 0.

    Returns
    -------
    ThresholdProfile
    """
    grid = tuple(float(t) for t in thresholds)
    if not grid or min(grid) <= 0:
        raise InputError(f"thresholds must be a non-empty sequence of values > 0, got {grid}")
    frame = _battles(battles, ("STRA", "STRD", "WINA", "WOFD1"))
    stra, strd = _column(frame, "STRA"), _column(frame, "STRD")
    width, outcome = _column(frame, "WOFD1"), _column(frame, "WINA")
    with np.errstate(invalid="ignore"):
        keep = (stra > 0) & (strd > 0) & (width > 0) & np.isin(outcome, (1.0, -1.0))
    stra, strd, width = stra[keep], strd[keep], width[keep]
    won = (outcome[keep] == 1.0).astype(np.float64)
    if won.size < 3 or won.sum() in (0, won.size):
        raise InputError(f"space_threshold_profile needs >= 3 won or lost battles with both "
                         f"outcomes, got n={won.size}")
    density = strd / width

    def loglik(threshold: float | None) -> float:
        space = np.ones_like(density) if threshold is None else np.minimum(
            1.0, density / threshold)
        design = np.column_stack([np.ones(won.size), np.log(stra / (strd * space))])
        return _fit_binary(design, won)[2]

    return ThresholdProfile(thresholds=grid, log_likelihood=tuple(loglik(t) for t in grid),
                            no_threshold=loglik(None), n=int(won.size))


def load_surprise(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the shipped CDB90 surprise codes, checked against their SHA-256.

    Returns
    -------
    pandas.DataFrame
        ISQNO (int) and SURPA (float): the surprise the attacker achieved, -3 (the defender
        surprised the attacker completely) to 3 (complete surprise by the attacker), 0 none.
    """
    file = data_path("cdb90", "surprise.csv") if path is None else Path(path)
    raw = read_checked_csv(
        file, sha256=SURPRISE_SHA256, columns=("ISQNO", "SURPA"), what="CDB90 surprise file",
        restore="data/cdb90/surprise.csv from the guaranty repository (see data/cdb90/SOURCE.md)")
    return pd.DataFrame({"ISQNO": raw["ISQNO"].astype(np.int64),
                         "SURPA": pd.to_numeric(raw["SURPA"], errors="coerce")})


@dataclass(frozen=True)
class SurpriseEffect:
    r"""The attacker's surprise in the battle record: its log odds of winning, force held equal.

    Attributes
    ----------
    log_odds, se : float
        Coefficient of "attacker achieved surprise" (SURPA > 0) in the success curve with
        the log force ratio, and its standard error.
    slope : float
        The curve's coefficient of ln(STRA/STRD) in the same fit.
    n, n_surprise : int
        Battles used; of which with surprise by the attacker.
    """

    log_odds: float
    se: float
    slope: float
    n: int
    n_surprise: int

    def multiplier(self, elasticity: ArrayLike, z: ArrayLike = 0.0) -> FloatArray:
        r"""The force multiplier with the same effect on a rate of elasticity ``elasticity``
        to the log force ratio: :math:`m = \exp((\beta_s + z\,\mathrm{se}) / \kappa)`.

        With the battle curve's own slope (:attr:`slope`, 0.38) surprise would be worth a
        fifteen-fold force; the campaign model's breakthrough rate has the steeper elasticity
        ``campaign.breakthrough_exponent`` (kappa, 1.5-4), and its surprise multiplier is read
        at that elasticity (:func:`surprise_multiplier_band`).
        """
        kappa = np.asarray(elasticity, dtype=np.float64)
        if np.any(kappa <= 0):
            raise InputError(f"elasticity must be > 0, got {kappa}")
        return np.exp((self.log_odds + np.asarray(z, dtype=np.float64) * self.se) / kappa)


def surprise_effect(battles: pd.DataFrame | None = None,
                    surprise: pd.DataFrame | None = None) -> SurpriseEffect:
    r"""Fit P(attacker wins) = logit⁻¹(a + b ln(STRA/STRD) + β_s 1[SURPA > 0]).

    On the won or lost battles with both strengths and the surprise code known (n = 614,
    171 with surprise by the attacker): :math:`\beta_s = 1.04` (SE 0.21), an odds ratio of
    2.8, against :math:`b = 0.38`.

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With ISQNO, STRA, STRD, WINA; default :func:`load_battles`.
    surprise : pandas.DataFrame, optional
        With ISQNO, SURPA; default :func:`load_surprise`.
    """
    frame = _battles(battles, ("ISQNO", "STRA", "STRD", "WINA"))
    codes = frame_with_columns(surprise, ("ISQNO", "SURPA"), load=load_surprise,
                               what="surprise codes")
    merged = frame.merge(codes[["ISQNO", "SURPA"]], on="ISQNO", how="inner")
    stra, strd = _column(merged, "STRA"), _column(merged, "STRD")
    outcome, code = _column(merged, "WINA"), _column(merged, "SURPA")
    with np.errstate(invalid="ignore"):
        keep = (stra > 0) & (strd > 0) & np.isin(outcome, (1.0, -1.0)) & np.isfinite(code)
    won = (outcome[keep] == 1.0).astype(np.float64)
    flag = (code[keep] > 0).astype(np.float64)
    if won.size < 4 or flag.sum() in (0, won.size) or won.sum() in (0, won.size):
        raise InputError(f"surprise_effect needs won and lost battles with and without "
                         f"surprise, got n={won.size}")
    design = np.column_stack([np.ones(won.size), np.log(stra[keep] / strd[keep]), flag])
    beta, cov, _ = _fit_binary(design, won)
    return SurpriseEffect(log_odds=float(beta[2]), se=float(np.sqrt(cov[2, 2])),
                          slope=float(beta[1]), n=int(won.size), n_surprise=int(flag.sum()))


def surprise_multiplier_band(effect: SurpriseEffect | None = None, *,
                             elasticity: tuple[float, float] = (1.5, 4.0), draws: int = 20_000,
                             seed: int = 0) -> dict[str, float]:
    r"""The 5 %, 50 % and 95 % points of the surprise multiplier the battle record implies.

    :math:`m = \exp(\beta_s / \kappa)` with :math:`\beta_s \sim \mathcal N(\hat\beta_s,
    \mathrm{se}^2)` (:func:`surprise_effect`) and :math:`\kappa` uniform on ``elasticity``
    (the registry range of ``campaign.breakthrough_exponent``).
    """
    effect = effect if effect is not None else surprise_effect()
    lo, hi = elasticity
    if not 0 < lo <= hi:
        raise InputError(f"elasticity must be (low, high) with 0 < low <= high, got {elasticity}")
    rng = np.random.default_rng(seed)
    m = effect.multiplier(rng.uniform(lo, hi, draws), rng.standard_normal(draws))
    p05, p50, p95 = np.quantile(m, (0.05, 0.5, 0.95))
    return {"p05": float(p05), "median": float(p50), "p95": float(p95)}


__all__ += ["SURPRISE_SHA256", "SurpriseEffect", "ThresholdProfile", "load_surprise",
            "space_threshold_profile", "surprise_effect", "surprise_multiplier_band"]


# --------------------------------------------------------------------------- advance and losses
#
# The war model's mobile-war attrition (``campaign.mobile_casualties_per_defender_per_month``)
# is set by the opening of 2022; the battles say whether an advance itself makes a battle-day
# dearer or cheaper for the attacker.

#: SHA-256 of the shipped ``data/cdb90/advance.csv`` (ISQNO, KMDA of CDB90-patched.csv and
#: duration1 of jrnold's battle_durations.csv).
ADVANCE_SHA256 = "f870c188687f82492c23ce6295ddf64a11e665bde2bf7657b9fbb576db6901fb"


def load_advance(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the shipped CDB90 advances and durations, checked against their SHA-256.

    Returns
    -------
    pandas.DataFrame
        ISQNO (int), KMDA (float: the attacker's advance in km, negative where it was thrown
        back; NaN where unknown, coded -9999) and DURATION (float: the battle's length in days,
        at least 1; NaN where unknown).
    """
    file = data_path("cdb90", "advance.csv") if path is None else Path(path)
    raw = read_checked_csv(
        file, sha256=ADVANCE_SHA256, columns=("ISQNO", "KMDA", "DURATION"),
        what="CDB90 advance file",
        restore="data/cdb90/advance.csv from the guaranty repository (see data/cdb90/SOURCE.md)")
    kmda = pd.to_numeric(raw["KMDA"], errors="coerce")
    days = pd.to_numeric(raw["DURATION"], errors="coerce")
    return pd.DataFrame({"ISQNO": raw["ISQNO"].astype(np.int64),
                         "KMDA": kmda.where(kmda > -9999), "DURATION": days.where(days > 0)})


@dataclass(frozen=True)
class AdvanceRates:
    r"""How the attacker's daily losses move with its advance, in the battle record.

    Fitted by least squares on the battles with strengths, casualties, a non-negative advance
    and a duration known:

    .. math:: \ln\frac{\mathrm{CASA}}{\mathrm{STRD}\,T} = a + b\ln R + \beta\ln(1 + v) + e,

    with :math:`T` the battle's days and :math:`v` = KMDA/T its advance in km a day.

    Attributes
    ----------
    slope, se : float
        :math:`\beta` and its standard error: the elasticity of the attacker's daily loss rate
        per defender soldier to :math:`1 + v`.
    fast_to_static : float
        Geometric mean daily rate per defender soldier of the battles advancing faster than
        ``fast_km_per_day`` over that of the battles with no advance.
    fast_exchange : float
        Geometric mean exchange ratio CASA/CASD of the fast battles.
    n, n_fast, n_static : int
        Battles used; of which fast; of which with no advance.
    """

    slope: float
    se: float
    fast_to_static: float
    fast_exchange: float
    n: int
    n_fast: int
    n_static: int


def advance_casualty_rates(battles: pd.DataFrame | None = None,
                           advance: pd.DataFrame | None = None, *,
                           fast_km_per_day: float = 10.0) -> AdvanceRates:
    """The attacker's daily losses per defender soldier against its advance (:class:`AdvanceRates`).

    Parameters
    ----------
    battles : pandas.DataFrame, optional
        With ISQNO, STRA, STRD, CASA, CASD; default :func:`load_battles`.
    advance : pandas.DataFrame, optional
        With ISQNO, KMDA, DURATION; default :func:`load_advance`.
    fast_km_per_day : float
        The advance a day above which a battle counts as fast (mobile).
    """
    if not fast_km_per_day > 0:
        raise InputError(f"fast_km_per_day must be > 0, got {fast_km_per_day}")
    frame = _battles(battles, ("ISQNO", "STRA", "STRD", "CASA", "CASD"))
    moves = frame_with_columns(advance, ("ISQNO", "KMDA", "DURATION"), load=load_advance,
                               what="advances")
    merged = frame.merge(moves[["ISQNO", "KMDA", "DURATION"]], on="ISQNO", how="inner")
    stra, strd = _column(merged, "STRA"), _column(merged, "STRD")
    casa, casd = _column(merged, "CASA"), _column(merged, "CASD")
    km, days = _column(merged, "KMDA"), _column(merged, "DURATION")
    with np.errstate(invalid="ignore"):
        keep = ((stra > 0) & (strd > 0) & (casa > 0) & (casd > 0) & (km >= 0) & (days > 0))
    if keep.sum() < 4:
        raise InputError(f"advance_casualty_rates needs at least 4 battles with strengths, "
                         f"casualties, advance and duration known, got {int(keep.sum())}")
    speed = km[keep] / days[keep]
    rate = np.log(casa[keep] / strd[keep] / days[keep])
    design = np.column_stack([np.ones(speed.size), np.log(stra[keep] / strd[keep]),
                              np.log1p(speed)])
    beta, *_ = np.linalg.lstsq(design, rate, rcond=None)
    residual = rate - design @ beta
    cov = float(residual @ residual) / (speed.size - 3) * np.linalg.inv(design.T @ design)
    fast, static = speed > fast_km_per_day, speed == 0
    if not fast.any() or not static.any():
        raise InputError("advance_casualty_rates needs fast battles and battles with no advance")
    exchange = np.log(casa[keep] / casd[keep])
    return AdvanceRates(
        slope=float(beta[2]), se=float(np.sqrt(cov[2, 2])),
        fast_to_static=float(np.exp(rate[fast].mean() - rate[static].mean())),
        fast_exchange=float(np.exp(exchange[fast].mean())),
        n=int(speed.size), n_fast=int(fast.sum()), n_static=int(static.sum()))


__all__ += ["ADVANCE_SHA256", "AdvanceRates", "advance_casualty_rates", "load_advance"]

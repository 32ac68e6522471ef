r"""How much allies decide together: the cohesion correlation of guarantors, from alliance data.

The guarantor model (:mod:`guaranty.models.cohesion`) draws every guarantor's response from one
latent Gaussian per guarantor, :math:`z_g = \sqrt{r}\,f + \sqrt{1-r}\,e_g`, with :math:`f` a
cohesion factor shared by all guarantors in a world. This module estimates :math:`r` from the
only data that observe several allies facing the same war: the 42 cases of *multilateral*
alliances in Berkemeier & Fuhrmann (2018) (Leeds-Long-Mitchell coding), each coded twice — under
the strict coding an alliance honoured its commitment when *every* obliged member did
(``honorLLM``); under the lenient one when *at least one* did (``sabhon``). Of the 42, 11 were
honoured by all, 7 by some but not all, 24 by none.

Likelihood
----------
With :math:`k` obliged members (the alliance's members in ATOP v4.01 less the state attacked),
a marginal honour probability :math:`p = \Phi(c)` and correlation :math:`r`,

.. math::
    P(\text{all}) = \int \phi(x)\,\Phi\!\Big(\frac{c - \sqrt r\,x}{\sqrt{1-r}}\Big)^{k} dx,\qquad
    P(\text{none}) = \int \phi(x)\,\Big[1 - \Phi\!\Big(\frac{c - \sqrt r\,x}{\sqrt{1-r}}\Big)
    \Big]^{k}
    dx,

and :math:`P(\text{some}) = 1 - P(\text{all}) - P(\text{none})`, integrated by Gauss–Hermite
quadrature. The threshold has an era term, :math:`c = c_0 + c_1\,\mathrm{post1945}`, since
reliability fell after 1945 (:mod:`guaranty.calibration.alliances`). Independence
(:math:`r = 0`) would make "all of ten honour" and "none of ten honour" both near-impossible
for a middling :math:`p`; the data have 35 of 42 cases at one of the two extremes.

Result (:func:`fit_cohesion`, shipped data): :math:`\hat r = 0.94`, 95 % profile-likelihood
interval 0.79–0.995, with marginals :math:`\hat p = 0.59` before 1945 and 0.14 after, n = 42.
:math:`k` counts every state that was ever a member of the alliance, which overstates the
obliged members of large pacts (Arab League, Rio) and so pushes :math:`r` up; capping
:math:`k` at 2, the least a multilateral case can have, gives :math:`\hat r = 0.76`
(0.34–0.95). The registry's ``guarantors.cohesion_correlation`` spans both: triangular
0.34 / 0.94 / 0.995.

References
----------
Berkemeier, M. & Fuhrmann, M. (2018). "Reassessing the fulfillment of alliance commitments in
war". *Research & Politics*, April–June 2018.

Leeds, B. A., Ritter, J. M., Mitchell, S. M. & Long, A. G. (2002). "Alliance Treaty Obligations
and Provisions, 1815–1944". *International Interactions* 28:237–260 (ATOP v4.01).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, stats

from guaranty._datasets import data_path, read_checked_csv

__all__ = ["COLUMNS", "SHA256", "Cohesion", "fit_cohesion", "load_multilateral_cases"]

#: SHA-256 of the shipped ``data/alliance_reliability/multilateral_cases.csv``.
SHA256 = "3e77c11087ac57e62f75859c659470718d8fa090169005bb3ebdeac72d6f6522"

COLUMNS = ("atopid", "warid", "warname", "post1945", "members", "all_honoured", "any_honoured")

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(60)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


@dataclass(frozen=True)
class Cohesion:
    """The fitted cohesion correlation and the marginal honour probabilities."""

    correlation: float
    interval: tuple[float, float]  # 95 % profile-likelihood interval
    p_before_1945: float
    p_after_1945: float
    n: int
    all_honoured: int
    some_honoured: int
    none_honoured: int
    max_obliged: int | None


def load_multilateral_cases(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The 42 multilateral-alliance cases (strict and lenient coding, ATOP member count)."""
    file = (data_path("alliance_reliability", "multilateral_cases.csv") if path is None
            else Path(path))
    raw = read_checked_csv(
        file, sha256=SHA256, columns=COLUMNS, what="multilateral alliance cases",
        restore="data/alliance_reliability/multilateral_cases.csv from the repository")
    out = raw.copy()
    for col in ("atopid", "warid", "post1945", "members", "all_honoured", "any_honoured"):
        out[col] = out[col].astype(int)
    return out


def _neg_log_likelihood(theta: NDArray[np.float64], k: NDArray[np.float64],
                        post: NDArray[np.float64], outcome: NDArray[np.int64]) -> float:
    c0, c1, z = theta
    r = 1.0 / (1.0 + np.exp(-z))
    c = c0 + c1 * post
    q = stats.norm.cdf((c[None, :] - np.sqrt(r) * _NODES[:, None]) / np.sqrt(1.0 - r))
    p_all = (_WEIGHTS[:, None] * q ** k).sum(axis=0)
    p_none = (_WEIGHTS[:, None] * (1.0 - q) ** k).sum(axis=0)
    p_some = 1.0 - p_all - p_none
    p = np.choose(outcome, [p_none, p_some, p_all])
    return float(-np.log(np.clip(p, 1e-300, 1.0)).sum())


def fit_cohesion(cases: pd.DataFrame | None = None, *, max_obliged: int | None = None
                 ) -> Cohesion:
    """Maximum-likelihood cohesion correlation with its 95 % profile-likelihood interval.

    Parameters
    ----------
    cases : DataFrame, optional
        :func:`load_multilateral_cases` (the default).
    max_obliged : int, optional
        Cap on the obliged members per case (``None``: the ATOP count less one).
    """
    data = load_multilateral_cases() if cases is None else cases
    k = (data["members"].to_numpy(float) - 1.0).clip(min=2.0)
    if max_obliged is not None:
        k = np.minimum(k, float(max_obliged))
    post = data["post1945"].to_numpy(float)
    outcome = np.where(data["all_honoured"] == 1, 2,
                       np.where(data["any_honoured"] == 1, 1, 0)).astype(np.int64)
    args = (k, post, outcome)
    best = optimize.minimize(_neg_log_likelihood, np.array([0.0, -1.0, 1.0]), args=args,
                             method="Nelder-Mead",
                             options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 8000})
    grid = np.linspace(0.01, 0.995, 200)
    inside = []
    for r in grid:
        z = np.log(r / (1.0 - r))
        prof = optimize.minimize(lambda t, z=z: _neg_log_likelihood(np.array([*t, z]), *args),
                                 best.x[:2], method="Nelder-Mead")
        if prof.fun - best.fun < stats.chi2.ppf(0.95, 1) / 2.0:
            inside.append(r)
    c0, c1, z = best.x
    return Cohesion(
        correlation=float(1.0 / (1.0 + np.exp(-z))),
        interval=(float(min(inside)), float(max(inside))),
        p_before_1945=float(stats.norm.cdf(c0)),
        p_after_1945=float(stats.norm.cdf(c0 + c1)),
        n=len(data),
        all_honoured=int((outcome == 2).sum()),
        some_honoured=int((outcome == 1).sum()),
        none_honoured=int((outcome == 0).sum()),
        max_obliged=max_obliged,
    )

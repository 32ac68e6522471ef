r"""Out-of-sample check of the fitted decision block against the interstate outside view.

Two splits of the case library's war ends (:mod:`guaranty.history.cases`):

* **time**: fit on wars that ended before ``split_year`` (rival years before it too), predict
  the later ones;
* **k-fold**: ``folds`` folds by case order (case ``i`` in fold ``i mod folds``); each fold is
  predicted by fits on the others, with the rival years of the held-out pairs left out.

For each held-out case the **inside model** (:mod:`guaranty.calibration.decision`, the
engine's hazard form, fitted ``summed`` by default, or ``directed``: who started each war where
known, and a parity term) gives :math:`F(t) = 1 - e^{-\Lambda t}`; ``inside_duration`` the same
block with a Weibull shape, :math:`1 - e^{-\Lambda t^\rho}` (what the engine lacks);
``inside_summed`` the first fit, either side may have started every war; the
**outside view**
(:mod:`guaranty.history.interstate_view`, Weibull) its :math:`F(t\mid x)`; the **null** is the
Kaplan-Meier curve of the training cases (no covariates). Discrimination is Harrell's C on
:math:`F(60)`; calibration sets the mean predicted :math:`F(t)` beside the Kaplan-Meier
:math:`1 - \hat S(t)` of the held-out cases at 1, 2, 5 and 10 years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from guaranty.calibration.decision import (
    _design,
    cumulative,
    fit_decision,
    pair_rate,
    parameter_names,
)
from guaranty.errors import InputError
from guaranty.history.cases import load_episodes, load_rival_years
from guaranty.history.interstate_view import covariates, fit_interstate_view
from guaranty.history.survival import kaplan_meier

__all__ = ["SplitResult", "validate_inside"]

YEARS = (1.0, 2.0, 5.0, 10.0)
MODELS = ("inside", "inside_duration", "inside_summed", "outside", "null")


@dataclass(frozen=True)
class SplitResult:
    """One split: held-out size, C-index and calibration of each model."""

    split: str
    n_test: int
    test_renewals: int
    c_index: dict[str, float]
    calibration: tuple[dict[str, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON."""
        return {"split": self.split, "n_test": self.n_test, "test_renewals": self.test_renewals,
                "c_index": self.c_index, "calibration": list(self.calibration)}


def _predict(train_ep: pd.DataFrame, train_rv: pd.DataFrame, test: pd.DataFrame,
             sides: str) -> dict[tuple[str, float], Any]:
    """F(t) at 12 t for t in YEARS and at 60 months, for each model, shape (n_test,)."""
    summed = fit_decision(sample="both", episodes=train_ep, rivalries=train_rv, sides="summed")
    fit = summed
    if sides == "directed":  # the better of the fixed start and the summed optimum (two valleys)
        fit = max((fit_decision(sample="both", episodes=train_ep, rivalries=train_rv,
                                sides=sides, start=start) for start in (None, summed.estimate)),
                  key=lambda f: f.log_likelihood)
    slow = fit_decision(sample="both", episodes=train_ep, rivalries=train_rv, duration=True,
                        start=fit.estimate, sides=sides)
    d = _design(test, yearly=False)
    lam = pair_rate(fit.estimate, d.ln_ratio, d.pi)
    lam_slow = pair_rate(slow.estimate, d.ln_ratio, d.pi)
    lam_summed = pair_rate(summed.estimate, d.ln_ratio, d.pi)
    view = fit_interstate_view(train_ep)
    x = covariates(test)
    km = kaplan_meier(train_ep["months"].to_numpy(float), train_ep["renewed"].to_numpy(int),
                      label="train", level=0.9)
    out: dict[tuple[str, float], Any] = {}
    for m in (*[12 * y for y in YEARS], 60.0):
        out[("inside", m)] = -np.expm1(-lam * m)
        out[("inside_duration", m)] = -np.expm1(-cumulative(lam_slow, m, slow.estimate[6]))
        out[("inside_summed", m)] = -np.expm1(-lam_summed * m)
        out[("outside", m)] = view.failure_many(x, m)
        out[("null", m)] = np.full(len(test), 1.0 - km.at(m)[0])
    return out


def _score(name: str, test: pd.DataFrame, pred: dict[Any, Any]) -> SplitResult:
    from lifelines.utils import concordance_index

    t = test["months"].to_numpy(float)
    d = test["renewed"].to_numpy(int)
    c_index = {}
    for model in MODELS:
        risk = np.asarray(pred[(model, 60.0)], dtype=float)
        c_index[model] = float(concordance_index(t, -risk, d)) if d.any() else float("nan")
    curve = kaplan_meier(t, d, label="held out", level=0.95)
    calibration = []
    for y in YEARS:
        s, lo, hi = curve.at(12 * y)
        row = {"years": y, "observed": 1 - s, "observed_lo": 1 - hi, "observed_hi": 1 - lo}
        for model in MODELS:
            row[model] = float(np.mean(pred[(model, 12 * y)]))
        calibration.append(row)
    return SplitResult(name, len(test), int(d.sum()), c_index, tuple(calibration))


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[np.isfinite(frame["ln_ratio"].to_numpy(float))].reset_index(drop=True)


def validate_inside(*, split_year: int = 1980, folds: int = 10,
                    episodes: pd.DataFrame | None = None,
                    rivalries: pd.DataFrame | None = None,
                    sides: str = "summed") -> tuple[SplitResult, ...]:
    """The time split and the k-fold check (pooled over folds), in that order; the inside
    model fitted with ``sides`` (:data:`guaranty.calibration.decision.SIDES`).

    Raises
    ------
    InputError
        When the split leaves fewer than 30 cases to fit or 15 to test, or folds < 2.
    """
    ep = _complete(load_episodes() if episodes is None else episodes)
    rv = _complete(load_rival_years() if rivalries is None else rivalries)
    train = ep[ep["year"] < split_year]
    test = ep[ep["year"] >= split_year]
    if len(train) < 30 or len(test) < 15:
        raise InputError(f"split_year must leave at least 30 cases to fit and 15 to test; "
                         f"{split_year} leaves {len(train)} and {len(test)} (war ends run "
                         "1946-2020; try 1970-1990)")
    if folds < 2:
        raise InputError(f"folds must be at least 2, got {folds}")
    parameter_names(sides)  # checks sides
    # Time split: censor the training cases at the split (what was known then).
    known = train.copy()
    cutoff = (pd.Timestamp(f"{split_year}-01-01") - pd.to_datetime(known["end"])).dt.days / 30.4375
    renewed_after = known["months"] > cutoff
    known.loc[renewed_after, "renewed"] = 0
    known["months"] = np.minimum(known["months"], cutoff)
    out = [_score(f"time split: fit on war ends before {split_year}, test on the rest", test,
                  _predict(known, rv[rv["year"] < split_year], test, sides))]
    fold = np.arange(len(ep)) % folds
    pooled: dict[Any, list[Any]] = {}
    order = []
    for k in range(folds):
        held = ep[fold == k]
        pairs = set(zip(held["code1"], held["code2"], strict=True))
        keep = ~pd.Series(list(zip(rv["code1"], rv["code2"], strict=True))).isin(pairs).to_numpy()
        pred = _predict(ep[fold != k], rv[keep], held, sides)
        for key, value in pred.items():
            pooled.setdefault(key, []).append(value)
        order.append(held)
    merged = {key: np.concatenate(v) for key, v in pooled.items()}
    out.append(_score(f"{folds}-fold (pooled held-out predictions)", pd.concat(order), merged))
    return tuple(out)


def summary_rows(results: Sequence[SplitResult]) -> list[dict[str, Any]]:
    """Flat rows (split, model, C-index, predicted at each horizon) for a table."""
    rows = []
    for r in results:
        for model in MODELS:
            rows.append({"split": r.split, "model": model, "c_index": r.c_index[model],
                         **{f"{c['years']:g}y": c[model] for c in r.calibration}})
        rows.append({"split": r.split, "model": "observed (KM)", "c_index": float("nan"),
                     **{f"{c['years']:g}y": c["observed"] for c in r.calibration}})
    return rows

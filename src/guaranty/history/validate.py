r"""Out-of-sample check of the outside-view model: fit on earlier cease-fires, predict later ones.

Spells that began before ``split_year`` train the model; later spells are predicted from their
covariates as at the cease-fire. Discrimination is Harrell's concordance index (the share of
comparable pairs whose predicted risks are ordered as their failure times):

.. math:: C = \frac{\sum_{i,j} 1[T_i < T_j]\, 1[r_i > r_j]\, \delta_i}
                   {\sum_{i,j} 1[T_i < T_j]\, \delta_i}

Calibration sets the mean predicted :math:`F(t)` of the held-out spells beside the observed
Kaplan-Meier :math:`1 - \hat S(t)` at 1, 2 and 5 years. The baseline is the same Weibull model
without provisions (no peacekeeping, monitors or kind of ending: controls only).

References
----------
Harrell, F. E., Lee, K. L. & Mark, D. B. (1996). *Statistics in Medicine* 15(4), 361-387.
https://doi.org/10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from guaranty.errors import InputError
from guaranty.history.outside import CONTROLS, MODEL_COVARIATES
from guaranty.history.spells import first_periods, fortna_spells
from guaranty.history.survival import fit_weibull, kaplan_meier

__all__ = ["CalibrationPoint", "Validation", "validate"]


@dataclass(frozen=True)
class CalibrationPoint:
    """Predicted against observed P(renewed war) by ``years`` on the held-out spells."""

    years: float
    predicted: float
    baseline_predicted: float
    observed: float
    observed_lo: float
    observed_hi: float

    def to_dict(self) -> dict[str, float]:
        """Plain form for JSON."""
        return {
            "years": self.years,
            "predicted": self.predicted,
            "baseline_predicted": self.baseline_predicted,
            "observed": self.observed,
            "observed_lo": self.observed_lo,
            "observed_hi": self.observed_hi,
        }


@dataclass(frozen=True)
class Validation:
    """The time-split check: sample sizes, C-index beside the baseline's, calibration."""

    split_year: int
    n_train: int
    n_test: int
    test_failures: int
    c_index: float
    baseline_c_index: float
    calibration: tuple[CalibrationPoint, ...]
    model: str

    def to_dict(self) -> dict[str, Any]:
        """The ``durability validate --json`` document."""
        return {
            "split_year": self.split_year,
            "model": self.model,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "test_failures": self.test_failures,
            "c_index": self.c_index,
            "baseline_c_index": self.baseline_c_index,
            "calibration": [p.to_dict() for p in self.calibration],
        }


@cache
def _validate(split_year: int, years: tuple[float, ...], level: float) -> Validation:
    from lifelines.utils import concordance_index  # lifelines loads only when a fit runs

    frame = fortna_spells()
    train = frame[frame["year"] < split_year]
    spells = first_periods(frame)
    test = spells[spells["year"] >= split_year].dropna(subset=list(MODEL_COVARIATES))
    if train["spell"].nunique() < 30 or len(test) < 20:
        raise InputError(
            f"split_year must leave at least 30 spells to fit and 20 to test; {split_year} "
            f"leaves {train['spell'].nunique()} and {len(test)} (cease-fires run 1947-1999; "
            "try 1985-1995)"
        )
    full = fit_weibull(train, MODEL_COVARIATES)
    base = fit_weibull(train, CONTROLS)
    t, d = test["months"].to_numpy(float), test["failed"].to_numpy(int)
    # Proportional hazards: the ranking of F(t) is the same at every t.
    risk = full.failure_many(test, 12.0)
    risk0 = base.failure_many(test, 12.0)
    curve = kaplan_meier(t, d, label="held out", level=level)
    points = []
    for y in years:
        s, lo, hi = curve.at(12 * y)
        points.append(
            CalibrationPoint(
                years=y,
                predicted=float(full.failure_many(test, 12 * y).mean()),
                baseline_predicted=float(base.failure_many(test, 12 * y).mean()),
                observed=1 - s,
                observed_lo=1 - hi,
                observed_hi=1 - lo,
            )
        )
    return Validation(
        split_year=split_year,
        n_train=full.n_spells,
        n_test=len(test),
        test_failures=int(d.sum()),
        c_index=float(concordance_index(t, -risk, d)),
        baseline_c_index=float(concordance_index(t, -risk0, d)),
        calibration=tuple(points),
        model="Weibull PH on " + ", ".join(MODEL_COVARIATES) + "; baseline: " + ", ".join(CONTROLS),
    )


def validate(
    *, split_year: int = 1990, years: Sequence[float] = (1, 2, 5), level: float = 0.95
) -> Validation:
    """Fit the outside-view model on spells before ``split_year`` and test it on the rest.

    Parameters
    ----------
    split_year : int
        First year of the held-out cease-fires (default 1990, the end of the Cold War).
    years : sequence of float
        Horizons for calibration, in years.
    level : float
        Coverage of the observed (Kaplan-Meier) interval.
    """
    if not all(y > 0 for y in years):
        raise InputError(f"years must be > 0, got {list(years)}")
    return _validate(int(split_year), tuple(float(y) for y in years), float(level))

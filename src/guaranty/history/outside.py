r"""The outside view: from a package's provisions to the historical risk of renewed war.

A package's provisions are mapped onto the covariates of a Weibull proportional-hazards model
fitted on Fortna's civil-war cease-fires (start-stop rows, peacekeeping time varying):

.. math:: F(t \mid x) = 1 - \exp\{-(t/\lambda(x))^{\rho}\},\quad \lambda(x) = e^{\beta^\top x}

with :math:`x` = (peacekeepers, monitors, victory, treaty, logdead, wartype, wardur). The mapping:

============================  ==============================================================
provision                     covariate
============================  ==============================================================
peacekeepers                  ``peacekeepers`` = 1 (Fortna mission types 3-5: traditional,
                              multidimensional, enforcement)
monitors                      ``monitors`` = 1 (type 2: observers); with peacekeepers too, the
                              armed mission wins (Fortna codes one type per period)
agreement = "ceasefire"       truce: ``victory`` = ``treaty`` = 0 (reference)
agreement = "agreement"       ``treaty`` = 1
agreement = "victory"         ``victory`` = 1
third_party_guarantee, dmz,   not mapped: no covariate in the civil-war data; Fortna's
joint_commission, withdrawal  interstate data (which code them) are not available here
============================  ==============================================================

The controls (log deaths, identity war, war duration) are held at the sample median unless
given. Beside it stands the UCDP interstate base rate for the same kind of ending.

References
----------
Fortna, V. P. (2008). *Does Peacekeeping Work?* Princeton University Press.
Fortna, V. P. (2004). *Peace Time: Cease-Fire Agreements and the Durability of Peace*.
Princeton University Press.
Kreutz, J. (2010). *JPR* 47(2), 243-250. https://doi.org/10.1177/0022343309353108
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty._provisions import AGREEMENTS, Provisions
from guaranty.errors import InputError
from guaranty.history.interstate import agreement_model, base_rate
from guaranty.history.spells import first_periods, fortna_spells
from guaranty.history.survival import WeibullFit, fit_weibull

__all__ = [
    "AGREEMENTS",
    "CONTROLS",
    "MODEL_COVARIATES",
    "OutsideView",
    "Provisions",
    "covariates",
    "outside_view",
    "outside_view_model",
]

CONTROLS = ("logdead", "wartype", "wardur")
MODEL_COVARIATES = ("peacekeepers", "monitors", "victory", "treaty", *CONTROLS)
MODEL_LABEL = (
    "Weibull PH (AFT), start-stop, on Fortna's civil-war cease-fires 1947-1999 "
    "(data/fortna_peacekeeping)"
)
_UCDP_OUTCOME = {"ceasefire": "ceasefire", "agreement": "agreement", "victory": "victory"}


@dataclass(frozen=True)
class OutsideView:
    """The historical risk of renewed war for one package.

    ``p_war`` maps months -> (estimate, lo, hi) of P(war resumed by then) from the civil-war
    model; ``interstate`` the same from UCDP interstate episodes that ended the same way
    (Kaplan-Meier, no provisions); ``curve_months``/``curve_survival``/``curve_lo``/``curve_hi``
    : ndarray of shape (120,), P(still at peace) month by month.
    """

    provisions: Provisions
    p_war: dict[int, tuple[float, float, float]]
    model: str
    covariates: dict[str, float]
    unmapped: tuple[str, ...]
    notes: tuple[str, ...]
    interstate: Mapping[int, tuple[float, float, float]]
    interstate_n: int
    level: float
    curve_months: NDArray[np.float64]
    curve_survival: NDArray[np.float64]
    curve_lo: NDArray[np.float64]
    curve_hi: NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON."""
        return {
            "provisions": self.provisions.model_dump(),
            "model": self.model,
            "level": self.level,
            "covariates": self.covariates,
            "p_war": {str(m): list(v) for m, v in self.p_war.items()},
            "interstate_base_rate": {str(m): list(v) for m, v in self.interstate.items()},
            "interstate_n": self.interstate_n,
            "unmapped": list(self.unmapped),
            "notes": list(self.notes),
        }


@lru_cache(maxsize=1)
def outside_view_model() -> WeibullFit:
    """The fitted civil-war model behind :func:`outside_view` (cached)."""
    return fit_weibull(fortna_spells(), MODEL_COVARIATES)


@lru_cache(maxsize=1)
def _medians() -> dict[str, float]:
    spells = first_periods(fortna_spells())
    return {c: float(np.nanmedian(spells[c].to_numpy(float))) for c in CONTROLS}


def _agreement_hr(name: str) -> str:
    t = agreement_model().terms
    term = next(x for x in t if x.name == name)
    return (
        f"in UCDP peace agreements 1975-2021 it goes with the agreement ending at HR "
        f"{term.hazard_ratio:.2f} ({term.lo:.2f}-{term.hi:.2f}), a different outcome, not used"
    )


def covariates(
    provisions: Provisions, *, controls: Mapping[str, float] | None = None
) -> tuple[dict[str, float], tuple[str, ...], tuple[str, ...]]:
    """Map provisions onto the civil-war model's covariates.

    Returns
    -------
    tuple
        (covariate values, unmapped provisions each with why, notes on how others were mapped).
    """
    values = dict(_medians())
    for name, v in (controls or {}).items():
        if name not in CONTROLS:
            raise InputError(f"controls must be among {', '.join(CONTROLS)}, got {name!r}")
        values[name] = float(v)
    values["peacekeepers"] = float(provisions.peacekeepers)
    values["monitors"] = float(provisions.monitors and not provisions.peacekeepers)
    values["victory"] = float(provisions.agreement == "victory")
    values["treaty"] = float(provisions.agreement == "agreement")
    notes = [
        "controls held at "
        + ", ".join(f"{c}={values[c]:.2f}" for c in CONTROLS)
        + (" (sample medians)" if not controls else "")
    ]
    if provisions.peacekeepers and provisions.monitors:
        notes.append("monitors subsumed by peacekeepers (Fortna codes one mission type a period)")
    missing_interstate = "Fortna's interstate data (Peace Time, 2004), which code it, are not here"
    unmapped = []
    if provisions.third_party_guarantee:
        unmapped.append(
            "third_party_guarantee: no such covariate in Fortna's civil-war data; "
            f"{missing_interstate}; {_agreement_hr('third_party')} (third-party signatory)"
        )
    if provisions.dmz:
        unmapped.append("dmz: no data set here codes a demilitarised zone; " + missing_interstate)
    if provisions.joint_commission:
        unmapped.append(
            "joint_commission: no such covariate in Fortna's civil-war data; "
            f"{missing_interstate}; {_agreement_hr('joint_commission')} (implementation "
            "commission)"
        )
    if provisions.withdrawal:
        unmapped.append(
            "withdrawal: no such covariate in Fortna's civil-war data; "
            f"{missing_interstate}; {_agreement_hr('withdrawal')}"
        )
    return values, tuple(unmapped), tuple(notes)


def outside_view(
    provisions: Provisions,
    *,
    months: Sequence[int] = (12, 60, 120),
    level: float = 0.95,
    controls: Mapping[str, float] | None = None,
) -> OutsideView:
    """The historical probability of renewed war for a package, with intervals.

    Parameters
    ----------
    provisions : Provisions
        The package's provisions.
    months : sequence of int
        Horizons in months since the cease-fire, each > 0.
    level : float
        Coverage of the intervals (delta method on the Weibull fit; Greenwood for UCDP).
    controls : Mapping[str, float], optional
        Values of ``logdead``, ``wartype``, ``wardur`` (default: sample medians).

    Returns
    -------
    OutsideView
        P(war) by horizon, the survival curve over 120 months, the covariates used, and the
        provisions that could not be mapped, each with why.

    Examples
    --------
    >>> view = outside_view(Provisions(monitors=True, agreement="ceasefire"))
    >>> sorted(view.p_war)
    [12, 60, 120]
    """
    if not isinstance(provisions, Provisions):
        raise InputError(f"provisions must be a Provisions, got {type(provisions).__name__}")
    horizons = [int(m) for m in months]
    if not horizons or min(horizons) <= 0:
        raise InputError(f"months must be positive whole months, got {list(months)}")
    values, unmapped, notes = covariates(provisions, controls=controls)
    fit = outside_view_model()
    est, lo, hi = fit.failure(values, horizons, level=level)
    grid = np.arange(1, 121, dtype=float)
    g_est, g_lo, g_hi = fit.failure(values, grid, level=level)
    ucdp = base_rate(
        "interstate", _UCDP_OUTCOME[provisions.agreement], months=horizons, level=level
    )
    notes = (
        *notes,
        "interstate base rate: UCDP episodes need a calendar year without fighting to end, so "
        "renewed war within 12 months is 0 by construction there",
    )
    return OutsideView(
        provisions=provisions,
        p_war={
            m: (float(e), float(a), float(b))
            for m, e, a, b in zip(horizons, est, lo, hi, strict=True)
        },
        model=MODEL_LABEL,
        covariates=values,
        unmapped=unmapped,
        notes=notes,
        interstate=ucdp.p_war,
        interstate_n=ucdp.n,
        level=level,
        curve_months=grid,
        curve_survival=1 - g_est,
        curve_lo=1 - g_hi,
        curve_hi=1 - g_lo,
    )

r"""The outside view beside the model, and the anchoring of the aggressor's base hazard to it.

**Outside view of a package.** History gives two things that do not come together in one data
set: a base rate of renewed war after *interstate* wars (UCDP Conflict Termination episodes,
Kaplan–Meier; :func:`guaranty.history.interstate.base_rate`), and the *relative* effect of
agreement provisions (peacekeepers, monitors, a treaty, a victory), estimated on Fortna's
civil-war cease-fires (Weibull proportional hazards; :mod:`guaranty.history.outside`). We
transport the relative effect onto the interstate baseline under proportional hazards:

.. math:: F_{pkg}(t) = 1 - \big(1 - F_{ref}(t)\big)^{HR}, \qquad
          HR = \exp\!\big(-\rho\,\beta^\top (x_{pkg} - x_{ref})\big)

with :math:`x` the Weibull model's covariates for the package and for the reference ending
(a bare cease-fire), :math:`\rho` its shape and :math:`\beta` its AFT coefficients. That the
relative effects carry over from civil to interstate wars is an assumption (the interstate
samples, 14–21 episodes by kind of ending, are too thin to estimate them); the interval shown
is the base rate's Kaplan–Meier interval transported with the point HR, so it leaves out the
HR's own uncertainty. Provisions the model cannot map (third-party guarantee, DMZ, joint
commission, withdrawal) are reported, not guessed.

**Anchoring.** By default the engine multiplies the aggressor's base hazard
(``decision.base_hazard_per_month``) by the factor :math:`c` (``decision.base_hazard_scale``)
that makes the anchor package's mean P(war within 120 months) equal the outside view's base
rate for it. :math:`c` is found by Brent's method on :math:`\log c` over a fixed calibration
set of 2,000 worlds (worlds 0–1,999 of the run's seed), so it depends on the seed and the scenario,
never on the number of worlds or the chunking. It is calibrated under the default assumptions
(no lens) and then kept under every lens: history fixes the base rate once, and an expert's
lens shows how the risk differs if the expert is right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from scipy.optimize import brentq

from guaranty.history.interstate import base_rate
from guaranty.history.outside import Provisions as HistoryProvisions
from guaranty.history.outside import covariates, outside_view_model
from guaranty.scenario.schema import Provisions, Scenario

Reference = Literal["interstate", "interstate-same-ending"]
CALIBRATION_WORLDS = 2_000
ANCHOR_MONTHS = 120
_ENDING = {"ceasefire": "ceasefire", "agreement": "agreement", "victory": "victory"}


@dataclass(frozen=True)
class OutsideEstimate:
    """The historical P(renewed war) for one package, by month: (estimate, lo, hi)."""

    p_war: dict[int, tuple[float, float, float]]
    hazard_ratio: float
    reference: str
    reference_n: int
    unmapped: tuple[str, ...]
    level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_war": {str(m): list(v) for m, v in self.p_war.items()},
            "hazard_ratio_vs_bare_ceasefire": self.hazard_ratio,
            "reference": self.reference,
            "reference_n": self.reference_n,
            "unmapped": list(self.unmapped),
            "level": self.level,
        }


def _history(p: Provisions) -> HistoryProvisions:
    return HistoryProvisions(**p.model_dump())


def hazard_ratio(provisions: Provisions, reference: Provisions | None = None) -> float:
    """Hazard ratio of a package's provisions against ``reference`` (a bare cease-fire)."""
    fit = outside_view_model()
    x, _, _ = covariates(_history(provisions))
    x0, _, _ = covariates(_history(reference or Provisions()))
    beta = dict(zip(fit.covariates, fit.beta[1:], strict=True))
    shift = sum(beta[c] * (x[c] - x0[c]) for c in fit.covariates)
    return float(math.exp(-math.exp(fit.log_rho) * shift))


def _reference_rate(
    provisions: Provisions, reference: Reference, months: tuple[int, ...], level: float
) -> tuple[dict[int, tuple[float, float, float]], str, int]:
    if reference == "interstate":
        rate = base_rate("interstate", "all", months=months, level=level)
        label = "UCDP interstate episodes 1946-2020, all endings (Kaplan-Meier)"
    else:
        rate = base_rate("interstate", _ENDING[provisions.agreement], months=months, level=level)
        label = f"UCDP interstate episodes ending in {provisions.agreement} (Kaplan-Meier)"
    return rate.p_war, label, rate.n


@lru_cache(maxsize=256)
def outside_estimate(
    provisions: Provisions,
    *,
    reference: Reference = "interstate",
    months: tuple[int, ...] = (12, 60, 120),
    level: float = 0.90,
) -> OutsideEstimate:
    """The outside view for a package: interstate base rate x civil-war relative effect."""
    base = Provisions(agreement=provisions.agreement) if reference != "interstate" else (
        Provisions())
    rates, label, n = _reference_rate(provisions, reference, months, level)
    hr = hazard_ratio(provisions, base)
    _, unmapped, _ = covariates(_history(provisions))
    p_war = {
        m: (_transport(rates[m][0], hr), _transport(rates[m][1], hr),
            _transport(rates[m][2], hr))
        for m in months
    }
    return OutsideEstimate(p_war=p_war, hazard_ratio=hr, reference=label,
                           reference_n=n, unmapped=unmapped, level=level)


def _transport(failure: float, hr: float) -> float:
    return float(1.0 - (1.0 - failure) ** hr)


@dataclass(frozen=True)
class Anchor:
    """The anchoring of the base hazard: which package, to what target, with what factor."""

    package: str
    target: float
    achieved: float
    scale: float
    months: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package, "target_p_war_120m": self.target,
                "achieved_p_war_120m": self.achieved, "base_hazard_scale": self.scale,
                "months": self.months, "source": self.source}


def anchor_package(scenario: Scenario) -> str:
    """The package whose risk is anchored: ``ceasefire-only`` if present, else the first."""
    return "ceasefire-only" if "ceasefire-only" in scenario.packages else next(
        iter(scenario.packages))


def calibrate(
    scenario: Scenario,
    *,
    seed: int,
    lens: str | None = None,
    reference: Reference = "interstate",
    package: str | None = None,
) -> Anchor:
    """Find the base-hazard factor that makes the anchor package match the outside view."""
    from guaranty.engine import run_chunk
    from guaranty.params import ParamView
    from guaranty.scenario.compile import compile_plan

    name = package or anchor_package(scenario)
    plan = compile_plan(scenario, name, lens)
    target_view = outside_estimate(plan.provisions, reference=reference)
    target = target_view.p_war[ANCHOR_MONTHS][0]
    params = plan.registry.sample(seed, 0, CALIBRATION_WORLDS)

    def mean_risk(log_scale: float) -> float:
        trial = dict(params)
        trial["decision.base_hazard_scale"] = np.full(CALIBRATION_WORLDS, math.exp(log_scale))
        out = run_chunk(plan, ParamView(trial), ANCHOR_MONTHS)
        return float(out[f"p_war_{ANCHOR_MONTHS}m"].mean())

    # P(war) rises with the factor; bracket it narrowly first (factors 1/20 to 20), then wide.
    lo, hi = -3.0, 3.0
    f_lo, f_hi = mean_risk(lo) - target, mean_risk(hi) - target
    if f_lo > 0 or f_hi < 0:
        lo, hi = -12.0, 12.0
        f_lo, f_hi = mean_risk(lo) - target, mean_risk(hi) - target
    if f_lo > 0 or f_hi < 0:
        best = lo if abs(f_lo) < abs(f_hi) else hi
        return Anchor(name, target, mean_risk(best), math.exp(best), ANCHOR_MONTHS,
                      f"{target_view.reference}; target out of the model's reach")
    # A factor known to 0.01 % is far finer than the target's own uncertainty.
    root = brentq(lambda x: mean_risk(x) - target, lo, hi, xtol=1e-4)
    return Anchor(name, target, mean_risk(root), math.exp(root), ANCHOR_MONTHS,
                  f"{target_view.reference}, n = {target_view.reference_n}")

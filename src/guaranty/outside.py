r"""The outside view beside the model: what history says of a package's risk of renewed war.

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

The engine calibrates the aggressor's base hazard to this view when a scenario names an
anchor package (:mod:`guaranty.engine.anchoring`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

from guaranty.history.interstate import base_rate
from guaranty.history.outside import covariates, outside_view_model
from guaranty.scenario.schema import Provisions

Reference = Literal["interstate", "interstate-same-ending"]


@dataclass(frozen=True)
class OutsideEstimate:
    """The historical P(renewed war) for one package, by month: (estimate, lo, hi)."""

    p_war: Mapping[int, tuple[float, float, float]]  # read-only: the estimate is cached
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


def hazard_ratio(provisions: Provisions, reference: Provisions | None = None) -> float:
    """Hazard ratio of a package's provisions against ``reference`` (a bare cease-fire)."""
    if provisions == (reference or Provisions()):
        return 1.0  # exp(0): no need to fit the model
    fit = outside_view_model()
    x, _, _ = covariates(provisions)
    x0, _, _ = covariates(reference or Provisions())
    beta = dict(zip(fit.covariates, fit.beta[1:], strict=True))
    shift = sum(beta[c] * (x[c] - x0[c]) for c in fit.covariates)
    return float(math.exp(-math.exp(fit.log_rho) * shift))


def _reference_rate(
    provisions: Provisions, reference: Reference, months: tuple[int, ...], level: float
) -> tuple[Mapping[int, tuple[float, float, float]], str, int]:
    if reference == "interstate":
        rate = base_rate("interstate", "all", months=months, level=level)
        label = "UCDP interstate episodes 1946-2020, all endings (Kaplan-Meier)"
    else:
        rate = base_rate("interstate", provisions.agreement, months=months, level=level)
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
    _, unmapped, _ = covariates(provisions)
    p_war = {
        m: (_transport(rates[m][0], hr), _transport(rates[m][1], hr),
            _transport(rates[m][2], hr))
        for m in months
    }
    return OutsideEstimate(p_war=MappingProxyType(p_war), hazard_ratio=hr, reference=label,
                           reference_n=n, unmapped=unmapped, level=level)


def _transport(failure: float, hr: float) -> float:
    return float(1.0 - (1.0 - failure) ** hr)


class OutsideViews(Mapping[str, OutsideEstimate]):
    """Each package's outside view, computed when first read.

    The history fits behind it (Kaplan–Meier, the Weibull model) load lifelines; a run whose
    caller never reads the outside view (an optimiser, the negotiation) never pays for them.
    """

    def __init__(self, provisions: Mapping[str, Provisions]) -> None:
        self._provisions = dict(provisions)
        self._done: dict[str, OutsideEstimate] = {}

    def __getitem__(self, package: str) -> OutsideEstimate:
        if package not in self._done:
            self._done[package] = outside_estimate(self._provisions[package])
        return self._done[package]

    def __contains__(self, package: object) -> bool:
        return package in self._provisions

    def __iter__(self) -> Iterator[str]:
        return iter(self._provisions)

    def __len__(self) -> int:
        return len(self._provisions)

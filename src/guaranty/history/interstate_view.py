r"""The interstate outside view: a Weibull survival model of renewed war fitted on the case library.

The civil-war outside view (:mod:`guaranty.history.outside`) transports Fortna's civil-war
effects to an interstate scenario. This model is fitted on interstate war ends instead
(:mod:`guaranty.history.cases`, 1946-2020), with covariates that exist for interstate pairs:

* ``weak_pact``: the weaker side (by the capability composite) has a third-party defence pact
  (ATOP); ``weak_pact_unconditional``: one of them has no conditions on the casus foederis
  (ATOP 4.01 ``defcon = 0``). ATOP does not code "in accordance with constitutional processes"
  wording, so no covariate for it exists in these data;
* ``neutral_peacekeepers``: a neutral interstate peace operation (UN, MFO, MOMEP, NNSC) at the
  end of the war; ``forces_of_a_party``: foreign forces of an ally of one party styled as
  peacekeeping or a command (UN Command in Korea, Russia's contingent in Karabakh), which are
  not neutral, are coded apart (``forces_of_a_party``) but not in the model: one case (Korea
  1953) has them, too few to estimate an effect;
* ``previous_ends``: :math:`\ln(1 + n)`, with :math:`n` the earlier war ends of the same pair in
  the library (a history of recurrence: India and Pakistan account for 8 of the ends);
* ``imbalance``: :math:`|\ln R_{12}|`, the capability imbalance;
* how the last war ended: ``agreement``, ``victory``, ``low_activity`` against a cease-fire;
  and ``war`` (1,000+ battle deaths a year).

Weibull proportional hazards (fitted as AFT by lifelines, :func:`guaranty.history.survival.
fit_weibull`): :math:`S(t\mid x) = \exp\{-(t/\lambda(x))^\rho\}`; a shape :math:`\rho < 1` is
a hazard that falls with time since the war.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from guaranty._provisions import Provisions
from guaranty.history.cases import load_episodes
from guaranty.history.survival import WeibullFit, fit_weibull

__all__ = ["INTERSTATE_COVARIATES", "InterstateView", "covariates", "fit_interstate_view",
           "interstate_view", "provisions_profile"]

INTERSTATE_COVARIATES = (
    "weak_pact",
    "weak_pact_unconditional",
    "neutral_peacekeepers",
    "imbalance",
    "previous_ends",
    "agreement",
    "victory",
    "low_activity",
    "war",
)


def covariates(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's covariates for each case of ``frame`` (the library's columns), beside
    ``months``, ``renewed`` (as ``failed``) and ``year``."""
    weak_is_1 = frame["ln_ratio"].to_numpy(float) < 0
    out = pd.DataFrame(index=frame.index)
    out["months"] = frame["months"].astype(float)
    out["failed"] = frame["renewed"].astype(int)
    out["year"] = frame["year"].astype(int)
    out["name"] = frame["name"]
    pacts = np.where(weak_is_1, frame["pacts1"], frame["pacts2"])
    uncond = np.where(weak_is_1, frame["pact_unconditional1"], frame["pact_unconditional2"])
    out["weak_pact"] = (pacts > 0).astype(float)
    out["weak_pact_unconditional"] = ((pacts > 0) & (uncond > 0)).astype(float)
    out["neutral_peacekeepers"] = frame["peacekeepers_neutral"].astype(float)
    out["forces_of_a_party"] = frame["forces_of_a_party"].astype(float)
    out["imbalance"] = frame["ln_ratio"].abs()
    pair = frame["code1"].astype(str) + "-" + frame["code2"].astype(str)
    order = pd.to_datetime(frame["end"])
    earlier = [int(((pair == p) & (order < t)).sum()) for p, t in zip(pair, order, strict=True)]
    out["previous_ends"] = np.log1p(np.asarray(earlier, dtype=float))
    for ending in ("agreement", "victory", "low_activity"):
        out[ending] = (frame["ending"] == ending).astype(float)
    out["war"] = frame["war"].astype(float)
    return out


def fit_interstate_view(frame: pd.DataFrame | None = None,
                        names: Sequence[str] = INTERSTATE_COVARIATES) -> WeibullFit:
    """Fit the Weibull model on ``frame`` (default: the whole library); rows with a missing
    balance are left out."""
    data = covariates(load_episodes() if frame is None else frame)
    return fit_weibull(data[["months", "failed", *names]].dropna(), names)


@dataclass(frozen=True)
class InterstateView:
    """P(renewed war) for a profile of covariates, with the fit behind it."""

    profile: Mapping[str, float]
    p_war: Mapping[int, tuple[float, float, float]]
    n: int
    failures: int
    shape: float
    terms: tuple[dict[str, float | str], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON."""
        return {"model": "Weibull PH on the interstate case library "
                         "(guaranty.history.interstate_view)",
                "n": self.n, "failures": self.failures, "shape_rho": self.shape,
                "profile": dict(self.profile),
                "p_war": {str(m): list(v) for m, v in self.p_war.items()},
                "terms": list(self.terms)}


@cache
def _fit() -> WeibullFit:
    return fit_interstate_view()


def interstate_view(profile: Mapping[str, float] | None = None, *,
                    months: Sequence[int] = (12, 24, 60, 120),
                    level: float = 0.9) -> InterstateView:
    """P(renewed war) by each horizon for ``profile`` (covariates not named are 0: a bare
    cease-fire between equals without pacts or peacekeepers), with its interval."""
    fit = _fit()
    values = {c: 0.0 for c in INTERSTATE_COVARIATES} | dict(profile or {})
    est, lo, hi = fit.failure(values, np.asarray(months, dtype=float), level=level)
    p_war = {int(m): (float(e), float(a), float(b))
             for m, e, a, b in zip(months, est, lo, hi, strict=True)}
    terms: tuple[dict[str, float | str], ...] = tuple(
        {"name": t.name, "hazard_ratio": t.hazard_ratio, "lo": t.lo, "hi": t.hi, "p": t.p}
        for t in fit.hazard_ratios(level=0.95))
    return InterstateView(values, p_war, fit.n_spells, fit.n_failures,
                          float(np.exp(fit.log_rho)), terms)


def provisions_profile(provisions: Provisions) -> dict[str, float]:
    """The covariates of a package's provisions, for :func:`interstate_view`.

    The end of a war (``war`` = 1) between equals, with: the kind of ending; peacekeepers or
    monitors as a neutral mission (``neutral_peacekeepers``); a third-party guarantee as a
    defence pact of the weaker side (``weak_pact``). A DMZ, a joint commission and a withdrawal
    have no interstate covariate here and are not mapped.
    """
    return {
        "war": 1.0,
        "agreement": float(provisions.agreement == "agreement"),
        "victory": float(provisions.agreement == "victory"),
        "neutral_peacekeepers": float(provisions.peacekeepers or provisions.monitors),
        "weak_pact": float(provisions.third_party_guarantee),
    }

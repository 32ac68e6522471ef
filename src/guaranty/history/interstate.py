r"""Base rates of renewed war after conflict episodes end, interstate against intrastate (UCDP).

For each way an episode ended (peace agreement, cease-fire, victory, low activity) and each kind
of conflict, the Kaplan-Meier probability that the same conflict became active again within
1, 5 and 10 years, :math:`1 - \hat S(t)`; and a Cox model with the covariates the data offer.
A second table asks which provisions of UCDP peace agreements go with the agreement ending
(a different outcome from renewed war, stated wherever it is used).

References
----------
Kreutz, J. (2010). How and when armed conflicts end: Introducing the UCDP Conflict Termination
dataset. *JPR* 47(2), 243-250. https://doi.org/10.1177/0022343309353108
Pettersson, T., Högbladh, S. & Öberg, M. (2019). *JPR* 56(4), 589-603.
https://doi.org/10.1177/0022343319856046
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import pandas as pd

from guaranty.history.spells import agreement_spells, termination_spells
from guaranty.history.survival import CoxFit, fit_cox, kaplan_meier

__all__ = [
    "AGREEMENT_COVARIATES",
    "TERMINATION_COVARIATES",
    "BaseRate",
    "agreement_model",
    "base_rate",
    "base_rates",
    "termination_model",
]

#: Outcome dummies against the reference "ceasefire", plus the episode's covariates.
TERMINATION_COVARIATES = (
    "interstate",
    "agreement",
    "victory",
    "low_activity",
    "war",
    "territory",
    "episode_years",
    "post_cold_war",
)
AGREEMENT_COVARIATES = (
    "peacekeepers",
    "withdrawal",
    "third_party",
    "joint_commission",
    "ceasefire",
    "full",
)


@dataclass(frozen=True)
class BaseRate:
    """P(renewed war by each month) after episodes of one kind that ended one way."""

    kind: str
    outcome: str
    n: int
    failures: int
    p_war: Mapping[int, tuple[float, float, float]]  # read-only: base rates are cached

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON."""
        return {
            "kind": self.kind,
            "outcome": self.outcome,
            "n": self.n,
            "failures": self.failures,
            "p_war": {str(m): list(v) for m, v in self.p_war.items()},
        }


def _episodes() -> pd.DataFrame:
    frame = termination_spells()
    frame = frame[frame["kind"].isin(["interstate", "intrastate"])].copy()
    for outcome in ("agreement", "ceasefire", "victory", "low_activity"):
        frame[outcome] = (frame["outcome"] == outcome).astype(float)
    return frame


def base_rate(
    kind: str, outcome: str, *, months: Sequence[int] = (12, 60, 120), level: float = 0.95
) -> BaseRate:
    """Kaplan-Meier P(renewed war) for one kind (interstate, intrastate, all) and outcome.

    ``outcome`` is agreement, ceasefire, victory, low_activity or ``all``.
    """
    frame = _episodes()
    if kind != "all":
        frame = frame[frame["kind"] == kind]
    if outcome != "all":
        frame = frame[frame["outcome"] == outcome]
    curve = kaplan_meier(
        frame["months"].to_numpy(),
        frame["failed"].to_numpy(),
        label=f"{kind}/{outcome}",
        level=level,
    )
    p_war = {}
    for m in months:
        s, lo, hi = curve.at(m)
        p_war[int(m)] = (1 - s, 1 - hi, 1 - lo)
    return BaseRate(kind, outcome, curve.n, curve.events, MappingProxyType(p_war))


@cache
def base_rates(
    *, months: tuple[int, ...] = (12, 60, 120), level: float = 0.95
) -> tuple[BaseRate, ...]:
    """Base rates for every kind (interstate, intrastate) and outcome, with 'all' rows."""
    out = []
    for kind in ("interstate", "intrastate"):
        for outcome in ("all", "agreement", "ceasefire", "victory", "low_activity"):
            out.append(base_rate(kind, outcome, months=months, level=level))
    return tuple(out)


@cache
def termination_model(*, level: float = 0.95) -> CoxFit:
    """Cox model of renewed war after UCDP episodes (interstate and intrastate, 1946-2020).

    One row per episode; outcome dummies against a cease-fire; ``war`` (1,000+ battle deaths in
    a year), ``territory``, ``episode_years`` and ``post_cold_war`` as controls.
    """
    return fit_cox(_episodes(), TERMINATION_COVARIATES, level=level)


@cache
def agreement_model(*, level: float = 0.95) -> CoxFit:
    """Cox model of UCDP peace agreements *ending* (not renewed war), by provision, 1975-2021."""
    return fit_cox(agreement_spells(), AGREEMENT_COVARIATES, level=level)

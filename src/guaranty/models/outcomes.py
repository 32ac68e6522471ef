r"""Outcomes per world: war by month t, and what a war would bring, integrated over its timing.

The engine carries each world's probability of still being at peace,
:math:`S_t = \prod_{u<t} (1 - h_u)`, instead of drawing one attack date per world. A world's
chance of a renewed war by month :math:`t` is exactly :math:`1 - S_t`, and any consequence
:math:`y_u` of a war that starts in month :math:`u` (ground lost, casualties, captured stocks,
whether the defender holds) enters as its expectation given war:

.. math:: \mathbb E[y \mid \text{war by } T] = \frac{\sum_{u<T} S_u h_u\, y_u}{1 - S_T}

This conditional-expectation (Rao–Blackwell) form removes the Monte Carlo noise of the attack
date and of the battle's luck within a world: the spread across worlds that the summaries
report is the spread of the uncertain assumptions, and the standard errors come from the
number of worlds alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

WAR_CHECKPOINTS = (12, 24, 60, 120)
GIVEN_WAR = (
    "p_hold_given_war",
    "ground_lost_km2_given_war",
    "aggressor_casualties_given_war",
    "defender_casualties_given_war",
    "equipment_captured_usd_bn_given_war",
    "p_air_denied_given_war",
    "p_blockade_given_war",
    "exports_lost_share_given_war",
    "missiles_leaking_per_month_given_war",
    "guarantor_war_cost_usd_bn_given_war",
)
UNITS = {
    "p_war": "probability",
    "p_war_horizon": "probability",
    "p_hold_given_war": "probability",
    "ground_lost_km2_given_war": "km2",
    "aggressor_casualties_given_war": "persons",
    "defender_casualties_given_war": "persons",
    "equipment_captured_usd_bn_given_war": "USD bn",
    "cost_usd_bn_per_year": "USD bn/year",
    "p_air_denied_given_war": "probability",
    "p_blockade_given_war": "probability",
    "missiles_leaking_per_month_given_war": "missiles/month",
    "troops_feasible": "share of worlds",
    "guarantor_war_cost_usd_bn_given_war": "USD bn",
    "force_ratio_12m": "ratio",
    "force_ratio_horizon": "ratio",
}


@dataclass
class WarLedger:
    """Running sums over months of the probability of war and of its consequences."""

    n: int
    survival: Array = field(init=False)
    sums: dict[str, Array] = field(init=False)
    p_war: dict[int, Array] = field(init=False)

    def __post_init__(self) -> None:
        self.survival = np.ones(self.n)
        self.sums = {name: np.zeros(self.n) for name in GIVEN_WAR}
        self.p_war = {}

    def record(self, month: int, hazard: Array, consequences: dict[str, Array]) -> None:
        """Add month ``month`` (0-based): the hazard and the consequences of a war begun then."""
        starts = self.survival * hazard
        for name, value in consequences.items():
            self.sums[name] += starts * value
        self.survival = self.survival - starts
        if month + 1 in WAR_CHECKPOINTS:
            self.p_war[month + 1] = 1.0 - self.survival

    def finish(self, months: int) -> dict[str, Array]:
        """Per-world outcomes: p_war_{t}m for t up to the horizon, and the given-war means."""
        out: dict[str, Array] = {f"p_war_{t}m": p for t, p in self.p_war.items() if t <= months}
        total = 1.0 - self.survival
        out["p_war_horizon"] = total
        with np.errstate(invalid="ignore", divide="ignore"):
            for name, value in self.sums.items():
                out[name] = np.where(total > 0, value / total, np.nan)
        return out

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

from dataclasses import dataclass
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
    "war_months_given_war",
    "equipment_captured_usd_bn_given_war",
    "p_air_denied_given_war",
    "p_blockade_given_war",
    "exports_lost_share_given_war",
    "missiles_leaking_per_month_given_war",
    "drones_leaking_per_month_given_war",
    "strikes_leaking_per_month_given_war",
    "infrastructure_damage_given_war",
    "guarantor_war_cost_usd_bn_given_war",
)
@dataclass(frozen=True)
class Metric:
    """What a metric measures and how to read it; every view formats from this."""

    name: str
    unit: str
    label: str
    kind: str  # "probability", "share", "count", "money", "rate", "ratio"
    better: str | None  # "lower", "higher" or None (neither is better)
    given_war: bool = False

    def format(self, value: float | None) -> str:
        """A short display of ``value`` in this metric's unit ("—" when undefined)."""
        if value is None or not np.isfinite(value):
            return "—"
        if self.kind in ("probability", "share"):
            return f"{100 * value:.1f}%"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}"


def _m(name: str, unit: str, label: str, kind: str, better: str | None) -> Metric:
    return Metric(name, unit, label, kind, better, name in GIVEN_WAR)


METRICS: dict[str, Metric] = {m.name: m for m in (
    _m("p_war_horizon", "probability", "P(renewed war) by the horizon", "probability", "lower"),
    _m("p_hold_given_war", "probability", "P(the defender holds) if war comes", "probability",
       "higher"),
    _m("ground_lost_km2_given_war", "km2", "ground lost if war comes", "count", "lower"),
    _m("aggressor_casualties_given_war", "persons", "aggressor casualties if war comes",
       "count", None),
    _m("defender_casualties_given_war", "persons", "defender casualties if war comes", "count",
       "lower"),
    _m("war_months_given_war", "months", "months of war if war comes", "count", None),
    _m("equipment_captured_usd_bn_given_war", "USD bn", "equipment captured if war comes",
       "money", "lower"),
    _m("p_air_denied_given_war", "probability", "P(air superiority denied) if war comes",
       "probability", "higher"),
    _m("p_blockade_given_war", "probability", "P(sea blockade) if war comes", "probability",
       "lower"),
    _m("exports_lost_share_given_war", "share", "exports lost if war comes", "share", "lower"),
    _m("missiles_leaking_per_month_given_war", "missiles/month",
       "missiles leaking through air defence if war comes", "rate", "lower"),
    _m("drones_leaking_per_month_given_war", "drones/month",
       "one-way attack drones leaking through air defence if war comes", "rate", "lower"),
    _m("strikes_leaking_per_month_given_war", "threats/month",
       "missiles and drones leaking through air defence if war comes", "rate", "lower"),
    _m("infrastructure_damage_given_war", "Shahed-equivalents/month",
       "missiles and drones reaching protected infrastructure if war comes", "rate", "lower"),
    _m("guarantor_war_cost_usd_bn_given_war", "USD bn", "guarantors' cost of their response "
       "if war comes", "money", "lower"),
    _m("cost_usd_bn_per_year", "USD bn/year", "cost to partners and guarantors", "money",
       "lower"),
    _m("weapons_delivered_usd_bn_per_year", "USD bn/year",
       "weapons money spent (delivered and paid)", "money", None),
    _m("weapons_backlog_usd_bn", "USD bn", "weapons ordered, not yet delivered, at the horizon",
       "money", None),
    _m("weapons_unspent_usd_bn", "USD bn", "weapons money never placed as orders, at the horizon",
       "money", "lower"),
    _m("troops_feasible", "share of worlds", "the troops asked for can be found", "share",
       "higher"),
    _m("troops_shortfall_share", "share", "troops asked for that the rotation pools cannot "
       "supply (deployments are scaled down to what they can)", "share", "lower"),
    _m("investment_usd_bn_per_year", "USD bn/year", "reconstruction investment", "money",
       "higher"),
    _m("force_ratio_12m", "ratio", "battle force ratio (aggressor/defender) at 12 months",
       "ratio", "lower"),
    _m("force_ratio_horizon", "ratio", "battle force ratio (aggressor/defender) at the horizon",
       "ratio", "lower"),
)}
"""Every metric the engine reports, by name; names with a month are resolved by
:func:`metric_info`."""

_BY_MONTH = (
    ("outside_p_war_", Metric("outside_p_war_{t}m", "probability",
                              "P(renewed war) within {t} months, historical view",
                              "probability", "lower")),
    ("p_war_", Metric("p_war_{t}m", "probability", "P(renewed war) within {t} months",
                      "probability", "lower")),
    ("reconstruction_needs_met_share_", Metric(
        "reconstruction_needs_met_share_{t}m", "share",
        "reconstruction needs met at {t} months", "share", "higher")),
    ("refugees_returned_m_", Metric("refugees_returned_m_{t}m", "millions",
                                    "refugees returned by {t} months", "count", "higher")),
)


def metric_info(name: str) -> Metric:
    """The :class:`Metric` of ``name``, including month-numbered ones (``p_war_60m``)."""
    if name in METRICS:
        return METRICS[name]
    for prefix, template in _BY_MONTH:
        months = name.removeprefix(prefix).removesuffix("m")
        if name.startswith(prefix) and name.endswith("m") and months.isdigit():
            return Metric(name, template.unit, template.label.format(t=months), template.kind,
                          template.better)
    return Metric(name, "", name, "count", None)


@dataclass(frozen=True)
class WarLedger:
    """Running sums over months of the probability of war and of its consequences.

    ``survival`` is :math:`S_t`; ``sums`` the numerators :math:`\\sum_u S_u h_u y_u`;
    ``started`` their common denominator :math:`\\sum_u S_u h_u` (equal to :math:`1 - S_t`,
    but summed without the cancellation of ``1 - S_t`` when the risk is ~1e-14, so a given-war
    mean stays a convex combination of its monthly values); ``p_war`` the checkpoints
    :math:`1 - S_t` at ``t`` in :data:`WAR_CHECKPOINTS` (up to the horizon), recorded by mask so
    that a month's update has no branch on the month. Everything is in double precision
    (running sums over months).
    """

    survival: Array
    sums: dict[str, Array]
    p_war: dict[int, Array]
    started: Array

    @classmethod
    def start(cls, n: int, months: int) -> WarLedger:
        """Peace everywhere; nothing yet."""
        return cls(np.ones(n), {name: np.zeros(n) for name in GIVEN_WAR},
                   {t: np.zeros(n) for t in WAR_CHECKPOINTS if t <= months}, np.zeros(n))

    def record(self, month: int, hazard: Array, consequences: dict[str, Array]) -> WarLedger:
        """The ledger with month ``month`` (0-based) added: the hazard and the consequences
        of a war begun then."""
        starts = self.survival * hazard
        sums = dict(self.sums)
        for name, value in consequences.items():
            sums[name] = sums[name] + starts * value
        survival = self.survival - starts
        p_war = {t: np.where(month + 1 == t, 1.0 - survival, p) for t, p in self.p_war.items()}
        return WarLedger(survival, sums, p_war, self.started + starts)

    def finish(self) -> dict[str, Array]:
        """Per-world outcomes: p_war_{t}m for t up to the horizon, and the given-war means."""
        out: dict[str, Array] = {f"p_war_{t}m": p for t, p in self.p_war.items()}
        total = 1.0 - self.survival
        out["p_war_horizon"] = total
        started = self.started
        with np.errstate(invalid="ignore", divide="ignore"):
            for name, value in self.sums.items():
                out[name] = np.where(started > 0, value / started, np.nan)
        return out

# STAND-IN: replaced by main's engine/war.py
"""A stand-in for the campaign-level war replay that main is writing.

It has the signature and the keys of ``guaranty.engine.war.replay`` so that
:func:`guaranty.analysis.check_war` and ``guaranty calibrate war`` can be built and tested
before the real model lands. Its numbers are placeholders drawn around constants; they mean
nothing. Delete this file in favour of main's when merging.
"""

from __future__ import annotations

import numpy as np

from guaranty.errors import InputError
from guaranty.scenario import Scenario

__all__ = ["replay"]

_KEYS = (
    "p_breakthrough_1m",
    "p_breakthrough_12m",
    "p_breakthrough_war",
    "ground_km2_per_month",
    "ground_km2_first_month",
    "aggressor_casualties_per_month",
    "defender_casualties_per_month",
    "casualties_per_km2",
    "exchange_ratio",
    "force_ratio",
    "war_months",
    "ground_lost_km2",
)


def replay(scenario: Scenario, package: str | None = None, *, worlds: int, seed: int,
           lens: str | None = None) -> dict[str, np.ndarray]:
    """Placeholder per-world arrays (STAND-IN), one per key of the real replay."""
    if worlds < 1:
        raise InputError(f"worlds must be at least 1, got {worlds}")
    scenario.package(package or next(iter(scenario.packages)))
    if lens is not None:
        scenario.lens(lens)
    rng = np.random.default_rng(seed)
    given = scenario.parameters.get("campaign.surprise_multiplier")
    surprise = given is not None and given.mean > 1.0
    p1 = rng.uniform(0.5, 0.9, worlds) if surprise else rng.uniform(0.0, 0.05, worlds)
    p12 = np.maximum(p1, rng.uniform(0.05, 0.3, worlds))
    pace = rng.uniform(259, 730, worlds)
    first = p1 * rng.uniform(50_000, 150_000, worlds) + (1 - p1) * pace
    casualties = rng.uniform(25_000, 36_000, worlds)
    exchange = rng.uniform(2.0, 2.4, worlds)
    months = rng.lognormal(np.log(12), 0.6, worlds)
    return {
        "p_breakthrough_1m": p1,
        "p_breakthrough_12m": p12,
        "p_breakthrough_war": np.maximum(p12, rng.uniform(0.1, 0.4, worlds)),
        "ground_km2_per_month": pace,
        "ground_km2_first_month": first,
        "aggressor_casualties_per_month": casualties,
        "defender_casualties_per_month": casualties / exchange,
        "casualties_per_km2": casualties / pace,
        "exchange_ratio": exchange,
        "force_ratio": rng.uniform(1.5, 3.0, worlds),
        "war_months": months,
        "ground_lost_km2": pace * months,
    }

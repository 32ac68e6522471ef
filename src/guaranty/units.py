"""The units guaranty knows a range for: one read-only table, declared once.

A quantity measured in a unit listed here may only take values in that unit's range: a share
lies in [0, 1], a count of persons is >= 0, a year holds at most 8,766 flight hours. The
parameter registry (:mod:`guaranty.params`) checks every parameter against this table, and the
scenario schema (:mod:`guaranty.scenario.schema`) checks every field with it, so a lens or
package override is held to the same range as the scenario field it overrides. A unit not
listed implies no range (e.g. ``"logit"``).

A second table, :data:`UNIT_CEILINGS`, gives the largest value that makes sense in each unit
(more persons than live on Earth, a front longer than the equator, a unit cost above a
trillion dollars): the scenario schema checks the largest value a world can actually *draw*
(:func:`reachable`, the quantile at the sampler's most extreme uniform) against it, so a
``personnel: 1e308`` or a lognormal with ``sigma: 1000`` is refused at load time with its
place instead of turning into NaN deep inside a run. Every quantity, whatever its unit, must
stay within :data:`DEFAULT_CEILING` in magnitude.

The tables are read-only mappings: nothing adds to it at import or run time, so what the
registry accepts does not depend on which modules happen to be imported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_CEILING",
    "EXTREME_UNIFORM",
    "FIELD_CEILINGS",
    "NAMED_FIELDS",
    "UNIT_BOUNDS",
    "UNIT_CEILINGS",
    "ceiling_problem",
    "field_of",
    "reachable",
]

_INF = math.inf

UNIT_BOUNDS: Mapping[str, tuple[float, float]] = MappingProxyType({
    # shares and rates
    "share": (0.0, 1.0),
    "share/month": (0.0, 1.0),
    "probability": (0.0, 1.0),
    "ratio": (0.0, _INF),
    "1/month": (0.0, _INF),
    "1/value": (0.0, _INF),
    # time
    "months": (0.0, _INF),
    "hours/year": (0.0, 8766.0),  # 365.25 days of 24 hours
    # people
    "persons": (0.0, _INF),
    "persons/month": (0.0, _INF),
    "persons/unit": (0.0, _INF),
    "persons/km": (0.0, _INF),
    "persons/km2": (0.0, _INF),
    # equipment and combat power
    "units": (0.0, _INF),
    "units/month": (0.0, _INF),
    "rounds/weapon/month": (0.0, _INF),
    "power/unit": (0.0, _INF),
    "power/person": (0.0, _INF),
    # ground
    "km": (0.0, _INF),
    "km2": (0.0, _INF),
    "km2/month": (0.0, _INF),
    # money
    "USD": (0.0, _INF),
    "USD bn/year": (0.0, _INF),
    # air defence (guaranty.models.air_defence)
    "engagements/system/month": (0.0, _INF),
    "share/system": (0.0, 1.0),
    "aircraft/system": (0.0, _INF),
})
"""The values a quantity measured in each unit may take, as (low, high), both included."""



# Sources of the ceilings (round figures; each ceiling is far above anything real, it only
# keeps float arithmetic finite and typos like 1e38 out): world population about 8.2 billion
# (UN World Population Prospects 2024); Earth's equator 40,075 km and land area about 149
# million km2; world GDP about 110 trillion USD a year (IMF World Economic Outlook, 2024).
UNIT_CEILINGS: Mapping[str, float] = MappingProxyType({
    # people: more than everyone alive
    "persons": 1e10,
    "persons/month": 1e9,
    "persons/unit": 1e4,  # an aircraft carrier's crew is about 5,000
    "persons/km": 1e6,
    "persons/km2": 1e6,  # the densest cities hold about 45,000 per km2
    # equipment: ten billion items (rounds, drones) is beyond any stock or fleet
    "units": 1e10,
    "units/month": 1e10,
    "rounds/weapon/month": 1e7,
    "power/unit": 1e6,
    "power/person": 1e3,
    # ground: the equator, the land surface
    "km": 4.1e4,
    "km2": 1.5e8,
    "km2/month": 1.5e8,
    # time: a century (horizons are capped at 600 months, guaranty.limits)
    "months": 1200.0,
    # money: a unit cost or a soldier-year above a trillion dollars; a yearly flow above world GDP
    "USD": 1e12,
    "USD bn/year": 1.1e5,
    # rates and ratios without a natural ceiling
    "ratio": 1e6,
    "1/month": 1e3,
    "1/value": 1e3,
    "engagements/system/month": 1e6,
    "aircraft/system": 1e4,
})
"""The largest value a quantity in each unit may reach in any world (see :func:`reachable`)."""

FIELD_CEILINGS: Mapping[str, tuple[str, float]] = MappingProxyType({
    # A side's soldiers, its ceiling, its peacetime army, a guarantor's troop pool: a hundred
    # million is more than every armed force in the world together (about 28 million active,
    # IISS Military Balance 2024). Above it the campaign model's float32 arithmetic overflows
    # (found by the fuzzing suite, tests/test_fuzz.py).
    "soldiers": ("persons", 1e8),
    "recruitment": ("persons/month", 1e7),
})
"""Ceilings tighter than the unit's for fields whose unit is broad (persons also counts a
population): (unit, ceiling) by the kind of field."""

NAMED_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(defender|aggressor)\.(personnel|personnel_ceiling|peacetime_personnel)"),
     "soldiers"),
    (re.compile(r"guarantor\.[^.]+\.troop_pool"), "soldiers"),
    (re.compile(r"aggressor\.recruitment_per_month"), "recruitment"),
)
"""The registry names of those fields, for ``parameters:`` overrides."""


def field_of(name: str) -> str | None:
    """The kind of field (:data:`FIELD_CEILINGS`) a parameter name is, if any."""
    return next((kind for pattern, kind in NAMED_FIELDS if pattern.fullmatch(name)), None)


DEFAULT_CEILING = 1e15
"""The largest magnitude any quantity may reach in a world, in a unit not listed above."""

EXTREME_UNIFORM = 1e-12
"""The sampler's uniforms lie in [1e-12, 1 - 1e-12] (:func:`guaranty.rng.uniforms` clips them
there), so a distribution's draws lie between its quantiles at these two points."""


class _Quantiles(Protocol):
    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]: ...


def reachable(distribution: _Quantiles) -> tuple[float, float]:
    """The smallest and largest value a world can draw from ``distribution``: its quantiles
    at the sampler's extreme uniforms (:data:`EXTREME_UNIFORM`). Infinite when the tail
    overflows (a lognormal with ``sigma: 1000``)."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        low, high = distribution.ppf(np.array([EXTREME_UNIFORM, 1.0 - EXTREME_UNIFORM]))
    return float(low), float(high)


def ceiling_problem(unit: str | None, distribution: _Quantiles, *, field: str | None = None
                    ) -> str | None:
    """Why ``distribution`` can draw a value beyond what ``unit`` allows (None when it cannot);
    ``field``: a kind of :data:`FIELD_CEILINGS`, whose ceiling then applies.

    >>> from guaranty.distributions import Fixed, Lognormal
    >>> ceiling_problem("persons", Fixed(value=1e308))
    'must be <= 1e+10 in every world (a quantity in persons), got 1e+308'
    >>> ceiling_problem("persons", Lognormal(median=4e4, sigma=1000.0))
    'must be <= 1e+10 in every world (a quantity in persons), got draws up to inf'
    >>> ceiling_problem("persons", Fixed(value=880000.0)) is None
    True
    """
    low, high = reachable(distribution)
    ceiling = UNIT_CEILINGS.get(unit or "", DEFAULT_CEILING)
    if field is not None:
        ceiling = min(ceiling, FIELD_CEILINGS[field][1])
    worst = max(abs(low), abs(high)) if not (math.isnan(low) or math.isnan(high)) else math.nan
    if worst <= ceiling:
        return None
    rule = (f"must be <= {ceiling:g} in every world ({field}, in {unit})" if field else
            f"must be <= {ceiling:g} in every world (a quantity in {unit})"
            if unit in UNIT_CEILINGS else f"must stay within +-{ceiling:g} in every world")
    got = f"{high:g}" if low == high else f"draws up to {worst:g}"
    return f"{rule}, got {got}"

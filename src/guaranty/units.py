"""The units guaranty knows a range for: one read-only table, declared once.

A quantity measured in a unit listed here may only take values in that unit's range: a share
lies in [0, 1], a count of persons is >= 0, a year holds at most 8,766 flight hours. The
parameter registry (:mod:`guaranty.params`) checks every parameter against this table, and the
scenario schema (:mod:`guaranty.scenario.schema`) checks every field with it, so a lens or
package override is held to the same range as the scenario field it overrides. A unit not
listed implies no range (e.g. ``"logit"``).

The table is a read-only mapping: nothing adds to it at import or run time, so what the
registry accepts does not depend on which modules happen to be imported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["UNIT_BOUNDS"]

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


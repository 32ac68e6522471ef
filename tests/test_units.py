"""One read-only table of unit ranges, read by the registry and the scenario schema alike."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from guaranty.params import UNIT_BOUNDS as PARAMS_BOUNDS
from guaranty.params import Parameter
from guaranty.scenario.schema import UNIT_RANGES
from guaranty.units import UNIT_BOUNDS


def test_one_table() -> None:
    assert PARAMS_BOUNDS is UNIT_BOUNDS and UNIT_RANGES is UNIT_BOUNDS
    assert UNIT_BOUNDS["share"] == (0.0, 1.0)
    assert UNIT_BOUNDS["hours/year"] == (0.0, 8766.0)
    with pytest.raises(TypeError):
        UNIT_BOUNDS["new-unit"] = (0.0, 1.0)  # type: ignore[index]


def test_registry_checks_scenario_units() -> None:
    # "persons" used to reach the registry's table only when the scenario schema was imported.
    with pytest.raises(ValidationError, match=r"must be in \[0, inf\] \(a quantity in persons\)"):
        Parameter(name="x", unit="persons", assumption="a test",
                  distribution={"dist": "fixed", "value": -1.0})
    with pytest.raises(ValidationError, match="a quantity in hours/year"):
        Parameter(name="x", unit="hours/year", assumption="a test",
                  distribution={"dist": "uniform", "low": 0.0, "high": 9000.0})

"""No model reads a number without a unit and a source or an assumption."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import guaranty
from guaranty.params import Parameter, default_registry
from guaranty.scenario.compile import base_registry, scenario_quantities


def _documented(param: Parameter) -> bool:
    has_origin = bool((param.source or "").strip() or (param.assumption or "").strip())
    return bool(param.unit.strip()) and has_origin


def test_every_parameter_the_models_read_is_documented(ukraine: guaranty.Scenario) -> None:
    read: set[str] = set()
    for lens in [None, *ukraine.lenses]:
        results = guaranty.simulate(ukraine, worlds=50, seed=1, lens=lens)
        read |= results.parameters_read
        for registry in results.registries.values():
            missing = [name for name in results.parameters_read
                       if name not in registry or not _documented(registry[name])]
            assert not missing, f"read without unit or source: {missing}"
    # The core chain reads the behavioural defaults, not just scenario numbers.
    assert {"decision.base_hazard_per_month", "campaign.breakthrough_exponent",
            "forces.sanctions_drag"} <= read


def test_a_parameter_without_source_or_unit_cannot_exist() -> None:
    with pytest.raises(ValidationError, match="source or an assumption"):
        Parameter(name="x.y", distribution={"dist": "fixed", "value": 1.0}, unit="km")
    with pytest.raises(ValidationError):
        Parameter(name="x.y", distribution={"dist": "fixed", "value": 1.0}, unit="",
                  source="somewhere")


def test_defaults_are_documented_and_unconfirmed_figures_are_assumptions() -> None:
    for param in default_registry().values():
        assert _documented(param), param.name
        if param.status == "U":
            assert param.assumption and not param.source, param.name


def test_builtin_scenario_sources_every_number(ukraine: guaranty.Scenario) -> None:
    unsourced = [path for _, (q, path) in scenario_quantities(ukraine).items()
                 if not (q.source or q.assumption)]
    for name, package in ukraine.packages.items():
        unsourced += [f"packages.{name}.parameters.{k}" for k, q in package.parameters.items()
                      if not (q.source or q.assumption)]
    assert not unsourced
    assert all(_documented(p) for p in base_registry(ukraine).values())

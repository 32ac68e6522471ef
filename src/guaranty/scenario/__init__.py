"""Scenario files: the typed schema, safe YAML loading with positions, and compilation."""

from guaranty.scenario.compile import Plan, compile_plan
from guaranty.scenario.loader import load_scenario, parse_scenario
from guaranty.scenario.schema import Lens, Package, Provisions, Quantity, Scenario

__all__ = [
    "Lens",
    "Package",
    "Plan",
    "Provisions",
    "Quantity",
    "Scenario",
    "compile_plan",
    "load_scenario",
    "parse_scenario",
]

"""The package space: one option per issue, each candidate built into a simulable Package.

A candidate starts from the negotiation's ``base`` package (its ``base`` chain merged in) and
takes the fragment of each chosen option in issue order: a fragment's field replaces the
base's; for lists (``troops``, ``aircraft``, ``treaties``, ``sources``) the fragment's items
are added; for mappings and sub-models (``caps``, ``provisions``, ``suppliers``,
``parameters``, ``financing``, ``settlement``, ``naval``, ``isr``) the fragment's keys replace
the base's keys one by one. Where two options set the same scalar, the later issue wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from guaranty.errors import InputError
from guaranty.limits import MAX_SPACE
from guaranty.scenario.compile import check_references, resolve_package
from guaranty.scenario.negotiation import Negotiation
from guaranty.scenario.schema import Package, Scenario

Choice = dict[str, str]
"""A package on the table: issue -> option."""

LISTS = ("troops", "aircraft", "treaties", "sources")
MAPPINGS = ("caps", "provisions", "suppliers", "parameters", "financing", "settlement",
            "naval", "isr")
MAX_PACKAGES = MAX_SPACE  # guaranty.limits


def choices(negotiation: Negotiation) -> list[Choice]:
    """Every package on the table, in enumeration order (the last issue varies fastest)."""
    names = list(negotiation.issues)
    options = [list(negotiation.issues[i].options) for i in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*options)]


def fragment(negotiation: Negotiation, issue: str, option: str) -> dict[str, Any]:
    """The fields an option sets, in the canonical form of a dumped Package."""
    raw = negotiation.issues[issue].options[option].package
    out: dict[str, Any] = Package.model_validate(raw).model_dump(exclude_unset=True)
    return out


def merge(base: Mapping[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` (a dumped Package) with the fragment ``part`` merged in (see module doc)."""
    out = dict(base)
    for key, value in part.items():
        if key in LISTS:
            out[key] = [*(out.get(key) or []), *value]
        elif key in MAPPINGS and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def base_package(scenario: Scenario) -> Package:
    """The negotiation's base package with its chain resolved (an empty package if none)."""
    name = scenario.negotiation.base
    return Package() if name is None else resolve_package(scenario, name)


def build(scenario: Scenario, choice: Mapping[str, str]) -> Package:
    """The Package of one choice: the base with each option's fragment merged in."""
    neg = scenario.negotiation
    data = base_package(scenario).model_dump()
    for issue, option in choice.items():
        data = merge(data, fragment(neg, issue, option))
    data["base"] = None
    data["description"] = "; ".join(f"{k}={v}" for k, v in choice.items())
    return Package.model_validate(data)


def check(scenario: Scenario) -> None:
    """Check the negotiation section against the rest of the scenario.

    Raises
    ------
    InputError
        If there are no issues or parties, the base package is unknown, the space is too
        large, or an option's fragment names an unknown guarantor, supplier, category or
        parameter.
    """
    neg = scenario.negotiation
    where = f"scenario {scenario.name!r}"
    if not neg.issues or not neg.parties:
        raise InputError(f"{where}: negotiation must define issues and parties, got "
                         f"{len(neg.issues)} issues and {len(neg.parties)} parties; add a "
                         "negotiation: section (see docs/negotiation.md)")
    if neg.base is not None and neg.base not in scenario.packages:
        raise InputError(f"{where}: negotiation.base must name a package "
                         f"({', '.join(scenario.packages)}), got {neg.base!r}")
    if neg.size > MAX_PACKAGES:
        raise InputError(f"{where}: the package space must hold <= {MAX_PACKAGES} packages, got "
                         f"{neg.size}; use fewer options per issue")
    named: dict[str, tuple[str, str]] = {}
    packages = dict(scenario.packages)
    for issue, spec in neg.issues.items():
        for option in spec.options:
            name = f"negotiation-option-{len(named)}"
            named[name] = (issue, option)
            data = merge({"base": neg.base}, fragment(neg, issue, option))
            packages[name] = Package.model_validate(data)
    trial = scenario.model_copy(update={"packages": packages})
    problems = []
    for path, message in check_references(trial):
        if len(path) > 1 and path[0] == "packages" and str(path[1]) in named:
            issue, option = named[str(path[1])]
            rest = ".".join(str(p) for p in path[2:])
            problems.append(f"negotiation.issues.{issue}.options.{option}.package.{rest}: "
                            f"{message}")
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))

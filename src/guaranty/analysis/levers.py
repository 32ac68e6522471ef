"""Packages from lever settings: the decision space of ``guaranty optimise``.

A *setting* gives each lever of the scenario's ``levers:`` section
(:mod:`guaranty.scenario.levers`) a value: an option (a negotiation issue's, or a treaty
rung) or a number within the lever's bounds. :func:`build` turns a setting into a
:class:`~guaranty.scenario.Package`: the ``base`` package with its chain merged in, each
issue's option fragment merged as ``guaranty negotiate`` does
(:func:`guaranty.negotiation.space.merge`), and each instrument set. :func:`choice` gives the
negotiation option of every issue that the setting stands for, so that the parties can
judge it (:func:`guaranty.negotiation.problem_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from guaranty.errors import InputError
from guaranty.negotiation import space
from guaranty.scenario.compile import resolve_package
from guaranty.scenario.levers import Lever
from guaranty.scenario.schema import Package, Scenario

Setting = dict[str, str | float]


def check(scenario: Scenario) -> None:
    """An :class:`InputError` unless the scenario has levers to optimise over."""
    if not scenario.levers.items:
        raise InputError(f"scenario {scenario.name!r} has no levers: add a levers: section "
                         "(docs/analysis.md, 'Optimisation')")
    if scenario.levers.base is None and scenario.negotiation.base is None:
        raise InputError("levers.base must name the package the levers change (the "
                         "negotiation has no base either)")


def options(scenario: Scenario, lever: Lever) -> list[str]:
    """The options of a categorical lever, in order."""
    if lever.issue is not None:
        return list(scenario.negotiation.issues[lever.issue].options)
    return list(lever.options or [])


def decode(scenario: Scenario, u: np.ndarray) -> Setting:
    """The setting at a point ``u`` of the unit cube, one coordinate per lever in file order:
    a categorical lever takes option ``floor(u k)`` of its ``k``; a numeric one ``low + u
    (high - low)``, rounded to its ``step`` when it has one."""
    out: Setting = {}
    for x, (name, lever) in zip(u, scenario.levers.items.items(), strict=True):
        x = float(np.clip(x, 0.0, 1.0))
        if lever.categorical:
            opts = options(scenario, lever)
            out[name] = opts[min(int(x * len(opts)), len(opts) - 1)]
        else:
            assert lever.low is not None and lever.high is not None
            value = lever.low + x * (lever.high - lever.low)
            if lever.step:
                value = lever.low + round((value - lever.low) / lever.step) * lever.step
            out[name] = float(min(max(value, lever.low), lever.high))
    return out


def build(scenario: Scenario, setting: Mapping[str, str | float]) -> Package:
    """The package of one setting (see the module docstring)."""
    levers = scenario.levers
    base = levers.base or scenario.negotiation.base
    data: dict[str, Any] = (resolve_package(scenario, base) if base else Package()).model_dump()
    for name, lever in levers.items.items():
        value = setting[name]
        if lever.issue is not None:
            data = space.merge(data, space.fragment(scenario.negotiation, lever.issue,
                                                    str(value)))
            continue
        data = _set(data, lever, value)
    data["base"] = None
    data["description"] = "; ".join(f"{k}={_show(v)}" for k, v in setting.items())
    try:
        return Package.model_validate(data)
    except Exception as exc:  # a pydantic ValidationError: a lever set an impossible value
        raise InputError(f"levers {dict(setting)} make an invalid package: {exc}") from None


def _set(data: dict[str, Any], lever: Lever, value: str | float) -> dict[str, Any]:
    origin = {"source": lever.source} if lever.source else {"assumption": lever.assumption}
    kind = lever.set
    if kind == "troops":
        if float(value) > 0:
            data["troops"] = [*data["troops"], {
                "guarantor": lever.guarantor, "size": float(value), "mission": lever.mission,
                "location": lever.location, "rules_of_engagement": lever.rules_of_engagement}]
    elif kind == "aircraft":
        if float(value) > 0:
            data["aircraft"] = [*data["aircraft"], {
                "guarantor": lever.guarantor, "aircraft_type": lever.aircraft_type,
                "count": float(value), "basing": lever.basing,
                "distance_km": lever.distance_km}]
    elif kind == "treaty":
        kept = [t for t in data["treaties"] if t["guarantor"] != lever.guarantor]
        if value != "none":
            kept.append({"guarantor": lever.guarantor, "rung": value, "wording": lever.wording})
        data["treaties"] = kept
    elif kind is not None and kind.startswith("financing."):
        field = kind.split(".", 1)[1]
        data["financing"] = {**data["financing"], field: {
            "value": float(value), "unit": "USD bn/year", **origin}}
    elif kind == "caps.personnel":
        data["caps"] = {**data["caps"], "personnel": float(value)}
    elif kind is not None and kind.startswith("naval."):
        data["naval"] = {**data["naval"], kind.split(".", 1)[1]: float(value)}
    return data


def choice(scenario: Scenario, setting: Mapping[str, str | float]) -> dict[str, str]:
    """The negotiation option of every issue that ``setting`` stands for.

    An issue lever gives its option; a lever with ``counts_as`` whose value is above zero
    sets that option (the last such lever in file order wins); an issue no lever sets takes
    its first option (the status quo in the built-in scenario).
    """
    neg = scenario.negotiation
    out = {issue: next(iter(spec.options)) for issue, spec in neg.issues.items()}
    for name, lever in scenario.levers.items.items():
        if lever.issue is not None:
            out[lever.issue] = str(setting[name])
    for name, lever in scenario.levers.items.items():
        value = setting[name]
        if lever.counts_as is not None and (not isinstance(value, str) and value > 0):
            out[lever.counts_as.issue] = lever.counts_as.option
    return out


def _show(v: str | float) -> str:
    return v if isinstance(v, str) else f"{v:g}"

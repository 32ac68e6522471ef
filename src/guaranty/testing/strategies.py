"""Hypothesis strategies for guaranty's inputs: seeds, arrays over worlds, packages, plans.

Needs ``hypothesis`` (in the ``dev`` extra); :mod:`guaranty.testing` itself does not.

>>> from hypothesis import given
>>> from guaranty.testing import strategies as gst, tiny_scenario
>>> @given(gst.world_arrays(0.0, 1.0))
... def test_shares_stay_shares(share):
...     assert ((share >= 0) & (share <= 1)).all()
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "guaranty.testing.strategies needs hypothesis: pip install 'guaranty[dev]' "
        "(or pip install hypothesis)"
    ) from exc

if TYPE_CHECKING:
    from guaranty.scenario.compile import Plan
    from guaranty.scenario.schema import Scenario

MAX_SEED = 2**32 - 1


def seeds(max_value: int = MAX_SEED) -> st.SearchStrategy[int]:
    """Valid seeds: integers in ``[0, max_value]``."""
    return st.integers(min_value=0, max_value=max_value)


def world_arrays(
    low: float,
    high: float,
    *,
    dtype: DTypeLike = np.float32,
    min_worlds: int = 1,
    max_worlds: int = 8,
) -> st.SearchStrategy[NDArray[np.floating[Any]]]:
    """Arrays over worlds (shape ``(n,)``) of finite values in ``[low, high]``.

    ``dtype`` is float32 (the engine's state) or float64.

    The elements are drawn representable in ``dtype`` (32-bit floats for float32), so the
    bounds hold exactly after the cast. Arrays drawn together may differ in length; cut them
    to the shortest to line them up as worlds.
    """
    width: Literal[32, 64] = 32 if np.dtype(dtype) == np.float32 else 64
    element = st.floats(min_value=low, max_value=high, width=width, allow_nan=False,
                        allow_infinity=False)
    return st.lists(element, min_size=min_worlds, max_size=max_worlds).map(
        lambda values: np.asarray(values, dtype=dtype))


def packages(scenario: Scenario) -> st.SearchStrategy[str]:
    """Package names of ``scenario``."""
    return st.sampled_from(sorted(scenario.packages))


def lenses(scenario: Scenario, *, none: bool = True) -> st.SearchStrategy[str | None]:
    """Lens names of ``scenario``, and ``None`` (no lens) unless ``none`` is false."""
    options: list[str | None] = [None] if none else []
    options += sorted(scenario.lenses)
    return st.sampled_from(options)


def plans(scenario: Scenario) -> st.SearchStrategy[Plan]:
    """Compiled plans of ``scenario``: any package under any lens (or none)."""
    from guaranty.scenario.compile import compile_plan

    return st.builds(compile_plan, st.just(scenario), packages(scenario), lenses(scenario))


def quantities(
    low: float, high: float, *, unit: str | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Scenario quantities (the YAML mapping) whose every draw lies in ``[low, high]``.

    A fixed value, a uniform or a triangular distribution, marked as an assumption; use them
    as package or lens ``parameters`` overrides. ``low < high`` must hold.
    """
    if not low < high:
        raise ValueError(f"low < high must hold, got low={low}, high={high}")
    meta: dict[str, Any] = {"assumption": "Drawn by a hypothesis strategy."}
    if unit is not None:
        meta["unit"] = unit
    point = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    pair = st.tuples(point, point).filter(lambda ab: ab[0] != ab[1]).map(sorted)
    fixed = point.map(lambda v: {"value": v, **meta})
    uniform = pair.map(lambda ab: {"dist": "uniform", "low": ab[0], "high": ab[1], **meta})
    triangular = st.tuples(pair, st.floats(0.0, 1.0)).map(lambda t: {
        "dist": "triangular", "low": t[0][0], "high": t[0][1], **meta,
        "mode": min(max(t[0][0] + t[1] * (t[0][1] - t[0][0]), t[0][0]), t[0][1])})
    return st.one_of(fixed, uniform, triangular)


# --------------------------------------------------------------------------------------------
# Whole scenarios, valid and near-valid, built from the schema's units and ranges (issue 16).

_AGREEMENTS = ("ceasefire", "agreement")
_WORDINGS = ("shall-armed-force", "deems-necessary", "consult")
_MISSIONS = ("monitoring", "tripwire", "reassurance", "deep-defence")
_ORIGIN = {"assumption": "Drawn by a hypothesis strategy."}


def unit_values(unit: str, field: str | None = None) -> st.SearchStrategy[float]:
    """Numbers a quantity in ``unit`` may take, boundaries included: from the unit's low end
    (:data:`guaranty.units.UNIT_BOUNDS`) to its ceiling (:data:`guaranty.units.UNIT_CEILINGS`),
    spread over every order of magnitude (hypothesis also tries the ends themselves)."""
    from guaranty.units import FIELD_CEILINGS, UNIT_BOUNDS, UNIT_CEILINGS

    low, high = UNIT_BOUNDS[unit]
    top = min(high, UNIT_CEILINGS.get(unit, high))
    if field is not None:
        top = min(top, FIELD_CEILINGS[field][1])
    if top <= 1.0:
        return st.floats(low, top, allow_nan=False, allow_infinity=False)
    magnitude = st.floats(-3.0, math.log10(top), allow_nan=False).map(lambda e: 10.0 ** e)
    return st.one_of(st.sampled_from([low, 1.0, top]),
                     magnitude.map(lambda v: min(max(v, low), top)),
                     st.floats(low, top, allow_nan=False, allow_infinity=False))


def unit_quantities(unit: str, field: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A scenario quantity in ``unit`` (the YAML mapping) that the schema accepts: fixed,
    uniform, triangular, or for an unbounded unit a lognormal whose largest draw stays under
    the unit's ceiling; a share may also be a beta."""
    from guaranty.units import UNIT_BOUNDS, UNIT_CEILINGS, ceiling_problem

    meta = {"unit": unit, **_ORIGIN}
    value = unit_values(unit, field)
    pair = st.tuples(value, value).filter(lambda ab: ab[0] != ab[1]).map(sorted)
    options = [
        value.map(lambda v: {"value": v, **meta}),
        pair.map(lambda ab: {"dist": "uniform", "low": ab[0], "high": ab[1], **meta}),
        st.tuples(pair, st.floats(0.0, 1.0)).map(lambda t: {
            "dist": "triangular", "low": t[0][0], "high": t[0][1], **meta,
            "mode": min(max(t[0][0] + t[1] * (t[0][1] - t[0][0]), t[0][0]), t[0][1])}),
    ]
    low, high = UNIT_BOUNDS[unit]
    if high == 1.0 and low == 0.0:
        shape = st.floats(0.05, 50.0, allow_nan=False)
        options.append(st.tuples(shape, shape).map(
            lambda ab: {"dist": "beta", "a": ab[0], "b": ab[1], **meta}))
    elif math.isinf(high):
        from guaranty.distributions import Lognormal

        ceiling = UNIT_CEILINGS.get(unit, 1e15)
        options.append(st.tuples(st.floats(1e-3, ceiling / 1e4), st.floats(0.0, 1.2)).filter(
            lambda ms: ceiling_problem(unit, Lognormal(median=ms[0], sigma=ms[1]),
                                       field=field) is None
        ).map(lambda ms: {"dist": "lognormal", "median": ms[0], "sigma": ms[1], **meta}))
    return st.one_of(options)


@st.composite
def scenario_data(draw: st.DrawFn, *, max_months: int = 24) -> dict[str, Any]:
    """A whole valid scenario as the mapping a YAML file holds, generated from the schema:
    one to three weapon categories and the munitions that feed them, supply with producers
    and suppliers (financing shares that fit in every world), guarantors, aircraft types, a
    lens and one to three packages pulling every lever (troops, aircraft, treaties, naval
    assets, ISR, caps, peacekeepers, neutrality, sanctions). Numbers span each unit's range
    up to its ceiling, so the extremes the loader accepts are run too."""
    q = unit_quantities
    n_weapons = draw(st.integers(1, 3))
    weapons = [f"w{i}" for i in range(n_weapons)]
    munitions = [f"m{i}" for i in range(draw(st.integers(0, 2)))]
    equipment: dict[str, Any] = {}
    for name in weapons:
        equipment[name] = {"kind": "weapon", "weight": draw(q("power/unit")),
                           "crew": draw(q("persons/unit"))}
        if draw(st.booleans()):
            equipment[name]["wear_per_month"] = draw(q("share/month"))
        if draw(st.booleans()):
            equipment[name]["range_km"] = draw(st.floats(0.0, 5_000.0))
    for name in munitions:
        equipment[name] = {"kind": "munition", "feeds": draw(st.sampled_from(weapons)),
                           "need_per_month": draw(q("rounds/weapon/month"))}
    roles = draw(st.lists(st.sampled_from(["fighter", "air-defence"]), max_size=n_weapons,
                          unique=True))
    for name, role in zip(weapons, roles, strict=False):
        equipment[name]["role"] = role
    categories = [*weapons, *munitions]

    def stocks(unit: str) -> dict[str, Any]:
        chosen = draw(st.lists(st.sampled_from(categories), unique=True))
        return {c: draw(q(unit)) for c in chosen}

    suppliers = {f"s{i}": {"name": f"Supplier {i}", "will": draw(q("share")),
                           "commitment": draw(q("share"))}
                 for i in range(draw(st.integers(0, 2)))}
    supply: dict[str, Any] = {}
    supplied = draw(st.lists(st.sampled_from(categories), unique=True, max_size=3))
    budget = 1.0
    for c in supplied:
        share = draw(st.floats(0.0, budget))
        budget -= share
        producers = []
        if suppliers:
            for i in range(draw(st.integers(0, 2))):
                producers.append({
                    "name": f"Maker {i}", "supplier": draw(st.sampled_from(sorted(suppliers))),
                    "capacity_per_month": {"start": draw(q("units/month")),
                                           "end": draw(q("units/month")),
                                           "ramp_months": draw(q("months"))},
                    "share_to_defender": draw(q("share"))})
        supply[c] = {"unit_cost_usd": draw(q("USD")), "delivery_lag_months": draw(q("months")),
                     "financing_share": {"value": share, "unit": "share", **_ORIGIN},
                     "producers": producers}
    guarantors = {f"g{i}": {"name": f"Guarantor {i}",
                            "troop_pool": draw(q("persons", "soldiers")),
                            "cost_per_soldier_year_usd": draw(q("USD")),
                            "will": draw(q("share")),
                            "response_delay_months": draw(q("months"))}
                  for i in range(draw(st.integers(0, 2)))}
    aircraft_types = {f"a{i}": {"availability": draw(q("share")),
                                "cost_per_flight_hour_usd": draw(q("USD")),
                                "flight_hours_per_year": draw(q("hours/year"))}
                      for i in range(draw(st.integers(0, 1)))}
    defender: dict[str, Any] = {"name": "Defender", "personnel": draw(q("persons", "soldiers")),
                                "readiness": draw(q("share")), "stocks": stocks("units"),
                                "production": stocks("units/month")}
    if draw(st.booleans()):
        defender["naval"] = {k: draw(q("units")) for k in draw(st.lists(st.sampled_from(
            ["anti_ship_missiles", "naval_drones", "patrol_boats", "patrol_aircraft"]),
            unique=True))}
    if draw(st.booleans()):
        defender["peacetime_personnel"] = draw(q("persons", "soldiers"))
        defender["demobilisation_months"] = draw(q("months"))
    aggressor: dict[str, Any] = {
        "name": "Aggressor", "personnel": draw(q("persons", "soldiers")),
        "readiness": draw(q("share")), "personnel_ceiling": draw(q("persons", "soldiers")),
        "recruitment_per_month": draw(q("persons/month", "recruitment")),
        "outflow_share_per_month": draw(q("share/month")), "stocks": stocks("units"),
        "production": stocks("units/month"), "stock_ceilings": stocks("units")}
    if draw(st.booleans()):
        aggressor["fleet"] = draw(q("units"))
    packages = {f"p{i}": draw(package_data(sorted(guarantors), sorted(aircraft_types),
                                            sorted(suppliers), categories))
                for i in range(draw(st.integers(1, 3)))}
    if len(packages) > 1 and draw(st.booleans()):
        packages["p1"]["base"] = "p0"
    data: dict[str, Any] = {
        "name": "fuzz", "horizon_months": draw(st.integers(1, max_months)),
        "defender": defender, "aggressor": aggressor,
        "theatre": {"front_km": draw(q("km")), "territory_km2": draw(q("km2")),
                    "population": draw(q("persons"))},
        "equipment": equipment, "supply": supply, "suppliers": suppliers,
        "financing": {"weapons_usd_bn_per_year": draw(q("USD bn/year")),
                      "budget_support_usd_bn_per_year": draw(q("USD bn/year"))},
        "guarantors": guarantors, "aircraft_types": aircraft_types, "packages": packages,
    }
    if draw(st.booleans()):
        data["lenses"] = {"view": {"parameters": {"defender.readiness": draw(q("share"))}}}
    if draw(st.booleans()):
        data["anchor"] = "p0"
    return data


@st.composite
def package_data(draw: st.DrawFn, guarantors: list[str], aircraft_types: list[str],
                 suppliers: list[str], categories: list[str]) -> dict[str, Any]:
    """A package (the YAML mapping) pulling any of its levers, naming only what exists."""
    from guaranty.limits import LEVERS

    out: dict[str, Any] = {
        "provisions": {"agreement": draw(st.sampled_from(_AGREEMENTS)),
                       "third_party_guarantee": draw(st.booleans()),
                       "monitors": draw(st.booleans())},
        "neutrality": draw(st.booleans()),
        "sanctions": draw(st.sampled_from(["maintained", "relieved"])),
    }
    if guarantors:
        g = st.sampled_from(guarantors)
        out["troops"] = draw(st.lists(st.fixed_dictionaries({
            "guarantor": g, "size": st.floats(0.0, LEVERS["troops.size"]),
            "mission": st.sampled_from(_MISSIONS),
            "location": st.sampled_from(["front", "rear", "neighbour"]),
            "rules_of_engagement": st.sampled_from(["self-defence", "defend"])}), max_size=2))
        out["treaties"] = draw(st.lists(st.fixed_dictionaries({
            "guarantor": g, "rung": st.sampled_from(_rungs()),
            "wording": st.sampled_from(_WORDINGS)}), max_size=2))
        if aircraft_types:
            out["aircraft"] = draw(st.lists(st.fixed_dictionaries({
                "guarantor": g, "aircraft_type": st.sampled_from(aircraft_types),
                "count": st.floats(0.0, LEVERS["aircraft.count"]),
                "basing": st.sampled_from(["in-country", "neighbour"]),
                "distance_km": st.floats(0.0, LEVERS["aircraft.distance_km"]),
                "mission": st.sampled_from(["combat", "air-policing"])}), max_size=2))
        if draw(st.booleans()):
            out["peacekeepers"] = {"members": draw(st.lists(
                st.sampled_from([*guarantors, "aggressor"]), min_size=1, max_size=3)),
                "size": draw(st.floats(0.0, LEVERS["peacekeepers.size"]))}
    if len(suppliers) > 0 and draw(st.booleans()):
        out["suppliers"] = {k: {"commitment": draw(unit_quantities("share"))}
                            for k in draw(st.lists(st.sampled_from(suppliers), unique=True))}
    if draw(st.booleans()):
        out["naval"] = {"naval_drones": draw(unit_values("units")),
                        "anti_ship_missiles": draw(unit_values("units"))}
    if draw(st.booleans()):
        out["isr"] = {"level": draw(unit_quantities("share"))}
    if draw(st.booleans()):
        out["caps"] = {"personnel": draw(unit_values("persons")),
                       "stocks": {c: draw(unit_values("units"))
                                  for c in draw(st.lists(st.sampled_from(categories),
                                                         unique=True))}}
    if draw(st.booleans()):
        out["financing"] = {"weapons_usd_bn_per_year": draw(unit_quantities("USD bn/year"))}
    return out


def _rungs() -> list[str]:
    from guaranty.scenario.schema import RUNG_NAMES

    return list(RUNG_NAMES)


_JUNK: tuple[Any, ...] = ("yes", "1:30", "010", -1, -1e308, 1e308, 1e-320, 0, "", None, [], {},
                          True, "[/] \x1b[31m", "\u202e", 10**400, "nan", ".inf")


@st.composite
def near_valid_scenario_data(draw: st.DrawFn, *, max_months: int = 24) -> dict[str, Any]:
    """A valid scenario (:func:`scenario_data`) with one to three hostile edits: a value
    replaced by junk (a YAML 1.1 boolean, a sexagesimal, 1e308, a negative, a string, a list,
    markup and control text, a huge integer), a required key dropped, an unknown key added,
    or a reference broken. The loader must refuse it with a positioned message or accept it
    and run it to finite outputs."""
    data = draw(scenario_data(max_months=max_months))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_leaves(data))
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["junk", "drop", "extra", "rename"]))
        if action == "junk":
            parent[key] = draw(st.sampled_from(_JUNK))
        elif action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["valeu", "unit", "bogus", "dist"]))] = draw(
                st.sampled_from(_JUNK))
        elif action == "rename" and isinstance(parent, dict) and isinstance(parent[key], str):
            parent[key] = parent[key] + "x"
    return data


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield (*path, k)
            yield from _leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield (*path, i)
            yield from _leaves(v, (*path, i))


def scenario_yaml(data: dict[str, Any]) -> str:
    """The YAML text of a generated scenario (what a user would write)."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=10_000)


__all__ = [
    "MAX_SEED",
    "lenses",
    "near_valid_scenario_data",
    "package_data",
    "packages",
    "plans",
    "quantities",
    "scenario_data",
    "scenario_yaml",
    "seeds",
    "unit_quantities",
    "unit_values",
    "world_arrays",
]

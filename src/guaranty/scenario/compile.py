"""Turn a scenario, a package and a lens into a :class:`Plan`: a registry plus structure.

Every number of the scenario becomes a named registry parameter (``defender.personnel``,
``supply.air-defence-interceptors.us-raytheon.capacity_end`` ...), so that the engine samples
all of them per world and the models read nothing else. Overrides are applied in this order:
the built-in defaults, the scenario's own quantities, the scenario's ``parameters``, the lens,
then the package (the package's levers are policy choices and so have the last word).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from guaranty.errors import closest
from guaranty.limits import MAX_BASE_DEPTH
from guaranty.models.outcomes import METRICS
from guaranty.params import Parameter, Registry, default_registry
from guaranty.scenario.schema import (
    OWN_NAVAL,
    RUNG_NAMES,
    AggressorPositions,
    AirDeployment,
    Lens,
    NavalAssets,
    Package,
    Peacekeepers,
    Provisions,
    Quantity,
    Scenario,
    Settlement,
    Treaty,
    TroopDeployment,
)
from guaranty.units import ceiling_problem, field_of, reachable

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class ProducerRef:
    """Where a producer's parameters live and which category and supplier it serves."""

    category: int
    supplier: str
    prefix: str


@dataclass(frozen=True)
class Plan:
    """Everything the engine needs for one (scenario, package, lens)."""

    scenario: str
    package: str
    lens: str | None
    registry: Registry
    months: int
    categories: tuple[str, ...]
    weapons: tuple[int, ...]
    munitions: tuple[tuple[int, int], ...]  # (munition index, weapon index fed)
    supplied: tuple[int, ...]  # categories with a supply section
    own_wear: tuple[int, ...]  # categories with their own wear rate
    producers: tuple[ProducerRef, ...]
    suppliers: tuple[str, ...]
    stock_caps: tuple[float, ...]
    personnel_cap: float
    neutrality: bool
    sanctions_relieved: bool
    provisions: Provisions
    troops: tuple[TroopDeployment, ...] = ()
    aircraft: tuple[AirDeployment, ...] = ()
    naval: NavalAssets = field(default_factory=NavalAssets)  # the package's, added to own
    treaties: tuple[Treaty, ...] = ()
    peacekeepers: Peacekeepers | None = None
    aggressor_positions: AggressorPositions | None = None
    guarantors: tuple[str, ...] = ()
    fighters: tuple[int, ...] = ()  # categories with the fighter role
    air_defence: tuple[int, ...] = ()  # categories with the air-defence role
    front_weapons: tuple[int, ...] = ()  # categories a war wears down at the front
    rejected_by: tuple[str, ...] = ()  # parties on record as rejecting the package, with why
    settlement: Settlement = field(default_factory=Settlement)
    isr_set: bool = False  # the package provides ISR of its own (and pays for it)

    @property
    def vetoed(self) -> bool:
        """Whether the aggressor sits in the package's peacekeeping contingent (and can veto)."""
        return self.peacekeepers is not None and "aggressor" in self.peacekeepers.members

    def wear_parameter(self, category: int) -> str:
        """The parameter of a category's monthly wear: its own, else the default by kind."""
        if category in self.own_wear:
            return f"equipment.{self.categories[category]}.wear_per_month"
        if any(m == category for m, _ in self.munitions):
            return "forces.munition_use_per_month"
        return "forces.weapon_wear_per_month"


def slug(text: str) -> str:
    """A parameter-name-safe form of a display name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _param(name: str, q: Quantity, scenario: str, path: str) -> Parameter:
    origin: dict[str, Any] = {}
    if q.source:
        origin["source"] = q.source
    if q.assumption:
        origin["assumption"] = q.assumption
    if not origin:
        origin["assumption"] = f"given in scenario {scenario!r} at {path} without a source"
    return Parameter(name=name, distribution=q.distribution, unit=q.unit or "", **origin)


def scenario_quantities(s: Scenario) -> dict[str, tuple[Quantity, str]]:
    """Every quantity of the scenario by parameter name, with its path in the file."""
    out: dict[str, tuple[Quantity, str]] = {}

    def put(name: str, q: Quantity | None, path: str) -> None:
        if q is not None:
            out[name] = (q, path)

    d, a = s.defender, s.aggressor
    for side, prefix in ((d, "defender"), (a, "aggressor")):
        put(f"{prefix}.personnel", side.personnel, f"{prefix}.personnel")
        put(f"{prefix}.readiness", side.readiness, f"{prefix}.readiness")
        for c, q in side.stocks.items():
            put(f"{prefix}.stock.{c}", q, f"{prefix}.stocks.{c}")
        for c, q in side.production.items():
            put(f"{prefix}.production.{c}", q, f"{prefix}.production.{c}")
    put("defender.peacetime_personnel", d.peacetime_personnel, "defender.peacetime_personnel")
    put("defender.demobilisation_months", d.demobilisation_months,
        "defender.demobilisation_months")
    put("aggressor.personnel_ceiling", a.personnel_ceiling, "aggressor.personnel_ceiling")
    put("defender.reserves", d.reserves, "defender.reserves")
    put("aggressor.committed_elsewhere", a.committed_elsewhere, "aggressor.committed_elsewhere")
    put("aggressor.recruitment_per_month", a.recruitment_per_month,
        "aggressor.recruitment_per_month")
    put("aggressor.outflow_share_per_month", a.outflow_share_per_month,
        "aggressor.outflow_share_per_month")
    for c, q in a.stock_ceilings.items():
        put(f"aggressor.stock_ceiling.{c}", q, f"aggressor.stock_ceilings.{c}")
    for f in ("front_km", "territory_km2", "population"):
        put(f"theatre.{f}", getattr(s.theatre, f), f"theatre.{f}")
    for c, cat in s.equipment.items():
        put(f"equipment.{c}.weight", cat.weight, f"equipment.{c}.weight")
        put(f"equipment.{c}.crew", cat.crew, f"equipment.{c}.crew")
        put(f"equipment.{c}.need_per_month", cat.need_per_month,
            f"equipment.{c}.need_per_month")
        put(f"equipment.{c}.wear_per_month", cat.wear_per_month,
            f"equipment.{c}.wear_per_month")
    for c, sup in s.supply.items():
        for f in ("unit_cost_usd", "delivery_lag_months", "financing_share"):
            put(f"supply.{c}.{f}", getattr(sup, f), f"supply.{c}.{f}")
        for i, p in enumerate(sup.producers):
            key = f"supply.{c}.{slug(p.name)}"
            where = f"supply.{c}.producers[{i}]"
            cap = p.capacity_per_month
            put(f"{key}.capacity_start", cap.start, f"{where}.capacity_per_month.start")
            put(f"{key}.capacity_end", cap.end, f"{where}.capacity_per_month.end")
            put(f"{key}.ramp_months", cap.ramp_months, f"{where}.capacity_per_month.ramp_months")
            put(f"{key}.share_to_defender", p.share_to_defender, f"{where}.share_to_defender")
        if sup.expansion is not None:
            put(f"supply.{c}.expansion_multiple", sup.expansion.multiple,
                f"supply.{c}.expansion.multiple")
            put(f"supply.{c}.expansion_ramp_months", sup.expansion.ramp_months,
                f"supply.{c}.expansion.ramp_months")
    for k, sp in s.suppliers.items():
        put(f"supplier.{k}.will", sp.will, f"suppliers.{k}.will")
        put(f"supplier.{k}.commitment", sp.commitment, f"suppliers.{k}.commitment")
    for f in ("weapons_usd_bn_per_year", "budget_support_usd_bn_per_year"):
        put(f"financing.{f}", getattr(s.financing, f), f"financing.{f}")
    put("aggressor.fleet", a.fleet, "aggressor.fleet")
    for asset, q in d.naval.items():
        put(f"defender.naval.{asset}", q, f"defender.naval.{asset}")
    for g, gu in s.guarantors.items():
        for f in ("troop_pool", "cost_per_soldier_year_usd", "will", "response_delay_months"):
            put(f"guarantor.{g}.{f}", getattr(gu, f), f"guarantors.{g}.{f}")
    for t, at in s.aircraft_types.items():
        for f in ("availability", "cost_per_flight_hour_usd", "flight_hours_per_year"):
            put(f"aircraft.{t}.{f}", getattr(at, f), f"aircraft_types.{t}.{f}")
    return out


def _zero(name: str, unit: str, why: str) -> Parameter:
    return Parameter(name=name, distribution={"dist": "fixed", "value": 0.0}, unit=unit,
                     assumption=why)


def base_registry(s: Scenario) -> Registry:
    """Defaults plus every scenario quantity, with zeros for categories a side does not list."""
    params: dict[str, Parameter] = {}
    for name, (q, path) in scenario_quantities(s).items():
        params[name] = _param(name, q, s.name, path)
    for c in s.equipment:
        for side in ("defender", "aggressor"):
            for what, unit in (("stock", "units"), ("production", "units/month")):
                name = f"{side}.{what}.{c}"
                if name not in params:
                    params[name] = _zero(name, unit, f"{c} not listed for the {side}: none")
        ceiling = f"aggressor.stock_ceiling.{c}"
        if ceiling not in params:
            params[ceiling] = params[f"aggressor.stock.{c}"].model_copy(
                update={"name": ceiling, "assumption": f"no ceiling given for {c}: "
                        "the aggressor's stock stays at its starting level", "source": None})
    for asset in OWN_NAVAL:
        name = f"defender.naval.{asset}"
        if name not in params:
            params[name] = _zero(name, "units", f"no {asset} given for the defender: none")
    for g in s.guarantors:
        name = f"guarantor.{g}.response_draw"
        params[name] = Parameter(
            name=name, distribution={"dist": "uniform", "low": 0.0, "high": 1.0}, unit="share",
            assumption="A world's luck in this guarantor's decision: the uniform from which its "
            "realised response is drawn (guaranty.models.guarantors.realised_rung).")
    if "aggressor.fleet" not in params:
        params["aggressor.fleet"] = _zero("aggressor.fleet", "units",
                                          "no fleet given for the aggressor: none")
    if not s.theatre.aggressor_reach.sea:
        params["aggressor.fleet"] = _zero(
            "aggressor.fleet", "units", "theatre.aggressor_reach.sea is false: the aggressor's "
            "fleet cannot reach the defender's sea lanes")
    if "defender.reserves" not in params:
        params["defender.reserves"] = _zero("defender.reserves", "persons",
                                            "no reserves given for the defender: none")
    if "aggressor.committed_elsewhere" not in params:
        params["aggressor.committed_elsewhere"] = _zero(
            "aggressor.committed_elsewhere", "persons",
            "no forces given as committed elsewhere: the whole army can face this theatre")
    if "defender.peacetime_personnel" not in params:
        params["defender.peacetime_personnel"] = params["defender.personnel"].model_copy(
            update={"name": "defender.peacetime_personnel", "source": None,
                    "assumption": "no peacetime target given: the army keeps its size"})
    if "defender.demobilisation_months" not in params:
        params["defender.demobilisation_months"] = Parameter(
            name="defender.demobilisation_months", unit="months",
            distribution={"dist": "fixed", "value": 24.0},
            assumption="no demobilisation time given: two years (irrelevant when the army "
            "keeps its size)")
    return default_registry().merged(params)


def _apply(registry: Registry, overrides: dict[str, Quantity]) -> Registry:
    for name, q in overrides.items():
        registry = registry.overridden(name, q.distribution, source=q.source,
                                       assumption=q.assumption, unit=q.unit)
    return registry




def base_chain(s: Scenario, name: str) -> list[str]:
    """``name`` and the packages its ``base`` chain names, nearest first, in linear time.

    Raises ``ValueError`` on an unknown base, a cycle or a chain deeper than
    :data:`MAX_BASE_DEPTH` (the loader reports these with their place first).
    """
    chain, seen = [name], {name}
    cur = s.package(name).base
    while cur is not None:
        if cur not in s.packages or cur in seen or len(chain) > MAX_BASE_DEPTH:
            raise ValueError(f"package {name!r} has a bad base chain at {cur!r}")
        chain.append(cur)
        seen.add(cur)
        cur = s.packages[cur].base
    return chain


def resolve_package(s: Scenario, name: str) -> Package:
    """The package with its ``base`` chain merged in (the package's own fields win).

    The chain is merged from its root down, without recursion. An unknown name raises
    :class:`~guaranty.errors.InputError` (:meth:`Scenario.package`).
    """
    chain = base_chain(s, name)
    if len(chain) == 1:
        return s.packages[name]
    merged = s.packages[chain[-1]].model_dump()
    for child in reversed(chain[:-1]):
        pkg = s.packages[child]
        own = pkg.model_dump()
        for f in pkg.model_fields_set:
            merged[f] = ({**merged.get(f, {}), **own[f]}
                         if f in ("parameters", "suppliers", "guarantors") else own[f])
    merged["base"] = None
    return Package.model_validate(merged)


def resolve_lens(s: Scenario, name: str) -> Lens:
    """The lens ``name``; an unknown name raises :class:`~guaranty.errors.InputError`."""
    return s.lens(name)


def scenario_registry(s: Scenario, lens: str | None = None) -> Registry:
    """Defaults, the scenario's quantities and ``parameters:``, then the lens: what every
    package of the scenario starts from."""
    registry = _apply(base_registry(s), dict(s.parameters))
    if lens is not None:
        registry = _apply(registry, dict(resolve_lens(s, lens).parameters))
    return registry


PACKAGE_LEVERS: tuple[tuple[str, str], ...] = (
    ("financing.weapons_usd_bn_per_year", "financing.weapons_usd_bn_per_year"),
    ("financing.budget_support_usd_bn_per_year", "financing.budget_support_usd_bn_per_year"),
    ("isr.level", "intel.level"),
    ("isr.c2_resilience", "intel.c2_resilience"),
)
"""The package fields that set a registry parameter: (field path, parameter name). A
supplier's ``commitment`` sets ``supplier.<name>.commitment`` and the package's own
``parameters:`` override any name."""


def package_overrides(pkg: Package, name: str) -> list[tuple[str, Quantity, str | None]]:
    """The registry overrides a package makes, in order: (parameter, quantity, the
    assumption recorded when the quantity gives no source)."""
    why = f"set by package {name!r}"
    out: list[tuple[str, Quantity, str | None]] = [
        (f"supplier.{k}.commitment", change.commitment, why)
        for k, change in pkg.suppliers.items()]
    for path, param in PACKAGE_LEVERS:
        section, field_name = path.split(".")
        q = getattr(getattr(pkg, section), field_name)
        if q is not None:
            out.append((param, q, why))
    out += [(param, q, None) for param, q in pkg.parameters.items()]
    return out


def compile_plan(s: Scenario, package: str, lens: str | None = None, *,
                 registry: Registry | None = None) -> Plan:
    """Build the :class:`Plan` for one package under one lens.

    ``registry`` is :func:`scenario_registry` of the same scenario and lens, when the caller
    has it already (compiling many packages builds it once).
    """
    pkg = resolve_package(s, package)
    registry = registry if registry is not None else scenario_registry(s, lens)
    for name, q, why in package_overrides(pkg, package):
        if why is None:
            registry = _apply(registry, {name: q})
        else:
            registry = registry.overridden(name, q.distribution, source=q.source,
                                           assumption=q.assumption or why)

    categories = tuple(s.equipment)
    index = {c: i for i, c in enumerate(categories)}
    weapons = tuple(i for i, c in enumerate(categories) if s.equipment[c].kind == "weapon")
    munitions = tuple(
        (index[c], index[cat.feeds])
        for c, cat in s.equipment.items()
        if cat.kind == "munition" and cat.feeds is not None
    )
    producers = tuple(
        ProducerRef(index[c], p.supplier, f"supply.{c}.{slug(p.name)}")
        for c, sup in s.supply.items()
        for p in sup.producers
    )
    caps = [math.inf] * len(categories)
    for c, cap in pkg.caps.stocks.items():
        caps[index[c]] = cap
    if pkg.caps.missile_range_km is not None:
        for c, cat in s.equipment.items():
            if cat.range_km is not None and cat.range_km > pkg.caps.missile_range_km:
                caps[index[c]] = 0.0
    front_weapons = tuple(index[c] for c, cat in s.equipment.items() if cat.lost_at_front)
    return Plan(
        scenario=s.name,
        package=package,
        front_weapons=front_weapons,
        lens=lens,
        registry=registry,
        months=s.horizon_months,
        categories=categories,
        weapons=weapons,
        munitions=munitions,
        supplied=tuple(index[c] for c in s.supply),
        own_wear=tuple(i for i, c in enumerate(categories)
                       if s.equipment[c].wear_per_month is not None),
        producers=producers,
        suppliers=tuple(s.suppliers),
        stock_caps=tuple(caps),
        personnel_cap=math.inf if pkg.caps.personnel is None else pkg.caps.personnel,
        neutrality=pkg.neutrality,
        sanctions_relieved=pkg.sanctions == "relieved",
        provisions=pkg.provisions,
        troops=tuple(pkg.troops),
        aircraft=tuple(pkg.aircraft),
        naval=pkg.naval,
        treaties=tuple(row for tr in pkg.treaties for row in tr.rows()),
        aggressor_positions=pkg.aggressor_positions,
        peacekeepers=pkg.peacekeepers,
        guarantors=tuple(s.guarantors),
        fighters=tuple(i for i, c in enumerate(categories) if s.equipment[c].role == "fighter"),
        air_defence=tuple(i for i, c in enumerate(categories)
                          if s.equipment[c].role == "air-defence"),
        rejected_by=_rejections(s, pkg),
        settlement=pkg.settlement,
        isr_set=pkg.isr.level is not None,
    )


def _rejections(s: Scenario, pkg: Package) -> tuple[str, ...]:
    """Positions on record that rule a package out: each party's red line (the scenario's
    ``negotiation`` data) whose rejected option the package contains, with its source. An
    option with no levers (the status quo) is contained in every package and rules out none;
    a scenario without a negotiation section records none."""
    if s.negotiation is None:
        return ()
    have = pkg.model_dump(mode="json")
    out = []
    for key, party in s.negotiation.parties.items():
        for line in party.red_lines:
            issue = s.negotiation.issues[line.issue]
            for option in line.reject:
                fragment = issue.options[option].package
                if not fragment:
                    continue
                wanted = Package.model_validate(fragment).model_dump(mode="json",
                                                                     exclude_unset=True)
                if _contains(have, wanted):
                    why = line.source or line.assumption
                    out.append(f"{key}'s red line on {line.issue} ({option}): {why}")
    return tuple(out)


def _contains(have: Any, wanted: Any) -> bool:
    """Whether ``have`` holds every lever ``wanted`` sets (lists: every wanted item is matched
    by one of ``have``'s)."""
    if isinstance(wanted, dict):
        return isinstance(have, dict) and all(
            k in have and _contains(have[k], v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return isinstance(have, list) and all(any(_contains(h, w) for h in have)
                                              for w in wanted)
    if isinstance(wanted, float | int) and isinstance(have, float | int):
        return math.isclose(float(have), float(wanted), rel_tol=1e-9, abs_tol=1e-12)
    return bool(have == wanted)


def check_references(s: Scenario) -> list[tuple[Path, str]]:
    """Every dangling or inconsistent reference in a scenario, with its path."""
    problems: list[tuple[Path, str]] = []
    cats = set(s.equipment)
    known = ", ".join(sorted(cats))

    def cat_ref(path: Path, name: str) -> None:
        if name not in cats:
            problems.append((path, f"must name an equipment category ({known}), got {name!r}"))

    for side in ("defender", "aggressor"):
        obj = getattr(s, side)
        for c in obj.stocks:
            cat_ref((side, "stocks", c), c)
        for c in obj.production:
            cat_ref((side, "production", c), c)
    for c in s.aggressor.stock_ceilings:
        cat_ref(("aggressor", "stock_ceilings", c), c)
    for c, cat in s.equipment.items():
        if cat.kind == "munition" and cat.feeds is not None:
            if cat.feeds not in cats:
                cat_ref(("equipment", c, "feeds"), cat.feeds)
            elif s.equipment[cat.feeds].kind != "weapon":
                problems.append(((("equipment", c, "feeds")),
                                 f"must name a weapon category, got munition {cat.feeds!r}"))
    suppliers = ", ".join(sorted(s.suppliers)) or "none defined"
    for c, sup in s.supply.items():
        cat_ref(("supply", c), c)
        seen: set[str] = set()
        for i, p in enumerate(sup.producers):
            if p.supplier not in s.suppliers:
                problems.append((("supply", c, "producers", i, "supplier"),
                                 f"must name a supplier ({suppliers}), got {p.supplier!r}"))
            if slug(p.name) in seen:
                problems.append((("supply", c, "producers", i, "name"),
                                 f"must be unique within {c}, got {p.name!r} twice"))
            seen.add(slug(p.name))
    if s.anchor is not None and s.anchor not in s.packages:
        close = closest(s.anchor, s.packages)
        hint = f"; did you mean {close!r}?" if close else ""
        problems.append((("anchor",), f"must name a package ({', '.join(sorted(s.packages))}), "
                         f"got {s.anchor!r}{hint}"))
    for name, pkg in s.packages.items():
        here: Path = ("packages", name)
        if pkg.base is not None:
            chain: list[str] = [name]
            seen = {name}
            cur: str | None = pkg.base
            while cur is not None:
                if cur not in s.packages:
                    close = closest(cur, s.packages)
                    hint = f"; did you mean {close!r}?" if close else ""
                    known = (", ".join(sorted(s.packages)) if len(s.packages) <= 20
                             else f"{len(s.packages)} in this file")
                    problems.append(((*here, "base"), f"must name a package ({known}), "
                                     f"got {cur!r}{hint}"))
                    break
                if cur in seen:
                    shown = [*chain, cur] if len(chain) <= 8 else [*chain[:8], "...", cur]
                    problems.append(((*here, "base"), f"must not form a cycle, got "
                                     f"{' -> '.join(shown)}"))
                    break
                if len(chain) > MAX_BASE_DEPTH:
                    problems.append(((*here, "base"), f"must be a chain of at most "
                                     f"{MAX_BASE_DEPTH} packages, got a longer one"))
                    break
                chain.append(cur)
                seen.add(cur)
                cur = s.packages[cur].base
        problems += _lever_problems(s, here, pkg, cat_ref)
    problems += negotiation_problems(s, cat_ref)
    problems += lever_problems(s)
    if problems:
        return problems
    return parameter_problems(s) or share_problems(s)


def _lever_problems(s: Scenario, here: Path, pkg: Package,
                    cat_ref: Callable[[Path, str], None]) -> list[tuple[Path, str]]:
    """The references a package's levers make (categories, suppliers, guarantors, aircraft
    types), for a package at ``here`` or a negotiation option's fragment."""
    problems: list[tuple[Path, str]] = []
    suppliers = ", ".join(sorted(s.suppliers)) or "none defined"
    for c in pkg.caps.stocks:
        cat_ref((*here, "caps", "stocks", c), c)
    for k in pkg.suppliers:
        if k not in s.suppliers:
            problems.append(((*here, "suppliers", k),
                             f"must name a supplier ({suppliers}), got {k!r}"))
    guarantors = ", ".join(sorted(s.guarantors)) or "none defined"
    for section in ("troops", "aircraft"):
        for i, item in enumerate(getattr(pkg, section)):
            if item.guarantor not in s.guarantors:
                problems.append(((*here, section, i, "guarantor"), f"must name a guarantor "
                                 f"({guarantors}), got {item.guarantor!r}"))
    for i, tr in enumerate(pkg.treaties):
        where: Path = ((*here, "treaties", i, "guarantor") if tr.guarantor is not None
                       else (*here, "treaties", i, "guarantors"))
        for j, g in enumerate(tr.members):
            if g not in s.guarantors:
                problems.append(((*where, j) if tr.guarantor is None else where,
                                 f"must name a guarantor ({guarantors}), got {g!r}"))
    types = ", ".join(sorted(s.aircraft_types)) or "none defined"
    for i, air in enumerate(pkg.aircraft):
        if air.aircraft_type not in s.aircraft_types:
            problems.append(((*here, "aircraft", i, "aircraft_type"), f"must name an "
                             f"aircraft type ({types}), got {air.aircraft_type!r}"))
    if pkg.peacekeepers is not None:
        for i, member in enumerate(pkg.peacekeepers.members):
            if member != "aggressor" and member not in s.guarantors:
                problems.append(((*here, "peacekeepers", "members", i), f"must name a "
                                 f"guarantor ({guarantors}) or 'aggressor', got {member!r}"))
    return problems


_MONTHLY = re.compile(r"(p_war|outside_p_war|reconstruction_needs_met_share|"
                      r"refugees_returned_m)_[1-9][0-9]*m")
DERIVED_TERMS = ("aggressor_gain_120m",)
"""Terms the negotiation derives beyond the simulated metrics
(:data:`guaranty.analysis.evaluate.GAIN`; a test keeps the two in step)."""


def negotiation_problems(s: Scenario, cat_ref: Callable[[Path, str], None]
                         ) -> list[tuple[Path, str]]:
    """The negotiation section against the rest of the scenario, each with its place: the
    base package, every option fragment's references (as a package's) and the metrics the
    parties' terms weigh. ``guaranty negotiate`` used to find these only when it ran, with
    no place in the file."""
    problems: list[tuple[Path, str]] = []
    neg = s.negotiation
    if neg.base is not None and neg.base not in s.packages:
        close = closest(neg.base, s.packages)
        hint = f"; did you mean {close!r}?" if close else ""
        problems.append((("negotiation", "base"), f"must name a package "
                         f"({_listed(s.packages)}), got {neg.base!r}{hint}"))
    for iname, issue in neg.issues.items():
        for oname, option in issue.options.items():
            where: Path = ("negotiation", "issues", iname, "options", oname, "package")
            fragment = Package.model_validate(option.package, strict=True)
            problems += _lever_problems(s, where, fragment, cat_ref)
    for pname, party in neg.parties.items():
        for metric in party.terms:
            if metric not in METRICS and metric not in DERIVED_TERMS and not (
                    _MONTHLY.fullmatch(metric)):
                close = closest(metric, METRICS)
                hint = f"; did you mean {close!r}?" if close else ""
                problems.append((("negotiation", "parties", pname, "terms", metric),
                                 f"must name a simulated metric ({', '.join(METRICS)}, "
                                 f"{', '.join(DERIVED_TERMS)}, or p_war_<months>m), got "
                                 f"{metric!r}{hint}"))
    return problems


def _listed(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(names) if len(names) <= 20 else f"{len(names)} in this file"


SHARE_TOLERANCE = 1e-9


def share_problems(s: Scenario) -> list[tuple[Path, str]]:
    """``financing_share`` must sum to at most 1 across categories *in every world*.

    The shares are drawn independently, so some world comes as close as one likes to every
    share's largest reachable value at once (:func:`guaranty.units.reachable`): the check
    adds those, not the means (a mean-only check let half the worlds spend the money twice).
    Checked for the scenario's own shares and for every lens and package that overrides one
    (``parameters: {supply.<category>.financing_share: ...}``), at the override's place.
    """
    names = {f"supply.{c}.financing_share": (("supply", c, "financing_share"),
                                              sup.financing_share.distribution)
             for c, sup in s.supply.items()}
    if not names:
        return []
    base = {n: d for n, (_, d) in names.items()}
    base_where: dict[str, Path] = {n: w for n, (w, _) in names.items()}
    layers: list[tuple[Path, dict[str, Quantity]]] = [(("parameters",), dict(s.parameters))]
    layers += [(("lenses", k, "parameters"), dict(v.parameters)) for k, v in s.lenses.items()]
    layers += [(("packages", k, "parameters"), dict(resolve_package(s, k).parameters))
               for k in s.packages]
    problems: list[tuple[Path, str]] = []

    def check(dists: dict[str, Any], where: dict[str, Path], fallback: Path) -> None:
        highs = {n: reachable(d)[1] for n, d in dists.items()}
        total = math.fsum(highs.values())
        if total <= 1.0 + SHARE_TOLERANCE:
            return
        top = max(highs, key=lambda n: (where.get(n) != base_where.get(n), highs[n]))
        at = where.get(top, fallback)
        problems.append((at, f"must sum to <= 1 with the other categories' financing_share "
                         f"in every world (they are drawn independently), got up to "
                         f"{total:.6g} (the shares' largest draws: "
                         + ", ".join(f"{n.split('.')[1]} {h:.3g}" for n, h in highs.items())
                         + ")"))

    check(base, base_where, ("supply",))
    own = {n: q.distribution for n, q in s.parameters.items() if n in base}
    scen = {**base, **own}
    scen_where = {**base_where, **{n: ("parameters", n) for n in own}}
    if own:
        check(scen, scen_where, ("parameters",))
    for prefix, overrides in layers[1:]:
        changed = {n: q.distribution for n, q in overrides.items() if n in base}
        if changed:
            check({**scen, **changed}, {**scen_where, **{n: (*prefix, n) for n in changed}},
                  prefix)
    return problems


def lever_problems(s: Scenario) -> list[tuple[Path, str]]:
    """Dangling names in the ``levers:`` section (:mod:`guaranty.scenario.levers`)."""
    problems: list[tuple[Path, str]] = []
    lv, neg = s.levers, s.negotiation
    if not lv.items:
        return problems

    def one_of(path: Path, what: str, name: str, known: Iterable[str]) -> None:
        names = sorted(known)
        if name not in names:
            close = closest(name, names)
            hint = f"; did you mean {close!r}?" if close else ""
            problems.append((path, f"must name {what} ({', '.join(names) or 'none defined'}), "
                             f"got {name!r}{hint}"))

    if lv.base is not None:
        one_of(("levers", "base"), "a package", lv.base, s.packages)
    for name, lever in lv.items.items():
        here: Path = ("levers", "items", name)
        if lever.issue is not None:
            one_of((*here, "issue"), "a negotiation issue", lever.issue, neg.issues)
        if lever.guarantor is not None:
            one_of((*here, "guarantor"), "a guarantor", lever.guarantor, s.guarantors)
        if lever.aircraft_type is not None:
            one_of((*here, "aircraft_type"), "an aircraft type", lever.aircraft_type,
                   s.aircraft_types)
        for i, option in enumerate(lever.options or []):
            one_of((*here, "options", i), "a treaty rung", option, RUNG_NAMES)
        if lever.counts_as is not None:
            one_of((*here, "counts_as", "issue"), "a negotiation issue", lever.counts_as.issue,
                   neg.issues)
            if lever.counts_as.issue in neg.issues:
                one_of((*here, "counts_as", "option"), f"an option of {lever.counts_as.issue}",
                       lever.counts_as.option, neg.issues[lever.counts_as.issue].options)
    return problems


def parameter_problems(s: Scenario) -> list[tuple[Path, str]]:
    """Names in every ``parameters:`` section, and the overrides they make (unit and range)."""
    problems: list[tuple[Path, str]] = []
    registry = base_registry(s)
    sections: list[tuple[Path, dict[str, Quantity]]] = [(("parameters",), dict(s.parameters))]
    sections += [(("lenses", k, "parameters"), dict(v.parameters)) for k, v in s.lenses.items()]
    sections += [(("packages", k, "parameters"), dict(v.parameters))
                 for k, v in s.packages.items()]
    sections += [(("negotiation", "issues", i, "options", o, "package", "parameters"),
                  dict(Package.model_validate(option.package, strict=True).parameters))
                 for i, issue in s.negotiation.issues.items()
                 for o, option in issue.options.items() if "parameters" in option.package]
    for base, overrides in sections:
        for pname, q in overrides.items():
            here = (*base, pname)
            if pname not in registry:
                close = closest(pname, registry)
                hint = f"; did you mean {close!r}?" if close else ""
                problems.append((here, "must name a registry parameter (see `guaranty "
                                 f"params`), got {pname!r}{hint}"))
                continue
            unit = registry[pname].unit
            if q.unit is not None and q.unit != unit:
                problems.append(((*here, "unit"), f"must be {unit!r} (the unit of {pname}), "
                                 f"got {q.unit!r}"))
                continue
            beyond = ceiling_problem(unit, q.distribution, field=field_of(pname))
            if beyond is not None:
                problems.append((here, beyond))
                continue
            try:
                registry.overridden(pname, q.distribution, source=q.source,
                                    assumption=q.assumption, unit=q.unit)
            except ValueError as exc:
                problems.append((here, str(exc)))
    return problems

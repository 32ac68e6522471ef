"""The scenario language: frozen, typed pydantic models for a scenario file.

A number in a scenario is a *quantity*: a bare number, or a mapping with a value or a
distribution plus its unit and its source (or an assumption with its reasoning)::

    personnel: {value: 880000, unit: persons, source: "Zelensky, 15 Jan 2025 (Kyiv Independent)"}
    readiness: {dist: triangular, low: 0.5, mode: 0.65, high: 0.8, unit: share,
                assumption: "..."}

Each field declares the unit it is measured in and the values it may take; a quantity whose
unit differs, or whose distribution can reach an impossible value, is an error. Guarantors,
aircraft types and negotiation positions have typed sections too; a package's
instruments (troops, aircraft, naval assets, ISR, treaties, peacekeepers) are its levers.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from guaranty._provisions import Provisions
from guaranty.distributions import Discrete, Distribution, Fixed, Normal
from guaranty.errors import InputError, expect, kind_of, unknown
from guaranty.limits import LEVERS, MAX_LENSES, MAX_MONTHS, MAX_PACKAGES
from guaranty.models.guarantors import Rung
from guaranty.scenario.levers import Levers
from guaranty.scenario.negotiation import Negotiation
from guaranty.units import UNIT_BOUNDS, UNIT_CEILINGS, ceiling_problem

_SLUG = r"^[a-z0-9][a-z0-9_-]*$"
Slug = Annotated[str, Field(pattern=_SLUG, max_length=64)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class Quantity(Frozen):
    """A number with its uncertainty, unit and origin."""

    distribution: Distribution
    unit: str | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _inline(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return data  # let validation reject it as "a number or a mapping"
        if isinstance(data, int | float):
            return {"distribution": {"dist": "fixed", "value": data}}
        if isinstance(data, dict) and "distribution" not in data:
            meta = {k: data[k] for k in ("unit", "source", "assumption") if k in data}
            rest = {k: v for k, v in data.items() if k not in meta}
            if "dist" not in rest:
                rest = {"dist": "fixed", **rest}
            return {**meta, "distribution": rest}
        return data

    @model_validator(mode="after")
    def _finite(self) -> Quantity:
        d = self.distribution
        for name, value in d.model_dump(by_alias=True, exclude={"dist"}).items():
            for v in value if isinstance(value, list) else [value]:
                if not isinstance(v, float) or math.isfinite(v):
                    continue
                if math.isinf(v) and isinstance(d, Normal) and name in ("low", "high"):
                    continue  # an untruncated normal
                raise ValueError(f"{name} must be a finite number, got {v}")
        if isinstance(d, Discrete) and d.weights is not None:
            with np.errstate(over="ignore"):
                total = float(np.sum(d.weights))  # as Discrete sums them (fsum would raise)
        if isinstance(d, Discrete) and d.weights is not None and not math.isfinite(total):
            # w / sum(w) would be 0 everywhere: every world would draw one value
            raise ValueError(f"weights must have a finite sum, got {d.weights}")
        return self

    @property
    def mean(self) -> float:
        return self.distribution.mean

    @classmethod
    def fixed(cls, value: float, unit: str, **origin: str) -> Quantity:
        return cls(distribution=Fixed(value=value), unit=unit, **origin)


def _bounded(unit: str, low: float, high: float, field: str | None = None
             ) -> Callable[[Quantity], Quantity]:
    def check(q: Quantity) -> Quantity:
        if q.unit is not None and q.unit != unit:
            raise ValueError(f"unit must be {unit!r}, got {q.unit!r}")
        lo, hi = q.distribution.support
        if lo < low or hi > high:
            rule = f">= {low:g}" if math.isinf(high) else f"in [{low:g}, {high:g}]"
            got = _show(q)
            raise ValueError(f"must be {rule}, got {got}")
        beyond = ceiling_problem(unit, q.distribution, field=field)
        if beyond is not None:
            raise ValueError(beyond)
        return q if q.unit is not None else q.model_copy(update={"unit": unit})

    return check


def _show(q: Quantity) -> str:
    if isinstance(q.distribution, Fixed):
        return f"{q.distribution.value:g}"
    return q.distribution.describe()


UNIT_RANGES = UNIT_BOUNDS
"""The values a quantity in each unit may take (:data:`guaranty.units.UNIT_BOUNDS`, which the
registry also checks for ``parameters:`` overrides)."""


def _q(unit: str, field: str | None = None) -> AfterValidator:
    """Validator of a quantity measured in ``unit``, whose values must lie in its range (and
    under the ceiling of its kind of ``field``, :data:`guaranty.units.FIELD_CEILINGS`)."""
    low, high = UNIT_BOUNDS[unit]
    return AfterValidator(_bounded(unit, low, high, field))


Persons = Annotated[Quantity, _q("persons")]
Soldiers = Annotated[Quantity, _q("persons", "soldiers")]
Recruitment = Annotated[Quantity, _q("persons/month", "recruitment")]
Units = Annotated[Quantity, _q("units")]
PerMonth = Annotated[Quantity, _q("units/month")]
PersonsPerMonth = Annotated[Quantity, _q("persons/month")]
Share = Annotated[Quantity, _q("share")]
Months = Annotated[Quantity, _q("months")]
Km = Annotated[Quantity, _q("km")]
Km2 = Annotated[Quantity, _q("km2")]
Usd = Annotated[Quantity, _q("USD")]
UsdBnPerYear = Annotated[Quantity, _q("USD bn/year")]
Power = Annotated[Quantity, _q("power/unit")]
PersonsPerUnit = Annotated[Quantity, _q("persons/unit")]
RoundsPerMonth = Annotated[Quantity, _q("rounds/weapon/month")]
ShareMonthly = Annotated[Quantity, _q("share/month")]
HoursPerYear = Annotated[Quantity, _q("hours/year")]
Ratio = Annotated[Quantity, _q("ratio")]


OWN_NAVAL = ("anti_ship_missiles", "naval_drones", "patrol_boats", "patrol_aircraft")
"""The defender's own means of sea denial (``defender.naval``); a package can add to them."""


def _upto(unit: str) -> Any:
    """A plain number >= 0 and at most the ceiling of ``unit`` (:data:`UNIT_CEILINGS`)."""
    return Field(ge=0, le=UNIT_CEILINGS[unit])


UnitCount = Annotated[float, _upto("units")]


class NavalAssets(Frozen):
    """Assets that deny the sea to the aggressor's fleet: the defender's kinds, which a package
    gives (bought once), and the protection of the shipping corridor partners provide (paid
    each year): escort warships, mine-countermeasure vessels, aircraft covering the corridor
    (:mod:`guaranty.models.naval`)."""

    anti_ship_missiles: UnitCount = 0.0
    naval_drones: UnitCount = 0.0
    patrol_boats: UnitCount = 0.0
    patrol_aircraft: UnitCount = 0.0
    escorts: float = Field(default=0.0, ge=0, le=1_000)
    mine_countermeasures: float = Field(default=0.0, ge=0, le=1_000)
    air_cover: float = Field(default=0.0, ge=0, le=10_000)


class Side(Frozen):
    """A party's forces: personnel and equipment stocks by category."""

    name: str = Field(min_length=1, max_length=80)
    personnel: Soldiers
    readiness: Share
    stocks: dict[Slug, Units] = Field(default_factory=dict)
    production: dict[Slug, PerMonth] = Field(default_factory=dict)


class Defender(Side):
    """The guaranteed state."""

    peacetime_personnel: Soldiers | None = None
    demobilisation_months: Months | None = None
    reserves: Soldiers | None = None
    """Trained reserves outside the standing force (``personnel``) that a war mobilises: a
    conscript state's wartime strength less its standing army. A share
    (``forces.reserve_availability``) counts in war and in the aggressor's eyes."""
    naval: dict[Literal["anti_ship_missiles", "naval_drones", "patrol_boats",
                        "patrol_aircraft"], Units] = Field(default_factory=dict)


class Aggressor(Side):
    """The state whose renewed attack the guarantee must deter or defeat."""

    personnel_ceiling: Soldiers
    recruitment_per_month: Recruitment
    outflow_share_per_month: ShareMonthly
    stock_ceilings: dict[Slug, Units] = Field(default_factory=dict)
    fleet: Units | None = None
    committed_elsewhere: Soldiers | None = None
    """Soldiers of ``personnel`` tied down on another front (Russia's army in Ukraine, for
    a scenario on another border): not available to this theatre, nor its ceiling."""


class Reach(Frozen):
    """How the aggressor can reach the defender: over land, by sea."""

    land: bool = True
    sea: bool = True

    @model_validator(mode="after")
    def _land(self) -> Reach:
        if not self.land:
            raise ValueError(
                "land: false is not modelled: the war model is a land campaign across a "
                "front, and an invasion by sea alone has no mechanism here")
        return self


class Theatre(Frozen):
    """The ground in dispute."""

    front_km: Km
    territory_km2: Km2
    population: Persons
    aggressor_reach: Reach = Reach()
    """``sea: false``: the aggressor cannot reach the defender's sea lanes, so it has no
    blockade (its fleet counts as none here)."""


class Category(Frozen):
    """An equipment category: a weapon that adds combat power, or a munition that feeds one."""

    kind: Literal["weapon", "munition"]
    description: str = ""
    weight: Power | None = None
    crew: PersonsPerUnit | None = None
    feeds: Slug | None = None
    need_per_month: RoundsPerMonth | None = None
    wear_per_month: ShareMonthly | None = None
    range_km: Annotated[float, _upto("km")] | None = None
    role: Literal["fighter", "air-defence"] | None = None
    front_losses: bool | None = None
    """Whether a war wears this category down at the front at the record's rate
    (``campaign.equipment_loss_share_per_month``). Default: crewed weapons (a crew of at
    least one) without an air role or a strike range: tanks, armoured vehicles, artillery;
    not drones, missiles, aircraft or air defence."""

    @property
    def lost_at_front(self) -> bool:
        """:attr:`front_losses`, or its default."""
        if self.front_losses is not None:
            return self.front_losses
        crew = self.crew.distribution.mean if self.crew is not None else 0.0
        return (self.kind == "weapon" and self.role is None and self.range_km is None
                and crew >= 1.0)

    @model_validator(mode="after")
    def _by_kind(self) -> Category:
        if self.kind == "weapon":
            missing = [f for f in ("weight", "crew") if getattr(self, f) is None]
        else:
            missing = [f for f in ("feeds", "need_per_month") if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} category must have {' and '.join(missing)}, "
                             f"got no {' and no '.join(missing)}")
        return self


class Capacity(Frozen):
    """A producer's output ramping from ``start`` to ``end`` with time constant ``ramp_months``."""

    start: PerMonth
    end: PerMonth
    ramp_months: Months


class Producer(Frozen):
    """One producer of a category, selling to the defender through a supplier's government."""

    name: str = Field(min_length=1, max_length=80)
    supplier: Slug
    capacity_per_month: Capacity
    share_to_defender: Share


class Expansion(Frozen):
    """How far and how fast the defender's multi-year orders can grow a category's output.

    ``multiple`` is the most the category's start capacity open to the defender's suppliers
    can grow to (1: it cannot grow); ``ramp_months`` the time constant of new lines
    (:mod:`guaranty.models.supply`). Without it, the registry's ``supply.expansion_*``.
    """

    multiple: Ratio
    ramp_months: Months


class Supply(Frozen):
    """How the defender obtains one category beyond its own production."""

    unit_cost_usd: Usd
    delivery_lag_months: Months
    financing_share: Share
    producers: list[Producer] = Field(default_factory=list)
    expansion: Expansion | None = None


class Supplier(Frozen):
    """A supplying government: its political will (uncertain) and its commitment (a lever)."""

    name: str = Field(min_length=1, max_length=80)
    will: Share
    commitment: Share


class Financing(Frozen):
    """Money for the defender from its partners."""

    weapons_usd_bn_per_year: UsdBnPerYear
    budget_support_usd_bn_per_year: UsdBnPerYear


class Caps(Frozen):
    """Negotiated limits on the defender's army and weapons."""

    personnel: Annotated[float, _upto("persons")] | None = None
    stocks: dict[Slug, UnitCount] = Field(default_factory=dict)
    missile_range_km: Annotated[float, _upto("km")] | None = None


class SupplierChange(Frozen):
    """A package's change to a supplier's commitment."""

    commitment: Share


class FinancingChange(Frozen):
    weapons_usd_bn_per_year: UsdBnPerYear | None = None
    budget_support_usd_bn_per_year: UsdBnPerYear | None = None


MISSIONS = ("monitoring", "tripwire", "reassurance", "deep-defence")
RUNG_NAMES = tuple(r.word for r in Rung)
"""The scenario's words for the rungs of :class:`~guaranty.models.guarantors.Rung`, lowest first
(``none`` ... ``air-naval-support``, ``ground-troops``); a word's index is its level."""
if TYPE_CHECKING:
    RungWord = str
else:
    RungWord = Literal[RUNG_NAMES]  # derived from Rung: one ladder
WORDINGS = ("shall-armed-force", "deems-necessary", "consult")


class TroopDeployment(Frozen):
    """Allied ground troops of one guarantor, sized by mission."""

    guarantor: Slug
    size: float = Field(ge=0, le=LEVERS["troops.size"])
    mission: Literal["monitoring", "tripwire", "training", "reassurance", "deep-defence"]
    location: Literal["front", "rear", "neighbour"] = "rear"
    rules_of_engagement: Literal["self-defence", "defend"] = "self-defence"
    arrival_months: float | None = Field(default=None, ge=0,
                                         le=LEVERS["troops.arrival_months"])


class AirDeployment(Frozen):
    """Allied combat aircraft of one guarantor, based in the country or next door."""

    guarantor: Slug
    aircraft_type: Slug
    count: float = Field(ge=0, le=LEVERS["aircraft.count"])
    basing: Literal["in-country", "neighbour"] = "neighbour"
    distance_km: float = Field(default=0.0, ge=0, le=LEVERS["aircraft.distance_km"])
    mission: Literal["combat", "air-policing"] = "combat"
    """``combat``: the aircraft fight the aggressor's forces in a war if their government
    answers (a treaty's air rung, or the political decision without one); they count for air
    denial over the front and protect the scenario's zone. ``air-policing``: they protect the
    zone against missiles and drones and nothing else (Sky Shield's air protection zone: cruise
    missiles and drones over the west, pilots kept away from Russia); in a war the mission
    goes on with ``guarantors.air_policing_continues_in_war``."""


class Isr(Frozen):
    """Intelligence, surveillance and resilient communications provided by partners."""

    level: Share | None = None
    c2_resilience: Share | None = None


class Treaty(Frozen):
    """A commitment: the highest rung promised and how automatic the wording.

    One guarantor (``guarantor``) or several under one text (``guarantors``, e.g. NATO's five
    largest members): a multilateral treaty is its guarantors' commitments side by side, each
    drawn from the shared cohesion factor (:mod:`guaranty.models.cohesion`), so it gives the
    same risk as the same guarantors written as separate rows.
    """

    guarantor: Slug | None = None
    guarantors: list[Slug] = Field(default_factory=list)
    rung: RungWord
    wording: Literal["shall-armed-force", "deems-necessary", "constitutional-processes",
                     "consult"] = "deems-necessary"

    @model_validator(mode="after")
    def _one_way(self) -> Treaty:
        if (self.guarantor is None) == (not self.guarantors):
            raise ValueError("a treaty must name either one guarantor (guarantor: uk) or a "
                             "list (guarantors: [us, uk]), got "
                             + ("both" if self.guarantor is not None else "neither"))
        if len(set(self.guarantors)) != len(self.guarantors):
            raise ValueError(f"a treaty's guarantors must differ, got {self.guarantors}")
        return self

    @property
    def members(self) -> list[str]:
        """The guarantors this treaty binds."""
        return [self.guarantor] if self.guarantor is not None else list(self.guarantors)

    def rows(self) -> list[Treaty]:
        """One single-guarantor treaty per guarantor, in order."""
        return [Treaty(guarantor=g, rung=self.rung, wording=self.wording) for g in self.members]

    @property
    def level(self) -> Rung:
        """The rung promised, as a :class:`~guaranty.models.guarantors.Rung`."""
        return Rung.parse(self.rung)


class AggressorPositions(Frozen):
    """The aggressor's own troops stationed in the defender's territory ("peacekeepers",
    bases), as the settlement leaves them: they shorten the defender's warning of an attack
    (:func:`guaranty.engine.inputs.surprise`) and veto nothing."""

    troops: float = Field(ge=0, le=5_000_000)
    location: Literal["front", "rear"] = "front"
    description: str = ""


class Peacekeepers(Frozen):
    """A multinational contingent; if the aggressor is a member it can veto any response."""

    members: list[str] = Field(min_length=1)
    size: float = Field(ge=0, le=LEVERS["peacekeepers.size"])
    location: Literal["front", "rear"] = "front"
    arrival_months: float | None = Field(default=None, ge=0,
                                         le=LEVERS["troops.arrival_months"])
    """Months after the ceasefire the contingent is in place: 0 for peacekeepers present at
    the start; default ``troops.arrival_months``."""


class Settlement(Frozen):
    """What the settlement gives beyond security, as refugees weigh it (ifo's attributes)."""

    territory: Literal["current-line", "most", "1991"] = "current-line"
    nato_membership: bool = False
    eu_accession: bool = False
    jobs: bool = False
    less_corruption: bool = False


class Package(Frozen):
    """A security-guarantee package: the levers it sets, each an override of the baseline."""

    description: str = ""
    sources: list[str] = Field(default_factory=list)
    base: Slug | None = None
    provisions: Provisions = Provisions()
    neutrality: bool = False
    sanctions: Literal["maintained", "relieved"] = "maintained"
    caps: Caps = Caps()
    suppliers: dict[Slug, SupplierChange] = Field(default_factory=dict)
    financing: FinancingChange = FinancingChange()
    parameters: dict[str, Quantity] = Field(default_factory=dict)
    troops: list[TroopDeployment] = Field(default_factory=list)
    aircraft: list[AirDeployment] = Field(default_factory=list)
    naval: NavalAssets = NavalAssets()
    isr: Isr = Isr()
    treaties: list[Treaty] = Field(default_factory=list)
    peacekeepers: Peacekeepers | None = None
    aggressor_positions: AggressorPositions | None = None
    settlement: Settlement = Settlement()


class Guarantor(Frozen):
    """A guaranteeing state or coalition: what troops it can rotate, their cost, its will."""

    name: str = Field(min_length=1, max_length=80)
    troop_pool: Soldiers
    cost_per_soldier_year_usd: Usd
    will: Share
    response_delay_months: Months
    nuclear: bool = False
    party: Literal["defender", "aggressor"] | None = None

    @model_validator(mode="after")
    def _modelled(self) -> Guarantor:
        if self.nuclear:
            raise ValueError(
                "nuclear: true is not modelled: no mechanism here turns a guarantor's nuclear "
                "arms into deterrence or escalation; leave it out (and say so in the scenario's "
                "description)")
        if self.party is not None:
            raise ValueError(
                f"party: {self.party} is not modelled: a guarantor is a third state whose "
                "response the model draws; one that is itself a party to the war has no "
                "mechanism here (write the aggressor's 'guarantee' as a package provision)")
        return self


class AircraftType(Frozen):
    """A type of combat aircraft: how many are ready, what an hour in the air costs."""

    availability: Share
    cost_per_flight_hour_usd: Usd
    flight_hours_per_year: HoursPerYear


class Lens(Frozen):
    """An expert's view: named overrides of parameter distributions."""

    description: str = ""
    sources: list[str] = Field(default_factory=list)
    parameters: dict[str, Quantity] = Field(default_factory=dict)


class Scenario(Frozen):
    """A whole scenario file."""

    name: Slug
    title: str = ""
    description: str = ""
    horizon_months: int = Field(ge=1, le=MAX_MONTHS)
    defender: Defender
    aggressor: Aggressor
    theatre: Theatre
    equipment: dict[Slug, Category] = Field(min_length=1)
    supply: dict[Slug, Supply] = Field(default_factory=dict)
    suppliers: dict[Slug, Supplier] = Field(default_factory=dict)
    financing: Financing
    packages: dict[Slug, Package] = Field(min_length=1, max_length=MAX_PACKAGES)
    anchor: Slug | None = None
    """The scenario's reference package (a bare cease-fire): the replays' default and the
    package a scenario-specific :func:`guaranty.engine.anchoring.calibrate` fits. Every run is
    anchored by the stored calibration of the behavioural model whatever it says."""
    lenses: dict[Slug, Lens] = Field(default_factory=dict, max_length=MAX_LENSES)
    parameters: dict[str, Quantity] = Field(default_factory=dict)
    guarantors: dict[Slug, Guarantor] = Field(default_factory=dict)
    aircraft_types: dict[Slug, AircraftType] = Field(default_factory=dict)
    negotiation: Negotiation = Negotiation()
    levers: Levers = Levers()
    """The choices ``guaranty optimise`` may make (:mod:`guaranty.scenario.levers`)."""

    @field_validator("negotiation")
    @classmethod
    def _fragments(cls, negotiation: Negotiation) -> Negotiation:
        """Each option's ``package`` must be a fragment of a :class:`Package` without ``base``.

        Checked here rather than in :mod:`guaranty.scenario.negotiation`, which the schema
        imports; each error keeps its place inside the fragment.
        """
        errors: list[InitErrorDetails] = []
        for iname, issue in negotiation.issues.items():
            for oname, option in issue.options.items():
                where = ("issues", iname, "options", oname, "package")
                if "base" in option.package:
                    errors.append(InitErrorDetails(
                        type="value_error", loc=where, input=option.package,
                        ctx={"error": ValueError(
                            "an option's package must not set base; the negotiation's base "
                            "applies to every package")}))
                    continue
                try:
                    # strict, as the loader validates the rest: 'yes' is no boolean, "5" no number
                    Package.model_validate(option.package, strict=True)
                except ValidationError as exc:
                    errors.extend(
                        InitErrorDetails(type=e["type"], loc=(*where, *e["loc"]),
                                         input=e["input"], ctx=e.get("ctx", {}))
                        for e in exc.errors())
        if errors:
            raise ValidationError.from_exception_data("Negotiation", errors)
        return negotiation

    @classmethod
    def expect(cls, value: object, what: str = "scenario") -> Scenario:
        """``value`` if it is a :class:`Scenario`, else :class:`InputError` (API misuse)."""
        if not isinstance(value, cls):
            raise InputError(f"{what} must be a Scenario (guaranty.load_scenario(...)), got "
                             f"{kind_of(value)}")
        return value

    def _repr_html_(self) -> str:
        """A small table for notebooks: the scenario's identity and its packages (escaped)."""
        from html import escape

        rows = "".join(
            f"<tr><th>{escape(name)}</th><td>{'anchor' if name == self.anchor else ''}</td>"
            f"<td>{escape(' '.join(p.description.split())[:160])}</td></tr>"
            for name, p in self.packages.items())
        lenses = ", ".join(escape(k) for k in self.lenses) or "none"
        return (f"<table><caption>{escape(self.name)} — {escape(self.title)} · "
                f"{self.horizon_months} months · lenses: {lenses}</caption>"
                f"<thead><tr><th>package</th><th></th><th>description</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    def package(self, name: str) -> Package:
        """The package ``name`` as written (its ``base`` chain not merged in).

        Raises
        ------
        InputError
            ``unknown package 'x'; did you mean ...? (known: ...)`` when there is none.
        """
        expect(name, str, "package", "a package name (text)")
        try:
            return self.packages[name]
        except KeyError:
            raise InputError(unknown("package", name, self.packages)) from None

    def lens(self, name: str) -> Lens:
        """The lens ``name``; an unknown name raises :class:`InputError` ("did you mean")."""
        expect(name, str, "lens", "a lens name (text)")
        try:
            return self.lenses[name]
        except KeyError:
            raise InputError(unknown("lens", name, self.lenses)) from None

    def check_names(self, packages: Iterable[str] = (), lens: str | None = None) -> None:
        """Raise :class:`~guaranty.errors.InputError` ("did you mean") for an unknown package
        or lens."""
        for name in packages:
            self.package(name)
        if lens is not None:
            self.lens(lens)

    def with_package(self, name: str, package: Package | None = None, **changes: Any) -> Scenario:
        """A copy with package ``name`` replaced (``package``) or changed (``changes``).

        Changing needs an existing package (an unknown name is an error, "did you mean");
        giving ``package`` adds or replaces one. Invalid changes raise
        :class:`~guaranty.errors.InputError` with pydantic's reason. Never mutates.
        """
        if not isinstance(name, str) or not re.fullmatch(_SLUG, name) or len(name) > 64:
            raise InputError(f"package name must be lowercase letters, digits, '-' or '_' "
                             f"(starting with a letter or digit, at most 64), got {name!r}")
        if package is not None and not isinstance(package, Package):
            raise InputError(f"package must be a Package, got {type(package).__name__}")
        if package is None and name not in self.packages:
            raise InputError(unknown("package", name, self.packages))
        current = package or self.packages[name]
        if changes:
            try:
                current = Package.model_validate({**current.model_dump(), **changes},
                                                 strict=True)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(x) for x in first["loc"])
                raise InputError(f"package {name!r}: {where}: {first['msg']}") from None
        return self.model_copy(update={"packages": {**self.packages, name: current}})


def scenario_digest(scenario: Scenario) -> str:
    """The SHA-256 of a scenario's resolved content (its canonical JSON, every default filled
    in): two runs with the same digest simulated the same scenario, whatever its file said."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()

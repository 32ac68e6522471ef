"""The ``levers:`` section of a scenario: the choices an optimiser may make about a package.

Each lever changes one instrument of the ``base`` package, within bounds, and carries the
source of its bounds or an assumption with its reasoning::

    levers:
      base: strong-army
      items:
        treaties: {issue: treaties}          # a negotiation issue: one of its options
        fighters:
          set: aircraft
          guarantor: coalition
          aircraft_type: f-16
          low: 0
          high: 160
          source: "CSIS: 40 to 160 aircraft (source article)"

A lever either takes the options of a negotiation ``issue`` (categorical; the issue's option
fragments are merged into the package as in ``guaranty negotiate``) or ``set``\\ s one
instrument: ``troops`` (a deployment of ``guarantor`` with ``mission``, size in persons),
``aircraft`` (a deployment of ``aircraft_type``, a count), ``treaty`` (the rung promised by
``guarantor``, one of ``options``), ``financing.weapons_usd_bn_per_year`` and
``financing.budget_support_usd_bn_per_year`` (USD bn/year), ``caps.personnel`` (persons)
or ``naval.<asset>`` (units). ``counts_as`` ties a lever to a negotiation option for the
parties' judgement: a troops lever above zero counts as ``foreign-troops: reassurance``, say.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]

SETTABLE = ("troops", "aircraft", "treaty", "financing.weapons_usd_bn_per_year",
            "financing.budget_support_usd_bn_per_year", "caps.personnel",
            "naval.anti_ship_missiles", "naval.naval_drones", "naval.patrol_boats",
            "naval.patrol_aircraft")
UNITS = {"troops": "persons", "aircraft": "units", "caps.personnel": "persons",
         "financing.weapons_usd_bn_per_year": "USD bn/year",
         "financing.budget_support_usd_bn_per_year": "USD bn/year"}


class CountsAs(BaseModel):
    """The negotiation option a lever stands for when its value is above zero."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    issue: Slug
    option: Slug


class Lever(BaseModel):
    """One choice about the package: a negotiation issue, or one instrument within bounds."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    description: str = ""
    issue: Slug | None = None
    set: Literal[SETTABLE] | None = None  # type: ignore[valid-type]
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    step: float | None = Field(default=None, gt=0)
    options: list[str] | None = None
    guarantor: Slug | None = None
    mission: Literal["monitoring", "tripwire", "reassurance", "deep-defence"] | None = None
    location: Literal["front", "rear", "neighbour"] = "rear"
    rules_of_engagement: Literal["self-defence", "defend"] = "defend"
    aircraft_type: Slug | None = None
    basing: Literal["in-country", "neighbour"] = "neighbour"
    distance_km: float = Field(default=0.0, ge=0, le=5_000)
    wording: Literal["shall-armed-force", "deems-necessary", "consult"] = "deems-necessary"
    counts_as: CountsAs | None = None
    unit: str | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Lever:
        if (self.issue is None) == (self.set is None):
            raise ValueError("a lever must have exactly one of issue (a negotiation issue) or "
                             f"set ({', '.join(SETTABLE)})")
        if self.set is None:
            return self
        if not (self.source or self.assumption):
            raise ValueError("a set lever needs a source or an assumption for its bounds")
        if self.set == "treaty":
            if not self.guarantor or not self.options:
                raise ValueError("a treaty lever needs a guarantor and options (rungs, e.g. "
                                 "[none, arms, ground-troops])")
            return self
        if self.low is None or self.high is None or not self.low < self.high:
            raise ValueError(f"a {self.set} lever needs low < high, got low={self.low}, "
                             f"high={self.high}")
        want = UNITS.get(self.set, "units")
        if self.unit is not None and self.unit != want:
            raise ValueError(f"unit must be {want!r} for {self.set}, got {self.unit!r}")
        if self.set == "troops" and (not self.guarantor or not self.mission):
            raise ValueError("a troops lever needs a guarantor and a mission")
        if self.set == "aircraft" and (not self.guarantor or not self.aircraft_type):
            raise ValueError("an aircraft lever needs a guarantor and an aircraft_type")
        return self

    @property
    def categorical(self) -> bool:
        return self.issue is not None or self.set == "treaty"


class Levers(BaseModel):
    """The package the levers change (default: the negotiation's base) and the levers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    base: Slug | None = None
    items: dict[Slug, Lever] = Field(default_factory=dict)

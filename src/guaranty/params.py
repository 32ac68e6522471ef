"""The parameter registry: every uncertain number a model reads, with distribution, unit, source.

A :class:`Parameter` carries a distribution, a unit and either a source (author, year, title,
table/page or URL) or an ``assumption`` with its reasoning; a parameter without both a unit and
one of those cannot be built. A :class:`Registry` is an immutable mapping of parameters. The
default registry lives in ``data/parameters.yaml`` inside the package; a scenario adds its own
quantities and overrides defaults, lenses and packages override again (see
:mod:`guaranty.scenario.compile`). :meth:`Registry.sample` draws worlds reproducibly, and the
models read the draws through a :class:`ParamView`, which records every name read so that a
test can prove no model reads an undocumented number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from numbers import Integral
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guaranty import rng
from guaranty.distributions import Distribution, Fixed
from guaranty.errors import RegistryError, unknown
from guaranty.units import UNIT_BOUNDS

NAME_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)*$"


class Parameter(BaseModel):
    """One uncertain number: its distribution, unit and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    distribution: Distribution
    unit: str = Field(min_length=1)
    source: str | None = None
    assumption: str | None = None
    description: str = ""
    bounds: tuple[float, float] = (-np.inf, np.inf)
    status: str | None = None  # PARAMETERS.md status letter (C, D, U) where one applies
    sample_size: int | None = None  # for parameters fitted to data
    scope: str | None = None  # the one theatre a default was calibrated on (ukraine-2022-25)

    @model_validator(mode="after")
    def _documented(self) -> Parameter:
        if not (self.source and self.source.strip()) and not (
            self.assumption and self.assumption.strip()
        ):
            raise ValueError(
                f"parameter {self.name!r} needs a source or an assumption with its reasoning"
            )
        bounds = self.limits
        lo, hi = self.distribution.support
        if lo < bounds[0] or hi > bounds[1]:
            raise ValueError(
                f"must be in [{bounds[0]:g}, {bounds[1]:g}] (a quantity in {self.unit}), "
                f"got {self.distribution.describe()}"
            )
        return self

    @property
    def limits(self) -> tuple[float, float]:
        """Explicit bounds, else the range the unit implies, else the whole real line."""
        if self.bounds != (-np.inf, np.inf):
            return self.bounds
        return UNIT_BOUNDS.get(self.unit, self.bounds)

    @property
    def origin(self) -> str:
        """The source, or ``assumption: ...``."""
        if self.source:
            return self.source
        return f"assumption: {self.assumption}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (the ``guaranty params --json`` record)."""
        out: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "distribution": self.distribution.describe(),
            "mean": _finite(self.distribution.mean),
            "description": self.description,
        }
        if self.source:
            out["source"] = self.source
        if self.assumption:
            out["assumption"] = self.assumption
        if self.status:
            out["status"] = self.status
        if self.sample_size is not None:
            out["sample_size"] = self.sample_size
        out["scope"] = self.scope
        return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


class Registry(Mapping[str, Parameter]):
    """An immutable mapping from names to parameters; changes return a new registry."""

    def __init__(self, parameters: Mapping[str, Parameter] | None = None) -> None:
        self._params: dict[str, Parameter] = dict(sorted((parameters or {}).items()))
        for name, param in self._params.items():
            if name != param.name:
                raise RegistryError(f"registry key {name!r} differs from parameter {param.name!r}")

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise RegistryError(unknown("parameter", name, self._params)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, name: object) -> bool:
        return name in self._params

    def __repr__(self) -> str:
        return f"Registry({len(self)} parameters)"

    def merged(self, parameters: Mapping[str, Parameter]) -> Registry:
        """A registry with ``parameters`` added or replacing those of the same name."""
        return Registry({**self._params, **parameters})

    def overridden(
        self,
        name: str,
        distribution: Any,
        *,
        source: str | None = None,
        assumption: str | None = None,
        unit: str | None = None,
    ) -> Registry:
        """A registry where ``name`` takes a new distribution (and optionally a new source).

        Without a new source or assumption the override is recorded as an assumption of the
        caller's, keeping the old unit and bounds. The default's ``scope`` (the theatre it was
        calibrated on) does not carry over: the number is now the caller's.
        """
        old = self[name]
        if unit is not None and unit != old.unit:
            raise RegistryError(f"{name} is measured in {old.unit!r}, got unit {unit!r}")
        try:
            new = Parameter.model_validate(
                {
                    **old.model_dump(exclude={"distribution", "source", "assumption", "scope"}),
                    "distribution": distribution,
                    "source": source,
                    "assumption": assumption
                    if (source or assumption)
                    else f"override of the default ({old.origin})",
                }
            )
        except ValidationError as exc:
            raise RegistryError(_first_message(exc)) from None
        return self.merged({name: new})

    def uncertain(self) -> tuple[str, ...]:
        """Names of the parameters that vary across worlds (not fixed), in registry order."""
        return tuple(name for name, p in self._params.items()
                     if not isinstance(p.distribution, Fixed))

    def ppf(self, u: Mapping[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
        """Map a design in [0, 1]: each uncertain parameter's uniforms through its inverse CDF.

        ``u`` maps names of :meth:`uncertain` parameters to arrays of uniforms in (0, 1).
        """
        out: dict[str, NDArray[np.float64]] = {}
        for name, values in u.items():
            param = self[name]
            if isinstance(param.distribution, Fixed):
                raise RegistryError(f"{name} is fixed at {param.distribution.value:g}; "
                                    "only uncertain parameters take a design")
            u_values = np.asarray(values, dtype=np.float64)
            if u_values.size and not np.all((u_values >= 0.0) & (u_values <= 1.0)):
                raise RegistryError(f"a design for {name} must hold uniforms in [0, 1], got "
                                    f"values from {np.min(u_values):g} to "
                                    f"{np.max(u_values):g}")
            out[name] = param.distribution.ppf(u_values)
        return out

    def sample(self, seed: int, start: int, stop: int, *, memo: SampleMemo | None = None
               ) -> dict[str, NDArray[np.float64]]:
        """Draw worlds ``start..stop-1``: a dict of name -> array of shape (stop - start,).

        Uncertain parameters are :meth:`ppf` of the seeded uniforms of their stream
        ``param:<name>`` (:func:`guaranty.rng.uniforms`); fixed ones are constant arrays.
        ``memo`` (optional, for one seed) lets registries of one scenario (its packages,
        lenses) sampled for the same worlds share the work: each stream is drawn once, and a
        parameter they share (the same object) is mapped once. The arrays returned may then
        be shared between registries: read them, do not change them.
        """
        try:
            rng.check_seed(seed)
        except ValueError as exc:
            raise RegistryError(str(exc)) from None
        if not (isinstance(start, Integral) and isinstance(stop, Integral) and 0 <= start <= stop):
            raise RegistryError(f"0 <= start <= stop must hold (integers), got start={start!r}, "
                                f"stop={stop!r}")
        n = stop - start
        memo = memo if memo is not None else SampleMemo()
        out: dict[str, NDArray[np.float64]] = {}
        todo: dict[str, NDArray[np.float64]] = {}
        for name, param in self._params.items():
            known = memo.values.get((name, start, stop))
            if known is not None and known[0] is param:
                out[name] = known[1]
            elif isinstance(param.distribution, Fixed):
                out[name] = np.full(n, param.distribution.value)
            else:
                key = (name, start, stop)
                if key not in memo.uniforms:
                    memo.uniforms[key] = rng.uniforms(seed, f"param:{name}", start, stop)
                todo[name] = memo.uniforms[key]
        out.update(self.ppf(todo))
        for name, param in self._params.items():
            memo.values[(name, start, stop)] = (param, out[name])
        return {name: out[name] for name in self._params}

    def uniforms(self, seed: int, start: int, stop: int) -> dict[str, NDArray[np.float64]]:
        """The seeded uniforms behind :meth:`sample` for worlds ``start..stop-1``."""
        return {name: rng.uniforms(seed, f"param:{name}", start, stop)
                for name in self.uncertain()}

    def means(self) -> dict[str, float]:
        """The mean of each parameter (for deterministic checks)."""
        return {name: p.distribution.mean for name, p in self._params.items()}


def _first_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return str(err["msg"]).removeprefix("Value error, ")


@dataclass
class SampleMemo:
    """What :meth:`Registry.sample` can share between registries of one scenario and seed:
    the streams' uniforms and each parameter's values, by (name, start, stop)."""

    uniforms: dict[tuple[str, int, int], NDArray[np.float64]] = field(default_factory=dict)
    values: dict[tuple[str, int, int], tuple[Parameter, NDArray[np.float64]]] = field(
        default_factory=dict)


class ParamView(Mapping[str, NDArray[np.float64]]):
    """Read-only access to sampled parameters that records which names were read."""

    def __init__(self, values: Mapping[str, NDArray[np.float64]]) -> None:
        self._values = values
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        self.read.add(name)
        try:
            return self._values[name]
        except KeyError:
            raise RegistryError(unknown("parameter", name, self._values)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The built-in parameters, from ``guaranty/data/parameters.yaml``."""
    text = resources.files("guaranty").joinpath("data/parameters.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)
    params: dict[str, Parameter] = {}
    for entry in entries:
        entry = dict(entry)
        name = entry.pop("name")
        meta = {k: entry.pop(k) for k in list(entry) if k in _META}
        if "value" in entry and "dist" not in entry:
            entry["dist"] = "fixed"
        try:
            params[name] = Parameter.model_validate({"name": name, "distribution": entry, **meta})
        except ValidationError as exc:
            raise RegistryError(f"default parameter {name}: {_first_message(exc)}") from None
    return Registry(params)


_META = {"unit", "source", "assumption", "description", "bounds", "status", "sample_size",
         "scope"}

UKRAINE_SCOPE = "ukraine-2022-25"
"""The scope of defaults calibrated on the Russia-Ukraine war of 2022-25 alone."""
UKRAINE_PARTIES = frozenset({"ukraine", "russia"})
"""Parties (defender and aggressor names, lower case) for which that scope is the theatre."""


def scoped_in_force(registry: Registry, defender: str, aggressor: str) -> list[Parameter]:
    """The parameters of ``registry`` still at a default calibrated on another theatre than
    the dyad ``defender``/``aggressor`` (empty for Ukraine facing Russia)."""
    parties = {defender.strip().lower(), aggressor.strip().lower()}
    if parties == UKRAINE_PARTIES:
        return []
    return [p for p in registry.values() if p.scope == UKRAINE_SCOPE]

"""The factors of an analysis: which uncertain parameters a package reads, how they are grouped,
and where each comes from (``source``, ``fitted`` or ``assumption``).

A *factor* is one parameter or a group of them (a family: the parameters whose names share a
prefix, ``decision.*``, ``supply.interceptors.*``). Sensitivity and scenario discovery work on
the parameters a package's chain actually reads (:attr:`Plan` run once on a few worlds), so
a package without troops is not charged with the troops' parameters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from guaranty.engine import AnchorSpec
from guaranty.engine.run import plans, resolve_anchor, run_range
from guaranty.errors import InputError, unknown
from guaranty.models.outcomes import metric_info
from guaranty.params import Parameter, Registry
from guaranty.scenario.compile import Plan
from guaranty.scenario.schema import Scenario

ORIGINS = ("source", "fitted", "assumption")


def origin_of(param: Parameter) -> str:
    """``fitted`` for a parameter estimated from data (it records a sample size, or it is the
    anchored base-hazard factor), ``source`` for a published figure, else ``assumption``."""
    if param.sample_size is not None or (param.source or "").startswith("anchored:"):
        return "fitted"
    return "source" if param.source else "assumption"


@dataclass(frozen=True)
class Factor:
    """One parameter, or a group of parameters moved together."""

    name: str
    members: tuple[str, ...]
    origins: tuple[str, ...]

    @property
    def origin(self) -> str:
        """The members' origin when they share one, else ``mixed``."""
        kinds = set(self.origins)
        return self.origins[0] if len(kinds) == 1 else "mixed"

    def to_dict(self) -> dict[str, object]:
        counts = Counter(self.origins)
        return {"name": self.name, "origin": self.origin,
                "members": [{"name": m, "origin": o}
                            for m, o in zip(self.members, self.origins, strict=True)],
                "origins": {k: counts[k] for k in ORIGINS if counts[k]}}


def probe(plan: Plan, months: int) -> tuple[tuple[str, ...], list[str]]:
    """The uncertain parameters the chain reads for this plan (registry order) and the
    per-world outcomes it returns, from a run of a few worlds."""
    out, read = run_range(plan, 0, 0, 8, months)
    names = tuple(n for n in plan.registry.uncertain() if n in read)
    return names, [k for k in out if not k.startswith("_")]


def read_parameters(plan: Plan, months: int) -> tuple[str, ...]:
    """The uncertain parameters the chain reads for this plan, in registry order."""
    return probe(plan, months)[0]


def group_names(names: Sequence[str], spec: str | int) -> dict[str, list[str]]:
    """Group parameter names into factors.

    ``spec``: ``"none"`` (each parameter alone), ``"prefix"`` (the family: the first component
    of the name), ``"prefix:D"`` (the first D components) or an integer K (families, the
    largest split by their next name component, until there are at least K groups or nothing
    can be split).
    """
    if isinstance(spec, int) and not isinstance(spec, bool):
        return _split_to(names, spec)
    if spec == "none":
        return {n: [n] for n in names}
    depth = 1
    if isinstance(spec, str) and spec.startswith("prefix:") and spec[7:].isdigit():
        depth = int(spec[7:])
    elif spec != "prefix":
        raise InputError(f"groups must be 'prefix', 'prefix:D', 'none' or a number of groups, "
                         f"got {spec!r}")
    if depth < 1:
        raise InputError(f"groups 'prefix:D' needs D >= 1, got {spec!r}")
    out: dict[str, list[str]] = {}
    for n in names:
        out.setdefault(".".join(n.split(".")[:depth]), []).append(n)
    return out


def _split_to(names: Sequence[str], count: int) -> dict[str, list[str]]:
    if count < 1:
        raise InputError(f"the number of groups must be >= 1, got {count}")
    depth = {n: 1 for n in names}

    def key(n: str) -> str:
        return ".".join(n.split(".")[:depth[n]])

    while True:
        groups: dict[str, list[str]] = {}
        for n in names:
            groups.setdefault(key(n), []).append(n)
        if len(groups) >= count:
            return groups
        splittable = [g for g, ms in groups.items()
                      if len(ms) > 1 and any(len(m.split(".")) > depth[m] for m in ms)]
        if not splittable:
            return groups
        largest = max(splittable, key=lambda g: (len(groups[g]), g))
        for m in groups[largest]:
            if len(m.split(".")) > depth[m]:
                depth[m] += 1


def factors_of(registry: Registry, names: Sequence[str], spec: str | int) -> list[Factor]:
    """The factors of ``names`` under the grouping ``spec`` (:func:`group_names`)."""
    return [Factor(g, tuple(ms), tuple(origin_of(registry[m]) for m in ms))
            for g, ms in group_names(names, spec).items()]


def package_plan(scenario: Scenario, package: str, *, lens: str | None, seed: int,
                 anchor: AnchorSpec = True) -> Plan:
    """The plan ``simulate`` runs for one package: lens, package and anchor applied."""
    scenario.check_names([package], lens)
    return plans(scenario, [package], lens, resolve_anchor(scenario, anchor, seed))[package]


def check_metric(metric: str, available: Mapping[str, object] | Sequence[str]) -> None:
    """An :class:`InputError` ("did you mean") unless ``metric`` is a per-world outcome."""
    names = list(available)
    if metric not in names:
        raise InputError(unknown("metric", metric, names))
    metric_info(metric)

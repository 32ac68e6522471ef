"""What the web API computes, with no HTTP in it: scenarios by name or text, a package with
lever values applied, and simulations in stages (a first answer at 2,000 worlds, then more).

A client never names a file: a scenario is one of the built-in names (or the app's own table
of names) or YAML text in the request, validated by the positioned loader
(:func:`guaranty.scenario.loader.parse_scenario`). Lever values are applied with the
scenario's own ``levers:`` section (:func:`guaranty.analysis.levers.build`) on top of the
chosen package, so the dashboard's sliders mean what ``guaranty optimise`` means.

Stages keep the seed contract: worlds are sampled by index (:mod:`guaranty.rng`), so the first
2,000 worlds of a 10,000-world answer are those of the 2,000-world answer, and the last stage
is bit for bit ``guaranty.simulate(..., worlds=N)``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np

from guaranty.engine import DEFAULT_CHUNK, iter_chunks, simulate
from guaranty.errors import InputError, unknown
from guaranty.results import Results
from guaranty.scenario.loader import load_scenario, parse_scenario
from guaranty.scenario.schema import Package, Scenario

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FIRST_STAGE = 2_000
"""Worlds of the first answer of a streamed simulation."""
STAGES = (FIRST_STAGE, 10_000, 25_000, 50_000, 100_000, 200_000, 500_000)
CUSTOM = "{package}-levers"
"""The name of a package with lever values applied."""
CURVE_METRICS = (("p_war_12m", 12), ("p_war_24m", 24), ("p_war_60m", 60), ("p_war_120m", 120))
TABLE_METRICS = ("p_war_120m", "p_war_60m", "p_hold_given_war", "cost_usd_bn_per_year",
                 "troops_feasible", "weapons_delivered_usd_bn_per_year")


def builtin_scenarios() -> dict[str, Path]:
    """The built-in scenarios by name (the stems of the shipped ``scenarios/*.yaml``)."""
    from guaranty._datasets import scenario_path

    folder = scenario_path("ukraine-2025").parent
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if NAME.match(p.stem)}


def stages(worlds: int) -> list[int]:
    """The world counts of a streamed simulation: :data:`STAGES` below ``worlds``, then it."""
    return [s for s in STAGES if s < worlds] + [worlds]


class Catalogue:
    """Scenarios the app may run, loaded once and kept: the named ones, and the last few
    given as text (by digest). Thread-safe."""

    def __init__(self, named: Mapping[str, Path], *, keep: int = 8) -> None:
        self.named = dict(named)
        self.keep = keep
        self._lock = threading.Lock()
        self._loaded: dict[str, Scenario] = {}
        self._texts: OrderedDict[str, Scenario] = OrderedDict()

    def names(self) -> list[str]:
        return list(self.named)

    def check(self, name: str | None, text: str | None) -> None:
        """An :class:`InputError` unless exactly one of a known ``name`` or ``text`` is given
        (cheap: the text is not parsed here)."""
        if (name is None) == (text is None):
            raise InputError("give exactly one of scenario (a built-in name: "
                             f"{', '.join(self.named)}) or scenario_yaml (scenario text)")
        if name is not None and (not NAME.match(name) or name not in self.named):
            why = ("; a client names a scenario, never a file path"
                   if ("/" in name or "\\" in name or "." in name) else "")
            raise InputError(unknown("scenario", name, self.named) + why)

    def get(self, name: str | None, text: str | None) -> Scenario:
        """The scenario called ``name``, or parsed from ``text`` (exactly one is given)."""
        self.check(name, text)
        if text is not None:
            return self._parsed(text)
        assert name is not None
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = load_scenario(self.named[name])
            return self._loaded[name]

    def _parsed(self, text: str) -> Scenario:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            if key in self._texts:
                self._texts.move_to_end(key)
                return self._texts[key]
        scenario = parse_scenario(text, name="<request>")
        with self._lock:
            self._texts[key] = scenario
            while len(self._texts) > self.keep:
                self._texts.popitem(last=False)
        return scenario


def describe(scenario: Scenario) -> dict[str, Any]:
    """A scenario's packages, lenses and levers, as the dashboard needs them."""
    levers = []
    for name, lever in scenario.levers.items.items():
        entry: dict[str, Any] = {"name": name, "description": lever.description,
                                 "source": lever.source or lever.assumption}
        if lever.categorical:
            from guaranty.analysis.levers import options

            entry.update(kind="option", set=lever.set or f"issue:{lever.issue}",
                         options=options(scenario, lever))
        else:
            entry.update(kind="number", set=lever.set, low=lever.low, high=lever.high,
                         step=lever.step, unit=lever.unit or _unit(lever.set))
        levers.append(entry)
    return {
        "name": scenario.name,
        "title": scenario.title,
        "horizon_months": scenario.horizon_months,
        "anchor": scenario.anchor,
        "packages": [{"name": n, "description": p.description, "base": p.base}
                     for n, p in scenario.packages.items()],
        "lenses": list(scenario.lenses),
        "levers": levers,
        "levers_base": scenario.levers.base or scenario.negotiation.base,
        "wordings": ["shall-armed-force", "deems-necessary", "consult"],
    }


def _unit(kind: str | None) -> str:
    from guaranty.scenario.levers import UNITS

    return UNITS.get(kind or "", "units")


def with_levers(scenario: Scenario, package: str, values: Mapping[str, str | float],
                wording: str | None) -> tuple[Scenario, str]:
    """The scenario with ``package`` changed by the given lever values (and every treaty's
    ``wording``), and the name of the changed package; unchanged without values or wording.

    Only the levers given are applied, on top of ``package`` (not the ``levers.base``): a
    lever left out leaves the package as it is.
    """
    if package not in scenario.packages:
        raise InputError(unknown("package", package, scenario.packages))
    if not values and wording is None:
        return scenario, package
    from guaranty.analysis.levers import build, options

    items = scenario.levers.items
    for name, value in values.items():
        if name not in items:
            raise InputError(unknown("lever", name, items))
        lever = items[name]
        if lever.categorical:
            allowed = options(scenario, lever)
            if not isinstance(value, str) or value not in allowed:
                raise InputError(f"lever {name!r} must be one of {', '.join(allowed)}, got "
                                 f"{value!r}")
        else:
            low, high = lever.low, lever.high
            if isinstance(value, str) or not (low is not None and high is not None
                                              and low <= value <= high):
                raise InputError(f"lever {name!r} must be a number in [{low:g}, {high:g}] "
                                 f"({lever.unit or _unit(lever.set)}), got {value!r}")
    chosen = {n: items[n] for n in values}
    levers = scenario.levers.model_copy(update={"base": package, "items": chosen})
    built = build(scenario.model_copy(update={"levers": levers}), dict(values))
    if wording is not None:
        data = built.model_dump()
        data["treaties"] = [{**t, "wording": wording} for t in data["treaties"]]
        built = Package.model_validate(data)
    name = CUSTOM.format(package=package)[:64]
    return scenario.with_package(name, built), name


def warm() -> None:
    """Import the engine (run in each new worker process before the first request)."""
    import guaranty.engine  # noqa: F401


def split(start: int, stop: int, parts: int) -> list[tuple[int, int]]:
    """``[start, stop)`` in at most ``parts`` consecutive ranges of nearly equal size."""
    size = -(-(stop - start) // max(parts, 1))
    return [(a, min(a + size, stop)) for a in range(start, stop, size)]


def chunk_for(worlds: int, parts: int) -> int:
    """A chunk size that spreads ``worlds`` over ``parts`` processes (same numbers whatever
    the chunk size: the seed contract)."""
    return min(DEFAULT_CHUNK, max(1, -(-worlds // max(parts, 1))))


def outcomes_of(scenario: Scenario, name: str, seed: int, lens: str | None, anchor: Any,
                start: int, stop: int) -> dict[str, np.ndarray]:
    """The outcomes of worlds ``[start, stop)`` of one package (run in a worker process)."""
    parts = [c.outcomes for c in iter_chunks(scenario, name, worlds=stop, seed=seed, lens=lens,
                                             start=start, anchor=anchor)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def staged(scenario: Scenario, packages: Sequence[str], *, worlds: int, seed: int,
           lens: str | None, anchor: Any, executor: Executor | None = None, parts: int = 1
           ) -> Iterator[Results]:
    """Results at each of :func:`stages` (``worlds``), each extending the one before; on
    ``executor`` (a process pool) in ``parts`` ranges a stage when given."""
    counts = stages(worlds)
    results = simulate(scenario, list(packages), worlds=counts[0], seed=seed, lens=lens,
                       anchor=anchor, executor=executor, chunk_size=chunk_for(counts[0], parts))
    yield results
    fixed = results.anchor if results.anchor is not None else False
    for start, stop in itertools.pairwise(counts):
        outcomes = {}
        for name in packages:
            ranges = split(start, stop, parts)
            if executor is None:
                new = [outcomes_of(scenario, name, seed, lens, fixed, a, b) for a, b in ranges]
            else:
                futures = [executor.submit(outcomes_of, scenario, name, seed, lens, fixed, a, b)
                           for a, b in ranges]
                new = [f.result() for f in futures]
            before = results.outcomes[name]
            outcomes[name] = {k: np.concatenate([before[k], *(p[k] for p in new)])
                              for k in before}
        results = dataclasses.replace(results, worlds=stop, outcomes=outcomes)
        yield results


def run(scenario: Scenario, packages: Sequence[str], *, worlds: int, seed: int,
        lens: str | None, anchor: Any, executor: Executor | None = None, parts: int = 1
        ) -> Results:
    """:func:`guaranty.simulate`, spread over ``parts`` chunks on ``executor`` when given."""
    return simulate(scenario, list(packages), worlds=worlds, seed=seed, lens=lens,
                    anchor=anchor, executor=executor, chunk_size=chunk_for(worlds, parts))


def answer(scenario: Scenario, results: Results, labels: Mapping[str, str]) -> dict[str, Any]:
    """The one-screen numbers and P(war by month) curves of each package, as JSON."""
    anchor = scenario.anchor
    rows = []
    for name in results.packages:
        metrics = results.metrics(name)
        row: dict[str, Any] = {
            "package": labels.get(name, name),
            "metrics": {m: results.metric(name, m).as_dict() for m in TABLE_METRICS
                        if m in metrics},
            "rejected_by": list(results.rejections.get(name, ())),
            "outside_view": _outside(results, name),
            "curve": _curve(results, name),
            "change_vs_anchor": None,
        }
        paired = anchor is not None and anchor in results.outcomes and name != anchor
        if paired and anchor is not None and "p_war_120m" in metrics:
            row["change_vs_anchor"] = _paired(results, name, anchor)
        rows.append(row)
    rows.sort(key=lambda r: _risk(r))
    return {
        "scenario": results.scenario,
        "seed": results.seed,
        "worlds": results.worlds,
        "months": results.months,
        "lens": results.lens,
        "version": results.version,
        "anchor": results.anchor.to_dict() if results.anchor else None,
        "notes": results.notes(),
        "packages": rows,
    }


def _risk(row: Mapping[str, Any]) -> float:
    mean = row["metrics"].get("p_war_120m", {}).get("mean")
    return float("inf") if mean is None else float(mean)


def _curve(results: Results, name: str) -> dict[str, list[float | None]]:
    """P(war) by month at the checkpoints the engine keeps: mean and 5-95 % across worlds."""
    have = set(results.metrics(name))
    months, mean, p05, p95 = [0], [0.0], [0.0], [0.0]
    for metric, month in CURVE_METRICS:
        if metric in have and month <= results.months:
            s = results.metric(name, metric).as_dict()
            months.append(month)
            mean.append(s["mean"])  # type: ignore[arg-type]
            p05.append(s["p05"])  # type: ignore[arg-type]
            p95.append(s["p95"])  # type: ignore[arg-type]
    return {"months": months, "mean": mean, "p05": p05, "p95": p95}  # type: ignore[dict-item]


def _outside(results: Results, name: str) -> dict[str, Any] | None:
    if name not in results.outside:
        return None
    est = results.outside[name]
    return {"months": sorted(int(m) for m in est.p_war),
            "p_war": {str(m): list(v) for m, v in sorted(est.p_war.items())}}


def _paired(results: Results, name: str, anchor: str) -> dict[str, float]:
    """Mean change of P(war within 120 months) against the anchor on the same worlds, with a
    90 % interval from the paired standard error."""
    diff = (results.outcomes[name]["p_war_120m"].astype(np.float64)
            - results.outcomes[anchor]["p_war_120m"].astype(np.float64))
    mean = float(diff.mean())
    se = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else 0.0
    return {"mean": mean, "low": mean - 1.645 * se, "high": mean + 1.645 * se, "se": se}

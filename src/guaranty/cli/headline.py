"""The one-screen headline under ``guaranty run``: which package is best on the main metric and
how robustly, and, for each package, the three assumptions that move it most.

The assumptions come from RBD-FAST over the run's own worlds
(:func:`guaranty.analysis.sensitivity.drivers`: no new simulation, about a second), kept in a
small on-disk cache keyed by a digest of the scenario, package, seed, worlds, horizon, lens,
anchor and version (``$GUARANTY_CACHE_DIR``, else ``~/.cache/guaranty``), so a second run of
the same thing reads them back. A cache that cannot be written is skipped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guaranty.analysis.robust import robustness
from guaranty.analysis.sensitivity import drivers
from guaranty.cli._format import fmt
from guaranty.results import Results
from guaranty.scenario.schema import Scenario

TOP = 3


def cache_dir() -> Path:
    """Where the headline's drivers are cached."""
    root = os.environ.get("GUARANTY_CACHE_DIR")
    if root:
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "guaranty"


def key(scenario: Scenario, results: Results, package: str, metric: str) -> str:
    """A digest of everything the drivers depend on."""
    text = "\n".join((scenario.model_dump_json(), package, metric, str(results.seed),
                      str(results.worlds), str(results.months), str(results.lens),
                      json.dumps(results.anchor.to_dict() if results.anchor else None),
                      results.version))
    return hashlib.sha256(text.encode()).hexdigest()


def top_drivers(scenario: Scenario, results: Results, package: str, metric: str
                ) -> list[dict[str, Any]]:
    """The :data:`TOP` parameters with the largest first-order index, cached on disk."""
    path = cache_dir() / "drivers" / f"{key(scenario, results, package, metric)}.json"
    try:
        cached: list[dict[str, Any]] = json.loads(path.read_text())
        return cached
    except (OSError, ValueError):
        pass
    found = drivers(results, package, metric)
    rows = [{"name": i.name, "S1": i.S1, "S1_conf": i.S1_conf, "origin": i.factor.origin}
            for i in found.indices[:TOP]]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows))
    except OSError:
        pass
    return rows


MAIN_METRICS = ("p_war_120m", "p_war_60m", "p_war_horizon")


def main_metric(results: Results) -> str | None:
    """The risk of renewed war at ten years, else five, else at the horizon."""
    have = results.metrics(results.packages[0])
    return next((m for m in MAIN_METRICS if m in have), None)


def drivers_by_package(scenario: Scenario, results: Results, metric: str,
                       tick: Callable[[int], None] | None = None
                       ) -> dict[str, list[dict[str, Any]]]:
    """:func:`top_drivers` of ``metric`` for every package; ``tick`` is told how many packages
    are done."""
    out = {}
    for done, package in enumerate(results.packages, 1):
        out[package] = top_drivers(scenario, results, package, metric)
        if tick:
            tick(done)
    return out


def best(results: Results, metric: str) -> str | None:
    """One line: the package with the least regret on ``metric`` and how robustly it beats
    the others (common worlds); the best one no party rejects, when that is another."""
    if len(results.packages) < 2:
        return None
    r = robustness({results.lens or "default": results}, [metric], satisfice=())
    top, share = r.best(metric)
    verdict = ("robust" if all(p.robust for p in r.pairs if top in (p.a, p.b))
               else "not robust")
    line = (f"best on {metric}: {top} ({fmt(results.mean(top, metric), metric)}, least "
            f"regret); it beats each other package in at least {share:.0%} of worlds "
            f"({verdict}; `guaranty compare` for every pair and lens)")
    if results.rejections.get(top):
        open_ = [p for p in results.packages if not results.rejections.get(p)]
        if open_:
            alt = min(open_, key=lambda p: (results.mean(p, metric), p))
            line += (f"; it is rejected — the best no party rejects: {alt} "
                     f"({fmt(results.mean(alt, metric), metric)})")
    return line


def lines(scenario: Scenario, results: Results) -> list[str]:
    """The headline of ``--detail``, a few lines of plain text."""
    metric = main_metric(results)
    if metric is None:
        return []
    out = [f"headline — {metric}"]
    top = best(results, metric)
    if top:
        out.append(f"  {top}")
    package = results.packages[0]
    rows = top_drivers(scenario, results, package, metric)
    shown = "; ".join(f"{d['name']} ({d['S1']:.0%} of the variance, {d['origin']})"
                      for d in rows)
    out.append(f"  {metric} of {package} hangs most on: {shown} (RBD-FAST over these worlds; "
               "`guaranty sensitivity` for Sobol with intervals)")
    return out

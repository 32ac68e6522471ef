"""The shareable report: one self-contained HTML file with the comparison, every figure, every
assumption with its source, and the run's identity (seed, version, the scenario's SHA-256).

``write_report(scenario, results, "report.html")`` (a run of the scenario from
:func:`guaranty.simulate`); ``docs/report.md`` has a runnable example.

plotly.js is inlined once from the installed plotly package: the file needs no network to
open. The analyses beyond the run (lenses, Sobol, PRIM, negotiation, the optimiser) run at a
modest :class:`~guaranty.report.analyses.Budget`; ``docs/report.md`` describes each figure.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from guaranty.errors import InputError
from guaranty.report.analyses import Analyses, Budget, Progress, run_analyses
from guaranty.results import Results
from guaranty.scenario.schema import Scenario

SECTIONS = ("table", "war", "cost-risk", "people", "lenses", "drivers", "prim", "negotiation",
            "history", "assumptions")
"""The report's sections, in the order they appear; ``sections=`` picks a subset."""

NEEDS = {"table": ("drivers",), "war": ("outside",), "lenses": ("lenses",),
         "drivers": ("drivers", "sobol"), "prim": ("prim",),
         "negotiation": ("negotiation", "optimise"), "history": ("history",)}
"""The analyses (:data:`guaranty.report.analyses.STEPS`) each section needs."""


def stderr_progress() -> Progress:
    """A :data:`Progress` that prints one line per step on stderr, with the time so far."""
    start = time.perf_counter()

    def show(step: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - start
        what = "analyses done" if step == "done" else f"{step} ({done + 1}/{total})"
        print(f"report: {what} [{elapsed:.1f} s]", file=sys.stderr, flush=True)

    return show


def write_report(scenario: Scenario, results: Results, path: str | PathLike[str], *,
                 sections: Sequence[str] | None = None, budget: Budget | None = None,
                 progress: Progress | None = None) -> Path:
    """Write the report of ``results`` (a run of ``scenario``) to ``path``; return the path.

    Parameters
    ----------
    scenario, results : the scenario and a run of it (:func:`guaranty.simulate`).
    path : where to write the HTML file (its folder must exist).
    sections : the :data:`SECTIONS` to include, default all.
    budget : the sizes of the extra analyses (default :class:`Budget`).
    progress : called before each analysis (default: a line on stderr per step;
        ``lambda *_: None`` for silence).
    """
    chosen = list(SECTIONS) if sections is None else list(sections)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise InputError(f"unknown report section(s) {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    if results.packages and any(p not in scenario.packages for p in results.packages):
        raise InputError(f"results of scenario {results.scenario!r} do not match scenario "
                         f"{scenario.name!r}: packages differ")
    steps = {step for s in chosen for step in NEEDS.get(s, ())}
    analyses = run_analyses(scenario, results, budget=budget, steps=tuple(steps),
                            progress=progress if progress is not None else stderr_progress())
    from guaranty.report.render import render

    html = render(scenario, results, analyses, chosen, budget or Budget())
    out = Path(path)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    return out


__all__ = ["SECTIONS", "Analyses", "Budget", "run_analyses", "stderr_progress", "write_report"]

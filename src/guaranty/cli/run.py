"""``guaranty run`` and ``guaranty lenses``: simulate packages and print their outcomes.

``run`` prints one table (:func:`show_answer`): the packages sorted by risk, each with its
change against the anchor package over the same worlds, what it costs, who rejects it, what
history says and the assumptions it hangs on. ``--detail`` adds every metric of every package;
``--out`` writes every world; ``--report`` writes the HTML report.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from guaranty.analysis import compare_lenses
from guaranty.cli import headline
from guaranty.cli._format import (
    RISK_LABEL,
    answer_table,
    comparison_tables,
    emit_json,
    fmt,
    lens_tables,
    out_console,
    package_table,
    reference_package,
    styled,
)
from guaranty.cli.export import write_worlds
from guaranty.cli.options import JsonFlag, RunOptions, ScenarioFile, with_run_options
from guaranty.cli.progress import progress
from guaranty.engine import simulate
from guaranty.results import Results
from guaranty.scenario import Scenario, load_scenario

NoHeadline = Annotated[bool, typer.Option(
    "--no-headline", help="Skip the assumptions each package hangs on and the best package.")]
Detail = Annotated[bool, typer.Option(
    "--detail", help="Also print every metric of every package, and every note in full.")]
Out = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Write every world (inputs and outcomes) to FILE.parquet or FILE.csv "
    "(the summary beside it, FILE.summary.json), or the run to FILE.npz (for guaranty diff).")]
Report = Annotated[Path | None, typer.Option(
    "--report", help="Write the HTML report (guaranty.report) to this path.")]


@with_run_options()
def run(file: ScenarioFile, options: RunOptions, json_out: JsonFlag = False,
        no_headline: NoHeadline = False, detail: Detail = False, out: Out = None,
        report: Report = None) -> None:
    """Simulate packages of a scenario and compare them (model and outside view)."""
    scenario = load_scenario(file)
    packages = options.packages or list(scenario.packages)
    with progress("simulating", total=options.worlds * len(packages),
                  show=not json_out) as tick:
        results = simulate(
            scenario, options.packages, worlds=options.worlds, seed=options.fixed_seed(),
            months=options.months, lens=options.lens, chunk_size=options.chunk_size,
            workers=options.workers, anchor=not options.no_anchor, progress=tick)
    written = []
    if out is not None:
        with progress(f"writing {out}", show=not json_out):
            written += write_worlds(results, out)
    if report is not None:
        # Imported here: the report (Plotly) is loaded only when asked for.
        write_report = importlib.import_module("guaranty.report").write_report
        with progress(f"writing the report {report}", show=not json_out):
            written.append(Path(write_report(scenario, results, report)))
    if json_out:
        emit_json(results.to_dict())
        for path in written:
            typer.echo(f"wrote {path}", err=True)
        return
    show_results(results, None if no_headline else scenario, detail=detail)
    console = out_console()
    for path in written:
        console.print(f"wrote {path}")


def show_results(results: Results, scenario: Scenario | None = None, *,
                 detail: bool = False) -> None:
    """Print what ``guaranty run`` prints for ``results`` (also ``guaranty runs show``): with
    ``detail``, every metric of every package and every note in full, then the one-screen
    answer; with ``scenario``, the assumptions each package hangs on and the best package."""
    console = out_console()
    if detail:
        for name in results.packages:
            console.print(package_table(results, name))
        for table in comparison_tables(results):
            console.print(table)
        for note in results.notes():
            console.print(styled(note, "yellow"))
        if scenario is not None:
            for line in headline.lines(scenario, results):
                console.print(line)
        console.rule()
    show_answer(console, results, scenario)


def show_answer(console: Console, results: Results, scenario: Scenario | None) -> None:
    """The one-screen answer: identity, anchoring, the table, its legend and how to read it."""
    metric = headline.main_metric(results)
    if metric is None:
        return
    console.print(f"{results.scenario} · {results.worlds:,} worlds · seed {results.seed} · "
                  f"{results.months} months" + (f" · lens {results.lens}" if results.lens
                                                else "") + f" · guaranty {results.version}"
                  + (f" · sha256 {results.scenario_sha256[:12]}"
                     if results.scenario_sha256 else ""))
    reference = reference_package(results, scenario.anchor if scenario else None)
    a = results.anchor
    if a is not None:
        risk = RISK_LABEL.get(f"p_war_{a.months}m", f"P(war {a.months}m)")
        anchor = scenario.anchor if scenario is not None and scenario.anchor else a.package
        against = f"Δ against {reference}" if reference else f"{anchor} did not run: no Δ"
        console.print(styled(f"Anchored: base hazard ×{a.scale:.3g} (log-sd {a.sd_log:.2g}, per "
                             f"world), fitted once on {a.package} against history's {risk} "
                             f"{fmt(a.target, metric)} and whole curve; {against}.", "bold"))
    else:
        against = f"; Δ is against {reference}" if reference else ""
        console.print(styled(f"Unanchored: the base hazard is the registry's default, not "
                             f"fitted to history{against}.", "bold yellow"))
    drivers = None
    if scenario is not None:
        with progress("finding the assumptions each package hangs on",
                      total=len(results.packages), unit="packages") as tick:
            drivers = headline.drivers_by_package(scenario, results, metric, tick)
    table, legend = answer_table(results, metric, reference, drivers)
    console.print(table)
    rejected = {p: list(dict.fromkeys(map(_red_line, results.rejections[p])))
                for p in results.packages if results.rejections.get(p)}
    if rejected:
        console.print(styled("✗ rejected by a red line on record (sources: --detail): " + "; ".join(
            f"{p} ({', '.join(why)})" for p, why in rejected.items()), "red"))
    if legend:
        console.print("hangs on (RBD-FAST first-order share of the variance of "
                      f"{metric} over these worlds; `guaranty sensitivity` for Sobol):")
        for line in legend:
            console.print(f"  {line}")
    best = headline.best(results, metric) if scenario is not None else None
    if best:
        console.print(best)
    history = "; history: the outside view of similar cease-fires, 90 % interval" if any(
        f"outside_{metric}" in results.metrics(p) for p in results.packages) else ""
    delta = "; Δ pts: the paired change in percentage points, ±: its 90 % interval" if (
        reference is not None) else ""
    console.print(f"How to read: risk and hold are means over worlds, 5–95 % the spread across "
                  f"worlds{delta}{history}; every metric: --detail.", style="dim")


def _red_line(reason: str) -> str:
    """``"us's red line on treaties (x): why"`` → ``"us: treaties"``."""
    party, _, rest = reason.partition("'s red line on ")
    return f"{party}: {rest.split(' (', 1)[0]}" if rest else reason.split(":", 1)[0]


@with_run_options(omit=("lens",))
def lenses(file: ScenarioFile, options: RunOptions, json_out: JsonFlag = False) -> None:
    """Every package under the default assumptions and every expert lens, side by side."""
    scenario = load_scenario(file)
    with progress(f"simulating every package under {len(scenario.lenses) + 1} lenses",
                  show=not json_out):
        comparison = compare_lenses(
            scenario, options.packages, worlds=options.worlds, seed=options.fixed_seed(),
            months=options.months, chunk_size=options.chunk_size, workers=options.workers,
            anchor=not options.no_anchor,
        )
    if json_out:
        emit_json(comparison.to_dict())
        return
    console = out_console()
    for table in lens_tables(comparison):
        console.print(table)
    console.print(f"seed {comparison.seed}; lenses: " + "; ".join(
        f"{k}: {v.description.strip()[:90]}" for k, v in scenario.lenses.items()))

"""``guaranty run`` and ``guaranty lenses``: simulate packages and print their outcomes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from guaranty.analysis import compare_lenses
from guaranty.cli import headline
from guaranty.cli._format import (
    comparison_tables,
    emit_json,
    err_console,
    lens_tables,
    out_console,
    package_table,
    styled,
)
from guaranty.cli.options import JsonFlag, RunOptions, ScenarioFile, with_run_options
from guaranty.engine import simulate
from guaranty.results import Results
from guaranty.scenario import Scenario, load_scenario

PROGRESS_MIN_WORK = 200_000  # worlds x packages above which a progress bar is shown


NoHeadline = Annotated[bool, typer.Option(
    "--no-headline", help="Skip the headline (best package, the assumptions that matter).")]


@with_run_options()
def run(file: ScenarioFile, options: RunOptions, json_out: JsonFlag = False,
        no_headline: NoHeadline = False) -> None:
    """Simulate packages of a scenario and compare them (model and outside view)."""
    scenario = load_scenario(file)
    results = _simulate_with_progress(
        scenario, options.packages, quiet=json_out, worlds=options.worlds,
        seed=options.fixed_seed(), months=options.months, lens=options.lens,
        chunk_size=options.chunk_size, workers=options.workers, anchor=not options.no_anchor,
    )
    if json_out:
        emit_json(results.to_dict())
        return
    show_results(results, None if no_headline else scenario)


def show_results(results: Results, scenario: Scenario | None = None) -> None:
    """Print what ``guaranty run`` prints for ``results`` (also ``guaranty runs show``); with
    ``scenario``, the headline too (the best package, the assumptions that matter)."""
    console = out_console()
    for name in results.packages:
        console.print(package_table(results, name))
    for table in comparison_tables(results):
        console.print(table)
    for note in results.notes():
        console.print(styled(note, "yellow"))
    if results.anchor is not None:
        a = results.anchor
        console.print(
            styled(f"anchored: base hazard x{a.scale:.3g} (median; log-sd {a.sd_log:.2g}, "
                   f"sampled per world), fitted once on the survival curve of "
                   f"{a.scenario or 'the reference scenario'} / {a.package} against history "
                   f"(P(war within {a.months} months) {a.target:.1%}); --no-anchor for the "
                   f"raw model", ""))
    if scenario is not None:
        for line in headline.lines(scenario, results):
            console.print(line)
    console.print(f"seed {results.seed} · guaranty {results.version} · probabilities are means "
                  "over worlds; 5–95 % is the spread of the uncertain assumptions across worlds; "
                  "outside_p_war_*: the historical view (90 % interval)")


@with_run_options(omit=("lens",))
def lenses(file: ScenarioFile, options: RunOptions, json_out: JsonFlag = False) -> None:
    """Every package under the default assumptions and every expert lens, side by side."""
    scenario = load_scenario(file)
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


def _simulate_with_progress(scenario: Scenario, packages: list[str] | None, *, quiet: bool,
                            **options: Any) -> Results:
    """:func:`guaranty.simulate`, with a progress bar on stderr for long runs."""
    names = packages or list(scenario.packages)
    total = options["worlds"] * len(names)
    if quiet or total < PROGRESS_MIN_WORK:
        return simulate(scenario, packages, **options)
    progress = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                        TextColumn("{task.completed:,}/{task.total:,} worlds"),
                        TimeRemainingColumn(), console=err_console(), transient=True)
    with progress:
        task = progress.add_task("simulating", total=total)

        def tick(worlds_done: int) -> None:
            progress.update(task, completed=worlds_done)

        return simulate(scenario, packages, progress=tick, **options)

"""``guaranty report``: simulate a scenario and write the shareable HTML report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from guaranty.cli.options import RunOptions, ScenarioFile, with_run_options

Output = Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")]
BudgetFactor = Annotated[float, typer.Option(
    "--budget", help="Scale the extra analyses (lenses, Sobol, PRIM, negotiation, optimiser): "
    "0.25 for a quick look, 4 for tighter intervals.")]
Sections = Annotated[list[str] | None, typer.Option(
    "--section", help="Include only this section (repeatable; default all): table, war, "
    "cost-risk, people, lenses, drivers, prim, negotiation, history, assumptions.")]


@with_run_options()
def report(file: ScenarioFile, options: RunOptions, output: Output = Path("report.html"),
           budget: BudgetFactor = 1.0, section: Sections = None) -> None:
    """Simulate packages and write one self-contained HTML report (no network needed to open)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from guaranty.cli._format import err_console
    from guaranty.engine import simulate
    from guaranty.errors import InputError
    from guaranty.report import SECTIONS, Budget, stderr_progress, write_report
    from guaranty.scenario import load_scenario

    if section and any(s not in SECTIONS for s in section):
        bad = ", ".join(s for s in section if s not in SECTIONS)
        raise InputError(f"--section must be one of {', '.join(SECTIONS)}, got {bad}")
    sizes = Budget(workers=options.workers).scaled(budget)
    if not output.parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist")
    scenario = load_scenario(file)
    seed = options.fixed_seed()
    print(f"report: simulating {options.worlds:,} worlds, seed {seed}", file=sys.stderr,
          flush=True)
    names = options.packages or list(scenario.packages)
    progress = Progress(TextColumn("simulating"), BarColumn(),
                        TextColumn("{task.completed:,}/{task.total:,} worlds"),
                        TimeRemainingColumn(), console=err_console(), transient=True)
    with progress:
        task = progress.add_task("simulating", total=options.worlds * len(names))
        results = simulate(scenario, options.packages, worlds=options.worlds, seed=seed,
                           months=options.months, lens=options.lens,
                           chunk_size=options.chunk_size, workers=options.workers,
                           anchor=not options.no_anchor,
                           progress=lambda done: progress.update(task, completed=done))
    path = write_report(scenario, results, output, sections=section, budget=sizes,
                        progress=stderr_progress())
    typer.echo(str(path))

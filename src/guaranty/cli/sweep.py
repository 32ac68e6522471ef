"""``guaranty sweep`` (chunks on an executor, committed to a store as they finish) and
``guaranty runs list|show|export`` (reading the store). See docs/sweeps.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from guaranty.analysis import LensComparison
from guaranty.cli._format import emit_json, err_console, out_console
from guaranty.cli.options import JsonFlag, RunOptions, ScenarioFile, with_run_options
from guaranty.cli.run import show_results
from guaranty.results import Results
from guaranty.scenario import load_scenario

StorePath = Annotated[Path, typer.Option(
    "--store", help="The store: a DuckDB file (created if absent), Parquet files beside it.")]
Lenses = Annotated[list[str] | None, typer.Option(
    "--lens", "-l", help="Lens to sweep (repeatable; 'default' for none, 'all' for every "
    "lens and the default; default: 'default').")]
Dask = Annotated[str | None, typer.Option(
    "--dask", help="Run on Dask: 'local' starts a local cluster of --workers processes; "
    "an address (tcp://host:8786) connects to a running scheduler.")]
RunId = Annotated[str | None, typer.Argument(
    help="Run id (or a unique prefix); default: the store's only run.")]


@with_run_options(omit=("lens",))
def sweep(file: ScenarioFile, options: RunOptions, store: StorePath, lens: Lenses = None,
          dask: Dask = None, json_out: JsonFlag = False) -> None:
    """Simulate packages under lenses chunk by chunk on an executor, each finished chunk
    committed to a store; the same command resumes a killed sweep."""
    from guaranty.store import executor, resumable_seed
    from guaranty.store import sweep as run_sweep

    scenario = load_scenario(file)
    settings: dict[str, Any] = dict(
        lenses=lens, worlds=options.worlds, months=options.months,
        chunk_size=options.chunk_size, anchor=not options.no_anchor)
    seed = options.seed
    if seed is None:
        seed = resumable_seed(scenario, store, options.packages, **settings)
    if seed is None:
        seed = options.fixed_seed()
    bars: list[tuple[Progress, TaskID]] = []

    def tick(done: int, total: int) -> None:
        if json_out:
            return
        if not bars:  # made at the first chunk, so that an error before prints alone
            bar = Progress(TextColumn("sweeping"), BarColumn(),
                           TextColumn("{task.completed:,}/{task.total:,} chunks"),
                           TimeRemainingColumn(), console=err_console(), transient=True)
            bars.append((bar, bar.add_task("sweep", total=total)))
            bar.start()
        bar, task = bars[0]
        bar.update(task, completed=done, total=total)

    with executor(options.workers, dask) as (pool, slots):
        try:
            report = run_sweep(scenario, store, options.packages, seed=seed, executor=pool,
                               window=2 * slots, progress=tick, **settings)
        finally:
            for bar, _ in bars:
                bar.stop()
    results = report.results()
    if json_out:
        emit_json(_document(report.run.run_id, store, results))
        return
    err_console().print(f"run {report.run.run_id} in {store}: {report.written} chunks "
                        f"written, {report.resumed} already there")
    _show(results)


runs = typer.Typer(name="runs", help="Read a sweep store: list, show and export runs.",
                   no_args_is_help=True)


@runs.command("list")
def list_runs(store: StorePath, json_out: JsonFlag = False) -> None:
    """The runs in a store, with how many of their chunks are finished."""
    from guaranty.store import open_store

    rows: list[dict[str, Any]] = []
    with open_store(store, create=False) as db:
        for run in db.runs():
            done = len(db.chunks(run))
            rows.append({
                "run_id": run.run_id, "scenario": run.scenario, "seed": run.seed,
                "worlds": run.worlds, "months": run.months, "chunk_size": run.chunk_size,
                "packages": list(run.packages), "lenses": list(run.lenses),
                "chunks_done": done, "chunks_total": run.total_chunks,
                "finished": done == run.total_chunks, "created": run.created,
            })
    if json_out:
        emit_json({"store": str(store), "runs": rows})
        return
    table = Table(title=f"runs in {store}", title_justify="left")
    for column in ("run", "scenario", "seed", "worlds", "packages", "lenses", "chunks",
                   "created"):
        table.add_column(column, no_wrap=column in ("run", "scenario", "seed"))
    for r in rows:
        table.add_row(r["run_id"], r["scenario"], str(r["seed"]), f"{r['worlds']:,}",
                      str(len(r["packages"])), ", ".join(r["lenses"]),
                      f"{r['chunks_done']}/{r['chunks_total']}", r["created"][:19])
    out_console().print(table)


@runs.command("show")
def show_run(run: RunId = None, *, store: StorePath, json_out: JsonFlag = False) -> None:
    """A finished run's summary, as ``guaranty run`` prints it (each lens)."""
    from guaranty.store import load_results, open_store

    with open_store(store, create=False) as db:
        run_id = db.run(run).run_id
    results = load_results(store, run_id)
    if json_out:
        emit_json(_document(run_id, store, results))
        return
    _show(results)


@runs.command("export")
def export_run(
    run: RunId = None,
    *,
    store: StorePath,
    to: Annotated[Path, typer.Option("--to", help="A .csv or .parquet file to write.")],
) -> None:
    """Every world of a run (lens, package, world, outcomes) to CSV or Parquet."""
    from guaranty.store import open_store

    with open_store(store, create=False) as db:
        record = db.run(run)
        rows = db.export(record, to)
    err_console().print(f"wrote {rows:,} worlds of run {record.run_id} to {to}")


def _document(run_id: str, store: Path, results: dict[str, Results]) -> dict[str, Any]:
    """The sweep's JSON: run id, store, and each lens's ``guaranty run --json`` object."""
    return {"run_id": run_id, "store": str(store), **LensComparison(results).to_dict()}


def _show(results: dict[str, Results]) -> None:
    for lens, result in results.items():
        if len(results) > 1:
            out_console().rule(f"lens: {lens}")
        show_results(result)

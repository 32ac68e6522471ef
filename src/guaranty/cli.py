"""The ``guaranty`` command line: a thin client of the public API (no model logic here).

Exit codes: 0 success, 2 bad input (one line per problem, ``FILE:LINE:COL: ...``), 1 anything
else. No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import json
import math
import secrets
import sys
import traceback
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from guaranty import __version__
from guaranty.engine import DEFAULT_CHUNK, simulate
from guaranty.errors import GuarantyError, InputError, ScenarioError
from guaranty.history.cli import app as durability_app
from guaranty.params import Registry, default_registry
from guaranty.results import Results
from guaranty.scenario import compile_plan, load_scenario
from guaranty.scenario.compile import base_registry

app = typer.Typer(
    name="guaranty",
    help="Design and stress-test international security guarantees under uncertainty.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(durability_app, name="durability")

_state = {"debug": False}
PROGRESS_MIN_WORK = 200_000  # worlds x packages above which a progress bar is shown


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guaranty {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    _state["debug"] = debug


def _out() -> Console:
    return Console(width=max(100, Console().width))


def _err() -> Console:
    return Console(stderr=True)


# --------------------------------------------------------------------------- validate


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    json_out: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Check a scenario file and report every problem with its place."""
    try:
        scenario = load_scenario(file)
    except ScenarioError as exc:
        if json_out:
            typer.echo(json.dumps({"valid": False, "problems": [
                {"file": p.file, "line": p.line, "column": p.column, "path": p.path,
                 "message": p.message} for p in exc.problems]}, indent=2))
            raise typer.Exit(2) from None
        raise
    registry = base_registry(scenario)
    if json_out:
        typer.echo(json.dumps({"valid": True, "scenario": scenario.name,
                               "packages": list(scenario.packages),
                               "lenses": list(scenario.lenses),
                               "parameters": len(registry)}, indent=2))
        return
    typer.echo(
        f"{file}: ok — scenario {scenario.name!r}, {len(scenario.packages)} packages "
        f"({', '.join(scenario.packages)}), {len(scenario.lenses)} lenses, "
        f"{len(registry)} parameters"
    )


# --------------------------------------------------------------------------- run


def _fmt(value: float | None, metric: str) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if metric.startswith(("p_", "outside_p_")):
        return f"{100 * value:.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _package_table(results: Results, package: str) -> Table:
    table = Table(title=f"{package}", title_justify="left")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("5–95 % across worlds", justify="right")
    table.add_column("MC s.e.", justify="right")
    for metric in results.metrics(package):
        s = results.metric(package, metric)
        table.add_row(metric, _fmt(s.mean, metric),
                      f"{_fmt(s.p05, metric)} – {_fmt(s.p95, metric)}", _fmt(s.se, metric))
    return table


def _comparison_tables(results: Results, per_table: int = 4) -> list[Table]:
    """Side-by-side tables, a few packages each so that they fit a terminal."""
    names = results.packages
    return [_comparison_table(results, names[i:i + per_table])
            for i in range(0, len(names), per_table)]


def _comparison_table(results: Results, packages: list[str]) -> Table:
    title = f"comparison — {results.scenario}, {results.worlds:,} worlds, seed {results.seed}"
    if results.lens:
        title += f", lens {results.lens}"
    table = Table(title=title, title_justify="left")
    table.add_column("metric", no_wrap=True)
    for package in packages:
        table.add_column(package, justify="right")
    metrics = [m for m in results.metrics(packages[0])
               if all(m in results.metrics(p) for p in packages)]
    for metric in metrics:
        cells = []
        for package in packages:
            s = results.metric(package, metric)
            cells.append(f"{_fmt(s.mean, metric)}\n[dim]{_fmt(s.p05, metric)}–"
                         f"{_fmt(s.p95, metric)}[/dim]")
        table.add_row(metric, *cells)
    return table


def _simulate_with_progress(scenario: Any, packages: list[str] | None, *, quiet: bool,
                            **options: Any) -> Results:
    names = packages or list(scenario.packages)
    total = options["worlds"] * len(names)
    if quiet or total < PROGRESS_MIN_WORK:
        return simulate(scenario, packages, **options)
    progress = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                        TextColumn("{task.completed:,}/{task.total:,} worlds"),
                        TimeRemainingColumn(), console=_err(), transient=True)
    with progress:
        task = progress.add_task("simulating", total=total)
        done = {"packages": 0, "last": 0}

        def tick(worlds_done: int) -> None:
            if worlds_done < done["last"]:
                done["packages"] += 1
            done["last"] = worlds_done
            progress.update(task, completed=done["packages"] * options["worlds"] + worlds_done)

        return simulate(scenario, packages, progress=tick, **options)


WORLDS = typer.Option(10_000, "--worlds", "-n", help="Number of sampled worlds.")
SEED = typer.Option(None, "--seed", "-s", help="Random seed (default: a fresh one, printed).")
MONTHS = typer.Option(None, "--months", "-m", help="Horizon in months (default: the scenario's).")
LENS = typer.Option(None, "--lens", "-l", help="Expert lens to apply.")
CHUNK = typer.Option(DEFAULT_CHUNK, "--chunk-size", help="Worlds per chunk (memory, not numbers).")
WORKERS = typer.Option(1, "--workers", "-w", help="Processes to use.")
PACKAGE = typer.Option(None, "--package", "-p", help="Package to run (repeatable; default all).")
JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")
NO_ANCHOR = typer.Option(False, "--no-anchor",
                         help="Do not anchor the base hazard to the outside view.")


@app.command()
def run(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    package: list[str] | None = PACKAGE,
    worlds: int = WORLDS,
    seed: int | None = SEED,
    months: int | None = MONTHS,
    lens: str | None = LENS,
    chunk_size: int = CHUNK,
    workers: int = WORKERS,
    no_anchor: bool = NO_ANCHOR,
    json_out: bool = JSON,
) -> None:
    """Simulate packages of a scenario and compare them (model and outside view)."""
    scenario = load_scenario(file)
    used_seed = secrets.randbits(32) if seed is None else seed
    results = _simulate_with_progress(
        scenario, package or None, quiet=json_out, worlds=worlds, seed=used_seed,
        months=months, lens=lens, chunk_size=chunk_size, workers=workers,
        anchor=not no_anchor,
    )
    if json_out:
        typer.echo(json.dumps(results.to_dict(), indent=2))
        return
    console = _out()
    for name in results.packages:
        console.print(_package_table(results, name))
    for table in _comparison_tables(results):
        console.print(table)
    for name in results.packages:
        if "troops_feasible" in results.metrics(name):
            share = results.metric(name, "troops_feasible").mean
            if share < 1.0:
                console.print(f"[yellow]{name}: the troops asked for fit the contributors' "
                              f"rotation pools in only {share:.0%} of worlds[/yellow]")
        for why in results.rejections.get(name, ()):
            console.print(f"[yellow]{name}: rejected by the {why}[/yellow]")
    if results.anchor is not None:
        a = results.anchor
        console.print(f"anchored: base hazard x{a.scale:.3g} so that {a.package} P(war within "
                      f"{a.months} months) = {a.target:.1%} ({a.source}); --no-anchor to skip")
    console.print(f"seed {results.seed} · guaranty {results.version} · probabilities are means "
                  "over worlds; 5–95 % is the spread of the uncertain assumptions across worlds; "
                  "outside_p_war_*: the historical view (90 % interval)")


@app.command()
def lenses(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    package: list[str] | None = PACKAGE,
    worlds: int = WORLDS,
    seed: int | None = SEED,
    months: int | None = MONTHS,
    chunk_size: int = CHUNK,
    workers: int = WORKERS,
    no_anchor: bool = NO_ANCHOR,
    json_out: bool = JSON,
) -> None:
    """Every package under the default assumptions and every expert lens, side by side."""
    scenario = load_scenario(file)
    used_seed = secrets.randbits(32) if seed is None else seed
    names: list[str | None] = [None, *scenario.lenses]
    runs = {
        (lens or "default"): simulate(
            scenario, package or None, worlds=worlds, seed=used_seed, months=months, lens=lens,
            chunk_size=chunk_size, workers=workers, anchor=not no_anchor)
        for lens in names
    }
    if json_out:
        typer.echo(json.dumps({"lenses": {k: r.to_dict() for k, r in runs.items()}}, indent=2))
        return
    console = _out()
    first = next(iter(runs.values()))
    for metric in ("p_war_120m", "p_war_60m", "p_hold_given_war", "cost_usd_bn_per_year",
                   "investment_usd_bn_per_year", "refugees_returned_m_120m"):
        if metric not in first.metrics(first.packages[0]):
            continue
        table = Table(title=f"{metric} by lens — {scenario.name}, {worlds:,} worlds, seed "
                      f"{used_seed}", title_justify="left")
        table.add_column("package")
        for lens_name in runs:
            table.add_column(lens_name, justify="right")
        for name in first.packages:
            cells = []
            for r in runs.values():
                s = r.metric(name, metric)
                cells.append(f"{_fmt(s.mean, metric)}\n[dim]{_fmt(s.p05, metric)}–"
                             f"{_fmt(s.p95, metric)}[/dim]")
            table.add_row(name, *cells)
        console.print(table)
    console.print(f"seed {used_seed}; lenses: " + "; ".join(
        f"{k}: {v.description.strip()[:90]}" for k, v in scenario.lenses.items()))


@app.command()
def negotiate(
    file: Path = typer.Argument(..., help="Scenario YAML file with a negotiation: section."),
    lens: str | None = LENS,
    worlds: int = typer.Option(400, "--worlds", "-n", help="Worlds simulated per package."),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed."),
    workers: int = WORKERS,
    json_out: bool = JSON,
) -> None:
    """Who accepts which package, the zone of agreement, and the concessions that open one."""
    from guaranty.negotiation import analyse

    scenario = load_scenario(file)
    result = analyse(scenario, lens=lens, worlds=worlds, seed=seed, workers=workers)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    console = _out()
    names = {k: p.name for k, p in scenario.negotiation.parties.items()}
    table = Table(title=f"negotiation — {scenario.name}: {len(result.packages)} packages, "
                  f"{worlds:,} worlds each, seed {seed}" + (f", lens {lens}" if lens else ""),
                  title_justify="left")
    table.add_column("party")
    table.add_column("accepts", justify="right")
    for row, party in enumerate(result.parties):
        table.add_row(f"{party} ({names[party]})", f"{int(result.acceptable[row].sum()):,}")
    pair = [p for p in ("defender", "aggressor") if p in result.parties]
    if len(pair) == 2:
        table.add_row("defender and aggressor", f"{len(result.accepted_by(*pair)):,}")
    table.add_row("[bold]all (feasible)[/bold]", f"{int(result.feasible.sum()):,}")
    console.print(table)

    def show(i: int | None) -> str:
        if i is None:
            return "—"
        text = ", ".join(f"{k}={v}" for k, v in result.packages[i].items())
        return f"{text} (p_war_120m {_fmt(result.price(i), 'p_war_120m')})" if (
            i in result.security) else text

    console.print(f"Pareto front: {len(result.pareto)} packages")
    console.print(f"Nash: {show(result.nash)}")
    console.print(f"Kalai–Smorodinsky: {show(result.kalai_smorodinsky)}")
    if result.concessions:
        size = len(result.concessions[0].relax)
        console.print(f"No zone of agreement. Smallest concessions that open one ({size} "
                      f"change{'s' if size > 1 else ''} each):")
        for c in result.concessions:
            console.print(f"  • {' + '.join(c.relax)}\n    → {show(c.package)}; "
                          f"{c.feasible} package(s) feasible")
    elif not result.feasible.any():
        console.print("No zone of agreement, and no small set of concessions opens one.")
    console.print(f"seed {seed}; utilities, red lines and fall-backs: the scenario's "
                  "negotiation section (docs/negotiation.md)")


# --------------------------------------------------------------------------- params


@app.command()
def params(
    scenario_file: Path | None = typer.Option(None, "--scenario", help="Scenario YAML file."),
    package: str | None = typer.Option(None, "--package", "-p",
                                       help="Show the registry as this package sets it."),
    lens: str | None = LENS,
    json_out: bool = JSON,
) -> None:
    """List every parameter with its distribution, unit and source (or assumption)."""
    registry: Registry
    if scenario_file is None:
        if package or lens:
            raise InputError("--package and --lens need --scenario")
        registry = default_registry()
    else:
        scenario = load_scenario(scenario_file)
        if package is None and lens is None:
            registry = base_registry(scenario)
        else:
            name = package or next(iter(scenario.packages))
            if name not in scenario.packages:
                raise InputError(f"unknown package {name!r} (known: "
                                 f"{', '.join(scenario.packages)})")
            if lens is not None and lens not in scenario.lenses:
                raise InputError(f"unknown lens {lens!r} (known: "
                                 f"{', '.join(scenario.lenses) or 'none'})")
            registry = compile_plan(scenario, name, lens).registry
    records = [p.as_dict() for p in registry.values()]
    if json_out:
        typer.echo(json.dumps(records, indent=2))
        return
    table = Table(title=f"{len(records)} parameters", title_justify="left", show_lines=False)
    for col in ("name", "distribution", "unit", "source / assumption"):
        table.add_column(col, overflow="fold")
    for p in registry.values():
        origin = p.source if p.source else f"[yellow]assumption:[/yellow] {p.assumption}"
        table.add_row(p.name, p.distribution.describe(), p.unit, origin)
    _out().print(table)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning errors into messages and exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = app(args=args, standalone_mode=False)
    except ScenarioError as exc:
        _report(exc, debug, [str(p) for p in exc.problems])
        sys.exit(2)
    except InputError as exc:
        _report(exc, debug, [f"error: {exc}"])
        sys.exit(2)
    except GuarantyError as exc:
        _report(exc, debug, [f"error: {exc}"])
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        exit_code = getattr(exc, "exit_code", None)
        show = getattr(exc, "show", None)
        if callable(show) and isinstance(exit_code, int):
            show()  # a usage error of the command line parser: exit code 2
            sys.exit(exit_code)
        _report(exc, debug, [f"internal error: {type(exc).__name__}: {exc}",
                             "(run again with --debug for the traceback)"])
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _report(exc: BaseException, debug: bool, lines: list[str]) -> None:
    if debug:
        traceback.print_exception(exc)
    for line in lines:
        print(line, file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    main()

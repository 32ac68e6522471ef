"""``guaranty optimise``: the Pareto front over a scenario's levers (thin client)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from guaranty import defaults
from guaranty.analysis.optimise import DEFAULT_OBJECTIVES, Optimum, optimise
from guaranty.cli._format import emit_json, fmt, out_console
from guaranty.cli.options import JsonFlag, Months, ScenarioFile, Seed
from guaranty.cli.progress import progress
from guaranty.errors import InputError
from guaranty.scenario import load_scenario


def optimise_command(
    file: ScenarioFile,
    objectives: Annotated[str, typer.Option(
        "--objectives", help="Metrics to optimise, comma-separated.")
    ] = ",".join(DEFAULT_OBJECTIVES),
    constraint: Annotated[list[str] | None, typer.Option(
        "--constraint", help="metric>=value or metric<=value (repeatable), e.g. "
                             "troops_feasible>=0.9.")] = None,
    lens: Annotated[str | None, typer.Option(
        "--lens", "-l", help="A lens, or all: each objective's worst over the default "
                             "assumptions and every lens.")] = None,
    population: Annotated[int, typer.Option("--population", help="NSGA-II population.")] = 16,
    generations: Annotated[int, typer.Option("--generations", help="Generations.")] = 6,
    worlds: Annotated[int, typer.Option(
        "--worlds", "-n", help="Worlds per candidate (the same for all).")] = (
        defaults.NEGOTIATION_WORLDS),
    seed: Seed = None,
    months: Months = None,
    json_out: JsonFlag = False,
) -> None:
    """NSGA-II (pymoo) over the scenario's levers: the Pareto front, and who accepts each
    point."""
    names = [m.strip() for m in objectives.split(",") if m.strip()]
    if not names:
        raise InputError(f"--objectives must name metrics, got {objectives!r}")
    fixed = defaults.SEED if seed is None else seed
    with progress("searching the levers (NSGA-II)", show=not json_out):
        result = optimise(load_scenario(file), names, constraints=constraint or [], lens=lens,
                          population=population, generations=generations, worlds=worlds,
                          seed=fixed, months=months)
    if json_out:
        emit_json(result.to_dict())
        return
    console = out_console(width=200)
    console.print(table(result))
    if {"p_war_120m", "cost_usd_bn_per_year"} <= set(result.objectives):
        for who in ((), result.guarantors):
            best = result.cheapest(accepted_by=who)
            label = f"accepted by {' and '.join(who)}" if who else "any acceptance"
            console.print(f"cheapest under 10 % risk ({label}): " + (
                "none on the front" if best is None else
                f"{fmt(best.objectives['cost_usd_bn_per_year'], 'cost_usd_bn_per_year')} a "
                f"year at {fmt(best.objectives['p_war_120m'], 'p_war_120m')} — "
                + ", ".join(f"{k}={_show(v)}" for k, v in best.levers.items())))
    console.print(f"{result.evaluated} candidates evaluated ({result.simulated} simulated), "
                  f"{result.worlds:,} worlds each, seed {result.seed}, lenses "
                  f"{', '.join(result.lenses)}")


def table(result: Optimum) -> Table:
    out = Table(title=f"Pareto front ({len(result.front)} points)", title_justify="left")
    for m in result.objectives:
        out.add_column(m, justify="right")
    out.add_column("levers")
    out.add_column("accepted by")
    for p in result.front:
        out.add_row(*(fmt(p.objectives[m], m) for m in result.objectives),
                    ", ".join(f"{k}={_show(v)}" for k, v in p.levers.items()),
                    ", ".join(p.accepted_by) or "none")
    return out


def _show(v: str | float) -> str:
    return v if isinstance(v, str) else f"{v:g}"

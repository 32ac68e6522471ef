"""``guaranty negotiate``: who accepts which package, and what would open a zone of agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from guaranty import defaults
from guaranty.cli._format import emit_json, fmt, out_console, styled
from guaranty.cli.options import JsonFlag, LensName, Seed, Workers
from guaranty.cli.progress import progress
from guaranty.scenario import load_scenario


def negotiate(
    file: Annotated[Path, typer.Argument(
        help="Scenario YAML file with a negotiation: section.")],
    lens: LensName = None,
    worlds: Annotated[int, typer.Option(
        "--worlds", "-n", help="Worlds simulated per package.")] = defaults.NEGOTIATION_WORLDS,
    seed: Seed = None,
    workers: Workers = 1,
    json_out: JsonFlag = False,
) -> None:
    """Who accepts which package, the zone of agreement, and the concessions that open one."""
    from guaranty.negotiation import analyse

    scenario = load_scenario(file)
    seed = defaults.SEED if seed is None else seed
    with progress("simulating every candidate package", show=not json_out):
        result = analyse(scenario, lens=lens, worlds=worlds, seed=seed, workers=workers)
    if json_out:
        emit_json(result.to_dict())
        return
    console = out_console()
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
    table.add_row(styled("all (feasible)", "bold"), f"{int(result.feasible.sum()):,}")
    console.print(table)

    def show(i: int | None) -> str:
        if i is None:
            return "—"
        text = ", ".join(f"{k}={v}" for k, v in result.packages[i].items())
        return f"{text} (p_war_120m {fmt(result.price(i), 'p_war_120m')})" if (
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

"""``guaranty discover``: where in assumption space a package fails (PRIM and CART)."""

from __future__ import annotations

from typing import Annotated

import typer

from guaranty import defaults
from guaranty.analysis.discovery import Discovery, discover_scenario
from guaranty.cli._format import emit_json, out_console
from guaranty.cli.options import JsonFlag, LensName, Months, NoAnchor, ScenarioFile, Seed
from guaranty.cli.progress import progress
from guaranty.cli.sensitivity import Metric, Package
from guaranty.scenario import load_scenario


def discover(
    file: ScenarioFile,
    package: Package,
    metric: Metric = "p_war_120m",
    above: Annotated[float | None, typer.Option(
        "--above", help="The package fails where the metric is above this value.")] = None,
    below: Annotated[float | None, typer.Option(
        "--below", help="... or where it is below this value.")] = None,
    worlds: Annotated[int, typer.Option("--worlds", "-n", help="Worlds to sample.")] = 4_000,
    seed: Seed = None,
    months: Months = None,
    lens: LensName = None,
    density: Annotated[float, typer.Option(
        "--density", help="Least density of a PRIM box.")] = 0.8,
    boxes: Annotated[int, typer.Option("--boxes", help="At most this many PRIM boxes.")] = 2,
    no_anchor: NoAnchor = False,
    json_out: JsonFlag = False,
) -> None:
    """Scenario discovery: boxes of assumptions where the package fails, with coverage and
    density (PRIM and CART, EMA Workbench)."""
    fixed = defaults.SEED if seed is None else seed
    with progress("simulating and searching for boxes", show=not json_out):
        result = discover_scenario(load_scenario(file), package, metric, above=above,
                                   below=below, worlds=worlds, seed=fixed, months=months,
                                   lens=lens, density=density, boxes=boxes,
                                   anchor=not no_anchor)
    if json_out:
        emit_json(result.to_dict())
        return
    show(result)


def show(result: Discovery) -> None:
    console = out_console()
    console.print(f"[bold]{result.package} fails where {result.condition}[/bold]: "
                  f"{result.failures:,} of {result.worlds:,} worlds (seed {result.seed})")
    for k, box in enumerate(result.boxes, 1):
        flag = "" if box.meets_density else " [yellow](below the density asked for)[/yellow]"
        console.print(f"\n{box.method.upper()} box {k}: coverage {box.coverage:.0%}, density "
                      f"{box.density:.0%}, mass {box.mass:.0%}{flag}")
        for name, (lo, hi) in box.limits.items():
            origin = (box.origins or {}).get(name, "")
            console.print(f"  {name:50s} {lo:>12.4g} – {hi:<12.4g} {origin}")
        if box.trajectory:
            steps = box.trajectory
            marks = [steps[i] for i in range(0, len(steps), max(1, len(steps) // 6))]
            console.print("  peeling: " + " → ".join(
                f"cov {s['coverage']:.2f}/dens {s['density']:.2f}" for s in marks))
    console.print("\ncoverage: share of the failures inside the box; density: share of the "
                  "worlds inside that fail; mass: share of all worlds inside")

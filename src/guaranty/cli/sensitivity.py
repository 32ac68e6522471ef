"""``guaranty sensitivity``: which uncertain assumptions move a package's outcome (thin client)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from guaranty import defaults
from guaranty.analysis.sensitivity import METHODS, Sensitivity, sensitivity
from guaranty.cli._format import emit_json, out_console
from guaranty.cli.options import (
    JsonFlag,
    LensName,
    Months,
    NoAnchor,
    ScenarioFile,
    Seed,
    Workers,
)
from guaranty.cli.progress import progress
from guaranty.errors import InputError
from guaranty.scenario import load_scenario

Package = Annotated[str, typer.Option("--package", "-p", help="The package to analyse.")]
Metric = Annotated[str, typer.Option("--metric", help="The per-world outcome to explain.")]


def sensitivity_command(
    file: ScenarioFile,
    package: Package,
    metric: Metric = "p_war_120m",
    method: Annotated[str, typer.Option(
        "--method", help="sobol, morris or rbd-fast.")] = "sobol",
    groups: Annotated[str | None, typer.Option(
        "--groups", help="prefix (parameter families; default for sobol and morris), "
                         "prefix:D, none (each parameter; default for rbd-fast), or a "
                         "number of groups.")] = None,
    n: Annotated[int | None, typer.Option(
        "--n", help="Base sample size (Sobol: a power of two, default 512; Morris: "
                    "trajectories, 64; RBD-FAST: worlds, 4096).")] = None,
    seed: Seed = None,
    months: Months = None,
    lens: LensName = None,
    workers: Workers = 1,
    no_anchor: NoAnchor = False,
    second_order: Annotated[bool, typer.Option(
        "--second-order/--no-second-order",
        help="Sobol second-order indices (their bootstrap grows with the square of the "
             "number of groups).")] = True,
    top: Annotated[int, typer.Option("--top", help="Rows to print.")] = 15,
    json_out: JsonFlag = False,
) -> None:
    """Global sensitivity (SALib): Sobol, Morris or RBD-FAST indices with intervals."""
    if method not in METHODS:
        raise InputError(f"--method must be one of {', '.join(METHODS)}, got {method!r}")
    spec: str | int | None = int(groups) if groups and groups.isdigit() else groups
    fixed = defaults.SEED if seed is None else seed
    with progress(f"{method}: simulating the design", show=not json_out):
        result = sensitivity(load_scenario(file), package, metric, method=method, groups=spec,
                             n=n, seed=fixed, months=months, lens=lens, workers=workers,
                             anchor=not no_anchor, second_order=second_order)
    if json_out:
        emit_json(result.to_dict())
        return
    console = out_console()
    console.print(table(result, top))
    check = "converged" if result.converged else "NOT converged: raise --n"
    console.print(f"{result.evaluations:,} worlds evaluated · seed {result.seed} · "
                  f"convergence (N/2 against N): largest change {result.max_change:.3f}, "
                  f"{check}")
    console.print("origin: source (published), fitted (estimated from data), assumption (a "
                  "judgement, see `guaranty params`); intervals: 95 % bootstrap")


def table(result: Sensitivity, top: int) -> Table:
    """The ranked indices."""
    title = (f"{result.method} indices of {result.metric} — {result.package}, "
             f"N = {result.n:,}")
    out = Table(title=title, title_justify="left")
    out.add_column("factor", no_wrap=True)
    out.add_column("params", justify="right")
    if result.method == "morris":
        columns = [("mu*", "mu_star", "mu_star_conf"), ("sigma", "sigma", None)]
    elif result.method == "sobol":
        columns = [("S1", "S1", "S1_conf"), ("ST", "ST", "ST_conf")]
    else:
        columns = [("S1", "S1", "S1_conf")]
    for label, _, _ in columns:
        out.add_column(label, justify="right")
    out.add_column("at N/2", justify="right")
    out.add_column("origin")
    for i in result.indices[:top]:
        cells = []
        for _, key, conf in columns:
            v = getattr(i, key)
            c = getattr(i, conf) if conf else None
            if v is None or v != v:  # Morris gives no sigma for a group
                cells.append("–")
            else:
                cells.append(f"{v:.3g}" + (f" ± {c:.2g}" if c is not None and c == c else ""))
        origin = i.factor.origin
        shown = f"[yellow]{origin}[/yellow]" if origin in ("assumption", "mixed") else origin
        out.add_row(i.name, str(len(i.factor.members)), *cells, f"{i.half:.3g}", shown)
    return out

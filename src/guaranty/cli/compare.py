"""``guaranty compare``: every pair of packages over worlds and lenses (thin client)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from guaranty import defaults
from guaranty.analysis.robust import DEFAULT_SATISFICE, ROBUST_LEVEL, Robustness, compare_packages
from guaranty.cli._format import emit_json, fmt, out_console
from guaranty.cli.options import JsonFlag, Months, NoAnchor, Packages, ScenarioFile, Seed, Workers
from guaranty.cli.progress import progress
from guaranty.scenario import load_scenario


def compare(
    file: ScenarioFile,
    package: Packages = None,
    lens: Annotated[str, typer.Option(
        "--lens", "-l", help="all (default assumptions and every lens), default, or a "
                             "lens's name.")] = "all",
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", help="Metric to compare (repeatable; default the headline metrics).")
    ] = None,
    satisfice: Annotated[list[str] | None, typer.Option(
        "--satisfice", help="A threshold, e.g. p_war_120m<=0.1 (repeatable).")] = None,
    level: Annotated[float, typer.Option(
        "--level", help="Share of worlds, under every lens, that makes a win robust.")
    ] = ROBUST_LEVEL,
    worlds: Annotated[int, typer.Option("--worlds", "-n", help="Worlds per lens.")] = 4_000,
    seed: Seed = None,
    months: Months = None,
    workers: Workers = 1,
    no_anchor: NoAnchor = False,
    json_out: JsonFlag = False,
) -> None:
    """P(A beats B) for every pair of packages, regret and satisficing, and which wins are
    robust (common random numbers: every package meets the same worlds)."""
    fixed = defaults.SEED if seed is None else seed
    with progress("simulating and comparing the packages", show=not json_out):
        result = compare_packages(
            load_scenario(file), package or None, lens=lens, metrics=metric or None,
            satisfice=satisfice if satisfice is not None else DEFAULT_SATISFICE, level=level,
            worlds=worlds, seed=fixed, months=months, workers=workers, anchor=not no_anchor)
    if json_out:
        emit_json(result.to_dict())
        return
    console = out_console()
    for table in tables(result):
        console.print(table)
    console.print(f"lenses: {', '.join(result.lenses)} · {result.worlds:,} worlds each · seed "
                  f"{result.seed} · robust: better in >= {result.level:.0%} of worlds under "
                  "every lens · regret: distance to the best package in the same world")


def tables(result: Robustness) -> list[Table]:
    """Per metric: each package's mean, regret and satisficing; then the robust wins."""
    out = []
    for metric in dict.fromkeys(m.metric for m in result.measures):
        t = Table(title=f"{metric} — robustness over worlds and lenses", title_justify="left")
        for col in ("package", "mean", "mean regret", "90 % regret", "satisficing"):
            t.add_column(col, justify="left" if col == "package" else "right")
        for m in sorted((m for m in result.measures if m.metric == metric),
                        key=lambda m: m.regret_mean):
            sat = "" if m.satisficing is None else f"{m.satisficing:.0%} ({m.rule})"
            t.add_row(m.package, fmt(m.mean, metric), fmt(m.regret_mean, metric),
                      fmt(m.regret_p90, metric), sat)
        out.append(t)
        wins = [p for p in result.pairs if p.metric == metric and p.robust]
        if wins:
            w = Table(title=f"{metric}: robust wins ({len(wins)} of "
                            f"{sum(p.metric == metric for p in result.pairs)} pairs)",
                      title_justify="left")
            w.add_column("better")
            w.add_column("than")
            w.add_column("share of worlds", justify="right")
            for p in wins:
                better, worse = (p.a, p.b) if p.winner == p.a else (p.b, p.a)
                share = p.p_a_better if p.winner == p.a else p.p_b_better
                w.add_row(better, worse, f"{share:.0%}")
            out.append(w)
    return out

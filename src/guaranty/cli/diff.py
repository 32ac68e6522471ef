"""``guaranty diff A B``: what changed between two runs, package by package.

Two runs saved with ``guaranty run --out FILE.npz`` (:meth:`guaranty.Results.save`) with the
same seed and number of worlds met the same worlds (common random numbers), so a metric's
change is taken world by world: the mean of the per-world differences, B − A, with a 90 %
interval from their standard error (:func:`guaranty.results.paired_change`). That is how a
change to one assumption is measured far more precisely than by comparing two summaries.

Otherwise (different seeds or world counts, a metric given war, or a ``run --json`` summary)
the change is unpaired: the difference of the two means with a 90 % interval from the two
standard errors, :math:`\\pm 1.645\\sqrt{se_A^2 + se_B^2}`, and the output says so.
``--paired`` refuses (exit 2) instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from guaranty.cli._format import emit_json, fmt, out_console
from guaranty.errors import InputError
from guaranty.models.outcomes import GIVEN_WAR, metric_info
from guaranty.results import Z90, Change, Results, paired_change

DEFAULT_METRICS = ("p_war_120m", "p_hold_given_war", "cost_usd_bn_per_year", "troops_feasible")


@dataclass(frozen=True)
class Run:
    """One side of a diff: the run's identity, and per-world results when it has them."""

    path: Path
    identity: dict[str, Any]
    summaries: dict[str, dict[str, dict[str, float | None]]]  # package → metric → summary
    results: Results | None


def read_run(path: Path) -> Run:
    """A run saved by :meth:`Results.save` (``.npz``) or a ``guaranty run --json`` file."""
    if path.suffix.lower() == ".npz":
        results = Results.load(path)
        doc = results.to_dict()
    else:
        try:
            doc = json.loads(path.read_text())
            if not isinstance(doc, dict) or not isinstance(doc.get("packages"), list):
                raise ValueError("it has no 'packages' list")
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: not a results file (Results.save .npz) nor a "
                             f"`guaranty run --json` summary ({exc})") from None
        results = None
    identity = {k: doc.get(k) for k in ("scenario", "scenario_sha256", "seed", "worlds",
                                         "months", "lens", "version")}
    summaries = {p["name"]: p.get("metrics", {}) for p in doc["packages"]}
    return Run(path, identity, summaries, results)


def pairable(a: Run, b: Run) -> str | None:
    """Why ``a`` and ``b`` cannot be paired world by world; ``None`` when they can."""
    if a.results is None or b.results is None:
        return "a `run --json` summary has no per-world values (save runs with --out FILE.npz)"
    for key in ("seed", "worlds"):
        if a.identity[key] != b.identity[key]:
            return f"the runs differ in {key} ({a.identity[key]} against {b.identity[key]})"
    return None


def _unpaired(package: str, metric: str, sa: dict[str, float | None],
              sb: dict[str, float | None]) -> Change:
    ma, mb, ea, eb = (x if x is not None else math.nan
                      for x in (sa.get("mean"), sb.get("mean"), sa.get("se"), sb.get("se")))
    mean, se = mb - ma, math.sqrt(ea ** 2 + eb ** 2)
    return Change(package, "A", metric, mean, mean - Z90 * se, mean + Z90 * se, se)


def changes(a: Run, b: Run, metrics: list[str]) -> list[tuple[Change, bool]]:
    """For each package both runs have (A's order) and each metric both report: B − A and
    whether it is paired."""
    paired = pairable(a, b) is None
    out = []
    for package in [p for p in a.summaries if p in b.summaries]:
        for metric in metrics:
            sa, sb = a.summaries[package].get(metric), b.summaries[package].get(metric)
            if sa is None or sb is None:
                continue
            if paired and metric not in GIVEN_WAR and not metric.startswith("outside_"):
                assert a.results is not None and b.results is not None
                c = paired_change(package, "A", metric, b.results.outcomes[package][metric],
                                  a.results.outcomes[package][metric])
                out.append((c, True))
            else:
                out.append((_unpaired(package, metric, sa, sb), False))
    return out


def diff(
    a: Annotated[Path, typer.Argument(help="Run A: FILE.npz (run --out) or run --json output.")],
    b: Annotated[Path, typer.Argument(help="Run B, compared with A (B − A).")],
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help="Metric to compare (repeatable; default: risk, hold, cost, "
        "troops).")] = None,
    paired: Annotated[bool, typer.Option(
        "--paired", help="Refuse (exit 2) unless the changes can be paired world by world.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """What changed from run A to run B: per package, B − A with a 90 % interval, paired
    world by world when both runs met the same worlds (same seed and worlds)."""
    run_a, run_b = read_run(a), read_run(b)
    why = pairable(run_a, run_b)
    if paired and why:
        raise InputError(f"cannot pair {a} and {b}: {why}")
    wanted = list(metric or DEFAULT_METRICS)
    rows = changes(run_a, run_b, wanted)
    if json_out:
        emit_json({"a": {"path": str(a), **run_a.identity}, "b": {"path": str(b), **run_b.identity},
                   "paired": why is None, "unpaired_because": why,
                   "changes": [{k: v for k, v in c.as_dict().items() if k != "reference"}
                               | {"paired": p} for c, p in rows]})
        return
    console = out_console()
    same = run_a.identity["scenario_sha256"] == run_b.identity["scenario_sha256"]
    for label, path, side in (("A", a, run_a), ("B", b, run_b)):
        console.print(f"{label} = {path}")
        console.print(f"    {_who(side)}")
    if run_a.identity["scenario_sha256"] and run_b.identity["scenario_sha256"]:
        console.print("same scenario content (SHA-256)" if same else
                      "the scenarios differ in content (SHA-256)")
    console.print("paired world by world (same seed and worlds)" if why is None else
                  f"unpaired: {why}; intervals from the two standard errors")
    table = Table(title="B − A, 90 % interval", title_justify="left")
    for name in ("package", "metric", "A", "B", "B − A", "90 % interval", "paired"):
        table.add_column(name, justify="left" if name in ("package", "metric") else "right")
    for c, was_paired in rows:
        sa = run_a.summaries[c.package][c.metric]
        sb = run_b.summaries[c.package][c.metric]
        table.add_row(c.package, c.metric, fmt(sa.get("mean"), c.metric),
                      fmt(sb.get("mean"), c.metric), _signed(c.mean, c.metric),
                      f"{_signed(c.lo, c.metric, False)} to {_signed(c.hi, c.metric, False)}",
                      "yes" if was_paired else "no")
    console.print(table)
    missing = sorted(set(run_a.summaries) ^ set(run_b.summaries))
    if missing:
        console.print(f"in one run only: {', '.join(missing)}")


def _who(run: Run) -> str:
    i = run.identity
    sha = (i["scenario_sha256"] or "")[:12]
    return (f"{i['scenario']} · seed {i['seed']} · {i['worlds']:,} worlds · guaranty "
            f"{i['version']}" + (f" · sha256 {sha}" if sha else ""))


def _signed(value: float, metric: str, unit: bool = True) -> str:
    """A change with its sign; of a probability or share, in percentage points (``pts``
    after it unless ``unit`` is false)."""
    if not math.isfinite(value):
        return "—"
    if metric_info(metric).kind in ("probability", "share"):
        text = f"{100 * abs(value):.1f}" + (" pts" if unit else "")
        zero = "0.0" + (" pts" if unit else "")
    else:
        text, zero = fmt(abs(value), metric), fmt(0.0, metric)
    return text if text == zero else ("+" if value > 0 else "−") + text

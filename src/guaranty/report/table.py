r"""The report's one-screen comparison: packages as rows, sorted by risk of renewed war.

Columns: P(war within 10 years) with its 5–95 % spread across worlds; the paired change
against the anchor package (the mean over worlds of :math:`y_{pkg,w} - y_{anchor,w}`, the
packages sharing each world's draws, with its 95 % Monte Carlo interval
:math:`\pm 1.96\, s / \sqrt{n}`); P(the defender holds) if war comes; cost a year; the share
of worlds where the troops asked for can be found; who rejects the package; the historical
view (with its 90 % interval); and the assumptions its risk hangs on most.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from guaranty.models.outcomes import metric_info
from guaranty.results import Results


@dataclass(frozen=True)
class Row:
    """One package's row, every cell already formatted."""

    package: str
    risk: str
    spread: str
    change: str
    hold: str
    cost: str
    troops: str
    rejected_by: str
    history: str
    drivers: str
    rejected: bool
    anchor: bool


COLUMNS = ("package", "P(war ≤ {t} mo)", "5–95 % across worlds", "change vs {anchor}",
           "P(hold) if attacked", "cost, USD bn/yr", "troops feasible", "rejected by",
           "history (90 %)", "hangs most on")


def risk_metric(results: Results) -> str:
    """``p_war_120m`` when the run reaches ten years, else the horizon's."""
    return "p_war_120m" if "p_war_120m" in results.metrics(results.packages[0]) else (
        "p_war_horizon")


def _fmt(results: Results, package: str, name: str) -> str:
    if name not in results.metrics(package):
        return "—"
    return metric_info(name).format(results.mean(package, name))


def _change(results: Results, package: str, anchor: str, name: str) -> str:
    if package == anchor:
        return "anchor"
    a = np.asarray(results.outcomes[package][name], dtype=np.float64)
    b = np.asarray(results.outcomes[anchor][name], dtype=np.float64)
    d = (a - b)[np.isfinite(a) & np.isfinite(b)]
    if d.size < 2:
        return "—"
    mean = float(d.mean())
    half = 1.96 * float(d.std(ddof=1)) / math.sqrt(d.size)
    return f"{100 * mean:+.1f} pts (±{100 * half:.1f})"


def anchor_package(results: Results) -> str:
    """The package changes are measured against: the run's anchor where the run holds it, else
    its first package."""
    if results.anchor is not None and results.anchor.package in results.outcomes:
        return results.anchor.package
    return results.packages[0]


def rows(results: Results, drivers: Mapping[str, Sequence[str]] | None = None) -> list[Row]:
    """The table's rows, lowest risk first (changes against :func:`anchor_package`)."""
    name = risk_metric(results)
    anchor = anchor_package(results)
    history_name = f"outside_{name}" if name != "p_war_horizon" else ""
    out = []
    for package in sorted(results.packages, key=lambda p: results.mean(p, name)):
        s = results.metric(package, name)
        if history_name in results.metrics(package):
            h = results.metric(package, history_name)
            history = f"{h.mean:.0%} ({h.p05:.0%}–{h.p95:.0%})"
        else:
            history = "—"
        troops = ("all" if "troops_feasible" not in results.metrics(package)
                  else _fmt(results, package, "troops_feasible"))
        rejected = results.rejections.get(package, ())
        out.append(Row(
            package=package, risk=f"{s.mean:.1%}", spread=f"{s.p05:.0%}–{s.p95:.0%}",
            change=_change(results, package, anchor, name),
            hold=_fmt(results, package, "p_hold_given_war"),
            cost=_fmt(results, package, "cost_usd_bn_per_year"), troops=troops,
            rejected_by="; ".join(r.split("'s red line")[0].split(" (")[0] for r in rejected)
            or "—",
            history=history, drivers=", ".join((drivers or {}).get(package, ())) or "—",
            rejected=bool(rejected), anchor=package == anchor))
    return out


def columns(results: Results) -> list[str]:
    """The column headings, with the horizon and the anchor package filled in."""
    name = risk_metric(results)
    months = "120" if name == "p_war_120m" else str(results.months)
    return [c.format(t=months, anchor=anchor_package(results)) for c in COLUMNS]

"""Formatting for the terminal: consoles, numbers, JSON and the tables of results."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from guaranty.analysis import LensComparison
from guaranty.models.outcomes import metric_info
from guaranty.results import Results, Summary

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters, bidirectional overrides and lone surrogates shown
    as ``\\uXXXX`` escapes: scenario text never drives the terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeConsole(Console):
    """A console that shows every string literally: no Rich markup (``[/]`` and ``[sic]`` in a
    scenario's text are text), no control characters. Styled output is built with
    :class:`rich.text.Text` (:func:`styled`)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs["markup"] = False
        kwargs.setdefault("highlight", False)
        return super().render_str(printable(text), **kwargs)


def styled(text: str, style: str) -> Text:
    """``text`` (shown literally) in a Rich ``style``."""
    return Text(printable(text), style=style)


def out_console(width: int | None = None) -> Console:
    """The console for standard output: ``width`` columns, or the terminal's but at least 100."""
    return SafeConsole(width=width or max(100, Console().width))


def err_console() -> Console:
    """The console for standard error (progress bars)."""
    return SafeConsole(stderr=True)


def emit_json(document: Any) -> None:
    """Print ``document`` as indented JSON on standard output (NumPy values as plain ones)."""
    typer.echo(json.dumps(document, indent=2, default=_plain))


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def fmt(value: float | None, metric: str) -> str:
    """A metric's value for a table, formatted by its kind (:data:`guaranty.METRICS`)."""
    return metric_info(metric).format(value)


def _cell(s: Summary, metric: str) -> Text:
    """Mean over the 5–95 % spread, dimmed."""
    return Text.assemble(f"{fmt(s.mean, metric)}\n",
                         (f"{fmt(s.p05, metric)}–{fmt(s.p95, metric)}", "dim"))


def package_table(results: Results, package: str) -> Table:
    """Every metric of one package: mean, 5–95 % spread, Monte Carlo s.e."""
    table = Table(title=f"{package}", title_justify="left")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("5–95 % across worlds", justify="right")
    table.add_column("MC s.e.", justify="right")
    for metric in results.metrics(package):
        s = results.metric(package, metric)
        table.add_row(metric, fmt(s.mean, metric),
                      f"{fmt(s.p05, metric)} – {fmt(s.p95, metric)}", fmt(s.se, metric))
    return table


def comparison_tables(results: Results, per_table: int = 4) -> list[Table]:
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
    # Every metric any of these packages has ("—" where one lacks it: troops_feasible is
    # reported only for packages that send troops, and matters exactly there).
    metrics = list(dict.fromkeys(m for p in packages for m in results.metrics(p)))
    for metric in metrics:
        table.add_row(metric, *(_cell(results.metric(p, metric), metric)
                                if metric in results.metrics(p) else Text("—")
                                for p in packages))
    return table


def lens_tables(comparison: LensComparison) -> list[Table]:
    """One table per headline metric: a row per package, a column per lens."""
    tables = []
    for metric in comparison.metrics:
        title = (f"{metric} by lens — {comparison.scenario}, {comparison.worlds:,} worlds, "
                 f"seed {comparison.seed}")
        table = Table(title=title, title_justify="left")
        table.add_column("package")
        for lens in comparison.lenses:
            table.add_column(lens, justify="right")
        for package in comparison.packages:
            table.add_row(package, *(_cell(comparison.metric(lens, package, metric), metric)
                                     for lens in comparison.lenses))
        tables.append(table)
    return tables


# The one-screen answer ------------------------------------------------------------------------

RISK_LABEL = {"p_war_120m": "P(war 10y)", "p_war_60m": "P(war 5y)"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _pct(value: float) -> str:
    return f"{100 * value:.0f}" if math.isfinite(value) else "—"


def _spread(s: Summary) -> str:
    """A 5–95 % spread or 90 % interval in whole percent: ``12–36%``."""
    return f"{_pct(s.p05)}–{_pct(s.p95)}%"


def _points(value: float) -> str:
    """A change in percentage points with its sign: ``−17.0``."""
    return f"{100 * value:+.1f}".replace("-", "−")


def _party(reason: str) -> str:
    """The party of a rejection (``"us's red line on …"`` → ``us``)."""
    return reason.split("'s red line", 1)[0]


def reference_package(results: Results, anchor: str | None) -> str | None:
    """The package the paired changes are taken against: the anchor package, when it ran."""
    if results.anchor is not None and results.anchor.package in results.packages:
        return results.anchor.package
    return anchor if anchor in results.packages else None


def answer_table(results: Results, metric: str, reference: str | None,
                 drivers: Mapping[str, list[dict[str, Any]]] | None) -> tuple[Table, list[str]]:
    """The one-screen table of ``guaranty run``: a row per package, sorted by ``metric`` (the
    risk of renewed war); returns it and the letters' legend (the assumptions named in the
    "hangs on" column)."""
    label = RISK_LABEL.get(metric, f"P(war {results.months}m)")
    outside = f"outside_{metric}" if metric.startswith("p_war_") else ""
    have = set().union(*(results.metrics(p) for p in results.packages))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1),
                  collapse_padding=True)
    table.add_column("package", overflow="fold")  # a long name wraps, never cut
    table.add_column(f"{label}\n5–95 %", justify="right", no_wrap=True)
    if reference is not None:
        table.add_column("Δ pts\n90 % CI", justify="right", no_wrap=True)
    columns = [("p_hold_given_war", "holds if\nattacked"), ("cost_usd_bn_per_year", "cost\n$bn/yr"),
               ("troops_feasible", "troops\nfit")]
    columns = [(m, h) for m, h in columns if m in have]
    for _, header in columns:
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("rejected\nby", overflow="fold")
    if outside in have:
        table.add_column("history\n90 % CI", justify="right", no_wrap=True)
    if drivers is not None:
        table.add_column("hangs\non", no_wrap=True)
    letters: dict[str, str] = {}
    order = sorted(results.packages, key=lambda p: (results.mean(p, metric), p))
    for package in order:
        risk = results.metric(package, metric)
        rejected = results.rejections.get(package, ())
        name = Text(printable(package), style="bold" if package == reference else "")
        if rejected:
            name = Text.assemble(("✗ ", "red"), (printable(package), "dim"))
        row: list[Text | str] = [name, _two(fmt(risk.mean, metric), _spread(risk))]
        if reference is not None:
            if package == reference:
                row.append(_two("anchor", ""))
            else:
                c = results.change(package, reference, metric)
                row.append(_two(_points(c.mean), f"±{100 * (c.hi - c.mean):.1f}"))
        for m, _ in columns:
            row.append(fmt(results.mean(package, m), m) if m in results.metrics(package)
                       else "—")
        parties = list(dict.fromkeys(_party(r) for r in rejected))
        row.append(Text("\n".join(map(printable, parties)), style="red") if parties else "—")
        if outside in have:
            if outside in results.metrics(package):
                o = results.metric(package, outside)
                row.append(_two(fmt(o.mean, metric), _spread(o)))
            else:
                row.append("—")
        if drivers is not None:
            keys = [letters.setdefault(d["name"], LETTERS[len(letters) % len(LETTERS)])
                    for d in drivers.get(package, [])]
            row.append(" ".join(keys) or "—")
        table.add_row(*row)
    legend = []
    if drivers is not None:
        shares: dict[str, list[float]] = {}
        origin: dict[str, str] = {}
        for rows in drivers.values():
            for d in rows:
                shares.setdefault(d["name"], []).append(d["S1"])
                origin[d["name"]] = str(d["origin"])
        for param, key in letters.items():
            lo, hi = min(shares[param]), max(shares[param])
            span = f"{lo:.0%}" if round(100 * lo) == round(100 * hi) else f"{lo:.0%}–{hi:.0%}"
            legend.append(f"{key} {param} ({origin[param]}; {span} of the variance)")
    return table, legend


def _two(top: str, below: str) -> Text:
    """A cell of two lines, the second dimmed."""
    return Text.assemble(top, "\n", (below, "dim")) if below else Text(top)

"""Formatting for the terminal: consoles, numbers, JSON and the tables of results."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import typer
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
    metrics = [m for m in results.metrics(packages[0])
               if all(m in results.metrics(p) for p in packages)]
    for metric in metrics:
        table.add_row(metric, *(_cell(results.metric(p, metric), metric) for p in packages))
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

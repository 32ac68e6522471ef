"""PRIM boxes: the region of assumption space where a package fails.

Left, each box's peeling trajectory (coverage against density, the chosen step marked).
Right, each restricted parameter's limits in the chosen box as a bar across the parameter's
range over the worlds (0 = its smallest sampled value, 1 = its largest).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from guaranty.analysis.discovery import Discovery
from guaranty.plots._style import PALETTE, finish


def _scaled(value: float, span: tuple[float, float] | None, end: float) -> float:
    if not math.isfinite(value):
        return end
    if span is None or span[1] <= span[0]:
        return value
    return (value - span[0]) / (span[1] - span[0])


def prim_boxes(discovery: Discovery,
               ranges: Mapping[str, tuple[float, float]] | None = None) -> go.Figure:
    """The PRIM boxes of ``discovery`` (trace names: ``box 1 trajectory``, ``box 1``, ...).

    ``ranges`` maps a parameter to its (smallest, largest) value over the worlds, to scale the
    limits to [0, 1]; without it the limits are drawn in their own units.
    """
    fig = make_subplots(rows=1, cols=2, column_widths=[0.38, 0.62], horizontal_spacing=0.22,
                        subplot_titles=("peeling trajectory", "limits of each box"))
    for k, box in enumerate(discovery.prim):
        colour = PALETTE[k % len(PALETTE)]
        label = f"box {k + 1}"
        if box.trajectory:
            fig.add_trace(go.Scatter(
                x=[s["coverage"] for s in box.trajectory],
                y=[s["density"] for s in box.trajectory], mode="lines+markers",
                name=f"{label} trajectory", legendgroup=label, marker={"size": 4},
                line={"color": colour},
                hovertemplate="coverage %{x:.0%}, density %{y:.0%}<extra>" + label + "</extra>"),
                row=1, col=1)
        fig.add_trace(go.Scatter(
            x=[box.coverage], y=[box.density], mode="markers", name=f"{label} chosen",
            legendgroup=label, showlegend=False,
            marker={"size": 14, "symbol": "star", "color": colour},
            hovertemplate=f"{label}: coverage %{{x:.0%}}, density %{{y:.0%}}, mass "
                          f"{box.mass:.0%}<extra></extra>"), row=1, col=1)
        names = list(box.limits)
        lows, highs, text = [], [], []
        for name in names:
            lo, hi = box.limits[name]
            span = None if ranges is None else ranges.get(name)
            a, b = _scaled(lo, span, 0.0), _scaled(hi, span, 1.0)
            lows.append(a)
            highs.append(b - a)
            text.append(f"{name}: {lo:.4g} to {hi:.4g}")
        fig.add_trace(go.Bar(
            y=[f"{n} ({label})" for n in names], x=highs, base=lows, orientation="h",
            name=label, legendgroup=label, marker_color=colour, customdata=text,
            hovertemplate="%{customdata}<extra></extra>"), row=1, col=2)
    fig.update_xaxes(title_text="coverage (share of failures inside)", tickformat=".0%",
                     row=1, col=1)
    fig.update_yaxes(title_text="density (share failing inside)", tickformat=".0%",
                     row=1, col=1)
    fig.update_xaxes(title_text="position in the sampled range" if ranges is not None
                     else "value", row=1, col=2)
    if ranges is not None:
        fig.update_xaxes(range=[0, 1], row=1, col=2)
    rows = sum(len(b.limits) for b in discovery.prim)
    return finish(fig, f"Where {discovery.package} fails ({discovery.condition}): PRIM boxes, "
                  f"{discovery.failures:,} failures in {discovery.worlds:,} worlds",
                  height=max(420, 120 + 30 * rows))

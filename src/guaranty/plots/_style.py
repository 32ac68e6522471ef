"""Shared look of the figures: one colour per package (stable across figures), the layout."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39")
"""Colours given to packages in run order (Tableau 10, then darker tones)."""


def colours(names: Sequence[str]) -> dict[str, str]:
    """One colour per name, in order, cycling through :data:`PALETTE`."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def translucent(colour: str, alpha: float = 0.15) -> str:
    """``#rrggbb`` as an ``rgba(...)`` string with ``alpha``."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def finish(fig: go.Figure, title: str, *, height: int = 460) -> go.Figure:
    """The common layout: white template, title, legend and margins."""
    fig.update_layout(template="plotly_white", title={"text": title, "x": 0.01},
                      height=height, margin={"l": 60, "r": 20, "t": 70, "b": 50},
                      legend={"itemclick": "toggle", "itemdoubleclick": "toggleothers"},
                      hoverlabel={"namelength": -1})
    return fig

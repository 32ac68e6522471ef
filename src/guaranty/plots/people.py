"""People and the economy: refugees returned and reconstruction needs met, by month.

Each line is a package's mean over worlds at the months the engine reports; the hover gives
the 5–95 % spread across worlds.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from guaranty.plots._style import colours, finish
from guaranty.plots.war import war_months
from guaranty.results import Results

PANELS = (("refugees_returned_m_", "refugees returned (millions)", ".2f"),
          ("reconstruction_needs_met_share_", "reconstruction needs met", ".0%"))


def people_and_economy(results: Results) -> go.Figure:
    """Two panels of lines, one line per package (trace names are the packages)."""
    palette = colours(results.packages)
    fig = make_subplots(rows=1, cols=2, subplot_titles=[p[1] for p in PANELS],
                        horizontal_spacing=0.1)
    for col, (prefix, label, fmt) in enumerate(PANELS, start=1):
        for package in results.packages:
            months = war_months(results, package, prefix)
            if not months:
                continue
            stats = [results.metric(package, f"{prefix}{t}m") for t in months]
            fig.add_trace(go.Scatter(
                x=months, y=[s.mean for s in stats], mode="lines+markers", name=package,
                legendgroup=package, showlegend=col == 1,
                line={"color": palette[package]},
                customdata=[[s.p05, s.p95] for s in stats],
                hovertemplate=f"%{{x}} months: %{{y:{fmt}}} (5–95 %: %{{customdata[0]:{fmt}}}"
                              f"–%{{customdata[1]:{fmt}}})<extra>{package}</extra>"),
                row=1, col=col)
        fig.update_yaxes(title_text=label, rangemode="tozero",
                         tickformat=".0%" if fmt == ".0%" else None, row=1, col=col)
    fig.update_xaxes(title_text="months after the cease-fire")
    return finish(fig, "People and economy (means over worlds)", height=460)

"""The assumptions an outcome hangs on: Sobol or RBD-FAST indices as horizontal bars.

For Sobol both the first-order index :math:`S_1` (the share of the variance a factor explains
alone) and the total index :math:`S_T` (with its interactions) are drawn, each with its 95 %
bootstrap interval; for RBD-FAST, :math:`S_1` with its interval over resamples. Largest on top.
"""

from __future__ import annotations

import plotly.graph_objects as go

from guaranty.analysis.sensitivity import Index, Sensitivity
from guaranty.plots._style import finish


def _conf(values: list[float | None]) -> list[float]:
    return [0.0 if v is None else float(v) for v in values]


def drivers_bars(result: Sensitivity, *, top: int = 12) -> go.Figure:
    """The ``top`` factors of ``result`` by its ranking index (trace names: ``S1``, ``ST``,
    or ``mu*`` for Morris)."""
    shown: list[Index] = list(result.indices[:top])[::-1]  # plotly draws the first at the bottom
    names = [i.name for i in shown]
    hover = [f"{i.name} ({i.factor.origin})" for i in shown]
    fig = go.Figure()
    if result.method == "morris":
        fig.add_trace(go.Bar(y=names, x=[i.mu_star for i in shown], orientation="h",
                             name="mu*", customdata=hover,
                             error_x={"type": "data", "array": _conf([i.mu_star_conf
                                                                      for i in shown])},
                             hovertemplate="%{customdata}: mu* %{x:.3g}<extra></extra>"))
    else:
        if result.method == "sobol":
            fig.add_trace(go.Bar(y=names, x=[i.ST for i in shown], orientation="h", name="ST",
                                 customdata=hover, marker_color="#9ecae1",
                                 error_x={"type": "data",
                                          "array": _conf([i.ST_conf for i in shown])},
                                 hovertemplate="%{customdata}: ST %{x:.2f}<extra></extra>"))
        fig.add_trace(go.Bar(y=names, x=[i.S1 for i in shown], orientation="h", name="S1",
                             customdata=hover, marker_color="#08519c",
                             error_x={"type": "data", "array": _conf([i.S1_conf for i in shown])},
                             hovertemplate="%{customdata}: S1 %{x:.2f}<extra></extra>"))
        fig.update_xaxes(title_text="share of the variance", rangemode="tozero")
    fig.update_layout(barmode="group")
    what = {"sobol": "Sobol S1 and ST", "rbd-fast": "RBD-FAST S1", "morris": "Morris mu*"}
    return finish(fig, f"What {result.metric} of {result.package} hangs on: "
                  f"{what.get(result.method, result.method)} (N = {result.n:,}, "
                  f"{result.evaluations:,} evaluations; bars: 95 % interval)",
                  height=max(360, 60 + 34 * len(shown)))

"""The expert lenses side by side: each package's mean under each lens.

The bars are means over worlds; the error bars are the Monte Carlo 95 % interval of the mean
(:math:`\\pm 1.96\\,\\mathrm{s.e.}`). The lenses share the same worlds and seed (common random
numbers, :func:`guaranty.analysis.compare_lenses`), so a gap between two lenses is the lens's.
"""

from __future__ import annotations

import plotly.graph_objects as go

from guaranty.analysis.compare import LensComparison
from guaranty.models.outcomes import metric_info
from guaranty.plots._style import PALETTE, finish


def lenses_side_by_side(comparison: LensComparison, metric: str = "p_war_120m") -> go.Figure:
    """Grouped bars: packages on the x axis, one bar per lens (trace names are the lenses)."""
    info = metric_info(metric)
    fig = go.Figure()
    for k, lens in enumerate(comparison.lenses):
        stats = [comparison.metric(lens, p, metric) for p in comparison.packages]
        fig.add_trace(go.Bar(
            x=comparison.packages, y=[s.mean for s in stats], name=lens,
            marker_color=PALETTE[k % len(PALETTE)],
            error_y={"type": "data", "array": [1.96 * s.se for s in stats], "thickness": 1},
            hovertemplate="%{x}: %{y:.3g}<extra>" + lens + "</extra>"))
    percent = info.kind in ("probability", "share")
    fig.update_yaxes(title_text=info.label, tickformat=".0%" if percent else None)
    fig.update_layout(barmode="group")
    return finish(fig, f"{info.label} under each lens ({comparison.worlds:,} worlds, seed "
                  f"{comparison.seed}; bars: mean ± 1.96 s.e.)")

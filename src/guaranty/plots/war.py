"""P(renewed war) by month, inside and outside view, and cost against risk.

The model's curve of a package is its mean over worlds of :math:`1 - S_t` at each month the
engine reports (``p_war_{t}m``); the band is the 5–95 % spread *across worlds* (the spread of
the uncertain assumptions, not Monte Carlo error). The outside view's curve is the historical
estimate (:mod:`guaranty.outside`) with its 90 % interval, which comes from the Kaplan–Meier
interval of the interstate base rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from guaranty.models.outcomes import metric_info
from guaranty.outside import OutsideEstimate
from guaranty.plots._style import colours, finish, translucent
from guaranty.results import Results


def war_months(results: Results, package: str, prefix: str = "p_war_") -> list[int]:
    """The months ``t`` of the ``{prefix}{t}m`` metrics a package reports, ascending."""
    out = []
    for name in results.metrics(package):
        t = name.removeprefix(prefix).removesuffix("m")
        if name.startswith(prefix) and name.endswith("m") and t.isdigit():
            out.append(int(t))
    return sorted(out)


def _band(fig: go.Figure, x: Sequence[float], lo: Sequence[float], hi: Sequence[float], colour: str,
          name: str, row: int, col: int) -> None:
    """A filled band between ``lo`` and ``hi`` (two traces: the lower edge, then the upper
    edge filled down to it)."""
    fig.add_trace(go.Scatter(x=x, y=lo, mode="lines", line={"width": 0}, showlegend=False,
                             hoverinfo="skip", name=f"{name} low"), row=row, col=col)
    fig.add_trace(go.Scatter(x=x, y=hi, mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor=translucent(colour, 0.18), showlegend=False,
                             hoverinfo="skip", name=f"{name} high"), row=row, col=col)


HISTORY = "#555555"


def p_war_by_month(results: Results, *,
                   outside: Mapping[str, OutsideEstimate] | None = None,
                   columns: int = 5) -> go.Figure:
    """P(renewed war) by month, one panel per package: the model and history together.

    Parameters
    ----------
    results : Results
        A run; every ``p_war_{t}m`` metric is one point of a package's curve (0 at month 0).
    outside : mapping of package to OutsideEstimate, optional
        The historical view to draw (default ``results.outside``, at the months it holds;
        pass estimates at more months for a smoother curve).
    columns : int
        Panels per row.

    Returns
    -------
    Figure with, per package, the model's mean (a trace named after the package) in its 5–95 %
    band across worlds, and the outside view's estimate (``{package} (history)``, dashed grey)
    in its 90 % interval.
    """
    outside = results.outside if outside is None else outside
    palette = colours(results.packages)
    n = len(results.packages)
    cols = max(1, min(columns, n))
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=results.packages, horizontal_spacing=0.02,
                        vertical_spacing=0.12 if rows > 1 else 0.05)
    for k, package in enumerate(results.packages):
        row, col = k // cols + 1, k % cols + 1
        colour = palette[package]
        if package in outside:
            est = outside[package]
            hist = sorted(m for m in est.p_war if m <= results.months)
            if hist:
                x = [0, *hist] if hist[0] > 0 else hist
                first = [0.0] if hist[0] > 0 else []
                _band(fig, x, [*first, *(est.p_war[m][1] for m in hist)],
                      [*first, *(est.p_war[m][2] for m in hist)], HISTORY,
                      f"{package} (history)", row, col)
                fig.add_trace(go.Scatter(
                    x=x, y=[*first, *(est.p_war[m][0] for m in hist)], mode="lines",
                    name=f"{package} (history)", showlegend=False,
                    line={"color": HISTORY, "width": 1.5, "dash": "dash"},
                    hovertemplate="%{x} months: %{y:.1%}<extra>" + package
                                  + ", history</extra>"), row=row, col=col)
        months = war_months(results, package)
        stats = [results.metric(package, f"p_war_{t}m") for t in months]
        x = [0, *months]
        _band(fig, x, [0.0, *(s.p05 for s in stats)], [0.0, *(s.p95 for s in stats)],
              colour, package, row, col)
        fig.add_trace(go.Scatter(
            x=x, y=[0.0, *(s.mean for s in stats)], mode="lines+markers", name=package,
            showlegend=False, line={"color": colour, "width": 2.5}, marker={"size": 5},
            customdata=[[0.0, 0.0], *([s.p05, s.p95] for s in stats)],
            hovertemplate="%{x} months: %{y:.1%} (5–95 % across worlds: "
                          "%{customdata[0]:.0%}–%{customdata[1]:.0%})<extra>" + package
                          + ", model</extra>"), row=row, col=col)
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title_text="P(renewed war)", col=1)
    fig.update_xaxes(title_text="months", row=rows)
    fig.update_annotations(font_size=12)
    return finish(fig, "P(renewed war) by month — model: mean and 5–95 % across worlds "
                  "(colour); history: estimate and 90 % interval (grey, dashed)",
                  height=110 + 250 * rows)


def cost_risk(results: Results, *, risk: str = "p_war_120m",
              cost: str = "cost_usd_bn_per_year") -> go.Figure:
    """Cost against risk: one point per package at the means, with 5–95 % bars across worlds.

    A package some party rejects is drawn hollow (its rejections in the hover text).
    Trace names are the packages.
    """
    palette = colours(results.packages)
    fig = go.Figure()
    for package in results.packages:
        have = results.metrics(package)
        if risk not in have or cost not in have:
            continue
        r, c = results.metric(package, risk), results.metric(package, cost)
        rejected = results.rejections.get(package, ())
        why = "<br>".join(f"rejected by the {w[:90]}…" if len(w) > 90 else f"rejected by the {w}"
                          for w in rejected)
        fig.add_trace(go.Scatter(
            x=[c.mean], y=[r.mean], mode="markers+text", name=package, text=[package],
            textposition="top center",
            textfont={"size": 10},
            marker={"size": 13, "color": palette[package],
                    "line": {"color": palette[package], "width": 2},
                    "symbol": "circle-open" if rejected else "circle"},
            error_x={"type": "data", "symmetric": False, "array": [c.p95 - c.mean],
                     "arrayminus": [c.mean - c.p05], "color": translucent(palette[package], 0.5),
                     "thickness": 1},
            error_y={"type": "data", "symmetric": False, "array": [r.p95 - r.mean],
                     "arrayminus": [r.mean - r.p05], "color": translucent(palette[package], 0.5),
                     "thickness": 1},
            hovertemplate=(f"{package}<br>{risk}: %{{y:.1%}} (5–95 %: {r.p05:.1%}–{r.p95:.1%})"
                           f"<br>{cost}: %{{x:.3g}} (5–95 %: {c.p05:.3g}–{c.p95:.3g})"
                           + (f"<br>{why}" if why else "") + "<extra></extra>")))
    fig.update_xaxes(title_text=f"{metric_info(cost).label} ({metric_info(cost).unit})",
                     rangemode="tozero")
    fig.update_yaxes(title_text=metric_info(risk).label, tickformat=".0%", rangemode="tozero")
    return finish(fig, "Cost against risk (means; bars: 5–95 % across worlds; hollow: "
                  "rejected by a party)", height=520)

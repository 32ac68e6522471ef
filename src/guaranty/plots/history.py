"""Kaplan–Meier curves of the outside view: the share of cease-fires still holding, by month.

One panel per grouping of Fortna's cease-fires (:func:`guaranty.history.curves_by`); each
curve is a step function with its pointwise interval (the ``level`` the curves were fitted
at, 95 % by default) as a band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from guaranty.history.curves import GroupCurve
from guaranty.plots._style import PALETTE, finish, translucent


def kaplan_meier_curves(groups: Mapping[str, Sequence[GroupCurve]]) -> go.Figure:
    """One panel per grouping (``{"peacekeeping": curves_by(by="peacekeeping"), ...}``).

    Trace names are ``{grouping}: {label} (n = …)``.
    """
    fig = make_subplots(rows=1, cols=max(1, len(groups)), shared_yaxes=True,
                        subplot_titles=[f"by {g}" for g in groups], horizontal_spacing=0.04)
    for col, (grouping, curves) in enumerate(groups.items(), start=1):
        for k, group in enumerate(curves):
            colour = PALETTE[k % len(PALETTE)]
            c = group.curve
            x = [0.0, *c.months.tolist()]
            name = f"{grouping}: {group.label} (n = {group.n}, {group.events} failed)"
            for edge, values in (("lo", c.lo), ("hi", c.hi)):
                fig.add_trace(go.Scatter(
                    x=x, y=[1.0, *values.tolist()], mode="lines",
                    line={"width": 0, "shape": "hv"}, showlegend=False, hoverinfo="skip",
                    fill="tonexty" if edge == "hi" else None,
                    fillcolor=translucent(colour), legendgroup=name, name=f"{name} {edge}"),
                    row=1, col=col)
            fig.add_trace(go.Scatter(
                x=x, y=[1.0, *c.survival.tolist()], mode="lines", name=name,
                legendgroup=name, line={"color": colour, "shape": "hv"},
                hovertemplate="%{x:.0f} months: %{y:.0%} still holding<extra>" + name
                              + "</extra>"), row=1, col=col)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02], row=1, col=1,
                     title_text="share of cease-fires still holding")
    fig.update_xaxes(title_text="months")
    return finish(fig, "Outside view: Kaplan–Meier curves of cease-fires (Fortna), with "
                  "pointwise 95 % intervals", height=460)

"""The negotiation map: who accepts which package, the concessions that open a zone of
agreement, and the Pareto front of risk and cost over the levers (with who accepts each point).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from guaranty.analysis.optimise import Optimum
from guaranty.models.outcomes import metric_info
from guaranty.negotiation import NegotiationResult
from guaranty.plots._style import finish


def _label(choice: dict[str, str]) -> str:
    return "<br>".join(f"{k} = {v}" for k, v in choice.items())


def acceptance_map(result: NegotiationResult) -> go.Figure:
    """Parties (rows) by packages on the table (columns): green where the party accepts.

    Columns are ordered by the simulated P(renewed war within 120 months) where every package
    has one, else by how many parties accept. The last row is the zone of agreement (every
    party accepts); the Pareto front of the zone, the Nash and the Kalai–Smorodinsky packages
    are marked above it. Trace names: ``acceptance``, then ``Pareto``, ``Nash``,
    ``Kalai–Smorodinsky`` where they exist.
    """
    n = len(result.packages)
    if all(i in result.security for i in range(n)):
        order = sorted(range(n), key=lambda i: result.price(i))
        axis = "packages on the table, by simulated P(war within 10 years)"
    else:
        order = sorted(range(n), key=lambda i: -int(result.acceptable[:, i].sum()))
        axis = "packages on the table, by how many parties accept"
    rows = [*result.parties, "all (zone of agreement)"]
    z = np.vstack([result.acceptable[:, order], result.feasible[order]]).astype(int)
    text = [_label(result.packages[i]) + (f"<br>P(war ≤ 10 y) {result.price(i):.1%}"
                                          if i in result.security else "") for i in order]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(n)), y=rows, name="acceptance", showscale=False, zmin=0, zmax=1,
        colorscale=[[0, "#f4c7c3"], [1, "#2ca02c"]], xgap=0, ygap=2,
        customdata=[text] * len(rows),
        hovertemplate="%{y}: %{z}<br>%{customdata}<extra>1 = accepts</extra>"))
    column = {i: k for k, i in enumerate(order)}
    marks = [("Pareto", list(result.pareto), "triangle-down", "#1f77b4")]
    marks += [(name, [i], "star", colour) for name, i, colour in (
        ("Nash", result.nash, "#ff7f0e"), ("Kalai–Smorodinsky", result.kalai_smorodinsky,
                                           "#9467bd")) if i is not None]
    for name, chosen, symbol, colour in marks:
        if not chosen:
            continue
        fig.add_trace(go.Scatter(
            x=[column[i] for i in chosen], y=[rows[-1]] * len(chosen), mode="markers",
            name=name, marker={"symbol": symbol, "size": 12, "color": colour},
            customdata=[_label(result.packages[i]) for i in chosen],
            hovertemplate="%{customdata}<extra>" + name + "</extra>"))
    accepted = ", ".join(f"{p} {int(result.acceptable[j].sum())}"
                         for j, p in enumerate(result.parties))
    fig.update_xaxes(title_text=axis, showticklabels=False)
    fig.update_yaxes(autorange="reversed")
    return finish(fig, f"Who accepts what: {n} packages ({result.worlds:,} worlds each); "
                  f"accepted — {accepted}; zone of agreement {int(result.feasible.sum())}",
                  height=360)


def concessions_bars(result: NegotiationResult) -> go.Figure:
    """The smallest sets of concessions that open a zone of agreement: one bar each, its
    length the number of packages it makes feasible (trace name ``concessions``). With a
    zone already open (or none that opens), an empty chart says so."""
    fig = go.Figure()
    found = result.concessions
    labels = [" + ".join(c.relax) for c in found]
    opened = [_label(result.packages[c.package]) + (
        f"<br>P(war ≤ 10 y) {result.price(c.package):.1%}" if c.package in result.security
        else "") for c in found]
    fig.add_trace(go.Bar(
        y=[_wrap(t) for t in labels], x=[c.feasible for c in found], orientation="h",
        name="concessions", customdata=opened, marker_color="#ff7f0e",
        hovertemplate="opens %{x} package(s); Nash of the relaxed problem:<br>"
                      "%{customdata}<extra></extra>"))
    if not found:
        note = (f"a zone of agreement exists: {int(result.feasible.sum())} package(s) every "
                "party accepts" if result.feasible.any()
                else "no zone of agreement, and no small set of concessions opens one")
        fig.add_annotation(text=note, showarrow=False, x=0.5, y=0.5, xref="paper",
                           yref="paper")
    fig.update_xaxes(title_text="packages every party would then accept", rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return finish(fig, "Concessions that open a zone of agreement (smallest sets)",
                  height=max(300, 100 + 50 * len(found)))


def _wrap(text: str, width: int = 60) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def pareto_front(optimum: Optimum) -> go.Figure:
    """The optimiser's candidates (grey) and Pareto front of its first two objectives,
    coloured by how many parties accept each point (trace names ``candidates`` and
    ``Pareto front``)."""
    if len(optimum.objectives) < 2:
        raise ValueError("a Pareto plot needs two objectives")
    y_name, x_name = optimum.objectives[0], optimum.objectives[1]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[p.objectives[x_name] for p in optimum.candidates],
        y=[p.objectives[y_name] for p in optimum.candidates], mode="markers",
        name="candidates", marker={"color": "#cccccc", "size": 6},
        hovertemplate=f"{x_name} %{{x:.3g}}, {y_name} %{{y:.3g}}<extra>candidate</extra>"))
    front = sorted(optimum.front, key=lambda p: (p.objectives[x_name], -p.objectives[y_name]))
    hover = ["<br>".join(f"{k} = {v}" for k, v in p.levers.items())
             + "<br>accepted by: " + (", ".join(p.accepted_by) or "none") for p in front]
    fig.add_trace(go.Scatter(
        x=[p.objectives[x_name] for p in front], y=[p.objectives[y_name] for p in front],
        mode="lines+markers", name="Pareto front", customdata=hover,
        line={"color": "#555555", "dash": "dot"},
        marker={"size": 12, "color": [len(p.accepted_by) for p in front],
                "colorscale": "RdYlGn", "cmin": 0, "cmax": max(1, len(optimum.parties)),
                "colorbar": {"title": "parties<br>accepting"}},
        hovertemplate="%{customdata}<extra>Pareto front</extra>"))
    for axis, name in ((fig.update_xaxes, x_name), (fig.update_yaxes, y_name)):
        info = metric_info(name)
        percent = info.kind in ("probability", "share")
        axis(title_text=info.label + ("" if percent or not info.unit else f" ({info.unit})"),
             tickformat=".0%" if percent else None)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return finish(fig, f"Pareto front over the levers: {len(optimum.front)} of "
                  f"{optimum.evaluated} settings ({optimum.worlds:,} worlds each, seed "
                  f"{optimum.seed})", height=480)

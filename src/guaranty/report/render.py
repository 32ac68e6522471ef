"""Render a report: the figures from :mod:`guaranty.plots`, the table, the registry, into the
Jinja2 template shipped beside this module, with plotly.js inlined."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import plotly.graph_objects as go

from guaranty import plots
from guaranty.report import table
from guaranty.report.analyses import Analyses, Budget
from guaranty.results import Results
from guaranty.scenario.schema import Scenario

CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Figure:
    """One chart of the report: its section, heading, caption and HTML (a div and a script)."""

    section: str
    key: str
    title: str
    caption: str
    html: str


def scenario_sha256(scenario: Scenario, results: Results) -> str:
    """The run's scenario digest (``Results.scenario_sha256`` where the run records one),
    else the SHA-256 of the validated scenario's canonical JSON (the same definition)."""
    recorded = getattr(results, "scenario_sha256", None)
    if isinstance(recorded, str) and recorded:
        return recorded
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def _html(fig: go.Figure, key: str) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{key}",
                           config=CONFIG))


def figures(results: Results, analyses: Analyses, sections: Sequence[str]) -> list[Figure]:
    """Every chart of the chosen sections, in order."""
    out: list[Figure] = []
    a = analyses

    def add(section: str, key: str, title: str, caption: str, fig: go.Figure) -> None:
        out.append(Figure(section, key, title, caption, _html(fig, key)))

    for section in sections:
        if section == "war":
            add(section, "p-war", "Risk of renewed war by month",
                "Left: the model's mean P(renewed war) by each month the engine reports, per "
                "package; the band is the 5–95 % spread across worlds (the spread of the "
                "uncertain assumptions, not Monte Carlo error). Right: the outside view for "
                "the same package (interstate base rate × the civil-war effect of its "
                "provisions), with its 90 % interval.",
                plots.p_war_by_month(results, outside=a.outside or None))
        elif section == "cost-risk":
            add(section, "cost-risk", "Cost against risk",
                "Each package at its mean cost a year and mean P(renewed war within 10 "
                "years); the bars are the 5–95 % spread across worlds. Hollow markers: a "
                "party rejects the package.", plots.cost_risk(results))
        elif section == "people":
            add(section, "people", "People and economy",
                "Refugees returned and reconstruction needs met by month (means over "
                "worlds; the hover gives the 5–95 % spread).", plots.people_and_economy(results))
        elif section == "lenses" and a.lenses is not None:
            have = results.metrics(results.packages[0])
            for metric in (table.risk_metric(results), "p_hold_given_war"):
                if metric in have:
                    add(section, f"lenses-{metric}", f"Lenses side by side: {metric}",
                        "Each package under the default assumptions and under each expert "
                        "lens, on the same worlds and seed; the error bars are the 95 % "
                        "Monte Carlo interval of the mean (±1.96 s.e.).",
                        plots.lenses_side_by_side(a.lenses, metric))
        elif section == "drivers":
            if a.sobol is not None:
                add(section, "sobol", f"What {a.focus}'s risk hangs on (Sobol)",
                    "Sobol indices by family of parameters: S1, the share of the variance "
                    "a family explains alone; ST, with its interactions; bars are 95 % "
                    "bootstrap intervals (a fresh simulation at the report's budget).",
                    plots.drivers_bars(a.sobol))
            if a.drivers is not None:
                add(section, "rbd-fast", f"What {a.focus}'s risk hangs on (RBD-FAST)",
                    "RBD-FAST first-order indices per parameter over the run's own worlds "
                    "(no new simulation); bars are the interval over resamples.",
                    plots.drivers_bars(a.drivers))
        elif section == "prim" and a.prim is not None:
            add(section, "prim", f"Where {a.focus} fails (PRIM)",
                "PRIM boxes over the run's own worlds: the ranges of the assumptions inside "
                "which the package's risk is in its riskiest quarter. Coverage: the share of "
                "those worlds inside the box; density: the share of the box's worlds that "
                "are among them.", plots.prim_boxes(a.prim, a.prim_ranges))
        elif section == "negotiation":
            if a.negotiation is not None:
                add(section, "acceptance", "Who accepts what",
                    "Every package on the negotiation table (one option per issue): green "
                    "where a party's utility beats its fall-back and no red line is crossed.",
                    plots.acceptance_map(a.negotiation))
                add(section, "concessions", "Concessions",
                    "The smallest sets of relaxed red lines or fall-backs that open a zone of "
                    "agreement, and how many packages each opens.",
                    plots.concessions_bars(a.negotiation))
            if a.optimum is not None:
                add(section, "pareto", "Pareto front over the levers",
                    "NSGA-II over the scenario's levers (risk and cost, means over worlds); "
                    "the front's colour is how many parties accept each point.",
                    plots.pareto_front(a.optimum))
        elif section == "history" and a.km:
            add(section, "km", "Outside view: how long cease-fires held",
                "Kaplan–Meier curves of Fortna's cease-fires, split by peacekeeping, by "
                "mission and by how the war ended; bands are pointwise 95 % intervals.",
                plots.kaplan_meier_curves(a.km))
    return out


def assumptions(scenario: Scenario, results: Results) -> list[dict[str, Any]]:
    """Every parameter of the run's registry: distribution, unit, source or assumption,
    whether the run read it, and the packages that set it otherwise."""
    from guaranty.scenario.compile import base_registry, scenario_registry

    registry = (scenario_registry(scenario, results.lens) if results.lens
                else base_registry(scenario))
    rows = []
    for name, p in registry.items():
        changed = [pkg for pkg, reg in results.registries.items()
                   if name in reg and reg[name] != p]
        rows.append({"name": name, "distribution": p.distribution.describe(), "unit": p.unit,
                     "source": p.source or "", "assumption": p.assumption or "",
                     "description": p.description, "read": name in results.parameters_read,
                     "changed_by": ", ".join(changed)})
    return rows


def render(scenario: Scenario, results: Results, analyses: Analyses, sections: Sequence[str],
           budget: Budget) -> str:
    """The report's HTML."""
    import jinja2
    from plotly.offline import get_plotlyjs

    env = jinja2.Environment(loader=jinja2.PackageLoader("guaranty.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    template = env.get_template("report.html.j2")
    missing = {step: why for step, why in analyses.missing.items()}
    return template.render(
        scenario=scenario, results=results, sections=list(sections),
        sha256=scenario_sha256(scenario, results),
        rows=table.rows(results, analyses.table_drivers), columns=table.columns(results),
        notes=results.notes(), anchor=results.anchor, figures=figures(results, analyses,
                                                                       sections),
        assumptions=assumptions(scenario, results) if "assumptions" in sections else [],
        missing=missing, focus=analyses.focus, budget=asdict(budget),
        seconds={k: f"{v:.1f} s ({analyses.cpu.get(k, 0.0):.1f} s CPU)"
                 for k, v in analyses.seconds.items()},
        plotly_js=get_plotlyjs())

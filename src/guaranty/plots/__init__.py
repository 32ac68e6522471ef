"""Plotly figures of runs and analyses: pure functions from model objects to figures.

Each function takes the objects the library returns (:class:`~guaranty.results.Results`,
:class:`~guaranty.analysis.LensComparison`, :class:`~guaranty.analysis.Sensitivity`,
:class:`~guaranty.analysis.Discovery`, :class:`~guaranty.negotiation.NegotiationResult`,
:class:`~guaranty.analysis.optimise.Optimum`, Kaplan–Meier :class:`GroupCurve` lists) and
returns a :class:`plotly.graph_objects.Figure`; nothing is read or written. The report
(:mod:`guaranty.report`) and the web dashboard draw the same figures. What each band means:
``docs/report.md``.
"""

from guaranty.plots.discovery import prim_boxes
from guaranty.plots.drivers import drivers_bars
from guaranty.plots.history import kaplan_meier_curves
from guaranty.plots.lenses import lenses_side_by_side
from guaranty.plots.negotiation import acceptance_map, concessions_bars, pareto_front
from guaranty.plots.people import people_and_economy
from guaranty.plots.war import cost_risk, p_war_by_month

__all__ = ["acceptance_map", "concessions_bars", "cost_risk", "drivers_bars",
           "kaplan_meier_curves", "lenses_side_by_side", "p_war_by_month", "pareto_front",
           "people_and_economy", "prim_boxes"]

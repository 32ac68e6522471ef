"""The outside view: how long cease-fires held in history, and which provisions went with peace.

Loaders for the shipped cease-fire data (Fortna; UCDP termination and peace agreements),
survival models (Kaplan-Meier, Cox in start-stop form, Weibull), Kaplan-Meier curves by group
(:func:`curves_by`), the reproduction of Fortna's peacekeeping result, interstate base rates,
and :func:`outside_view`, which maps a package's :class:`Provisions` onto the models'
covariates. See ``docs/history.md``. The interstate case library (:func:`case_library`,
:func:`load_episodes`, :func:`load_rival_years`), its cases as coarse scenarios
(:func:`case_scenario`) and the interstate outside view fitted on it (:func:`interstate_view`):
``docs/cases.md``.
"""

from guaranty.history.case_scenario import case_scenario, write_case_scenario
from guaranty.history.cases import Case, case, case_library, load_episodes, load_rival_years
from guaranty.history.curves import GroupCurve, curves_by
from guaranty.history.data import load_agreements, load_fortna, load_termination
from guaranty.history.fortna import HazardTable, reproduce
from guaranty.history.interstate import BaseRate, base_rate, base_rates
from guaranty.history.interstate_view import InterstateView, interstate_view
from guaranty.history.outside import OutsideView, Provisions, outside_view
from guaranty.history.spells import agreement_spells, fortna_spells, termination_spells
from guaranty.history.validate import Validation, validate

__all__ = [
    "BaseRate",
    "Case",
    "GroupCurve",
    "HazardTable",
    "InterstateView",
    "OutsideView",
    "Provisions",
    "Validation",
    "agreement_spells",
    "base_rate",
    "base_rates",
    "case",
    "case_library",
    "case_scenario",
    "curves_by",
    "fortna_spells",
    "interstate_view",
    "load_agreements",
    "load_episodes",
    "load_fortna",
    "load_rival_years",
    "load_termination",
    "outside_view",
    "reproduce",
    "termination_spells",
    "validate",
    "write_case_scenario",
]

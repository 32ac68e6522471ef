"""The outside view: how long cease-fires held in history, and which provisions went with peace.

Loaders for the shipped cease-fire data (Fortna; UCDP termination and peace agreements),
survival models (Kaplan-Meier, Cox in start-stop form, Weibull), Kaplan-Meier curves by group
(:func:`curves_by`), the reproduction of Fortna's peacekeeping result, interstate base rates,
and :func:`outside_view`, which maps a package's :class:`Provisions` onto the models'
covariates. See ``docs/history.md``.
"""

from guaranty.history.curves import GroupCurve, curves_by
from guaranty.history.data import load_agreements, load_fortna, load_termination
from guaranty.history.fortna import HazardTable, reproduce
from guaranty.history.interstate import BaseRate, base_rate, base_rates
from guaranty.history.outside import OutsideView, Provisions, outside_view
from guaranty.history.spells import agreement_spells, fortna_spells, termination_spells
from guaranty.history.validate import Validation, validate

__all__ = [
    "BaseRate",
    "GroupCurve",
    "HazardTable",
    "OutsideView",
    "Provisions",
    "Validation",
    "agreement_spells",
    "base_rate",
    "base_rates",
    "curves_by",
    "fortna_spells",
    "load_agreements",
    "load_fortna",
    "load_termination",
    "outside_view",
    "reproduce",
    "termination_spells",
    "validate",
]

"""Analyses built on :func:`guaranty.simulate`: each a function that runs the engine through its
public entry point and returns a frozen record with ``to_pandas()`` and ``to_dict()``.

- :func:`compare_lenses`: every package under the default assumptions and under each expert
  lens of the scenario, on common random numbers.
- :func:`evaluate`: the mean outcomes of many candidate packages in one pass, on common
  random numbers, with a caller-owned cache (:class:`Evaluations`).
- ``guaranty.analysis.sensitivity.sensitivity`` (and :func:`indices` for any model of a
  design): Sobol, Morris and RBD-FAST indices on SALib (:class:`Sensitivity`); :func:`drivers`
  over a run's own worlds. (The function keeps its module's name, so it is not re-exported
  here: ``guaranty.analysis.sensitivity`` stays the module.)
- :func:`discover_scenario` (and :func:`discover`): PRIM and CART boxes where a package fails
  (:class:`Discovery`).
- :func:`compare_packages` (and :func:`robustness`): P(A beats B) over worlds and lenses,
  regret and satisficing (:class:`Robustness`).
- ``guaranty.analysis.optimise``: NSGA-II over a scenario's levers (imported on its own: it
  asks the negotiation, a layer above, who accepts each point).
- :func:`check_war`: the war model's replays of 2022 and 2023-25 against the record of the war
  (``data/war_record``), band by band (:class:`WarCheck`).
"""

from guaranty.analysis.compare import HEADLINE_METRICS, LensComparison, compare_lenses
from guaranty.analysis.discovery import Discovery, discover, discover_scenario
from guaranty.analysis.evaluate import GAIN, Evaluations, evaluate, fingerprint
from guaranty.analysis.robust import Robustness, compare_packages, robustness
from guaranty.analysis.sensitivity import Sensitivity, drivers, indices
from guaranty.analysis.war import WarCheck, WarRow, check_war

__all__ = ["GAIN", "HEADLINE_METRICS", "Discovery", "Evaluations", "LensComparison",
           "Robustness", "Sensitivity", "WarCheck", "WarRow", "check_war", "compare_lenses",
           "compare_packages", "discover", "discover_scenario", "drivers", "evaluate",
           "fingerprint", "indices", "robustness"]

"""Analyses built on :func:`guaranty.simulate`: each a function that runs the engine through its
public entry point and returns a frozen record with ``to_pandas()`` and ``to_dict()``.

- :func:`compare_lenses`: every package under the default assumptions and under each expert
  lens of the scenario, on common random numbers.
- :func:`evaluate`: the mean outcomes of many candidate packages in one pass, on common
  random numbers, with a caller-owned cache (:class:`Evaluations`).
- :func:`check_war`: the war model's replays of 2022 and 2023-25 against the record of the war
  (``data/war_record``), band by band (:class:`WarCheck`).
"""

from guaranty.analysis.compare import HEADLINE_METRICS, LensComparison, compare_lenses
from guaranty.analysis.evaluate import GAIN, Evaluations, evaluate, fingerprint
from guaranty.analysis.war import WarCheck, WarRow, check_war

__all__ = ["GAIN", "HEADLINE_METRICS", "Evaluations", "LensComparison", "WarCheck", "WarRow",
           "check_war", "compare_lenses", "evaluate", "fingerprint"]

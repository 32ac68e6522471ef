"""Analyses built on :func:`guaranty.simulate`: each a function that runs the engine through its
public entry point and returns a frozen record with ``to_pandas()`` and ``to_dict()``.

- :func:`compare_lenses`: every package under the default assumptions and under each expert
  lens of the scenario, on common random numbers.
"""

from guaranty.analysis.compare import HEADLINE_METRICS, LensComparison, compare_lenses

__all__ = ["HEADLINE_METRICS", "LensComparison", "compare_lenses"]

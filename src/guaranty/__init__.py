"""guaranty: design and stress-test international security guarantees under uncertainty.

>>> import guaranty
>>> scenario = guaranty.load_scenario("ukraine-2025")
>>> results = guaranty.simulate(scenario, packages=["strong-army"], worlds=2_000, seed=7)
>>> results.packages
['strong-army']
>>> table = results.summary()       # one row per (package, metric): mean, p05, p95, se
"""

from guaranty import defaults
from guaranty._version import __version__
from guaranty.engine import AnchorCache, RunSpec, calibrate, iter_chunks, run_design, simulate
from guaranty.errors import DataError, GuarantyError, InputError, RegistryError, ScenarioError
from guaranty.models.outcomes import METRICS, Metric
from guaranty.models.outcomes import metric_info as _metric_info
from guaranty.params import Parameter, Registry, default_registry
from guaranty.results import Anchor, Results
from guaranty.scenario import Lens, Package, Quantity, Scenario, load_scenario, parse_scenario
from guaranty.store import sweep


def metric_info(name: str) -> Metric:
    """The :class:`Metric` of ``name``, including month-numbered ones (``p_war_60m``); a
    name that is not text is an :class:`InputError`
    (:func:`guaranty.models.outcomes.metric_info`)."""
    if not isinstance(name, str):
        raise InputError(f"name must be a metric name (text), got {type(name).__name__}")
    return _metric_info(name)


__all__ = [
    "METRICS",
    "Anchor",
    "AnchorCache",
    "DataError",
    "GuarantyError",
    "InputError",
    "Lens",
    "Metric",
    "Package",
    "Parameter",
    "Quantity",
    "Registry",
    "RegistryError",
    "Results",
    "RunSpec",
    "Scenario",
    "ScenarioError",
    "__version__",
    "calibrate",
    "default_registry",
    "defaults",
    "iter_chunks",
    "load_scenario",
    "metric_info",
    "parse_scenario",
    "run_design",
    "simulate",
    "sweep",
]

"""guaranty: design and stress-test international security guarantees under uncertainty.

>>> import guaranty
>>> scenario = guaranty.load_scenario("ukraine-2025")
>>> results = guaranty.simulate(scenario, packages=["strong-army"], worlds=2_000, seed=7)
>>> results.packages
['strong-army']
>>> table = results.summary()       # one row per (package, metric): mean, p05, p95, se
"""

from guaranty._version import __version__
from guaranty.engine import simulate
from guaranty.errors import GuarantyError, InputError, ScenarioError
from guaranty.params import Parameter, Registry, default_registry
from guaranty.results import Results
from guaranty.scenario import Package, Scenario, compile_plan, load_scenario, parse_scenario

__all__ = [
    "GuarantyError",
    "InputError",
    "Package",
    "Parameter",
    "Registry",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compile_plan",
    "default_registry",
    "load_scenario",
    "parse_scenario",
    "simulate",
]

"""guaranty: design and stress-test international security guarantees under uncertainty.

>>> import guaranty
>>> scenario = guaranty.load_scenario("ukraine-2025")
>>> results = guaranty.simulate(scenario, packages=["strong-army"], worlds=2_000, seed=7)
>>> results.packages
['strong-army']
>>> table = results.summary()       # one row per (package, metric): mean, p05, p95, se

The public names are imported on first use (PEP 562), so that ``import guaranty`` and the
command line's ``--help`` do not pay for NumPy, SciPy, pandas and the engine until they are
needed; type checkers and IDEs see the explicit imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from guaranty._version import __version__
from guaranty.errors import DataError, GuarantyError, InputError, RegistryError, ScenarioError

if TYPE_CHECKING:
    from guaranty.engine import (
        AnchorCache,
        RunSpec,
        calibrate,
        iter_chunks,
        run_design,
        simulate,
    )
    from guaranty.models.outcomes import METRICS, Metric
    from guaranty.params import Parameter, Registry, default_registry
    from guaranty.results import Anchor, Results
    from guaranty.scenario import (
        Lens,
        Package,
        Quantity,
        Scenario,
        load_scenario,
        parse_scenario,
    )
    from guaranty.store.sweep import sweep

_LAZY: dict[str, str] = {
    "AnchorCache": "guaranty.engine",
    "RunSpec": "guaranty.engine",
    "calibrate": "guaranty.engine",
    "iter_chunks": "guaranty.engine",
    "run_design": "guaranty.engine",
    "simulate": "guaranty.engine",
    "METRICS": "guaranty.models.outcomes",
    "Metric": "guaranty.models.outcomes",
    "Parameter": "guaranty.params",
    "Registry": "guaranty.params",
    "default_registry": "guaranty.params",
    "Anchor": "guaranty.results",
    "Results": "guaranty.results",
    "Lens": "guaranty.scenario",
    "Package": "guaranty.scenario",
    "Quantity": "guaranty.scenario",
    "Scenario": "guaranty.scenario",
    "load_scenario": "guaranty.scenario",
    "parse_scenario": "guaranty.scenario",
    "sweep": "guaranty.store",
}
"""Each lazily imported public name and the module it comes from."""


def __getattr__(name: str) -> Any:
    """Import a public name (or a subpackage, ``guaranty.engine``) on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif not name.startswith("__"):
        try:
            value = importlib.import_module(f"guaranty.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"guaranty.{name}":
                raise
            raise AttributeError(f"module 'guaranty' has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module 'guaranty' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def metric_info(name: str) -> Metric:
    """The :class:`Metric` of ``name``, including month-numbered ones (``p_war_60m``); a
    name that is not text is an :class:`InputError`
    (:func:`guaranty.models.outcomes.metric_info`)."""
    from guaranty.models.outcomes import metric_info as info

    if not isinstance(name, str):
        raise InputError(f"name must be a metric name (text), got {type(name).__name__}")
    return info(name)


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

"""No silent non-finite output: every chunk's outcomes are checked before they are kept.

A NaN or an infinity in a model output would reach a summary as ``null`` (JSON) or "—" (a
table) and look like "undefined" when it is nonsense. :func:`check_outputs` runs once per
chunk and package, on the arrays the chain returns (one vectorised ``isfinite`` per metric),
and raises :class:`~guaranty.errors.NonFiniteError` naming the package, the metric, the first
offending world and the parameters that world drew which explain it.

Two outputs are *undefined* by construction, and only there may they be NaN:

- a ``..._given_war`` mean in a world whose probability of war is zero (``p_war_horizon ==
  0``: :meth:`guaranty.models.outcomes.WarLedger.finish` divides by the sum of the monthly
  starts, zero there);
- ``reconstruction_needs_met_share_{t}m`` in a world whose reconstruction needs are zero
  (``needs <= 0``, the chain's input: :func:`guaranty.models.economy.share_of_needs`).

Everything else must be finite in every world. When the offending world drew a value beyond
its unit's ceiling (:data:`guaranty.units.UNIT_CEILINGS`), the input caused it and the error
is a :class:`~guaranty.errors.NonFiniteInputError` (exit code 2); otherwise it is a model bug
(exit code 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from guaranty.errors import NonFiniteError, NonFiniteInputError
from guaranty.models._arrays import Array
from guaranty.models.outcomes import GIVEN_WAR
from guaranty.params import Registry
from guaranty.units import DEFAULT_CEILING, UNIT_CEILINGS

SHOWN = 6
"""At most this many parameters are named in the message."""


Mask = NDArray[np.bool_]


def undefined(metric: str, out: Mapping[str, Array], needs: Array | None) -> Mask | None:
    """Where ``metric`` may be NaN because it is undefined there (None: nowhere)."""
    if metric in GIVEN_WAR and "p_war_horizon" in out:
        allowed: Mask = out["p_war_horizon"] <= 0
        return allowed
    if metric.startswith("reconstruction_needs_met_share_"):
        if needs is None:
            return None
        allowed = np.asarray(needs) <= 0
        return allowed
    return None


def first_bad(out: Mapping[str, Array], needs: Array | None = None
              ) -> tuple[str, int, int] | None:
    """The first metric (in output order) with a non-finite value where it must be finite:
    (metric, index of its first bad world, number of bad worlds); None when all is well."""
    for metric, values in out.items():
        finite = np.isfinite(values)
        if finite.all():
            continue
        bad = ~finite
        allowed = undefined(metric, out, needs)
        if allowed is not None:
            bad &= ~(np.isnan(values) & allowed)
        count = int(bad.sum())
        if count:
            return metric, int(np.argmax(bad)), count
    return None


def check_outputs(out: Mapping[str, Array], params: Mapping[str, Array], *, package: str,
                  registry: Registry, seed: int, start: int, needs: Array | None = None
                  ) -> None:
    """Raise :class:`NonFiniteError` if a chunk's outputs hold a non-finite value where they
    must not. ``params`` are the chunk's sampled parameters (worlds ``start`` on); ``needs``
    the reconstruction needs the chain read (where they are zero, the share met is
    undefined)."""
    found = first_bad(out, needs)
    if found is None:
        return
    metric, index, count = found
    drawn = {name: float(np.asarray(values)[index]) for name, values in params.items()
             if np.ndim(values) == 1 and len(values) > index}
    beyond = []
    for name, value in drawn.items():
        unit = registry[name].unit if name in registry else ""
        if not math.isfinite(value) or abs(value) > UNIT_CEILINGS.get(unit, DEFAULT_CEILING):
            beyond.append((name, value))
    largest = sorted(drawn.items(), key=lambda kv: -abs(kv[1]) if math.isfinite(kv[1])
                     else -math.inf)
    shown = tuple(beyond[:SHOWN] or largest[:SHOWN])
    kind = NonFiniteInputError if beyond else NonFiniteError
    raise kind(package, metric, start + index, seed, shown, count)

r"""Anchoring: the aggressor's base hazard calibrated to the outside view, as an explicit input.

A scenario names its anchor package (``anchor: <package>``; without one a run is unanchored
and says so). :func:`calibrate` finds the factor :math:`c` of the aggressor's base hazard
(``decision.base_hazard_scale``) that makes the anchor package's mean P(war within 120
months) equal the outside view's base rate for it (:func:`guaranty.outside.outside_estimate`),
on a fixed calibration set of 2,000 worlds (worlds 0–1,999 of the run's seed), under the
default assumptions (no lens). The search is in closed form: nothing upstream of the
hazard depends on :math:`c`, and the monthly hazard is :math:`h_t = 1 - e^{-c\,r_t}`, so a
world's P(war within 120 months) is :math:`1 - e^{-cR}` with :math:`R = -\ln S_{120}` from
one run at :math:`c = 1`, and :math:`c` is the scalar root of
:math:`\overline{1 - e^{-cR}} = \text{target}` (exact up to the single-precision rounding of
the hazards, ~1e-7). History fixes the base rate once, and an expert's lens shows
how the risk differs if the expert is right. So the anchor depends on the scenario's numbers,
the anchor package, the seed and the lens of calibration, and on nothing else: not on the
other packages, their order, the number of worlds or the chunking.

:class:`AnchorCache` remembers calibrations by exactly those inputs (:func:`anchor_key`), so
a caller evaluating a hundred package variants calibrates once; ``simulate(...,
anchor=cache)`` uses it. The cache is an object the caller owns, never module state.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import replace
from typing import get_args

import numpy as np

from guaranty.engine.chain import run
from guaranty.engine.finite import check_outputs
from guaranty.engine.inputs import base_hazard_override, prepare, with_base_hazard_scale
from guaranty.errors import InputError, expect
from guaranty.outside import Reference, outside_estimate
from guaranty.results import Anchor
from guaranty.rng import check_seed
from guaranty.scenario.compile import Plan, compile_plan, resolve_package
from guaranty.scenario.schema import Scenario

CALIBRATION_WORLDS = 2_000
ANCHOR_MONTHS = 120


def _checked(scenario: object, seed: object, lens: object, package: object) -> Scenario:
    """The arguments of a calibration checked (API misuse is an :class:`InputError`)."""
    try:
        check_seed(seed)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    for what, value in (("lens", lens), ("package", package)):
        if value is not None:
            expect(value, str, what, f"a {what} name (text) or None")
    return Scenario.expect(scenario)


def anchor_key(scenario: Scenario, *, seed: int, lens: str | None = None,
               package: str | None = None) -> str:
    """A digest of everything a calibration depends on (and nothing else)."""
    scenario = _checked(scenario, seed, lens, package)
    name = package or scenario.anchor
    if name is None:
        raise InputError(f"scenario {scenario.name!r} names no anchor package")
    body = scenario.model_dump_json(exclude={"packages", "negotiation", "anchor"})
    resolved = resolve_package(scenario, name).model_dump_json()
    text = "\n".join((body, name, resolved, str(seed), str(lens)))
    return hashlib.sha256(text.encode()).hexdigest()


def calibrate(
    scenario: Scenario,
    *,
    seed: int,
    lens: str | None = None,
    reference: Reference = "interstate",
    package: str | None = None,
) -> Anchor:
    """Find the base-hazard factor that makes the anchor package match the outside view."""
    scenario = _checked(scenario, seed, lens, package)
    if reference not in get_args(Reference):
        raise InputError(f"reference must be one of {', '.join(get_args(Reference))}, got "
                         f"{reference!r}")
    name = package or scenario.anchor
    if name is None:
        raise InputError(f"scenario {scenario.name!r} names no anchor package (anchor: ...)")
    plan = compile_plan(scenario, name, lens)
    target_view = outside_estimate(plan.provisions, reference=reference)
    target = target_view.p_war[ANCHOR_MONTHS][0]
    params = with_base_hazard_scale(plan.registry.sample(seed, 0, CALIBRATION_WORLDS), 1.0,
                                    CALIBRATION_WORLDS)
    # Nothing upstream of the hazard depends on the factor c and h = 1 - exp(-c r), so each
    # world's P(war within 120 months) is 1 - exp(-c R), R = -ln S(120) at c = 1: one run.
    cumulative = -np.log(np.maximum(_survival(plan, params, ANCHOR_MONTHS), 1e-300))
    if not np.isfinite(cumulative).all():  # the solver would see NaN: name the world instead
        check_outputs({f"p_war_{ANCHOR_MONTHS}m": -np.expm1(-cumulative)}, params,
                      package=name, registry=plan.registry, seed=seed, start=0)

    def mean_risk(log_scale: float) -> float:
        return float(np.mean(-np.expm1(-math.exp(log_scale) * cumulative)))

    from scipy.optimize import brentq

    # P(war) rises with the factor; bracket it narrowly first (factors 1/20 to 20), then wide.
    lo, hi = -3.0, 3.0
    f_lo, f_hi = mean_risk(lo) - target, mean_risk(hi) - target
    if f_lo > 0 or f_hi < 0:
        lo, hi = -12.0, 12.0
        f_lo, f_hi = mean_risk(lo) - target, mean_risk(hi) - target
    if f_lo > 0 or f_hi < 0:
        best = lo if abs(f_lo) < abs(f_hi) else hi
        return Anchor(name, target, mean_risk(best), math.exp(best), ANCHOR_MONTHS,
                      f"{target_view.reference}; target out of the model's reach")
    root = brentq(lambda x: mean_risk(x) - target, lo, hi, xtol=1e-12)
    return Anchor(name, target, mean_risk(root), math.exp(root), ANCHOR_MONTHS,
                  f"{target_view.reference}, n = {target_view.reference_n}")


def _survival(plan: Plan, params: dict[str, np.ndarray], months: int) -> np.ndarray:
    """Each world's probability of peace through ``months`` (double precision)."""
    out: np.ndarray = run(prepare(plan, params, months), hazard_only=True).ledger.survival
    return out


class AnchorCache:
    """Calibrations remembered by what they depend on (:func:`anchor_key`); caller-owned.

    ``calibrations`` counts the calibrations actually run.
    """

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self.calibrations = 0
        self._anchors: OrderedDict[str, Anchor] = OrderedDict()

    def get(self, scenario: Scenario, *, seed: int, lens: str | None = None) -> Anchor:
        """The scenario's anchor for ``seed``, calibrated now unless already known."""
        key = anchor_key(scenario, seed=seed, lens=lens)
        if key in self._anchors:
            self._anchors.move_to_end(key)
            return self._anchors[key]
        anchor = calibrate(scenario, seed=seed, lens=lens)
        self.calibrations += 1
        self._anchors[key] = anchor
        if len(self._anchors) > self.maxsize:
            self._anchors.popitem(last=False)
        return anchor


def anchored(plan: Plan, anchor: Anchor | None) -> Plan:
    """The plan with its base-hazard factor set by ``anchor`` (unchanged without one)."""
    if anchor is None:
        return plan
    registry = base_hazard_override(
        plan.registry, anchor.scale,
        f"anchored: {anchor.package} P(war within {anchor.months} months) set to "
        f"{anchor.target:.3f}, the outside view ({anchor.source})")
    return replace(plan, registry=registry)

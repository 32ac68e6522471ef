"""models/decision.py: the aggressor's value of attacking and its monthly hazard, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guaranty.models import decision


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _value(ln_ratio: float, *, bias: float = 0.0, m: float = 0.0, s: float = 1.0,
           gain: float = 1.0, neutral: float = 0.0, failure: float = 1.0, aversion: float = 0.0,
           sanctions: float = 0.0) -> float:
    one = np.ones(1)
    got = decision.attack_value(
        np.array([ln_ratio]), bias=bias * one, effectiveness_mean=m * one,
        effectiveness_sd=s * one, gain=gain * one, neutral_discount=neutral * one,
        failure_cost=failure * one, loss_aversion=aversion * one, sanctions_cost=sanctions * one)
    return float(got[0])


def test_value_at_parity() -> None:
    # p = Phi(0) = 1/2; winning at parity costs the whole force (L = 1):
    # V = 0.5 * 1 - 0.5 * 1 - 0.5 * 1 - 0.2.
    assert _value(0.0, failure=1.0, aversion=0.5, sanctions=0.2) == pytest.approx(-0.7)


def test_value_with_neutrality_and_the_square_law_loss() -> None:
    # R = 2 and m = -2 ln 2 put p at 1/2; L = 1 - sqrt(1 - 1/4); neutrality already delivers
    # half the gain: V = 0.5 * 0.5 - 0.5 * 0.5 - (1 - sqrt(0.75)).
    got = _value(math.log(2), m=-2 * math.log(2), neutral=0.5, failure=0.5, aversion=1.0)
    assert got == pytest.approx(-(1 - math.sqrt(0.75)))


def test_the_bias_adds_to_the_log_ratio() -> None:
    assert _value(0.0, bias=0.4, aversion=1.0) == pytest.approx(_value(0.4, aversion=1.0))
    # p = Phi((2 * 0.5 + 0) / 1) with no loss aversion and no failure cost.
    assert _value(0.0, bias=0.5, failure=0.0) == pytest.approx(_phi(1.0))


def test_hazard_by_hand() -> None:
    value = np.array([0.3, 0.8, 0.3, 100.0])
    got = decision.attack_hazard(
        value, value_of_waiting=np.array(0.3), base_rate=np.array(0.01),
        sensitivity=np.array(2.0), ready=np.array([1.0, 1.0, 0.0, 1.0]))
    np.testing.assert_allclose(got, [
        1 - math.exp(-0.01),  # V = V_w: the base rate
        1 - math.exp(-0.01 * math.e),  # k (V - V_w) = 1
        0.0,  # not ready
        1.0,  # the exponent stops at 50: certain
    ])

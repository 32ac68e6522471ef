"""models/decision.py: the aggressor's value of attacking and its monthly hazard, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guaranty.models import decision
from guaranty.testing.war import fight


def _value(ln_ratio: float, *, gain: float = 1.0, neutral: float = 0.0, failure: float = 1.0,
           aversion: float = 1.0, sanctions: float = 0.0, attackers: float = 650_000.0) -> float:
    one = np.ones(1)
    expected = fight(ln_ratio, attackers=attackers)
    got = decision.attack_value(
        expected, attackers * one, gain=gain * one, neutral_discount=neutral * one,
        failure_cost=failure * one, loss_aversion=aversion * one, sanctions_cost=sanctions * one)
    return float(got[0])


def test_value_by_hand_from_the_expected_war() -> None:
    # V = p G (1 - eta) - (1 - p) C_f - lambda_L L - C_s, with p and L from the war model.
    ln_r = math.log(2.05) + 0.3
    war = fight(ln_r)
    p = float(war.p_breakthrough[0])
    loss = float(war.aggressor_casualties[0]) / 650_000.0
    got = _value(ln_r, neutral=0.5, failure=0.8, aversion=1.5, sanctions=0.2)
    assert got == pytest.approx(p * 0.5 - (1 - p) * 0.8 - 1.5 * loss - 0.2, rel=1e-5)


def test_a_stronger_defender_lowers_the_value_of_attacking() -> None:
    ratios = np.log(2.05) + np.linspace(-1.5, 1.5, 31)
    values = [_value(x) for x in ratios]
    assert np.all(np.diff(values) > 0)


@settings(deadline=None, max_examples=200)
@given(st.floats(-4.0, 4.0), st.floats(1e-4, 1e-2))
def test_the_value_is_continuous_in_the_ratio(ln_ratio: float, step: float) -> None:
    # One smooth war model (no cusp at parity): a small change of the ratio moves the value
    # by a bounded multiple of the change.
    a = _value(ln_ratio, failure=1.0, aversion=1.0)
    b = _value(ln_ratio + step, failure=1.0, aversion=1.0)
    assert abs(b - a) <= 20.0 * step + 1e-5


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

"""models/outcomes.py: the war ledger's survival and Rao–Blackwell sums on known hazard paths.

``WarLedger.record`` returns a new ledger; the horizon is fixed when the ledger starts.
"""

from __future__ import annotations

import numpy as np
import pytest

from guaranty.models import outcomes
from guaranty.models.outcomes import GIVEN_WAR, WarLedger

GROUND = "ground_lost_km2_given_war"
HOLD = "p_hold_given_war"


def _record(ledger: WarLedger, month: int, hazard: np.ndarray,
            consequences: dict[str, np.ndarray]) -> WarLedger:
    out = ledger.record(month, hazard, consequences)
    assert out is not ledger
    return out


def test_three_months_by_hand() -> None:
    # World 0: hazards 0.1, 0.2, 0.5 -> war starts with probability 0.1, 0.9 * 0.2 = 0.18,
    # 0.72 * 0.5 = 0.36; P(war by month 3) = 0.64. A war begun in month u loses 10, 20, 40 km²
    # and the defender holds with probability 1, 0.5, 0: E[ground | war] = (0.1*10 + 0.18*20
    # + 0.36*40) / 0.64 = 19 / 0.64 and E[hold | war] = (0.1 + 0.09) / 0.64.
    # World 1 never sees a war: its given-war means are undefined (NaN).
    ledger = WarLedger.start(2, 3)
    path = [(0.1, 10.0, 1.0), (0.2, 20.0, 0.5), (0.5, 40.0, 0.0)]
    for month, (h, ground, hold) in enumerate(path):
        ledger = _record(ledger, month, np.array([h, 0.0]),
                         {GROUND: np.array([ground, ground]), HOLD: np.array([hold, hold])})
    np.testing.assert_allclose(ledger.survival, [0.36, 1.0])
    out = ledger.finish()
    np.testing.assert_allclose(out["p_war_horizon"], [0.64, 0.0])
    assert out[GROUND][0] == pytest.approx(19.0 / 0.64)
    assert out[HOLD][0] == pytest.approx(0.19 / 0.64)
    assert np.isnan(out[GROUND][1]) and np.isnan(out[HOLD][1])
    assert not any(key.startswith("p_war_") and key != "p_war_horizon" for key in out)
    # Consequences that were never recorded average to zero where there is a war.
    assert set(GIVEN_WAR) <= set(out)
    assert out["p_blockade_given_war"][0] == 0.0


def test_checkpoints_are_one_minus_survival() -> None:
    # A constant hazard h: P(war by t) = 1 - (1 - h)^t, reported at 12 and 24 months; a
    # constant consequence is its own expectation given war.
    ledger = WarLedger.start(1, 24)
    for month in range(24):
        ledger = _record(ledger, month, np.array([0.1]), {GROUND: np.array([7.0])})
    out = ledger.finish()
    assert out["p_war_12m"][0] == pytest.approx(1 - 0.9**12)
    assert out["p_war_24m"][0] == pytest.approx(1 - 0.9**24)
    assert out["p_war_horizon"][0] == pytest.approx(1 - 0.9**24)
    assert out[GROUND][0] == pytest.approx(7.0)
    assert "p_war_60m" not in out
    # A horizon before a checkpoint leaves it out.
    short = WarLedger.start(1, 12)
    for month in range(12):
        short = _record(short, month, np.array([0.1]), {GROUND: np.array([7.0])})
    assert "p_war_24m" not in short.finish()


def test_the_conditional_mean_equals_the_mean_over_attack_dates() -> None:
    # Rao–Blackwell: the ledger's conditional expectation equals the average of y over a
    # war's start month drawn from the hazard path, given a war by the horizon.
    hazard = np.array([0.05, 0.3, 0.1, 0.6, 0.2])
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    ledger = WarLedger.start(1, 5)
    for month, (h, value) in enumerate(zip(hazard, y, strict=True)):
        ledger = _record(ledger, month, np.array([h]), {GROUND: np.array([value])})
    survival = np.concatenate([[1.0], np.cumprod(1 - hazard)[:-1]])
    start = survival * hazard  # P(war starts in month u)
    assert ledger.finish()[GROUND][0] == pytest.approx((start * y).sum() / start.sum())


def test_every_given_war_outcome_has_a_metric_entry() -> None:
    assert set(GIVEN_WAR) <= set(outcomes.METRICS)
    assert all(outcomes.METRICS[name].given_war for name in GIVEN_WAR)

"""The directed decision fit: each side's hazard, the initiator's share, the parity term."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import guaranty.calibration.decision as decision
from guaranty.calibration.decision import (
    DIRECTED,
    REDUCED,
    _constants,
    fit_decision,
    log_likelihood,
    pair_rate,
    profile_interval,
    side_rates,
)
from guaranty.calibration.decision_validation import validate_inside
from guaranty.cli import main
from guaranty.errors import InputError

THETA = np.array([-6.0, 2.0, 1.0, 1.5, 0.3, -7.0, 0.0, -0.4])


def _frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({
        "ln_ratio": rng.normal(0.0, 1.2, n),
        "pact_major1": rng.integers(0, 2, n).astype(float),
        "pact_major2": rng.integers(0, 2, n).astype(float),
    })


def test_the_directed_likelihood_adds_the_initiators_share_and_nothing_else() -> None:
    frame = _frame(6, np.random.default_rng(1))
    frame["months"] = [3.0, 40.0, 12.0, 7.0, 100.0, 60.0]
    frame["renewed"] = [1, 1, 1, 0, 0, 1]
    frame["initiator"] = [1.0, 2.0, np.nan, np.nan, np.nan, 2.0]
    unknown = frame.assign(initiator=np.nan)
    # With no initiator known and no parity slope, the directed likelihood is the summed one.
    assert log_likelihood(np.r_[THETA[:7], 0.0], unknown) == pytest.approx(
        log_likelihood(THETA[:7], unknown), abs=1e-12)
    # Each known initiator adds ln(r_i / (r_1 + r_2)).
    pi = _constants()[2] * frame[["pact_major1", "pact_major2"]].to_numpy()
    rates = side_rates(THETA, frame["ln_ratio"].to_numpy(), pi)
    share = (np.log(rates[0, 0] / rates[0].sum()) + np.log(rates[1, 1] / rates[1].sum())
             + np.log(rates[5, 1] / rates[5].sum()))
    assert log_likelihood(THETA, frame) - log_likelihood(THETA, unknown) == pytest.approx(
        share, abs=1e-10)
    # The parity term scales both sides alike; the pair rate is their sum.
    assert np.allclose(rates.sum(axis=1), pair_rate(THETA, frame["ln_ratio"].to_numpy(), pi))
    flat = side_rates(np.r_[THETA[:7], 0.0], frame["ln_ratio"].to_numpy(), pi)
    assert np.allclose(rates / flat, np.exp(-0.4 * np.abs(frame["ln_ratio"].to_numpy()))[:, None])


def test_the_directed_fit_tells_direction_from_parity_on_simulated_wars() -> None:
    """600 war ends simulated with the stronger side attacking more (b_win > 0) and danger at
    parity (b_parity < 0), each war's initiator drawn by its share of the hazard: the fit
    holds the truth (likelihood-ratio statistic under the 99.9 % chi-square bound for 6 free
    parameters, 22.5) and finds both signs."""
    rng = np.random.default_rng(11)
    truth = np.array([-6.5, 3.0, 0.0, 0.0, 0.0, -7.0, 0.0, -0.8])
    frame = _frame(600, rng)
    pi = _constants()[2] * frame[["pact_major1", "pact_major2"]].to_numpy()
    rates = side_rates(truth, frame["ln_ratio"].to_numpy(), pi)
    time = rng.exponential(1.0 / rates.sum(axis=1))
    first = 1 + (rng.random(len(frame)) < rates[:, 1] / rates.sum(axis=1))
    frame["months"] = np.minimum(np.ceil(time), 600.0)
    frame["renewed"] = (time < 600.0).astype(int)
    frame["initiator"] = np.where(frame["renewed"] == 1, first, np.nan)
    fit = fit_decision(sample="episodes", episodes=frame, rivalries=frame.iloc[:0],
                       sides="directed")
    assert fit.names == DIRECTED and fit.initiators == int(frame["renewed"].sum())
    statistic = 2.0 * (fit.log_likelihood - log_likelihood(truth, frame, None))
    assert 0.0 <= statistic < 22.5
    assert fit.estimate[DIRECTED.index("b_win")] > 0
    assert fit.estimate[DIRECTED.index("b_parity")] < 0
    summed = fit_decision(sample="episodes", episodes=frame, rivalries=frame.iloc[:0],
                          sides="summed")
    assert summed.names == REDUCED and summed.to_dict()["sides"] == "summed"


def _directed_fit(*, n_episodes: int, renewals: int) -> tuple[np.ndarray, decision.DecisionFit]:
    """A directed fit at THETA with b_parity = -0.5 and unit errors (for the interval search)."""
    est = np.r_[THETA[:7], -0.5]
    return est, decision.DecisionFit(
        sample="episodes", names=DIRECTED, estimate=est, se=np.ones(8), cov=np.eye(8),
        log_likelihood=0.0, n_episodes=n_episodes, renewals=renewals, n_rival_years=0,
        onsets=0, condition=1.0, free=(True,) * 8, sides="directed")


def test_profile_interval_finds_where_the_profile_drops_by_1_92(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a quadratic profile (curvature c, so the interval is est +- sqrt(1.92 / c)) the
    search brackets and bisects to the exact bounds; a side that never drops is open."""
    est, fit = _directed_fit(n_episodes=1, renewals=1)

    def quadratic(f, name, value, episodes, rivalries, near=None, pool=None):  # type: ignore[no-untyped-def]
        x = value - est[7]
        return (-3.0 * x * x if x < 0 else -0.0 * x), f.estimate

    monkeypatch.setattr(decision, "_profile_drop", quadratic)
    out = profile_interval(fit, "b_parity", step=0.2, limit=3.2, tol=1e-4)
    assert out["lo95"] == pytest.approx(-0.5 - np.sqrt(1.920729 / 3.0), abs=1e-3)
    assert out["hi95"] is None and out["excludes_zero"] is False and not out["disjoint"]

    def two_valleys(f, name, value, episodes, rivalries, near=None, pool=None):  # type: ignore[no-untyped-def]
        x = value - est[7]
        return max(-3.0 * x * x, -3.0 * (x + 2.0) ** 2 - 1.0), f.estimate

    monkeypatch.setattr(decision, "_profile_drop", two_valleys)
    out = profile_interval(fit, "b_parity", step=0.25, limit=4.0, tol=1e-4)
    assert out["disjoint"]  # the set is two intervals: around -0.5 and around -2.5
    assert out["lo95"] == pytest.approx(-2.5 - np.sqrt(0.920729 / 3.0), abs=1e-3)
    assert out["hi95"] == pytest.approx(-0.5 + np.sqrt(1.920729 / 3.0), abs=1e-3)
    assert out["drop_at_zero"] == pytest.approx(-0.75) and not out["excludes_zero"]


def test_an_optimum_in_another_valley_joins_the_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pooled optimum within 1.92 of the best but outside the scanned interval (a narrow
    valley the scan stepped over) is listed and makes the set disjoint; one further down is
    not."""
    frame = _frame(20, np.random.default_rng(3)).assign(months=24.0, renewed=0)
    est, fit = _directed_fit(n_episodes=20, renewals=0)

    def narrow(f, name, value, episodes, rivalries, near=None, pool=None):  # type: ignore[no-untyped-def]
        return -10.0 * (value + 0.5) ** 2, f.estimate

    def other_valleys(theta, episodes=None, rivalries=None):  # type: ignore[no-untyped-def]
        return {1.0: -1.0, 2.0: -5.0}.get(float(theta[7]), 0.0)

    monkeypatch.setattr(decision, "_profile_drop", narrow)
    monkeypatch.setattr(decision, "log_likelihood", other_valleys)
    pool = [est, *(np.r_[THETA[:7], v] for v in (1.0, 2.0))]
    out = profile_interval(fit, "b_parity", step=0.25, limit=1.0, episodes=frame,
                           rivalries=frame.iloc[:0], pool=pool)
    assert out["hi95"] == pytest.approx(-0.5 + np.sqrt(0.1920729), abs=0.05)
    assert out["also_in_set"] == [1.0] and out["disjoint"]


def test_sides_must_be_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="sides must be one of directed, summed"):
        fit_decision(sides="both")
    with pytest.raises(InputError, match="sides must be one of"):
        validate_inside(sides="left")
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", "decision", "--sides", "one", "--no-profiles"])
    assert stop.value.code == 2
    assert "sides must be one of" in capsys.readouterr().err

"""The decision block fitted on the case library: the stored fit, the likelihood, recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guaranty.calibration.decision import (
    _constants,
    fit_decision,
    log_likelihood,
    pair_rate,
    parameter_names,
    stored_fit,
)
from guaranty.history.cases import load_episodes, load_rival_years


def test_stored_fit_is_the_optimum_of_the_shipped_data() -> None:
    """The stored estimate reproduces its log-likelihood and beats every neighbour."""
    doc = stored_fit()
    theta = np.asarray(doc["estimate_vector"], dtype=float)
    names = parameter_names(doc.get("sides", "summed"))  # the first stored fit was summed
    assert doc["names"] == list(names)
    episodes, rivals = load_episodes(), load_rival_years()
    best = log_likelihood(theta, episodes, rivals)
    assert best == pytest.approx(doc["fit"]["log_likelihood"], abs=1e-6)
    assert doc["fit"]["n_episodes"] == 102 and doc["fit"]["n_rival_years"] == 2938
    for i, name in enumerate(names):
        if name not in doc["fit"]["parameters"]:
            continue
        for step in (-0.05, 0.05):
            moved = theta.copy()
            moved[i] += step
            assert log_likelihood(moved, episodes, rivals) < best + 1e-7, name


def test_the_pair_hazard_does_not_depend_on_which_side_is_first() -> None:
    theta = np.array([-5.0, 2.0, 1.0, 1.5, 0.3, -6.0, 0.0])
    ln_ratio = np.array([-1.2, 0.0, 0.7, 2.5])
    pi = np.array([[0.0, 0.15], [0.15, 0.0], [0.0, 0.0], [0.15, 0.15]])
    assert np.allclose(pair_rate(theta, ln_ratio, pi), pair_rate(theta, -ln_ratio, pi[:, ::-1]))
    # A guarantor's expected entry lowers the hazard when its slope is positive.
    assert pair_rate(theta, ln_ratio[:1], pi[:1])[0] < pair_rate(theta, ln_ratio[:1],
                                                                np.zeros((1, 2)))[0]


def test_the_fit_contains_the_truth_on_simulated_cases() -> None:
    """On 400 war ends simulated from known parameters, the likelihood-ratio statistic at the
    truth stays below the 99.9 % chi-square bound (5 degrees of freedom: 20.5)."""
    rng = np.random.default_rng(5)
    n = 400
    truth = np.array([-7.5, 2.0, 1.0, 2.0, 0.2, -7.0, 0.0])
    frame = pd.DataFrame({
        "ln_ratio": rng.normal(0.0, 1.2, n),
        "pact_major1": rng.integers(0, 2, n).astype(float),
        "pact_major2": rng.integers(0, 2, n).astype(float),
    })
    pi = _constants()[2] * frame[["pact_major1", "pact_major2"]].to_numpy()
    lam = pair_rate(truth, frame["ln_ratio"].to_numpy(), pi)
    time = rng.exponential(1.0 / lam)
    frame["months"] = np.minimum(np.ceil(time), 600.0)
    frame["renewed"] = (time < 600.0).astype(int)
    fit = fit_decision(sample="episodes", episodes=frame, rivalries=frame.iloc[:0],
                       sides="summed")
    statistic = 2.0 * (fit.log_likelihood - log_likelihood(truth, frame, None))
    assert 0.0 <= statistic < 20.5
    assert 0.2 < frame["renewed"].mean() < 0.99  # the simulation is informative

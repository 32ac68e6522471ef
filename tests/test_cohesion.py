"""The guarantors' shared cohesion factor: the copula, its quadrature and its fit to alliances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from guaranty.calibration.cohesion import fit_cohesion, load_multilateral_cases
from guaranty.models.cohesion import latent_uniform, p_any


def test_latent_uniforms_stay_uniform_and_are_correlated(any_seed: int) -> None:
    rng = np.random.default_rng(any_seed)
    n = 100_000
    common = rng.uniform(size=n)
    a = latent_uniform(rng.uniform(size=n), common, 0.8)
    b = latent_uniform(rng.uniform(size=n), common, 0.8)
    for u in (a, b):
        assert stats.kstest(u, "uniform").pvalue > 1e-4
    z = stats.norm.ppf(np.stack([a, b]))
    assert np.corrcoef(z)[0, 1] == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize("r", [0.0, 0.3, 0.9])
def test_p_any_matches_simulation(r: float, any_seed: int) -> None:
    rng = np.random.default_rng(any_seed)
    n = 200_000
    probs = [0.1, 0.25, 0.05, 0.4]
    common = rng.uniform(size=n)
    hit = np.zeros(n, dtype=bool)
    for p in probs:
        hit |= latent_uniform(rng.uniform(size=n), common, r) < p
    got = float(p_any([np.full(1, p) for p in probs], np.full(1, r))[0])
    se = np.sqrt(got * (1 - got) / n)
    assert abs(hit.mean() - got) < 5 * se + 1e-4


def test_p_any_limits() -> None:
    probs = [np.array([0.1]), np.array([0.3]), np.array([0.2])]
    independent = 1 - 0.9 * 0.7 * 0.8
    assert float(p_any(probs, 0.0)[0]) == pytest.approx(independent, abs=1e-9)
    # Near-perfect cohesion: the most resolute guarantor decides for all.
    assert float(p_any(probs, 0.999)[0]) == pytest.approx(0.3, abs=0.01)
    # A guarantor that never fights changes nothing (the identity of a batched slot).
    with_zero = [*probs, np.array([0.0])]
    assert float(p_any(with_zero, 0.5)[0]) == float(p_any(probs, 0.5)[0])


def test_cohesion_fit_on_the_multilateral_cases() -> None:
    cases = load_multilateral_cases()
    assert len(cases) == 42
    fit = fit_cohesion(cases)
    assert (fit.all_honoured, fit.some_honoured, fit.none_honoured) == (11, 7, 24)
    assert fit.correlation == pytest.approx(0.94, abs=0.01)
    assert fit.interval[0] == pytest.approx(0.79, abs=0.02)
    assert fit.p_after_1945 == pytest.approx(0.14, abs=0.01)
    # Capping the obliged members at two, the least a multilateral case has, gives the low end
    # of the registry's range.
    low = fit_cohesion(cases, max_obliged=2)
    assert low.correlation == pytest.approx(0.76, abs=0.02)
    assert low.interval[0] == pytest.approx(0.34, abs=0.02)


def test_the_registry_range_is_the_fitted_one() -> None:
    from guaranty.params import default_registry

    d = default_registry()["guarantors.cohesion_correlation"].distribution
    assert (d.low, d.mode, d.high) == (0.34, 0.94, 0.995)  # type: ignore[union-attr]

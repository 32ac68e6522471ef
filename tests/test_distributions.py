"""Distributions: quantiles, means and supports, against SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from guaranty.distributions import Beta, Discrete, Fixed, Lognormal, Normal, Triangular, Uniform

U = np.random.default_rng(7).random(200_000)


@pytest.mark.parametrize("a,b", [(4, 3), (6.5, 37.5), (2, 2), (18, 2), (0.5, 0.5), (0.2, 5)])
def test_beta_quantiles_match_scipy(a: float, b: float) -> None:
    got = Beta(a=a, b=b).ppf(U)
    np.testing.assert_allclose(got, special.betaincinv(a, b, U), atol=1e-5, rtol=0)
    tails = np.array([1e-12, 1e-10, 1 - 1e-10])
    np.testing.assert_allclose(Beta(a=a, b=b).ppf(tails), special.betaincinv(a, b, tails),
                               rtol=1e-9)


def test_beta_draws_do_not_depend_on_how_many_are_asked_for() -> None:
    d = Beta(a=4, b=3)
    np.testing.assert_array_equal(d.ppf(U[:1000]), d.ppf(U)[:1000])


@pytest.mark.parametrize("dist,frozen", [
    (Uniform(low=2, high=5), stats.uniform(2, 3)),
    (Triangular(low=1, mode=2, high=6), stats.triang((2 - 1) / 5, loc=1, scale=5)),
    (Normal(mean=3, sd=2), stats.norm(3, 2)),
    (Lognormal(median=12, sigma=0.6), stats.lognorm(0.6, scale=12)),
])
def test_quantiles_and_means(dist: object, frozen: object) -> None:
    np.testing.assert_allclose(dist.ppf(U), frozen.ppf(U), rtol=1e-9)  # type: ignore[attr-defined]
    assert dist.mean == pytest.approx(frozen.mean())  # type: ignore[attr-defined]


def test_truncated_normal_stays_in_bounds() -> None:
    d = Normal(mean=0.3, sd=0.25, low=0, high=1.5)
    x = d.ppf(U)
    assert x.min() >= 0 and x.max() <= 1.5
    assert x.mean() == pytest.approx(d.mean, abs=4 * x.std() / np.sqrt(U.size))


def test_discrete_and_fixed() -> None:
    d = Discrete(values=[1, 2, 3], weights=[1, 1, 2])
    x = d.ppf(U)
    assert set(np.unique(x)) == {1.0, 2.0, 3.0}
    assert x.mean() == pytest.approx(d.mean, abs=0.01)
    assert np.all(Fixed(value=4).ppf(U[:10]) == 4)


@pytest.mark.parametrize("bad", [{"dist": "uniform", "low": 2, "high": 1},
                                 {"dist": "triangular", "low": 0, "mode": 3, "high": 2},
                                 {"dist": "beta", "a": 0, "b": 1},
                                 {"dist": "discrete", "values": [1], "weights": [1, 2]}])
def test_impossible_distributions_are_rejected(bad: dict) -> None:
    from pydantic import TypeAdapter, ValidationError

    from guaranty.distributions import Distribution

    with pytest.raises(ValidationError):
        TypeAdapter(Distribution).validate_python(bad)

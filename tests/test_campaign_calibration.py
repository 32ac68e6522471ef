"""The campaign model's attacker-success curve sits inside the CDB90 fit's confidence band."""

from __future__ import annotations

import numpy as np
import pytest

from guaranty.calibration.cdb90 import fit_success_curve, lanchester_effectiveness
from guaranty.models.campaign import attacker_success
from guaranty.params import default_registry

RATIOS = np.array([0.33, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0])


def _registry_effectiveness() -> tuple[float, float]:
    registry = default_registry()
    return (registry["campaign.effectiveness_mean"].distribution.mean,
            registry["campaign.effectiveness_sd"].distribution.mean)


def test_registry_holds_the_fitted_effectiveness() -> None:
    m, s = lanchester_effectiveness(fit_success_curve(link="probit"))
    registered = _registry_effectiveness()
    assert registered == pytest.approx((m, s), abs=1e-3)
    assert default_registry()["campaign.effectiveness_mean"].sample_size == 614


def test_model_curve_inside_the_logit_band() -> None:
    """The campaign model's curve against an independent (logit) fit of the same battles."""
    m, s = _registry_effectiveness()
    model = attacker_success(np.log(RATIOS), np.full(RATIOS.size, m), np.full(RATIOS.size, s))
    lo, hi = fit_success_curve(link="logit").band(RATIOS, level=0.95)
    assert np.all((model >= lo) & (model <= hi)), (model, lo, hi)


def test_stochastic_lanchester_battles_reproduce_the_curve() -> None:
    """Fight many square-law battles with sampled relative effectiveness: the share the
    attacker wins lies in the data's band, within Monte Carlo error."""
    m, s = _registry_effectiveness()
    rng = np.random.default_rng(20251127)
    battles = 200_000
    lo, hi = fit_success_curve(link="logit").band(RATIOS, level=0.95)
    for ratio, low, high in zip(RATIOS, lo, hi, strict=True):
        z = rng.normal(m, s, size=battles)
        attacker, defender = ratio, 1.0
        wins = np.exp(z) * attacker**2 > defender**2
        share = wins.mean()
        mc = 4 * np.sqrt(share * (1 - share) / battles)
        assert low - mc <= share <= high + mc, (ratio, share, low, high)


def test_curve_is_increasing_and_flat_as_the_data_say() -> None:
    m, s = _registry_effectiveness()
    curve = attacker_success(np.log(RATIOS), np.full(RATIOS.size, m), np.full(RATIOS.size, s))
    assert np.all(np.diff(curve) > 0)
    assert curve[RATIOS == 1.0][0] == pytest.approx(0.60, abs=0.01)  # CDB90: 60 % at parity
    assert curve[RATIOS == 5.0][0] == pytest.approx(0.765, abs=0.01)

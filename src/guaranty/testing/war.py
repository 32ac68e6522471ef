"""The war model (guaranty.models.campaign.war) with central coefficients, one world: for tests
and examples of the campaign and the decision."""

from __future__ import annotations

import numpy as np

from guaranty.models import campaign

CENTRAL = dict(
    reference_ratio=1.66, prepared_defence=1.0, breakthrough_rate=0.01,
    breakthrough_exponent=2.5, casualties_per_defender=0.035, loss_exponent=1.0,
    casualties_per_km2=102.0, cost_exponent=0.5, exchange_ratio=2.2, exchange_exponent=1.0,
    mobile_casualties_per_defender=0.16, mobile_exchange_ratio=3.7,
    culmination_share=0.3, duration_months=12.0, mobile_months=2.0, breakthrough_share=0.25,
    territory_km2=480_000.0)


def coefficients(**changes: float) -> campaign.WarCoefficients:
    values = {**CENTRAL, **changes}
    return campaign.WarCoefficients(**{k: np.array([v]) for k, v in values.items()})


def fight(ln_ratio: float, *, attackers: float = 650_000.0, defenders: float = 880_000.0,
          recruitment: float = 35_000.0, **changes: float) -> campaign.War:
    return campaign.war(np.array([ln_ratio]), aggressor_personnel=np.array([attackers]),
                        defender_personnel=np.array([defenders]),
                        recruitment=np.array([recruitment]), c=coefficients(**changes))

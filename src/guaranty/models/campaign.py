r"""The war if it comes: a campaign of attritional months with a chance of operational breakthrough.

One model of the war serves both the aggressor's decision (what it expects, at the ratio it
perceives) and the outcomes (what happens, at the battle ratio): :func:`war`.

**Effective ratio.** Let :math:`R` be the battle force ratio (aggressor over defender combat
power, surprise, air and allied terms included; :mod:`guaranty.models.forces`) and
:math:`\pi` the defender's prepared defences relative to the front of 2023–25 (fortified
lines, mines, a drone-saturated kill zone 20–30 km deep; 1 = as then, below 1 = an
unprepared line as in February 2022). The campaign reads

.. math:: x = \ln \frac{R}{R_{ref}} - \ln \pi

with :math:`R_{ref}` the model's own battle ratio in the 2023–25 war (fitted on the replay,
:mod:`guaranty.calibration.war`), so :math:`x = 0` is that war's balance.

**Breakthrough.** While the offensive lasts the line breaks at a monthly rate
:math:`\lambda = \lambda_{ref}\,e^{\kappa x}` (no operational breakthrough in 2023–25 sets
:math:`\lambda_{ref}`; the southern collapse within days in February 2022 sets :math:`\kappa`).
Over :math:`D` months of offensive (below) the line breaks with probability
:math:`p_b = 1 - e^{-\lambda D}`, after :math:`H = E[\min(\tau, D)] = p_b/\lambda` months of
offensive on average.

**Attrition.** While the line holds the aggressor loses, each month, casualties in proportion
to the defender's army (Lanchester's square law: the attacker's losses are set by the
defender's fire), :math:`C = \theta N_d\, e^{-\delta x}`; it takes ground at the price of
:math:`q = q_{ref}\, e^{-(\delta + \gamma) x}` casualties per km², a pace
:math:`g = C/q \propto e^{\gamma x}` (:math:`\gamma \ge 0`: a stronger attacker is not slower);
and it inflicts
:math:`C/E` casualties on the defender, :math:`E = E_{ref}\, e^{-\epsilon x}` the exchange
ratio. At :math:`x = 0` these are the record of 2024: about 1,000 Russian casualties a day,
102 per km² taken, an exchange ratio of 2.0–2.4 (PARAMETERS.md §2).

**Manpower and endurance.** The offensive lasts while the aggressor can feed it: losing
:math:`C` a month and recruiting :math:`r`, it culminates once it has lost the share
:math:`u` of its force :math:`N_a` (Powell's 0.65–0.73 of the initial army, via Turchin;
PARAMETERS.md §2b), after :math:`M = u N_a / (C - r)^+` months (a smooth positive part).
The months of offensive are the smooth minimum of the war's political duration :math:`D_0`
and that endurance, :math:`D = D_0 M / (D_0 + M)`, so manpower and recruitment drive how long
the offensive can go on and how likely the line is to break.

**What a war brings.** Ground :math:`\min(T,\; g D + p_b\, b\, T)` (attrition over the
offensive, and the share :math:`b` of the territory lost in a breakthrough); months of war
:math:`W = H + (1 - p_b)(D_0 - D) + p_b m_x` (a line that holds faces positional war until the
war's political end; :math:`m_x` months of mobile war follow a breakthrough); aggressor
casualties the smooth minimum of :math:`C W` and :math:`u N_a + r W` (once culminated, the
aggressor loses no more than recruitment replaces), defender casualties those over
:math:`E`. Every term
is smooth in :math:`x`, and a stronger defender (lower :math:`x`) never raises the chance of
a breakthrough or the ground lost, and never lowers the aggressor's casualties: the decision,
which weighs the same war at the ratio it perceives, has no cusp.

The battle-level CDB90 curve (:func:`attacker_success`, fitted on 614 battles) stays as the
historical weak prior on how steeply success rises with the ratio; a campaign of many battles
is steeper than one battle, which the 2022 replay bears out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

Array = NDArray[np.floating[Any]]


def attacker_success(ln_ratio: Array, mean: Array, sd: Array) -> Array:
    """:math:`\\Phi((2\\ln R + m)/s)`: the probability that the attacker prevails."""
    out: Array = ndtr((2.0 * ln_ratio + mean) / np.maximum(sd, 1e-12))
    return out


@dataclass(frozen=True)
class WarCoefficients:
    """Per-world coefficients of :func:`war` (arrays of shape (n,))."""

    reference_ratio: Array  # R_ref, the battle ratio of 2023-25
    prepared_defence: Array  # pi, relative to the front of 2023-25
    breakthrough_rate: Array  # lambda_ref, per month at x = 0
    breakthrough_exponent: Array  # kappa
    casualties_per_defender: Array  # theta, aggressor casualties a month per defender soldier
    loss_exponent: Array  # delta
    casualties_per_km2: Array  # q_ref
    cost_exponent: Array  # gamma >= 0: the pace's elasticity, q ~ exp(-(delta + gamma) x)
    exchange_ratio: Array  # E_ref, aggressor per defender casualty at x = 0
    exchange_exponent: Array  # epsilon
    culmination_share: Array  # u
    duration_months: Array  # D_0, the political duration of a war
    mobile_months: Array  # m_x, months of mobile war after a breakthrough
    breakthrough_share: Array  # b, share of the territory lost in a breakthrough
    territory_km2: Array  # T


@dataclass(frozen=True)
class War:
    """What a war begun now would bring, per world (arrays of shape (n,))."""

    p_breakthrough: Array
    offensive_months: Array  # H = E[min(tau, D)], months of offensive before a breakthrough
    months: Array  # expected months of war
    endurance_months: Array  # D, months of offensive the aggressor can sustain
    rate: Array  # lambda, monthly breakthrough rate
    pace_km2: Array  # g, attritional km2 a month
    monthly_casualties: Array  # C, aggressor casualties a month
    casualties_per_km2: Array  # q
    exchange_ratio: Array  # E
    ground_km2: Array
    aggressor_casualties: Array
    defender_casualties: Array


def _smooth_positive(z: Array, scale: Array) -> Array:
    """A smooth positive part of ``z``: (z + sqrt(z^2 + s^2)) / 2, in a form that does not
    cancel when z is large and negative."""
    root = np.sqrt(z * z + scale * scale)
    out: Array = np.where(z > 0, 0.5 * (z + root), 0.5 * scale * scale / (root - z))
    return out


def war(ln_ratio: Array, *, aggressor_personnel: Array, defender_personnel: Array,
        recruitment: Array, c: WarCoefficients) -> War:
    """The campaign at the log battle ratio ``ln_ratio`` (module docstring)."""
    x = ln_ratio - np.log(c.reference_ratio) - np.log(c.prepared_defence)
    monthly = c.casualties_per_defender * defender_personnel * np.exp(-c.loss_exponent * x)
    endurance = c.culmination_share * aggressor_personnel / _smooth_positive(
        monthly - recruitment, 0.05 * monthly + 1.0)
    window = c.duration_months * endurance / np.maximum(c.duration_months + endurance, 1e-9)
    rate = c.breakthrough_rate * np.exp(c.breakthrough_exponent * x)
    p_break = -np.expm1(-rate * window)
    offensive = p_break / np.maximum(rate, 1e-30)  # E[min(tau, window)]
    per_km2 = c.casualties_per_km2 * np.exp(-(c.loss_exponent + c.cost_exponent) * x)
    pace = monthly / per_km2
    months = (offensive + (1.0 - p_break) * (c.duration_months - window)
              + p_break * c.mobile_months)
    ground = np.minimum(c.territory_km2,
                        pace * window + p_break * c.breakthrough_share * c.territory_km2)
    exchange = c.exchange_ratio * np.exp(-c.exchange_exponent * x)
    # Losses stop growing once the offensive has culminated: at most the share u of the force
    # plus what recruitment replaces over the war (a smooth minimum of the two).
    fought = monthly * months
    bound = c.culmination_share * aggressor_personnel + recruitment * months
    aggressor = fought * bound / np.maximum(fought + bound, 1e-9)
    return War(p_break, offensive, months, window, rate, pace, monthly, per_km2, exchange,
               ground, aggressor, aggressor / exchange)

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
defender's fire), :math:`C = \theta N_d\, e^{-\delta x}` on a prepared line (below, the
mobile war); it takes ground at the price of
:math:`q = q_{ref}\, e^{-(\delta + \gamma) x}` casualties per km², a pace
:math:`g = C/q \propto e^{\gamma x}` (:math:`\gamma \ge 0`: a stronger attacker is not slower);
and it inflicts
:math:`C/E` casualties on the defender, :math:`E = E_{ref}\, e^{-\epsilon x}` the exchange
ratio. (CDB90's battles give both elasticities the other sign,
:func:`guaranty.calibration.cdb90.casualty_elasticities`; ``docs/models/campaign.md`` says why
they are not adopted.) At :math:`x = 0` these are the record of 2024: about 1,000 Russian
casualties a day, 102 per km² taken, an exchange ratio of 2.0–2.4 (PARAMETERS.md §2).

**Mobile war.** After a breakthrough the war moves for :math:`m_x` months, and on the share
:math:`o = (1 - \pi)^+` of the front without a prepared line it moves from the first day.
A month of mobile war costs the aggressor :math:`C_m = \theta_m N_d` whatever the ratio (the
square law's rate, set by the defender's forces) and the defender :math:`C_m/E_m`: the
opening of 2022 gives :math:`\theta_m` 0.115–0.203 (3–6 times :math:`\theta`) and
:math:`E_m` 2.0–5.4. CDB90's battles make a fast advance no dearer a battle-day for the
attacker (:func:`guaranty.calibration.cdb90.advance_casualty_rates`), so the premium is the
mobile war's tempo. While the line holds the aggressor loses
:math:`C_h = (1 - o)\,C + o\,C_m` a month and the defender :math:`(1 - o)\,C/E + o\,C_m/E_m`
(:math:`C_h = C` on a line like 2023–25's). The mobile war after a breakthrough costs
:math:`P = C_h m_x + \mathrm{smin}((C_m - C_h)^+ m_x,\; C_h (D_0 - D))`: its months at the
holding rate and the premium, held by a smooth minimum
(:math:`\mathrm{smin}(a, b) = ab/(a^4 + b^4)^{1/4}`) below what the war's months after the
offensive window would cost at the holding rate, so that the premium never makes a
breakthrough dearer for the aggressor than holding.

**Equipment in the war: losses, capture, resupply.** The balance moves once the war begins.
Each month the defender loses the share :math:`\ell` of its ground weapons (tanks, armoured
vehicles, artillery: destroyed, damaged, abandoned or captured, Oryx's record of 2022–25) and
receives what its supply chain delivers in a month of war, :math:`I`, so that a ground-weapon
stock follows

.. math:: S(t) = S(0)\,e^{-\ell t} + I\,\frac{1 - e^{-\ell t}}{\ell},

tending to :math:`I/\ell`, the level at which deliveries replace losses. The engine reads the
defender's combat power at those stocks at a few months of war (:data:`PATH_MONTHS`), giving
:math:`m(t) = P(S(t))/P(S(0))` (:class:`Equipment`; linear between those months, flat after
the last). Its own forces are the share :math:`s` of the defender's side of the ratio (allied
troops and surges do not wear), so the ratio follows
:math:`R(t)/R(0) = 1 / (1 + s\,(m(t) - 1))`. The breakthrough rate follows the ratio,
:math:`\lambda(t) = \lambda\,(R(t)/R(0))^{\kappa}`, and over the :math:`D` months of
offensive the line breaks with probability :math:`p_b = 1 - \exp(-\int_0^D \lambda(t)\,dt)`
(eight-point Gauss–Legendre). Deliveries are scaled by :math:`1/A_{ref}`, the ratio of
deliveries to losses in the 2023–25 war itself (:math:`I/(\ell S)` at the forces and supply of
the 2025 cease-fire, fitted like :math:`R_{ref}`), so that at the record's supply the path is
flat. A defender with more of anything has more power at every month of the war, so it never
breaks sooner. A package that keeps weapons flowing in a war holds the balance; one whose
deliveries fall below the record's loses it month by month (Miron's first obstacle: delivered
arms lost or captured). Captured weapons are counted in the defender's losses; what the
aggressor makes of them is left out (Oryx does not record it). The pace and the casualties
stay at the war's opening balance.

**Allies in the attrition.** The attrition's :math:`N_d` counts the defender's whole side:
allied troops and the guarantors' surges fight too. With :math:`s` the defender's own share of
its side's combat power (above), they are counted as soldiers at the defender's own power per
soldier, :math:`N_d / s` (without allies :math:`s = 1`: the replays and the record's level are
unchanged). So a package that adds allied forces lowers :math:`x` and raises the defenders the
aggressor meets: more defenders, more losses.

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
casualties the smooth minimum of :math:`F = C_h (W - p_b m_x) + p_b P` and
:math:`u N_a + r W` (once culminated, the aggressor loses no more than recruitment replaces),
defender casualties the same share of the held months' losses over their exchange and of the
pursuit's over :math:`E_m`. Every term
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

from guaranty.models._arrays import row_sum

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
    mobile_casualties_per_defender: Array  # theta_m, a month of mobile war per defender soldier
    mobile_exchange_ratio: Array  # E_m, aggressor per defender casualty in mobile war
    culmination_share: Array  # u
    duration_months: Array  # D_0, the political duration of a war
    mobile_months: Array  # m_x, months of mobile war after a breakthrough
    breakthrough_share: Array  # b, share of the territory lost in a breakthrough
    territory_km2: Array  # T


MIN_OWN_SHARE = 1e-3
"""Floor of the defender's own share of its side, where attrition counts its soldiers."""

PATH_MONTHS = (0.0, 3.0, 6.0, 12.0, 24.0, 48.0)
"""Months of war at which the engine reads the defender's power on its equipment path."""


@dataclass(frozen=True)
class Equipment:
    """The defender's power over a war as it loses and receives ground weapons.

    ``path``: shape (len(PATH_MONTHS), n), :math:`m(t) = P(S(t))/P(S(0))` at
    :data:`PATH_MONTHS` (the first row 1). ``own_share``: shape (n,), the share of the
    defender's side of the force ratio that its own forces make (the rest, allied troops and
    surges, does not wear).
    """

    path: Array
    own_share: Array


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)


def equipment_path(t: Array, equipment: Equipment) -> Array:
    """:math:`m(t)`, linear between :data:`PATH_MONTHS` and flat after the last; ``t`` has
    shape (k, n) or broadcasts to it."""
    grid = np.asarray(PATH_MONTHS, dtype=equipment.path.dtype)
    t = np.clip(t, grid[0], grid[-1])
    # The segment of each t: the number of inner grid points at or below it (the same index
    # as searchsorted(grid, t, "right") clipped to 1..len-1, without a binary search per
    # element over a grid of six).
    lower = np.zeros(t.shape, dtype=np.intp)
    for point in grid[1:-1]:
        lower += t >= point
    lo, hi = grid[lower], grid[lower + 1]
    path = equipment.path
    n = path.shape[1]
    flat = path.ravel()
    index = lower * n + np.arange(n)  # row `lower`, column of the world, in the flat path
    m0, m1 = flat.take(index), flat.take(index + n)
    out: Array = m0 + (t - lo) / (hi - lo) * (m1 - m0)
    return out


def mean_rate_factor(window: Array, equipment: Equipment, kappa: Array) -> Array:
    r"""Mean of :math:`(R(t)/R(0))^{\kappa}` over :math:`[0, D]`: the breakthrough rate's
    multiplier over the offensive (eight-point Gauss–Legendre)."""
    dtype = np.result_type(window, equipment.path, kappa)
    nodes, weights = _NODES.astype(dtype), _WEIGHTS.astype(dtype)
    t = np.broadcast_to(0.5 * window * (nodes[:, None] + 1.0),
                        (len(nodes), equipment.path.shape[1]))
    defender = 1.0 + equipment.own_share * (equipment_path(t, equipment) - 1.0)
    factor = np.maximum(defender, 1e-6) ** (-kappa)
    out: Array = 0.5 * row_sum(weights[:, None] * factor)  # the same bits for any n
    return out


@dataclass(frozen=True)
class War:
    """What a war begun now would bring, per world (arrays of shape (n,))."""

    p_breakthrough: Array
    offensive_months: Array  # H = E[min(tau, D)], months of offensive before a breakthrough
    months: Array  # expected months of war
    endurance_months: Array  # D, months of offensive the aggressor can sustain
    rate: Array  # lambda, monthly breakthrough rate
    pace_km2: Array  # g, attritional km2 a month
    monthly_casualties: Array  # C_h, aggressor casualties a month while the line holds
    casualties_per_km2: Array  # q
    exchange_ratio: Array  # E_h, the exchange while the line holds
    mobile_casualties: Array  # C_m, aggressor casualties a month of mobile war
    mobile_exchange_ratio: Array  # E_m
    ground_km2: Array
    aggressor_casualties: Array
    defender_casualties: Array


def _smooth_positive(z: Array, scale: Array) -> Array:
    """A smooth positive part of ``z``: (z + sqrt(z^2 + s^2)) / 2, in a form that does not
    cancel when z is large and negative."""
    root = np.sqrt(z * z + scale * scale)
    out: Array = np.where(z > 0, 0.5 * (z + root), 0.5 * scale * scale / (root - z))
    return out


def _smooth_min(a: Array, b: Array) -> Array:
    """A smooth minimum of two non-negative arrays, :math:`ab/(a^4 + b^4)^{1/4}`: below both,
    within 16 % of the smaller at equality and within 2 % once one is twice the other,
    increasing in each."""
    top = np.maximum(np.maximum(a, b), 1e-30)
    out: Array = a * b / top / (1.0 + (np.minimum(a, b) / top) ** 4) ** 0.25
    return out


def war(ln_ratio: Array, *, aggressor_personnel: Array, defender_personnel: Array,
        recruitment: Array, c: WarCoefficients, equipment: Equipment | None = None) -> War:
    """The campaign at the log battle ratio ``ln_ratio`` (module docstring); with
    ``equipment``, the ratio drifts with losses, capture and resupply over the offensive."""
    x = ln_ratio - np.log(c.reference_ratio) - np.log(c.prepared_defence)
    defenders = defender_personnel
    if equipment is not None:  # allied troops and surges fight too, at the defender's power
        defenders = defender_personnel / np.maximum(equipment.own_share, MIN_OWN_SHARE)
    positional = c.casualties_per_defender * defenders * np.exp(-c.loss_exponent * x)
    mobile = c.mobile_casualties_per_defender * defenders
    # The share of the front without a prepared line fights a mobile war from the first day.
    open_share = np.clip(1.0 - c.prepared_defence, 0.0, 1.0)
    monthly = positional + open_share * (mobile - positional)
    endurance = c.culmination_share * aggressor_personnel / _smooth_positive(
        monthly - recruitment, 0.05 * monthly + 1.0)
    window = c.duration_months * endurance / np.maximum(c.duration_months + endurance, 1e-9)
    rate = c.breakthrough_rate * np.exp(c.breakthrough_exponent * x)
    if equipment is not None:  # the rate follows the ratio as equipment is lost and resupplied
        rate = rate * mean_rate_factor(window, equipment, c.breakthrough_exponent)
    p_break = -np.expm1(-rate * window)
    offensive = p_break / np.maximum(rate, 1e-30)  # E[min(tau, window)], at the mean rate
    per_km2 = c.casualties_per_km2 * np.exp(-(c.loss_exponent + c.cost_exponent) * x)
    pace = positional / per_km2
    moving = p_break * c.mobile_months  # expected months of mobile war after a breakthrough
    held = offensive + (1.0 - p_break) * (c.duration_months - window)
    months = held + moving
    ground = np.minimum(c.territory_km2,
                        pace * window + p_break * c.breakthrough_share * c.territory_km2)
    exchange = c.exchange_ratio * np.exp(-c.exchange_exponent * x)
    # The defender's losses a month while its line holds: the prepared share of the front at
    # the exchange E, the open share at the mobile war's E_m.
    held_defender = ((1.0 - open_share) * positional / exchange
                     + open_share * mobile / c.mobile_exchange_ratio)
    # The mobile war after a breakthrough costs its months at the holding rate C_h and the
    # mobile war's premium, (C_m - C_h)+ m_x, held below what the war's months after the
    # offensive window would have cost at the holding rate, C_h (D_0 - D) (a smooth minimum):
    # a breakthrough never makes the war dearer for the aggressor than holding would, since
    # the aggressor that has broken through can dig in on what it took.
    pursuit = monthly * c.mobile_months + _smooth_min(
        np.maximum(mobile - monthly, 0.0) * c.mobile_months,
        monthly * np.maximum(c.duration_months - window, 0.0))
    # Losses stop growing once the offensive has culminated: at most the share u of the force
    # plus what recruitment replaces over the war (a smooth minimum of the two).
    fought = monthly * held + pursuit * p_break
    bound = c.culmination_share * aggressor_personnel + recruitment * months
    kept = bound / np.maximum(fought + bound, 1e-9)  # the smooth minimum is fought * kept
    defender = kept * (held_defender * held + pursuit / c.mobile_exchange_ratio * p_break)
    return War(p_break, offensive, months, window, rate, pace, monthly, per_km2,
               monthly / np.maximum(held_defender, 1e-30), mobile, c.mobile_exchange_ratio,
               ground, fought * kept, defender)

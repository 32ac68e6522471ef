r"""The campaign after an attack: who prevails, ground lost, losses — a stochastic Lanchester model.

Under Lanchester's square law a force of power :math:`A` defeats one of power :math:`D` when
:math:`E_A A^2 > E_D D^2`. Battles differ in relative effectiveness (terrain, surprise,
leadership), so write :math:`z = \ln(E_A/E_D) \sim \mathcal N(m, s^2)` across battles. The
attacker then prevails with probability

.. math:: \Pr(\text{attacker prevails} \mid R) = \Phi\Big(\frac{2 \ln R + m}{s}\Big),
          \qquad R = \frac{A\,\sigma}{D\,f}

a probit curve in :math:`\ln R`. Its two parameters are fitted by maximum likelihood to the
614 decided battles of the CAA Database of Battles 1600–1973 (CDB90;
:mod:`guaranty.calibration.cdb90`), giving :math:`m \approx 1.72`, :math:`s \approx 6.83`: the
attacker wins 60 % of battles at parity and 76 % at 5:1 — force ratio matters less than the
3:1 rule of thumb suggests (Mearsheimer 1989; Epstein 1989). :math:`\sigma \ge 1` is the
surprise multiplier of an attack that meets an unprepared defender, :math:`f` the defender's
force-to-space factor (:func:`guaranty.models.forces.space_factor`).

**Ground.** A defender that holds still gives ground at the attritional pace of 2024–25
(259–730 km² a month, ISW/DeepState, PARAMETERS.md §2), scaled by :math:`R` (that pace was
set near parity, an assumption); one that breaks loses a share :math:`b` of its territory:

.. math:: G = \Pr(\text{hold})\,\min(T, g R \,d) + \Pr(\text{break})\, b\, T

with :math:`d` the war's duration in months and :math:`T` the defender's territory.

**Losses.** The aggressor loses a share :math:`\ell` of its personnel a month (about 1,000 a
day against 600–700k troops in 2025: UK MoD, Syrskyi), the defender that figure divided by the
casualty exchange ratio (2.0–2.4, CSIS 2025).

**Expected loss of a successful attack** (used by the aggressor's decision): winning a
square-law fight costs the attacker the share :math:`1 - \sqrt{1 - 1/R^2}` of its force
(everything when :math:`R \le 1`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

Array = NDArray[np.floating[Any]]


def attacker_success(ln_ratio: Array, mean: Array, sd: Array) -> Array:
    """:math:`\\Phi((2\\ln R + m)/s)`: the probability that the attacker prevails."""
    out: Array = ndtr((2.0 * ln_ratio + mean) / np.maximum(sd, 1e-12))
    return out


def square_law_loss(ln_ratio: Array) -> Array:
    """Share of the attacker's force spent to win a square-law fight, in [0, 1]."""
    inv_r2 = np.exp(-2.0 * ln_ratio)
    out: Array = 1.0 - np.sqrt(np.maximum(0.0, 1.0 - inv_r2))
    return out


def ground_lost(
    p_hold: Array,
    ratio: Array,
    *,
    territory_km2: Array,
    hold_rate_km2: Array,
    duration_months: Array,
    breakthrough_share: Array,
) -> Array:
    """Expected ground lost in km², shape (n,)."""
    attritional = np.minimum(territory_km2, hold_rate_km2 * ratio * duration_months)
    out: Array = p_hold * attritional + (1.0 - p_hold) * breakthrough_share * territory_km2
    return out


def casualties(
    aggressor_personnel: Array,
    *,
    share_per_month: Array,
    duration_months: Array,
    exchange_ratio: Array,
) -> tuple[Array, Array]:
    """(aggressor, defender) casualties over the war, persons."""
    aggressor = aggressor_personnel * share_per_month * duration_months
    return aggressor, aggressor / np.maximum(exchange_ratio, 1e-9)

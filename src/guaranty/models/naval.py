r"""Naval defence of shipping: sea-denial power, the chance of a blockade, exports lost.

**Sea-denial power** is a weighted count of the defender's means of holding the aggressor's fleet
away from the shipping lanes (the source article's list: anti-ship missiles, naval drones, patrol
boats, aerial surveillance), in naval-drone equivalents:

.. math:: Q = w_M M + w_U U + w_B B + w_P P

with :math:`M` anti-ship missiles (Neptune/Harpoon-class rounds at hand), :math:`U` naval drones
(Magura V5-class: ~1 t, 200–320 kg warhead, ~800 km range; PARAMETERS.md §6, C), :math:`B`
patrol boats and :math:`P` patrol aircraft. A naval drone is the unit (:math:`w_U = 1`); the
other weights are assumptions (see the registry). Patrol aircraft weigh most per unit because
they find the targets the missiles and drones strike.

**Blockade.** The probability that the aggressor can close the shipping lanes is a logistic curve
in the log ratio of denial power to the aggressor's blockading fleet :math:`F` (missile-armed
surface ships, submarines and missile boats), with steepness :math:`k` and :math:`c` the denial
power per warship that gives even odds:

.. math:: p_{\text{blockade}} = \frac{1}{1 + \big(Q / (cF)\big)^k}

— decreasing in :math:`Q`, increasing in :math:`F`, 1 when :math:`Q = 0 < F` and 0 with no fleet.

**Calibration (two historical points, stocks of the defender assumed).**

*2022.* Russia closed Ukraine's ports from February until the Black Sea Grain Initiative of
July 2022 (which then moved ~33 Mt in a year; PARAMETERS.md §6). The Black Sea Fleet still held
its ~30 blockading units (the 15 left in March 2024 plus the ~14 high-value units hit, §6), and
Ukraine had only coastal anti-ship missiles and few boats and aircraft: taking :math:`M = 20`,
:math:`U = 0`, :math:`B = 5`, :math:`P = 2` (an assumption) gives :math:`Q \approx 45` at the
middle weights, so the blockade should be likely: :math:`Q/(cF) = 1.5/c`.

*2023–24.* After about a third of its ~80 units were destroyed, the fleet was down to
10 missile carriers, 3 submarines and 2 missile boats, :math:`F = 15` (Ukrainian Navy, March
2024, party-reported, C). Ukraine's corridor, open from 10 August 2023, carried more than 500
ships and ~28 Mt to 38 countries in seven months — 4.8 Mt in December 2023 alone, more than the
Grain Initiative's monthly average (Kubrakov; Reuters; §6, C): the blockade had failed. Taking
:math:`M = 40`, :math:`U = 100`, :math:`B = 10`, :math:`P = 5` (an assumption) gives
:math:`Q \approx 195`, so :math:`Q/(cF) = 13/c`.

At the middle weights, every corner of :math:`c \in [2, 4]` and :math:`k \in [1.5, 3]` gives
:math:`p_{2022} \ge 0.6` and :math:`p_{2023\text{–}24} \le 0.15` (pinned by the tests): those are
the defaults. Port strikes by drones and missiles (>880 drones and >170 missiles against
Odesa-region ports to March 2024, cutting port capacity by 40 % in 2023, §6) are not a blockade;
they belong to air defence (:mod:`guaranty.models.air_defence`).

**Exports lost** to a blockade: :math:`x = s\,p_{\text{blockade}}` with :math:`s` the share of
exports that go by sea (an assumption: PARAMETERS.md has no figure). Rerouting by rail, road and
the Danube is left out, so :math:`x` is an upper bound.

**Month by month** (:func:`sea_month`, inside the chain's step): a package's corridor
protection (escort warships, mine countermeasures, aircraft covering the corridor) adds to
:math:`Q`, and so do the allied aircraft that would fight in a war begun this month. A closed
sea is one of the aggressor's coercive gains, :math:`g_B\,\hat p_{blockade}` added to its
value of attacking, and lost exports sap the defender's war effort: its power in the force
ratio is scaled by :math:`1 - d\,x` (:func:`sustainment`).

All functions are pure, vectorised over worlds and keep the floating dtype of their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from guaranty.models._arrays import Array, Value, as_floats


class SeaDenialWeights(NamedTuple):
    """Naval-drone equivalents per unit of each means of sea denial (``naval.weight_*``)."""

    anti_ship_missile: Value
    naval_drone: Value
    patrol_boat: Value
    patrol_aircraft: Value




def sea_denial_power(
    anti_ship_missiles: Value,
    naval_drones: Value,
    patrol_boats: Value,
    patrol_aircraft: Value,
    *,
    weights: SeaDenialWeights | tuple[Value, Value, Value, Value],
) -> Array:
    """Sea-denial power :math:`Q` in naval-drone equivalents.

    Parameters
    ----------
    anti_ship_missiles, naval_drones, patrol_boats, patrol_aircraft : array
        Counts the defender holds (missiles and drones in stock; boats and aircraft in service).
    weights : SeaDenialWeights
        Naval-drone equivalents per unit, in that order; each >= 0.

    Returns
    -------
    array
        :math:`w_M M + w_U U + w_B B + w_P P`, non-decreasing in every count.
    """
    m, u, b, p, wm, wu, wb, wp = as_floats(anti_ship_missiles, naval_drones, patrol_boats,
                                         patrol_aircraft, *weights)
    out: Array = wm * m + wu * u + wb * b + wp * p
    return out


def blockade_probability(aggressor_fleet: Value, denial_power: Value, *, k: Value,
                         c: Value) -> Array:
    """Probability that the aggressor can close the shipping lanes, in [0, 1].

    Parameters
    ----------
    aggressor_fleet : array
        Blockading warships: missile-armed surface ships, submarines, missile boats.
    denial_power : array
        Sea-denial power :math:`Q` (:func:`sea_denial_power`).
    k : array
        Steepness of the logistic in the log ratio (``naval.blockade_steepness``), > 0.
    c : array
        Denial power per warship at which the odds are even (``naval.denial_per_warship``), > 0.

    Returns
    -------
    array
        :math:`1 / (1 + (Q/(cF))^k)`; 0 when the aggressor has no fleet.
    """
    fleet, q, kk, cc = as_floats(aggressor_fleet, denial_power, k, c)
    scale = cc * fleet
    with np.errstate(over="ignore"):
        ratio = q / np.maximum(scale, np.finfo(scale.dtype).tiny)
        p = 1.0 / (1.0 + ratio**kk)
    out: Array = np.where(fleet > 0, p, 0.0).astype(p.dtype, copy=False)
    return out


def exports_lost_share(blockade: Value, *, sea_share: Value) -> Array:
    """Expected share of the defender's exports lost to a blockade: :math:`s\\,p_{blockade}`.

    Parameters
    ----------
    blockade : array
        Blockade probability (:func:`blockade_probability`).
    sea_share : array
        Share of exports that go by sea (``naval.sea_export_share``), in [0, 1].

    Returns
    -------
    array
        In [0, ``sea_share``]; an upper bound, since rerouting overland is left out.
    """
    p, s = as_floats(blockade, sea_share)
    out: Array = s * p
    return out


# --- the blockade month by month: protection, the aggressor's option, the war economy ---------
CORRIDOR_ASSETS = ("escorts", "mine_countermeasures", "air_cover")
"""A package's protection of the shipping corridor, beside the defender's own means: allied
escort warships, mine-countermeasure vessels and aircraft assigned to cover the corridor."""


@dataclass(frozen=True)
class SeaInputs:
    """Per-world constants of the sea war, arrays of shape (n,)."""

    power: Array  # Q_0: own means plus the package's corridor protection, drone-equivalents
    fleet: Array  # F: blockading warships
    steepness: Array  # k
    per_warship: Array  # c
    sea_share: Array  # s: share of exports by sea
    air_weight: Array  # w_A: drone-equivalents per allied aircraft over the corridor
    gain: Array  # g_B: the aggressor's value of a closed sea (gain of victory = 1)
    dependence: Array  # d: share of war-fighting power lost with all exports


class SeaMonth(NamedTuple):
    """The sea war this month, as the aggressor expects it and as it would happen."""

    perceived_blockade: Array
    blockade: Array
    exports_lost: Array  # share of exports lost in a war begun now
    value: Array  # g_B x the perceived blockade: added to the value of attacking
    perceived_sustain: Array  # 1 - d x perceived exports lost
    sustain: Array  # 1 - d x exports lost


def sustainment(exports_lost: Value, *, dependence: Value) -> Array:
    r"""Share of its war-fighting power the defender sustains with exports lost, :math:`1-dx`.

    A blockade cuts the export earnings and the imports that keep a war economy going; with
    :math:`d` the share of power lost were all exports lost, power is scaled by
    :math:`1 - d\,x`, in [1 - d, 1].
    """
    x, d = as_floats(exports_lost, dependence)
    out: Array = 1.0 - np.clip(d, 0.0, 1.0) * np.clip(x, 0.0, 1.0)
    return out


def sea_month(inputs: SeaInputs, perceived_air: Array, actual_air: Array) -> SeaMonth:
    r"""This month's blockade, exports lost, the aggressor's value of the sea and sustainment.

    Sea-denial power over the corridor is the month's :math:`Q_t = Q_0 + w_A A_t`, with
    :math:`A_t` the allied aircraft that would fight this month (as the aggressor expects
    them, and as they would come: :mod:`guaranty.models.response`), so a guarantor's air
    cover and its arrival move the blockade month by month. The aggressor adds
    :math:`g_B\,\hat p_{blockade}` to its value of attacking (a closed sea is one of its
    coercive gains) and both sides' force ratio scales by the defender's sustainment
    :func:`sustainment`.
    """
    seen = blockade_probability(inputs.fleet, inputs.power + inputs.air_weight * perceived_air,
                                k=inputs.steepness, c=inputs.per_warship)
    real = blockade_probability(inputs.fleet, inputs.power + inputs.air_weight * actual_air,
                                k=inputs.steepness, c=inputs.per_warship)
    seen_lost = exports_lost_share(seen, sea_share=inputs.sea_share)
    lost = exports_lost_share(real, sea_share=inputs.sea_share)
    return SeaMonth(seen, real, lost, inputs.gain * seen,
                    sustainment(seen_lost, dependence=inputs.dependence),
                    sustainment(lost, dependence=inputs.dependence))

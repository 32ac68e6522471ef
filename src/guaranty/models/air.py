r"""Air defence: allied aircraft, the defender's fighters and GBAD, air superiority, leakage.

**Aircraft that count.** An allied aircraft helps only when it is serviceable and when its sortie
reaches the defended area. With :math:`n` aircraft deployed, availability :math:`a` and basing
factor :math:`b`:

.. math:: n_{\text{eff}} = n\,a\,b

Availability comes from mission-capable rates: F-35 51 %, F-22 40 %, Polish F-16 ~70 % (CSIS
as reported by Ł. Michalik, PARAMETERS.md §5, C-secondary). CSIS's minimum of **24 aircraft on
call** needs **48 deployed at 50 % readiness**: ``effective_aircraft(48, 0.5, 1.0) == 24``. The
source article's "40–160 modern aircraft" (attributed to CSIS, not confirmed: U) and the Sky
Shield proposal's 120 fighters (*Guardian*, Mar 2025, C) are counts :math:`n` of the same kind.

**Basing (a transit-time model).** An aircraft with mission endurance :math:`E` hours and transit
speed :math:`v` has a combat radius :math:`R = vE/2` with no time on station. Based
:math:`d` km from the defended area it spends :math:`E - 2d/v = E(1 - d/R)` hours there, so the
share of its in-country time on station is

.. math:: b = \operatorname{clip}\big(1 - d/R,\ 0,\ 1\big)

— 1 in-country (:math:`d = 0`), 0 at or beyond the combat radius. Aircraft stationed in Poland
(28-point plan) or Romania (F-35s, source article) enter through :math:`d`. Tankers, which
stretch :math:`R`, enter through the radius.

**Denial of air superiority.** Defending air power is the allied effective aircraft :math:`A`,
the defender's own fighters :math:`F` and its ground-based air defence :math:`G` (long-range SAM
batteries) counted as :math:`w_G` aircraft each; the aggressor brings :math:`X` aircraft. The
probability that the aggressor is denied air superiority is a logistic curve in the log ratio of
defending to attacking air power, with steepness :math:`k`:

.. math:: D = A + F + w_G G, \qquad
          p_{\text{deny}} = \frac{1}{1 + \exp\big(-k \ln(D/X)\big)} = \frac{1}{1 + (X/D)^k}

It is :math:`1/2` at parity, rises with every defending term and falls with :math:`X`; with no
allied aircraft it still rests on the defender's own fighters and GBAD (Russia has not won air
superiority over Ukraine since 2022 against Ukrainian GBAD and fighters alone). With :math:`X = 0`
it is 1 (nothing contests the sky); with :math:`D = 0 < X` it is 0. :math:`k = 1/2` is roughly the
slope in :math:`\ln R` of the land-battle probit fitted to CDB90
(:mod:`guaranty.models.campaign`: :math:`0.29 \times 1.7`), :math:`k = 2` the odds of a square-law
fight :math:`D^2 : X^2`; larger :math:`k` makes numbers decisive.

**Ground effect.** Denial removes the part :math:`s` of the aggressor's ground effectiveness that
depends on air superiority (close air support, glide bombs released over contested ground):

.. math:: g = 1 - s\,p_{\text{deny}}

**Leakage of missiles and drones.** A month brings :math:`S` threats; the defender fires
:math:`m` interceptors at each threat it engages (a doctrine of :math:`m \ge 2` per ballistic
missile is widely assumed but unconfirmed: PARAMETERS.md §5 and §13, U), each killing with
probability :math:`p`. With :math:`I` interceptors it can engage the share
:math:`e = \min(1, I/(mS))` of the threats, so the share not intercepted is

.. math:: L = 1 - e\,\big(1 - (1 - p)^m\big)

non-increasing in :math:`I`. Defaults come from the 2025 interception rates (Ukrainian Air Force
via AFP/ABC/FT, belligerent-reported, PARAMETERS.md §5): drones ~81–87 %, missiles ~64–68 %,
ballistic missiles 6–42 %. Reading each rate as the engagement kill probability
:math:`1 - (1-p)^m` gives :math:`p = 1 - (1 - \text{rate})^{1/m}`: drones 0.81–0.87 at
:math:`m = 1`; cruise missiles 0.40–0.43 and ballistic missiles 0.03–0.24 at :math:`m = 2`.
Those rates were measured while Ukraine rationed interceptors, so they understate :math:`p`.

**Flying cost.** :math:`C = n \cdot h \cdot c_h` USD a year for :math:`n` aircraft flying
:math:`h` hours each at :math:`c_h` per hour: F-35A ~$36k/h ($6.8M per aircraft-year over
187 h, D from GAO-24-106703; press ~$33k); Gripen $4,700, F-16 Block 40/50 $7,000,
Typhoon ~$18,000, Rafale $16,500 (2012 USD, IHS Jane's white paper for Saab, C, Saab-commissioned).

All functions are pure, vectorised over worlds (arrays of shape ``(n,)``, or anything that
broadcasts) and keep the floating dtype of their inputs.
"""

from __future__ import annotations

import numpy as np

from guaranty.models._arrays import Array, Value, as_floats


def _tiny(x: Array) -> float:
    """The smallest positive normal number of ``x``'s dtype: a floor for divisors."""
    return float(np.finfo(x.dtype).tiny)


def basing_factor(distance_km: Value, *, combat_radius_km: Value) -> Array:
    """Share of an aircraft's in-country time on station when based ``distance_km`` away.

    Parameters
    ----------
    distance_km : array
        Distance from the air base to the defended area, km; 0 for a base in the defended area.
    combat_radius_km : array
        Combat radius with no time on station, km (``air.combat_radius_km``).

    Returns
    -------
    array
        :math:`\\operatorname{clip}(1 - d/R, 0, 1)`, in [0, 1], non-increasing in distance.
    """
    distance, radius = as_floats(distance_km, combat_radius_km)
    out: Array = np.clip(1.0 - distance / np.maximum(radius, _tiny(radius)), 0.0, 1.0)
    return out


def effective_aircraft(count: Value, availability: Value, basing: Value) -> Array:
    """Aircraft over the defended area at any time: :math:`n\\,a\\,b`.

    Parameters
    ----------
    count : array
        Aircraft deployed.
    availability : array
        Share that is mission-capable (``air.availability``), in [0, 1].
    basing : array
        Basing factor from :func:`basing_factor`, in [0, 1].

    Returns
    -------
    array
        Effective aircraft; 48 deployed at 0.5 availability in-country give CSIS's 24 on call.
    """
    n, a, b = as_floats(count, availability, basing)
    out: Array = n * a * b
    return out


def ground_effect(denial: Value, *, air_share: Value) -> Array:
    """Multiplier on the aggressor's ground effectiveness: :math:`1 - s\\,p_{deny}`.

    Parameters
    ----------
    denial : array
        Probability that air superiority is denied (:func:`air_denial`).
    air_share : array
        Share of the aggressor's ground effectiveness that rests on air superiority
        (``air.ground_air_share``, an assumption), in [0, 1].

    Returns
    -------
    array
        In [1 - s, 1]; 1 when the aggressor keeps air superiority.
    """
    s, p = as_floats(air_share, denial)
    out: Array = 1.0 - s * p
    return out


def flying_cost_usd(count: Value, hours_per_year: Value, cost_per_hour: Value) -> Array:
    """Yearly flying cost of a fleet in USD: :math:`n\\,h\\,c_h`.

    Parameters
    ----------
    count : array
        Aircraft deployed.
    hours_per_year : array
        Flying hours per aircraft a year (``air.flying_hours_per_year``).
    cost_per_hour : array
        Cost per flying hour, USD (``air.cost_per_flight_hour_<type>``).

    Returns
    -------
    array
        USD a year.
    """
    n, h, c = as_floats(count, hours_per_year, cost_per_hour)
    out: Array = n * h * c
    return out

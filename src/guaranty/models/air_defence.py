r"""Layered air defence: leakage of missiles and drones, a protected zone, air denial.

Three kinds of threat arrive each month of a war — ballistic missiles (Iskander-M, KN-23,
Kinzhal), cruise missiles (Kh-101, Kalibr, Kh-59/69) and one-way attack drones (Shahed/Geran
and their decoys) — in monthly salvos :math:`S_t`. In 2025 Russia fired 2,560 to 6,245 drones
and 61 to 198 missiles a month (Ukrainian Air Force via CCD and AFP, belligerent-reported;
PARAMETERS.md §5). The missiles are split into ballistic and cruise by a share
(:func:`split_missiles`, ``air_defence.ballistic_share``).

**Layers.** The threats pass the defender's layers in a fixed order, cheapest first, so that
scarce interceptors meet only what the cheap layers let through:

1. ``allied`` — allied aircraft, only over the protected zone (Sky Shield: 120 European
   fighters over Kyiv, the west, three nuclear plants, Odesa and Lviv; *Guardian*, Mar 2025);
2. ``fighter`` — the defender's own fighters (F-16, Mirage 2000, MiG-29, Su-27);
3. ``short_range`` — mobile fire groups, Gepard guns, MANPADS, interceptor drones, EW;
4. ``medium_range`` — NASAMS, IRIS-T SLM and the remaining Soviet-era S-300/Buk;
5. ``long_range`` — Patriot and SAMP/T, the only layer that engages ballistic missiles.

Which layer engages which threat is doctrine, fixed in :data:`ENGAGES`: aircraft, guns and
medium-range SAMs engage cruise missiles and drones; the long-range layer engages ballistic and
cruise missiles and leaves drones to the cheap layers.

**One layer.** A layer of :math:`n` systems (batteries, fire units, mobile groups, aircraft)
has an engagement capacity :math:`C = n\,c` threats a month (:math:`c` engagements per system)
and :math:`R` interceptors for the month (infinite where they do not bind: guns, cannon,
interceptor drones, aircraft). Each system defends a share :math:`a` of the targets, and the
systems are spread over distinct targets, so the layer covers

.. math:: \kappa = \min(1,\ n\,a).

It engages threats in order of danger — ballistic, then cruise, then drones — and keeps a
reserve of capacity and interceptors for *all* the month's threats of a higher priority that
reach it, wherever they fall (the defender cannot know which city the next Iskander will hit;
Ukraine held its Patriot interceptors back for ballistic missiles). With :math:`S_u` threats of
kind :math:`u` reaching the layer and :math:`m_u` interceptors fired at each, the capacity and
interceptors left for kind :math:`t` are

.. math:: A_t = \max\Big(0,\ \min\big(C - \sum_{u \prec t} S_u,\
          (R - \sum_{u \prec t} m_u S_u)/m_t\big)\Big),

sums over the kinds the layer engages with a higher priority. The layer engages the share

.. math:: f_t = \min\big(\kappa,\ A_t / S_t\big)

of the kind-:math:`t` threats reaching it (:math:`f_t = \kappa` when none arrive), and kills an
engaged threat with probability :math:`P_t = 1 - (1 - p_t)^{m_t}` from the single-shot kill
probability :math:`p_t`. The threats that pass on are :math:`S_t\,(1 - f_t P_t)`.

**Leakage.** The share of kind-:math:`t` threats that pass every layer is the product over the
layers that engage it,

.. math:: L_t = \prod_{\ell} \big(1 - f_{\ell,t}\,P_{\ell,t}\big),

where each :math:`f_{\ell,t}` is computed on what the layers before :math:`\ell` let through.
Every :math:`f` is non-decreasing in the layer's systems, engagements, coverage and
interceptors and non-increasing in the threats reaching it; each layer passes on a number of
threats that is non-decreasing in the numbers reaching it. So :math:`L_t` is non-increasing in
every defence input (systems, engagements, coverage, interceptors, kill probabilities) and
non-decreasing in every salvo — exactly, also in float32, because the code uses only operations
that are monotone in floating point (sums, differences, products, quotients, minima). The
interceptor reserve is what makes this hold: were lower priorities given what the higher ones
actually used, more coverage against ballistic missiles would take Patriot interceptors away
from cruise missiles.

**Protected zone.** Allied aircraft protect only a zone holding a share :math:`z` of the
targets (``air_defence.zone_share``). The defender's layers are spread over targets evenly, so
the zone receives :math:`z S_t` threats and a share :math:`z` of each layer's capacity and
interceptors, at the same coverage; the allied aircraft (capacity :math:`n_A c_A`, coverage
:math:`\min(1, n_A a_A)` of the zone) meet these threats first. Leakage into the zone,
:math:`L^{in}_t`, is then at most the leakage outside it, :math:`L^{out}_t` (which is that of
the defender's layers alone), and falls with every allied aircraft.

**Threats leaking.** Over the whole country the leakage per kind is
:math:`L_t = z L^{in}_t + (1 - z) L^{out}_t` (:func:`country_leakage`), and :math:`S_t L_t`
threats of kind :math:`t` reach their targets a month (:func:`threats_leaking`): the engine
reports the missiles (ballistic and cruise), the drones and all strikes (the three together).
Drones are most of them by count; aircraft do not engage ballistic missiles, so they move the
drones and the strikes more than the missiles.

**Damage to protected infrastructure.** The threats reaching the zone a month,
:math:`H = \sum_t z S_t L^{in}_t`, and a damage index in Shahed-equivalents,
:math:`\sum_t w_t\, z S_t L^{in}_t`, with a Shahed's warhead (~50–60 kg: CNN, Deutschlandfunk)
the unit and :math:`w_t` a missile's weight in drones (``air_defence.damage_weight.<kind>``).

**Air denial.** The defender denies the aggressor air superiority when its fighters, allied
aircraft and the threat its SAMs pose to aircraft outweigh the aggressor's combat aircraft
:math:`X`. Each SAM system counts as :math:`w_\ell` aircraft (``air_defence.aircraft_equivalent
.<layer>``), in the ratio of the areas the layers deny to aircraft (engagement ranges of roughly
100, 40 and 5 km against aircraft give 6.25 : 1 : 1/64), with the scale fitted to the record:

.. math:: D = F + A + \sum_\ell w_\ell\, n_\ell, \qquad
          p_{\text{deny}} = \frac{1}{1 + (X/D)^k},

a logistic in :math:`\ln(D/X)` with steepness :math:`k` (``air.denial_steepness``), smooth in
every input. Russia has not won air superiority over Ukraine in four campaign years
(2022–25) against mostly ground-based defences (the registry note on ``air.gbad_weight``).
Laplace's rule of succession over those four years gives :math:`(4+1)/(4+2) = 5/6`; counted as
one war, :math:`2/3`. The target is :math:`p_{\text{deny}} \in [0.75, 0.92]` with 2025
Ukrainian forces and no allied aircraft at the parameters' means (about 5/6), and above 1/2
over the parameters' ranges.

Calibration against the 2025 record (drones 81–87 %, missiles 64–68 %, ballistic missiles
6–42 % intercepted) is :mod:`guaranty.calibration.air_defence`, which holds the 2025 inputs
with their sources and builds the layers from the registry's ``air_defence.*`` parameters;
``docs/models/air_defence.md`` has the table.

All functions are pure, vectorised over worlds (arrays of shape ``(n,)``, or anything that
broadcasts) and keep the floating dtype of their inputs (float32 stays float32).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from guaranty.models._arrays import Array, Value

__all__ = [
    "ENGAGES",
    "LAYERS",
    "THREATS",
    "Layer",
    "Threats",
    "air_denial",
    "country_leakage",
    "damage_index",
    "engaged_shares",
    "interception_rates",
    "layered_leakage",
    "missile_interception_rate",
    "split_missiles",
    "threats_leaking",
    "threats_reaching_zone",
    "zone_leakage",
]

THREATS = ("ballistic", "cruise", "drone")
"""The kinds of threat, in order of priority (a layer engages the first kind first)."""

LAYERS = ("allied", "fighter", "short_range", "medium_range", "long_range")
"""The layers, in the order threats meet them (cheapest first)."""

ENGAGES: Mapping[str, tuple[bool, bool, bool]] = MappingProxyType({
    # (ballistic, cruise, drone)
    "allied": (False, True, True),
    "fighter": (False, True, True),
    "short_range": (False, True, True),
    "medium_range": (False, True, True),
    "long_range": (True, True, False),
})
"""Which kinds each layer engages: doctrine, not a parameter (only Patriot/SAMP-T class
interceptors stop ballistic missiles; they are not spent on drones)."""


class Threats(NamedTuple):
    """One array over worlds per kind of threat."""

    ballistic: Array
    cruise: Array
    drone: Array


@dataclass(frozen=True)
class Layer:
    """One layer of air defence for a month, its numbers arrays over worlds (or scalars).

    Attributes
    ----------
    name : str
        One of :data:`LAYERS` (for messages and the default :attr:`engages`).
    systems : array
        Systems in the layer: batteries, fire units, mobile groups, aircraft on station.
    engagements_per_system : array
        Threats one system can engage in a month (``air_defence.engagements_per_system.<layer>``).
    coverage_per_system : array
        Share of the defended targets one system covers
        (``air_defence.coverage_per_system.<layer>``); the layer covers ``min(1, n a)``.
    kill : tuple of three arrays
        Single-shot kill probability per kind (ballistic, cruise, drone); ignored for the kinds
        the layer does not engage.
    shots : tuple of three arrays
        Interceptors fired per engaged threat, per kind (``air.shots_per_<kind>``).
    interceptors : array
        Interceptors available for the month; ``inf`` where they do not bind.
    engages : tuple of three bools, optional
        Which kinds the layer engages; defaults to ``ENGAGES[name]``.
    kill_engaged : tuple of three arrays, optional
        :math:`1 - (1 - p)^m` per kind, when the caller has computed it once (per-world
        constants: the engine does so once per chunk, :func:`with_kill_engaged`).
    """

    name: str
    systems: Value
    engagements_per_system: Value
    coverage_per_system: Value
    kill: tuple[Value, Value, Value]
    shots: tuple[Value, Value, Value] = (1.0, 1.0, 1.0)
    interceptors: Value = math.inf
    engages: tuple[bool, bool, bool] | None = None
    kill_engaged: tuple[Value, Value, Value] | None = None  # 1 - (1 - p)^m, when precomputed

    def engaged_kinds(self) -> tuple[bool, bool, bool]:
        """Which kinds the layer engages."""
        if self.engages is not None:
            return self.engages
        try:
            return ENGAGES[self.name]
        except KeyError:
            raise ValueError(f"unknown air-defence layer {self.name!r}: give `engages` or one "
                             f"of {', '.join(LAYERS)}") from None


def _values(layer: Layer) -> list[Value]:
    return [layer.systems, layer.engagements_per_system, layer.coverage_per_system,
            *layer.kill, *layer.shots, layer.interceptors]


def _dtype(*values: Value) -> np.dtype[np.floating]:
    """The common floating dtype of the inputs (Python numbers are weak, as in NumPy)."""
    dtype = np.result_type(*values)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    return dtype


def _ratio(num: Array, den: Array) -> Array:
    """``num / den`` where ``den > 0``, else ``inf`` (no threats: nothing binds)."""
    shape = np.broadcast_shapes(num.shape, den.shape)
    out = np.full(shape, np.inf, dtype=np.result_type(num, den))
    with np.errstate(over="ignore"):  # a huge ratio is as good as inf here
        np.divide(num, den, out=out, where=den > 0)
    return out


def _kill_per_engagement(p: Array, m: Array) -> Array:
    """:math:`1 - (1 - p)^m`: the chance that an engaged threat is destroyed."""
    out: Array = 1.0 - (1.0 - p) ** m
    return out


def with_kill_engaged(layer: Layer) -> Layer:
    """The layer with :math:`1 - (1 - p)^m` computed once (the same numbers as computing it
    at every pass)."""
    dtype = _dtype(*_values(layer))
    kills = tuple(_kill_per_engagement(np.asarray(p, dtype=dtype), np.asarray(m, dtype=dtype))
                  for p, m in zip(layer.kill, layer.shots, strict=True))
    return replace(layer, kill_engaged=(kills[0], kills[1], kills[2]))


def engaged_shares(arriving: Sequence[Value], layer: Layer) -> Threats:
    r"""Share of each kind of threat reaching ``layer`` that it engages, :math:`f_t`.

    Parameters
    ----------
    arriving : three arrays
        Threats reaching the layer this month: ballistic, cruise, drones.
    layer : Layer
        The layer.

    Returns
    -------
    Threats
        :math:`f_t = \min(\kappa, A_t / S_t)` per kind (0 for kinds the layer does not engage),
        in [0, 1]: non-decreasing in the layer's systems, engagements, coverage and
        interceptors, non-increasing in the threats reaching it.
    """
    dtype = _dtype(*arriving, *_values(layer))
    s = [np.asarray(v, dtype=dtype) for v in arriving]
    n, c, a, r = (np.asarray(v, dtype=dtype) for v in (
        layer.systems, layer.engagements_per_system, layer.coverage_per_system,
        layer.interceptors))
    m = [np.asarray(v, dtype=dtype) for v in layer.shots]
    cover = np.minimum(n * a, 1.0)
    capacity = n * c
    used_c = np.zeros((), dtype=dtype)  # engagements reserved for higher priorities
    used_r = np.zeros((), dtype=dtype)  # interceptors reserved for higher priorities
    shares: list[Array] = []
    for kind, engaged in enumerate(layer.engaged_kinds()):
        if not engaged:
            shares.append(np.zeros(np.broadcast_shapes(s[kind].shape, cover.shape),
                                   dtype=dtype))
            continue
        left = np.maximum(np.minimum(capacity - used_c, (r - used_r) / m[kind]), 0.0)
        share: Array = np.minimum(cover, _ratio(left, s[kind]))
        shares.append(share)
        used_c = used_c + s[kind]
        used_r = used_r + m[kind] * s[kind]
    return Threats(*shares)


def _pass(arriving: Sequence[Value], layer: Layer) -> tuple[Threats, Threats]:
    """(threats passing the layer, the layer's leakage factor per kind)."""
    dtype = _dtype(*arriving, *_values(layer))
    f = engaged_shares(arriving, layer)
    factors = []
    survivors = []
    for kind in range(3):
        if layer.kill_engaged is not None:
            kill = np.asarray(layer.kill_engaged[kind], dtype=dtype)
        else:
            kill = _kill_per_engagement(np.asarray(layer.kill[kind], dtype=dtype),
                                        np.asarray(layer.shots[kind], dtype=dtype))
        factor: Array = 1.0 - f[kind] * kill
        factors.append(factor)
        survivors.append(np.asarray(arriving[kind], dtype=dtype) * factor)
    return Threats(*survivors), Threats(*factors)


def layered_leakage(salvo: Sequence[Value], layers: Sequence[Layer]) -> Threats:
    r"""Share of each kind of threat that passes every layer, :math:`L_t`, in [0, 1].

    Parameters
    ----------
    salvo : three arrays
        Threats fired in the month: ballistic missiles, cruise missiles, drones.
    layers : sequence of Layer
        The layers, in the order threats meet them (see :data:`LAYERS`).

    Returns
    -------
    Threats
        :math:`L_t = \prod_\ell (1 - f_{\ell,t} P_{\ell,t})`: non-increasing in every defence
        input, non-decreasing in every salvo. With no layers, 1.
    """
    dtype = _dtype(*salvo, *(v for layer in layers for v in _values(layer)))
    arriving: Sequence[Array] = [np.asarray(v, dtype=dtype) for v in salvo]
    leak = [np.ones_like(v) for v in arriving]
    for layer in layers:
        arriving, factors = _pass(arriving, layer)
        leak = [total * factor for total, factor in zip(leak, factors, strict=True)]
    return Threats(*leak)


def _scale(z: Value, v: Value) -> Value:
    """``z * v``, keeping infinities infinite (``0 * inf`` would be nan) and Python numbers
    weak (a float32 ``z`` stays float32)."""
    if isinstance(v, int | float):
        return v if math.isinf(v) else z * v
    arr = np.asarray(v)
    out: Array = np.where(np.isinf(arr), arr, np.asarray(z) * arr)
    return out


def zone_leakage(
    salvo: Sequence[Value],
    layers: Sequence[Layer],
    allied: Layer | None,
    *,
    zone_share: Value,
) -> tuple[Threats, Threats]:
    r"""Leakage into the zone protected by allied aircraft, and outside it.

    Parameters
    ----------
    salvo : three arrays
        Threats fired in the month at the whole country: ballistic, cruise, drones.
    layers : sequence of Layer
        The defender's own layers (without the allied aircraft), in order.
    allied : Layer or None
        The allied aircraft over the zone (:func:`allied_layer_from_parameters`); their
        coverage is of the zone's targets. ``None`` for none.
    zone_share : array
        Share of the targets inside the zone, :math:`z` (``air_defence.zone_share``), in (0, 1].

    Returns
    -------
    (Threats, Threats)
        Leakage inside the zone :math:`L^{in}_t` and outside it :math:`L^{out}_t`. The zone gets
        :math:`z S_t` threats and a share :math:`z` of each layer's capacity and interceptors
        (same coverage), after the allied aircraft: :math:`L^{in}_t \le L^{out}_t`, and
        :math:`L^{in}_t` is non-increasing in the allied aircraft.
    """
    outside = layered_leakage(salvo, layers)
    zone_layers = [replace(layer,
                           engagements_per_system=_scale(zone_share,
                                                         layer.engagements_per_system),
                           interceptors=_scale(zone_share, layer.interceptors))
                   for layer in layers]
    if allied is not None:
        zone_layers.insert(0, allied)
    inside = layered_leakage([_scale(zone_share, s) for s in salvo], zone_layers)
    dtype = _dtype(*outside, *inside)
    return (Threats(*(np.asarray(v, dtype=dtype) for v in inside)),
            Threats(*(np.asarray(v, dtype=dtype) for v in outside)))


def country_leakage(inside: Threats, outside: Threats, *, zone_share: Value) -> Threats:
    """Leakage over the whole country: :math:`z L^{in}_t + (1 - z) L^{out}_t` per kind."""
    z = np.asarray(zone_share)
    return Threats(*(z * i + (1.0 - z) * o for i, o in zip(inside, outside, strict=True)))


def interception_rates(leak: Threats) -> Threats:
    """Share of each kind intercepted (shot down or suppressed): ``1 - leakage``."""
    return Threats(*(1.0 - v for v in leak))


def threats_leaking(salvo: Sequence[Value], leak: Threats) -> Threats:
    r"""Threats of each kind that pass every layer a month, :math:`S_t L_t`.

    With the country's leakage (:func:`country_leakage`) these are the missiles and drones
    that reach their targets anywhere in the country: non-increasing in every defence input,
    allied aircraft included.
    """
    return Threats(*(np.asarray(s, dtype=v.dtype) * v
                     for s, v in zip(salvo, leak, strict=True)))


def missile_interception_rate(salvo: Sequence[Value], leak: Threats) -> Array:
    """Share of all missiles (ballistic and cruise) intercepted, as the Air Force reports it.

    ``1 - (S_b L_b + S_c L_c) / (S_b + S_c)``; 1 - the mean of the two leakages when no
    missiles are fired.
    """
    sb, sc = (np.asarray(v, dtype=leak.ballistic.dtype) for v in salvo[:2])
    fired = sb + sc
    leaked = sb * leak.ballistic + sc * leak.cruise
    mean = 0.5 * (leak.ballistic + leak.cruise)
    out: Array = 1.0 - np.where(fired > 0, leaked / np.where(fired > 0, fired, 1.0), mean)
    return out


def split_missiles(missiles: Value, *, ballistic_share: Value) -> tuple[Array, Array]:
    """(ballistic, cruise) missiles from a monthly missile salvo and the ballistic share."""
    dtype = _dtype(missiles, ballistic_share)
    s, b = np.asarray(missiles, dtype=dtype), np.asarray(ballistic_share, dtype=dtype)
    ballistic: Array = s * b
    cruise: Array = s * (1.0 - b)
    return ballistic, cruise


def threats_reaching_zone(salvo: Sequence[Value], inside: Threats, *, zone_share: Value
                          ) -> Array:
    r"""Threats reaching the protected zone's infrastructure a month.

    :math:`\sum_t z S_t L^{in}_t`: non-increasing in every defence of the zone.
    """
    dtype = inside.drone.dtype
    z = np.asarray(zone_share, dtype=dtype)
    out: Array = sum((z * np.asarray(s, dtype=dtype) * leak
                      for s, leak in zip(salvo, inside, strict=True)),
                     start=np.zeros((), dtype=dtype))
    return out


def damage_index(
    salvo: Sequence[Value],
    inside: Threats,
    *,
    zone_share: Value,
    damage_weight: Sequence[Value],
) -> Array:
    r"""Damage to protected infrastructure a month, in Shahed-equivalents.

    :math:`\sum_t w_t\, z S_t L^{in}_t`, with ``damage_weight`` the weights :math:`w_t`
    (ballistic, cruise, drone; a drone is 1). Non-increasing in every defence of the zone,
    including allied aircraft.
    """
    dtype = _dtype(*inside, zone_share, *damage_weight)
    z = np.asarray(zone_share, dtype=dtype)
    out: Array = sum((np.asarray(w, dtype=dtype) * z * np.asarray(s, dtype=dtype) * leak
                      for s, leak, w in zip(salvo, inside, damage_weight, strict=True)),
                     start=np.zeros((), dtype=dtype))
    return out


def air_denial(
    fighters: Value,
    allied_aircraft: Value,
    long_range: Value,
    medium_range: Value,
    short_range: Value,
    aggressor_aircraft: Value,
    *,
    weight_long_range: Value,
    weight_medium_range: Value,
    weight_short_range: Value,
    k: Value,
) -> Array:
    r"""Probability that the defender denies the aggressor air superiority, in [0, 1].

    Parameters
    ----------
    fighters : array
        The defender's serviceable fighters.
    allied_aircraft : array
        Allied effective aircraft (:func:`guaranty.models.air.effective_aircraft`).
    long_range, medium_range, short_range : array
        SAM systems per layer: long-range batteries (Patriot/SAMP-T), medium-range fire units
        (NASAMS, IRIS-T, S-300/Buk), short-range groups (MANPADS, guns).
    aggressor_aircraft : array
        Combat aircraft the aggressor commits.
    weight_long_range, weight_medium_range, weight_short_range : array
        Aircraft-equivalents of one system of each layer
        (``air_defence.aircraft_equivalent.<layer>``).
    k : array
        Steepness of the logistic in the log ratio (``air.denial_steepness``), > 0.

    Returns
    -------
    array
        :math:`1 / (1 + (X/D)^k)`, :math:`D = F + A + \sum_\ell w_\ell n_\ell`: smooth,
        non-decreasing in every defending input, non-increasing in :math:`X`; 1/2 at parity,
        1 with no aggressor aircraft, 0 with no defence against some.
    """
    dtype = _dtype(fighters, allied_aircraft, long_range, medium_range, short_range,
                   aggressor_aircraft, weight_long_range, weight_medium_range,
                   weight_short_range, k)
    f, a, nl, nm, ns, x, wl, wm, ws, kk = (np.asarray(v, dtype=dtype) for v in (
        fighters, allied_aircraft, long_range, medium_range, short_range, aggressor_aircraft,
        weight_long_range, weight_medium_range, weight_short_range, k))
    defence = f + a + wl * nl + wm * nm + ws * ns
    tiny = float(np.finfo(dtype).tiny)
    with np.errstate(over="ignore"):
        ratio = x / np.maximum(defence, tiny)
        out: Array = 1.0 / (1.0 + ratio**kk)
    return out

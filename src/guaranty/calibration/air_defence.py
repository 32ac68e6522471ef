r"""Calibration of the layered air defence (:mod:`guaranty.models.air_defence`) against 2025.

The record
----------
The Ukrainian Air Force reports, month by month, the drones and missiles Russia fired and the
share it "shot down or suppressed" (belligerent-reported; PARAMETERS.md §5):

=================  ==========================  =========================================
kind               2025 record                 source
=================  ==========================  =========================================
drones             87 % (Sep), ~81 % (Dec)     AFP via Moscow Times 2025-10-01; ABC 2026-01-01
missiles (all)     68 % (Sep), ~64 % (Dec)     same
ballistic only     ~37–42 % (Aug) → 6 % (Sep)  FT (Centre for Information Resilience data)
                                               via vpk.name, hn.cz, news-pravda
=================  ==========================  =========================================

The salvos of those months were 5,638 drones and 185 missiles (Sep) and 5,131 drones and 176
missiles (Dec). :data:`RECORD_2025` holds the bands; :func:`calibration_table` runs the model at
Ukraine's 2025 order of battle (:data:`UKRAINE_2025`, sources in :data:`UKRAINE_2025_SOURCES`)
against each month and against the mean 2025 month, at the registry's means, and says whether
each modelled rate falls in its band. The registry's ``air_defence.*`` means were chosen jointly
for this; nothing is fitted at run time.

Air denial
----------
Russia has not won air superiority over Ukraine since 2022 (registry note on
``air.gbad_weight``). Four campaign years without it give, by Laplace's rule of succession,
:math:`(4 + 1)/(4 + 2) = 5/6`; one war counted once gives :math:`2/3`. :data:`DENIAL_TARGET`
is the band [0.75, 0.92] around 5/6 for :func:`air_denial_2025` at the registry's means with no
allied aircraft; over the parameters' ranges denial must stay above 1/2.

The registry names are read here, not in the model: :func:`layers_from_parameters` and
:func:`allied_layer_from_parameters` build the model's layers from sampled parameters (a
mapping of names to arrays), for the engine's input stage to reuse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from guaranty.models import air_defence as ad
from guaranty.models._arrays import Array, Value

__all__ = [
    "DENIAL_TARGET",
    "RECORD_2025",
    "SALVOS_2025",
    "UKRAINE_2025",
    "UKRAINE_2025_SOURCES",
    "DefenceInputs",
    "air_denial_2025",
    "allied_layer_from_parameters",
    "calibration_table",
    "interception_2025",
    "layers_from_parameters",
]

RECORD_2025: Mapping[str, tuple[float, float]] = {
    "drone": (0.81, 0.87),
    "missiles": (0.64, 0.68),
    "ballistic": (0.06, 0.42),
}
"""Interception rates of 2025 (low, high) by kind: drones, all missiles, ballistic missiles."""

SALVOS_2025: Mapping[str, tuple[float, float]] = {
    "2025-09": (5638.0, 185.0),
    "2025-12": (5131.0, 176.0),
    "2025 month": (5400.0, 180.0),
}
"""(drones, missiles) fired in the months of the record, and a typical 2025 month."""

DENIAL_TARGET = (0.75, 0.92)
"""Band for P(air superiority denied) with 2025 Ukrainian forces and no allied aircraft."""


@dataclass(frozen=True)
class DefenceInputs:
    """The defender's air-defence order of battle for a month and the aggressor's aircraft."""

    fighters: float
    short_range: float
    medium_range: float
    long_range: float
    medium_range_interceptors: float
    long_range_interceptors: float
    aggressor_aircraft: float


UKRAINE_2025 = DefenceInputs(
    fighters=90.0,
    short_range=860.0,
    medium_range=27.0,
    long_range=8.0,
    medium_range_interceptors=250.0,
    long_range_interceptors=40.0,
    aggressor_aircraft=400.0,
)
"""Ukraine's air defence in the second half of 2025, and Russia's combat aircraft."""

UKRAINE_2025_SOURCES: Mapping[str, str] = {
    "fighters": (
        "assumption: the built-in scenario's 90 (triangular 60-130; no inventory in the "
        "project's sources), after F-16 deliveries from Oct 2024 and Mirage 2000 from Feb 2025 "
        "(Ukrainian MoD via liga.net and euromaidanpress.com, 6 Feb 2025)"),
    "short_range": (
        "assumption: >60 Gepard (Ukraine's ambassador Makeyev, Jul 2025, via "
        "deutsch.news-pravda.com) plus ~800 mobile fire groups and interceptor-drone crews. "
        "No national count is public: 50 groups were planned for Lviv oblast alone (Sep 2023, "
        "closetheskyoverukraine.com) and 'thousands of servicemen' man them (Oleshchuk, Jun "
        "2024, global.espreso.tv), so ~35 in each of 24 oblasts"),
    "medium_range": (
        "D + assumption: 7 IRIS-T SLM from Germany by Jul 2025, the 8th under way (Makeyev, "
        "deutsch.news-pravda.com 2025-07-25); NASAMS 2 from the US (Oct 2022), 1 from Canada "
        "(Nov 2022), 2 from Norway (Mar 2023) (interfax.com.ua 896844; 24chasa.bg): 12 Western "
        "fire units; plus ~15 Soviet-era S-300/Buk battalions still firing (count not public: "
        "an assumption)"),
    "long_range": (
        "C: 8 Patriot systems in Ukraine of which 6 working (NYT, May 2025; PARAMETERS.md §5) "
        "and 2 SAMP/T (France/Italy 2023; Italy's second, Sep 2024, Crosetto via uawire.org, "
        "news.az): 8 working"),
    "medium_range_interceptors": (
        "assumption: ~250 a month (AMRAAM, IRIS-T, S-300/Buk missiles); not public. Enough to "
        "engage most cruise missiles that the cheap layers let through, few drones"),
    "long_range_interceptors": (
        "D + assumption: Ukraine fired 'potentially over 1,000' Patriot interceptors from Apr "
        "2023 to early 2026 (tectonicdefense.com, as in scenarios/ukraine-2025.yaml), ~30 a "
        "month, plus Aster for SAMP/T; Lockheed delivered 620 PAC-3 MSE in 2025 for 17 "
        "countries (Lockheed via dnyuz.com and gamereactor.eu, Jan 2026): 40 a month"),
    "aggressor_aircraft": (
        "assumption: the built-in scenario's 400 (triangular 300-500) Russian combat aircraft "
        "available for the theatre; no count in the project's sources"),
}
"""Where each number of :data:`UKRAINE_2025` comes from."""

_SHOTS = ("air.shots_per_ballistic", "air.shots_per_missile", "air.shots_per_drone")


def _layer(p: Mapping[str, Value], name: str, systems: Value, interceptors: Value
           ) -> ad.Layer:
    engages = ad.ENGAGES[name]
    kill = [p[f"air_defence.kill_probability.{kind}.{name}"] if on else 0.0
            for kind, on in zip(ad.THREATS, engages, strict=True)]
    shots = [p[key] for key in _SHOTS]
    return ad.Layer(name=name, systems=systems,
                    engagements_per_system=p[f"air_defence.engagements_per_system.{name}"],
                    coverage_per_system=p[f"air_defence.coverage_per_system.{name}"],
                    kill=(kill[0], kill[1], kill[2]), shots=(shots[0], shots[1], shots[2]),
                    interceptors=interceptors)


def layers_from_parameters(
    p: Mapping[str, Value],
    *,
    fighters: Value,
    short_range: Value,
    medium_range: Value,
    long_range: Value,
    medium_range_interceptors: Value,
    long_range_interceptors: Value,
) -> list[ad.Layer]:
    """The defender's own layers (fighter, short, medium, long range) from sampled parameters.

    ``p`` maps registry names (``air_defence.*`` and ``air.shots_per_*``) to arrays over
    worlds (or numbers); the keyword arguments are the month's systems and interceptors per
    layer. Fighters and the short-range layer are not limited by interceptors (guns, cannon,
    interceptor drones: ~1,000 produced a day by Jan 2026, more than there are crews,
    Zelensky via unn.ua and liga.net).
    """
    return [
        _layer(p, "fighter", fighters, math.inf),
        _layer(p, "short_range", short_range, math.inf),
        _layer(p, "medium_range", medium_range, medium_range_interceptors),
        _layer(p, "long_range", long_range, long_range_interceptors),
    ]


def allied_layer_from_parameters(p: Mapping[str, Value], aircraft: Value) -> ad.Layer:
    """The allied aircraft over the protected zone from sampled parameters.

    ``aircraft`` are effective aircraft on station (deployed x availability x basing,
    :func:`guaranty.models.air.effective_aircraft`).
    """
    return _layer(p, "allied", aircraft, math.inf)


def _means() -> dict[str, float]:
    from guaranty.params import default_registry

    return default_registry().means()


def interception_2025(
    p: Mapping[str, Value] | None = None,
    inputs: DefenceInputs = UKRAINE_2025,
    *,
    drones: Value = SALVOS_2025["2025 month"][0],
    missiles: Value = SALVOS_2025["2025 month"][1],
) -> dict[str, Array]:
    """Modelled interception rates at the 2025 inputs: ballistic, cruise, drone, missiles.

    ``p`` maps parameter names to values (default: the registry's means).
    """
    p = _means() if p is None else p
    layers = layers_from_parameters(
        p, fighters=inputs.fighters, short_range=inputs.short_range,
        medium_range=inputs.medium_range, long_range=inputs.long_range,
        medium_range_interceptors=inputs.medium_range_interceptors,
        long_range_interceptors=inputs.long_range_interceptors)
    ballistic, cruise = ad.split_missiles(missiles,
                                          ballistic_share=p["air_defence.ballistic_share"])
    salvo = (ballistic, cruise, drones)
    leak = ad.layered_leakage(salvo, layers)
    rates = ad.interception_rates(leak)
    return {"ballistic": rates.ballistic, "cruise": rates.cruise, "drone": rates.drone,
            "missiles": ad.missile_interception_rate(salvo, leak)}


def air_denial_2025(
    p: Mapping[str, Value] | None = None,
    inputs: DefenceInputs = UKRAINE_2025,
    *,
    allied_aircraft: Value = 0.0,
) -> Array:
    """P(air superiority denied) at the 2025 inputs (default: registry means, no allies)."""
    p = _means() if p is None else p
    return ad.air_denial(
        inputs.fighters, allied_aircraft, inputs.long_range, inputs.medium_range,
        inputs.short_range, inputs.aggressor_aircraft,
        weight_long_range=p["air_defence.aircraft_equivalent.long_range"],
        weight_medium_range=p["air_defence.aircraft_equivalent.medium_range"],
        weight_short_range=p["air_defence.aircraft_equivalent.short_range"],
        k=p["air.denial_steepness"])


def calibration_table(p: Mapping[str, Value] | None = None) -> list[dict[str, object]]:
    """Model against record: one row per month of :data:`SALVOS_2025` and kind of
    :data:`RECORD_2025` (``month``, ``kind``, ``model``, ``low``, ``high``, ``inside``), then
    one row for air denial (``kind`` = ``"air denial"``, band :data:`DENIAL_TARGET`)."""
    p = _means() if p is None else p
    rows: list[dict[str, object]] = []
    for month, (drones, missiles) in SALVOS_2025.items():
        rates = interception_2025(p, drones=drones, missiles=missiles)
        for kind, (low, high) in RECORD_2025.items():
            model = float(np.mean(rates[kind]))
            rows.append({"month": month, "kind": kind, "model": model, "low": low,
                         "high": high, "inside": low <= model <= high})
    denial = float(np.mean(air_denial_2025(p)))
    low, high = DENIAL_TARGET
    rows.append({"month": "2022-25", "kind": "air denial", "model": denial, "low": low,
                 "high": high, "inside": low <= denial <= high})
    return rows

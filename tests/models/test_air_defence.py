"""Layered air defence: known answers, the 2025 calibration, the protected zone, dtypes.

Monotonicity for any inputs is in ``tests/properties/test_air_defence_properties.py``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from guaranty.calibration import air_defence as cal
from guaranty.models import air
from guaranty.models import air_defence as ad
from guaranty.params import default_registry

F32 = np.float32
MEANS = default_registry().means()


def _one(name: str, *, n: float = 10.0, c: float = 100.0, a: float = 0.05,
         kill: tuple[float, float, float] = (0.5, 0.5, 0.5),
         shots: tuple[float, float, float] = (1.0, 1.0, 1.0), r: float = math.inf
         ) -> ad.Layer:
    return ad.Layer(name=name, systems=n, engagements_per_system=c, coverage_per_system=a,
                    kill=kill, shots=shots, interceptors=r)


def _ukraine(p: dict[str, float] = MEANS, inputs: cal.DefenceInputs = cal.UKRAINE_2025
             ) -> list[ad.Layer]:
    return cal.layers_from_parameters(
        p, fighters=inputs.fighters, short_range=inputs.short_range,
        medium_range=inputs.medium_range, long_range=inputs.long_range,
        medium_range_interceptors=inputs.medium_range_interceptors,
        long_range_interceptors=inputs.long_range_interceptors)


def _salvo(drones: float = 5400.0, missiles: float = 180.0) -> tuple[float, float, float]:
    b, c = ad.split_missiles(missiles, ballistic_share=MEANS["air_defence.ballistic_share"])
    return float(b), float(c), drones


# --- known answers -------------------------------------------------------------------------

def test_an_unconstrained_layer_leaks_one_minus_coverage_times_kill() -> None:
    # 10 systems covering 5 % each cover half the targets; capacity is ample.
    layer = _one("medium_range", kill=(0.0, 0.6, 0.8), shots=(1.0, 2.0, 1.0))
    leak = ad.layered_leakage((0.0, 10.0, 20.0), [layer])
    np.testing.assert_allclose(leak.cruise, 1 - 0.5 * (1 - 0.4**2))
    np.testing.assert_allclose(leak.drone, 1 - 0.5 * 0.8)
    assert leak.ballistic == 1.0  # a medium-range layer does not engage ballistic missiles


def test_capacity_goes_to_the_higher_priority_first() -> None:
    # 100 engagements a month, full coverage: 60 cruise missiles all engaged, 40 of 200 drones.
    layer = _one("short_range", n=10, c=10, a=0.1, kill=(0.0, 1.0, 1.0))
    f = ad.engaged_shares((0.0, 60.0, 200.0), layer)
    np.testing.assert_allclose([f.cruise, f.drone], [1.0, 0.2])


def test_interceptors_are_reserved_for_every_ballistic_missile() -> None:
    # 40 interceptors, 2 a missile, 54 ballistic missiles: 37 % of them engaged, coverage 40 %,
    # and nothing left for cruise missiles.
    layer = _one("long_range", n=8, c=30, a=0.05, kill=(0.35, 0.75, 0.0),
                 shots=(2.0, 2.0, 1.0), r=40.0)
    f = ad.engaged_shares((54.0, 126.0, 5400.0), layer)
    np.testing.assert_allclose(f.ballistic, 40 / 108)
    assert f.cruise == 0.0 and f.drone == 0.0
    # With interceptors for all of them, coverage binds, and the rest goes to cruise missiles.
    f = ad.engaged_shares((54.0, 126.0, 0.0), replace(layer, interceptors=200.0))
    np.testing.assert_allclose([f.ballistic, f.cruise], [0.4, (200 - 108) / 2 / 126])


def test_layers_multiply_and_order_matters_only_through_capacity() -> None:
    a = _one("fighter", kill=(0.0, 0.5, 0.5))
    b = _one("short_range", kill=(0.0, 0.2, 0.9))
    leak = ad.layered_leakage((0.0, 5.0, 5.0), [a, b])
    np.testing.assert_allclose(leak.drone, (1 - 0.5 * 0.5) * (1 - 0.5 * 0.9))
    swapped = ad.layered_leakage((0.0, 5.0, 5.0), [b, a])
    np.testing.assert_allclose(swapped.drone, leak.drone)


def test_no_threats_means_the_first_threat_meets_the_full_coverage() -> None:
    leak = ad.layered_leakage((0.0, 0.0, 0.0), [_one("short_range", c=0.0, kill=(0, 0.5, 0.5))])
    np.testing.assert_allclose(leak.drone, 0.75)
    assert ad.layered_leakage((1.0, 1.0, 1.0), []) == (1.0, 1.0, 1.0)


def test_an_unknown_layer_needs_its_engagements() -> None:
    with pytest.raises(ValueError, match="unknown air-defence layer"):
        ad.layered_leakage((1.0, 1.0, 1.0), [_one("laser")])
    layer = ad.Layer("laser", 1.0, 10.0, 1.0, kill=(1.0, 1.0, 1.0), engages=(True, False, False))
    assert ad.layered_leakage((1.0, 1.0, 1.0), [layer]) == (0.0, 1.0, 1.0)


def test_split_missiles_and_the_combined_missile_rate() -> None:
    b, c = ad.split_missiles(np.array([100.0, 0.0]), ballistic_share=0.3)
    np.testing.assert_allclose([b, c], [[30.0, 0.0], [70.0, 0.0]])
    leak = ad.Threats(np.array([0.8, 0.8]), np.array([0.1, 0.1]), np.array([0.2, 0.2]))
    rate = ad.missile_interception_rate((b, c, 0.0), leak)
    np.testing.assert_allclose(rate, [1 - (30 * 0.8 + 70 * 0.1) / 100, 1 - 0.45])


# --- the 2025 calibration ------------------------------------------------------------------

@pytest.mark.parametrize("month", list(cal.SALVOS_2025))
def test_the_2025_interception_rates_are_reproduced(month: str) -> None:
    drones, missiles = cal.SALVOS_2025[month]
    rates = cal.interception_2025(MEANS, drones=drones, missiles=missiles)
    for kind, (low, high) in cal.RECORD_2025.items():
        assert low <= float(rates[kind]) <= high, (month, kind, float(rates[kind]))
    # Cruise missiles are stopped more often than ballistic ones, as the record implies.
    assert rates["ballistic"] < rates["missiles"] < rates["cruise"]


def test_the_calibration_table_is_all_inside() -> None:
    rows = cal.calibration_table()
    assert len(rows) == 3 * len(cal.SALVOS_2025) + 1
    assert all(row["inside"] for row in rows), [r for r in rows if not r["inside"]]


def test_the_record_of_air_denial_holds() -> None:
    # 2025 Ukraine, no allied aircraft: about 5/6 at the means (Laplace over four years) ...
    low, high = cal.DENIAL_TARGET
    assert low <= float(cal.air_denial_2025()) <= high
    # ... and above 1/2 over the parameters' ranges.
    sample = default_registry().sample(7, 0, 4000)
    denial = cal.air_denial_2025(sample)
    assert denial.min() > 0.5 and 0.75 <= denial.mean() <= 0.9
    # The old Patriot-only form gave 8 % (model-validity review, V8); allied aircraft add.
    with_allies = cal.air_denial_2025(allied_aircraft=air.effective_aircraft(120, 0.5, 1.0))
    assert with_allies > cal.air_denial_2025()


def test_air_denial_is_the_logistic_in_the_log_ratio() -> None:
    kw = {"weight_long_range": 50.0, "weight_medium_range": 10.0, "weight_short_range": 0.1}
    got = ad.air_denial(100.0, 0.0, 1.0, 5.0, 0.0, 100.0, k=2.0, **kw)  # D = 200, X = 100
    np.testing.assert_allclose(got, 0.8)
    assert ad.air_denial(0.0, 0.0, 0.0, 0.0, 0.0, 10.0, k=2.0, **kw) == 0.0
    assert ad.air_denial(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, k=2.0, **kw) == 1.0
    assert ad.air_denial(10.0, 0.0, 0.0, 0.0, 0.0, 10.0, k=2.0, **kw) == 0.5


def test_more_patriots_and_interceptors_stop_more_ballistic_missiles() -> None:
    base = cal.interception_2025(MEANS)
    more = replace(cal.UKRAINE_2025, long_range=25.0, long_range_interceptors=150.0)
    better = cal.interception_2025(MEANS, more)
    assert better["ballistic"] > 2 * base["ballistic"]
    assert better["cruise"] > base["cruise"]
    # Patriots are not spent on drones.
    assert better["drone"] == pytest.approx(float(base["drone"]))


def test_more_drones_saturate_the_cheap_layers() -> None:
    low = cal.interception_2025(MEANS, drones=2560.0)
    high = cal.interception_2025(MEANS, drones=12000.0)
    assert high["drone"] < low["drone"] - 0.1


# --- the protected zone --------------------------------------------------------------------

def test_the_zone_without_allies_leaks_as_the_rest() -> None:
    inside, outside = ad.zone_leakage(_salvo(), _ukraine(), None, zone_share=0.4)
    for i, o in zip(inside, outside, strict=True):
        np.testing.assert_allclose(i, o, rtol=1e-6)


def test_sky_shield_protects_the_zone_and_only_the_zone() -> None:
    layers, salvo, z = _ukraine(), _salvo(), MEANS["air_defence.zone_share"]
    sky_shield = air.effective_aircraft(120.0, 0.5, 1.0)  # Guardian, Mar 2025; CSIS readiness
    allied = cal.allied_layer_from_parameters(MEANS, sky_shield)
    none_in, none_out = ad.zone_leakage(salvo, layers, None, zone_share=z)
    inside, outside = ad.zone_leakage(salvo, layers, allied, zone_share=z)
    for a, b in zip(outside, none_out, strict=True):
        np.testing.assert_array_equal(a, b)
    assert inside.cruise < 0.5 * none_in.cruise and inside.drone < none_in.drone
    assert inside.ballistic == pytest.approx(float(none_in.ballistic))  # fighters can't stop them
    hits = ad.threats_reaching_zone(salvo, inside, zone_share=z)
    hits_none = ad.threats_reaching_zone(salvo, none_in, zone_share=z)
    assert hits < 0.8 * hits_none
    weights = (MEANS["air_defence.damage_weight.ballistic"],
               MEANS["air_defence.damage_weight.cruise"], 1.0)
    damage = ad.damage_index(salvo, inside, zone_share=z, damage_weight=weights)
    damage_none = ad.damage_index(salvo, none_in, zone_share=z, damage_weight=weights)
    assert damage < damage_none
    total = ad.country_leakage(inside, outside, zone_share=z)
    assert none_in.drone > total.drone > inside.drone


def test_the_damage_index_counts_missiles_in_drone_equivalents() -> None:
    inside = ad.Threats(np.array([0.5]), np.array([0.1]), np.array([0.2]))
    got = ad.damage_index((10.0, 100.0, 1000.0), inside, zone_share=0.5,
                          damage_weight=(10.0, 7.0, 1.0))
    np.testing.assert_allclose(got, 0.5 * (10 * 10 * 0.5 + 7 * 100 * 0.1 + 1000 * 0.2))
    reach = ad.threats_reaching_zone((10.0, 100.0, 1000.0), inside, zone_share=0.5)
    np.testing.assert_allclose(reach, 0.5 * (5 + 10 + 200))


def test_the_threats_leaking_are_the_salvo_times_the_leakage() -> None:
    leak = ad.Threats(np.array([0.5]), np.array([0.1]), np.array([0.2]))
    got = ad.threats_leaking((10.0, 100.0, 1000.0), leak)
    np.testing.assert_allclose(np.concatenate(got), [5.0, 10.0, 200.0])


def test_sky_shield_cuts_the_drones_leaking_more_than_the_missiles() -> None:
    # Aircraft engage cruise missiles and drones, not ballistic missiles: over the country the
    # drones leaking fall by a larger share than the missiles leaking.
    layers, salvo, z = _ukraine(), _salvo(), MEANS["air_defence.zone_share"]
    allied = cal.allied_layer_from_parameters(MEANS, air.effective_aircraft(120.0, 0.5, 1.0))
    before = ad.threats_leaking(salvo, ad.country_leakage(
        *ad.zone_leakage(salvo, layers, None, zone_share=z), zone_share=z))
    after = ad.threats_leaking(salvo, ad.country_leakage(
        *ad.zone_leakage(salvo, layers, allied, zone_share=z), zone_share=z))
    missiles = 1.0 - (after.ballistic + after.cruise) / (before.ballistic + before.cruise)
    drones = 1.0 - after.drone / before.drone
    assert 0.0 < missiles < drones


# --- dtypes --------------------------------------------------------------------------------

def test_float32_stays_float32() -> None:
    n = 3
    p = {k: F32(v) for k, v in MEANS.items()}
    u = cal.UKRAINE_2025
    layers = cal.layers_from_parameters(
        p, fighters=np.full(n, u.fighters, F32), short_range=np.full(n, u.short_range, F32),
        medium_range=np.full(n, u.medium_range, F32), long_range=np.full(n, u.long_range, F32),
        medium_range_interceptors=np.full(n, 250, F32),
        long_range_interceptors=np.full(n, 40, F32))
    b, c = ad.split_missiles(np.full(n, 180, F32), ballistic_share=p["air_defence.ballistic_share"])
    salvo = (b, c, np.full(n, 5400, F32))
    z = p["air_defence.zone_share"]
    allied = cal.allied_layer_from_parameters(p, np.full(n, 60, F32))
    leak = ad.layered_leakage(salvo, layers)
    inside, outside = ad.zone_leakage(salvo, layers, allied, zone_share=z)
    arrays = [b, c, *leak, *inside, *outside, *ad.engaged_shares(salvo, layers[0]),
              *ad.country_leakage(inside, outside, zone_share=z),
              *ad.interception_rates(leak), ad.missile_interception_rate(salvo, leak),
              ad.threats_reaching_zone(salvo, inside, zone_share=z),
              *ad.threats_leaking(salvo, ad.country_leakage(inside, outside, zone_share=z)),
              ad.damage_index(salvo, inside, zone_share=z, damage_weight=(F32(10), F32(7), 1.0)),
              ad.air_denial(np.full(n, 90, F32), F32(0), F32(8), F32(27), F32(860), F32(400),
                            weight_long_range=F32(60), weight_medium_range=F32(9.5),
                            weight_short_range=F32(0.15), k=2.0)]
    assert all(a.dtype == F32 for a in arrays), [a.dtype for a in arrays]
    assert all(a.shape == (n,) for a in arrays)

"""Layered air defence: ranges and exact monotonicity for any inputs (Hypothesis), in float32.

More of any defence (systems, engagements, coverage, interceptors, kill probability, in any
layer) never raises leakage; more threats of any kind never lower it; more allied aircraft never
raise leakage or damage in the protected zone; denial of air superiority rises with every
defending input. Known answers and the 2025 calibration are in
``tests/models/test_air_defence.py``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guaranty.models import air_defence as ad
from guaranty.testing.strategies import world_arrays

FAST = settings(max_examples=60, deadline=None)
F32 = np.float32
NAMES = ("fighter", "short_range", "medium_range", "long_range")
FIELDS = ("systems", "engagements_per_system", "coverage_per_system", "interceptors",
          "kill0", "kill1", "kill2")


def _arrays(n: int, low: float, high: float) -> st.SearchStrategy[np.ndarray]:
    return world_arrays(low, high, min_worlds=n, max_worlds=n)


@st.composite
def _layer(draw: Any, name: str, n: int) -> ad.Layer:
    kill = tuple(draw(_arrays(n, 0.0, 1.0)) for _ in range(3))
    shots = tuple(draw(_arrays(n, 1.0, 3.0)) for _ in range(3))
    finite = draw(st.booleans())
    return ad.Layer(
        name=name,
        systems=draw(_arrays(n, 0.0, 2000.0)),
        engagements_per_system=draw(_arrays(n, 0.0, 50.0)),
        coverage_per_system=draw(_arrays(n, 0.0, 0.0625)),
        kill=(kill[0], kill[1], kill[2]),
        shots=(shots[0], shots[1], shots[2]),
        interceptors=draw(_arrays(n, 0.0, 2000.0)) if finite else np.full(n, np.inf, F32))


@st.composite
def _defence(draw: Any) -> tuple[list[np.ndarray], list[ad.Layer], int]:
    n = draw(st.integers(1, 6))
    salvo = [draw(_arrays(n, 0.0, 200.0)), draw(_arrays(n, 0.0, 400.0)),
             draw(_arrays(n, 0.0, 8000.0))]
    layers = [draw(_layer(name, n)) for name in NAMES]
    return salvo, layers, n


def _more(layer: ad.Layer, field: str, extra: np.ndarray) -> ad.Layer:
    if field.startswith("kill"):
        kind = int(field[-1])
        kill = list(layer.kill)
        kill[kind] = np.minimum(np.asarray(kill[kind]) + extra, F32(1.0))
        return replace(layer, kill=(kill[0], kill[1], kill[2]))
    return replace(layer, **{field: np.asarray(getattr(layer, field)) + extra})


def _check_shares(leak: ad.Threats) -> None:
    for v in leak:
        assert v.dtype == F32
        assert np.all((v >= 0) & (v <= 1))


@FAST
@given(_defence(), st.integers(0, len(NAMES) - 1), st.sampled_from(FIELDS), st.data())
def test_more_defence_never_raises_leakage(
    defence: tuple[list[np.ndarray], list[ad.Layer], int], which: int, field: str,
    data: st.DataObject,
) -> None:
    salvo, layers, n = defence
    extra = data.draw(_arrays(n, 0.0, 1.0 if field.startswith(("kill", "coverage")) else 500.0))
    base = ad.layered_leakage(salvo, layers)
    _check_shares(base)
    more = list(layers)
    more[which] = _more(layers[which], field, extra)
    moved = ad.layered_leakage(salvo, more)
    for b, m in zip(base, moved, strict=True):
        assert np.all(m <= b)


@FAST
@given(_defence(), st.integers(0, 2), st.data())
def test_more_threats_never_lower_leakage(
    defence: tuple[list[np.ndarray], list[ad.Layer], int], kind: int, data: st.DataObject,
) -> None:
    salvo, layers, n = defence
    base = ad.layered_leakage(salvo, layers)
    more = list(salvo)
    more[kind] = more[kind] + data.draw(_arrays(n, 0.0, 2000.0))
    moved = ad.layered_leakage(more, layers)
    _check_shares(moved)
    for b, m in zip(base, moved, strict=True):
        assert np.all(m >= b)


@FAST
@given(_defence(), st.data())
def test_allied_aircraft_protect_the_zone(
    defence: tuple[list[np.ndarray], list[ad.Layer], int], data: st.DataObject,
) -> None:
    salvo, layers, n = defence
    allied = data.draw(_layer("allied", n))
    extra = data.draw(_arrays(n, 0.0, 200.0))
    zone = data.draw(_arrays(n, 0.0625, 1.0))
    weights = (data.draw(_arrays(n, 1.0, 15.0)), data.draw(_arrays(n, 1.0, 15.0)), 1.0)
    inside, outside = ad.zone_leakage(salvo, layers, allied, zone_share=zone)
    more = replace(allied, systems=np.asarray(allied.systems) + extra)
    inside_more, outside_more = ad.zone_leakage(salvo, layers, more, zone_share=zone)
    _check_shares(inside)
    for i, im, o, om in zip(inside, inside_more, outside, outside_more, strict=True):
        assert np.all(im <= i)
        np.testing.assert_array_equal(om, o)  # outside the zone nothing changes
    damage = ad.damage_index(salvo, inside, zone_share=zone, damage_weight=weights)
    damage_more = ad.damage_index(salvo, inside_more, zone_share=zone, damage_weight=weights)
    assert damage.dtype == F32 and np.all(damage_more <= damage)
    reach = ad.threats_reaching_zone(salvo, inside, zone_share=zone)
    assert np.all(ad.threats_reaching_zone(salvo, inside_more, zone_share=zone) <= reach)
    # Over the whole country too, kind by kind and all strikes together.
    leaking = ad.threats_leaking(salvo, ad.country_leakage(inside, outside, zone_share=zone))
    leaking_more = ad.threats_leaking(
        salvo, ad.country_leakage(inside_more, outside_more, zone_share=zone))
    for kind, kind_more in zip(leaking, leaking_more, strict=True):
        assert kind.dtype == F32 and np.all(kind_more <= kind)
    assert np.all(sum(leaking_more) <= sum(leaking))


@FAST
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    *[world_arrays(0.0, 2000.0, min_worlds=n, max_worlds=n) for _ in range(7)])),
    st.floats(0.25, 4.0), st.integers(0, 5))
def test_air_denial_is_a_probability_and_exactly_monotone(
    arrays: tuple[np.ndarray, ...], k: float, which: int,
) -> None:
    fighters, allied, long_range, medium, short, attack, extra = arrays
    args = [fighters, allied, long_range, medium, short, attack]
    kw = {"weight_long_range": F32(60.0), "weight_medium_range": F32(9.5),
          "weight_short_range": F32(0.15), "k": F32(k)}
    base = ad.air_denial(*args, **kw)
    assert base.dtype == F32 and np.all((base >= 0) & (base <= 1))
    args[which] = args[which] + extra
    moved = ad.air_denial(*args, **kw)
    if which < 5:
        assert np.all(moved >= base)
    else:
        assert np.all(moved <= base)

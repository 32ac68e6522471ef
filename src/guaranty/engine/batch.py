"""Many packages in one pass: stack the per-chunk inputs of several plans along the worlds.

A month of the chain costs a fixed few hundred microseconds of Python whatever the number of
worlds, so small runs of many packages (the negotiation's 288 candidates of 400 worlds, an
optimiser's population, anchoring trials) are dominated by it. :func:`stack` joins the
:class:`~guaranty.engine.inputs.ChainInputs` of several (plan, worlds) parts into one record
whose worlds are the parts' worlds side by side, so the kernel steps them all at once.

Parts of one scenario share its structure (categories, weapons, producers); what differs
between packages becomes per-world data:

* arrays are concatenated along the world axis (negotiated caps broadcast first);
* the negotiated personnel cap becomes a per-world array;
* the parts' allied deployments, treaties and aircraft are merged into one list of slots
  (entries of the same guarantor and kind share a slot, each package's entries keep their
  order: :func:`_slots`), with *identity* values in the worlds of parts without an entry in
  a slot: a deployment that never arrives (arrival month ``inf``), a treaty whose terms add
  0 (and multiply by 1), aircraft with no effect. So the list is as long as the longest
  package's, not the sum of them.

Adding 0, multiplying by 1 and taking the maximum with 0 are exact in floating point and every
operation is elementwise over worlds, so each world's outcomes are bit for bit those of its
package run alone (a test holds this).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

import numpy as np

from guaranty.engine.inputs import DTYPE, ChainInputs, Costs, surprise
from guaranty.models import forces, response, supply
from guaranty.models._arrays import Array

T = TypeVar("T")


def _cat(arrays: Sequence[Any], ns: Sequence[int]) -> Any:
    """Concatenate along the last (world) axis, broadcasting each part to its worlds.

    A plain number becomes an array in the working precision: against single-precision
    worlds that is the value a Python number (a weak scalar) takes anyway."""
    parts = [a if np.ndim(a) and np.shape(a)[-1] == n
             else np.broadcast_to(a, (*np.shape(a)[:-1], n)) if np.ndim(a)
             else np.full(n, a, dtype=DTYPE)
             for a, n in zip(arrays, ns, strict=True)]
    return np.concatenate(parts, axis=-1)


def _records(items: Sequence[T], ns: Sequence[int]) -> T:
    """Records of arrays joined along the worlds: arrays are concatenated; dicts, tuples and
    dataclasses field by field; numbers kept when every part has the same one, else spread
    to per-world arrays; anything else (names, flags) taken from the first part."""
    return _join(list(items), ns)


def _join(items: list[Any], ns: Sequence[int]) -> Any:
    first = items[0]
    if isinstance(first, np.ndarray):
        return _cat(items, ns)
    if isinstance(first, dict):
        return {k: _join([x[k] for x in items], ns) for k in first}
    if isinstance(first, tuple) and not hasattr(first, "_fields"):
        return tuple(_join([x[i] for x in items], ns) for i in range(len(first)))
    if is_dataclass(first) and not isinstance(first, type):
        values = {f.name: _join([getattr(x, f.name) for x in items], ns)
                  for f in fields(first) if f.init}
        return replace(first, **values)
    if isinstance(first, int | float) and not isinstance(first, bool):
        if all(x == first for x in items[1:]):
            return first
        return _cat(items, ns)
    return first


def _power(parts: Sequence[forces.PowerInputs], ns: Sequence[int]) -> forces.PowerInputs:
    order = _cat([p.gather // n for p, n in zip(parts, ns, strict=True)], ns)
    total = sum(ns)
    first = parts[0]
    munitions = tuple(
        (row, pos, _cat([p.munitions[i][2] for p in parts], ns))
        for i, (row, pos, _) in enumerate(first.munitions))
    return forces.PowerInputs(
        weapon_rows=first.weapon_rows,
        munitions=munitions,
        gather=(order * total + np.arange(total)[None, :]).astype(np.int64),
        weight_sorted=_cat([p.weight_sorted for p in parts], ns),
        crew_sorted=_cat([p.crew_sorted for p in parts], ns),
        inv_crew_sorted=_cat([p.inv_crew_sorted for p in parts], ns),
        infantry_weight=_cat([p.infantry_weight for p in parts], ns),
        readiness=_cat([p.readiness for p in parts], ns),
    )


def _supply(parts: Sequence[supply.SupplyInputs], ns: Sequence[int]) -> supply.SupplyInputs:
    def cat(name: str) -> Array:
        return _cat([getattr(p, name) for p in parts], ns)

    return supply.SupplyInputs(
        capacity_start=cat("capacity_start"), capacity_end=cat("capacity_end"),
        ramp_factor=cat("ramp_factor"), open_share=cat("open_share"),
        producer_matrix=parts[0].producer_matrix, orders=cat("orders"),
        unit_cost_usd=cat("unit_cost_usd"), inv_lag=cat("inv_lag"), domestic=cat("domestic"),
        wear=cat("wear"), keep=cat("keep"), caps=cat("caps"), money_usd=cat("money_usd"),
        unallocated_usd=cat("unallocated_usd"), expansion_max=cat("expansion_max"),
        expansion_rate=cat("expansion_rate"), order_book_months=cat("order_book_months"))


def _spread(ns: Sequence[int], values: dict[int, Array], identity: float, dtype: Any
            ) -> Array:
    """Each part's array in its worlds (``values[i]``), ``identity`` in the other parts'."""
    return _cat([values[i] if i in values else np.full(n, identity, dtype=dtype)
                 for i, n in enumerate(ns)], ns)


def _slots(sequences: Sequence[Sequence[Any]]) -> list[dict[int, int]]:
    """Merge the parts' lists of entries into one list of slots.

    ``sequences[i]`` holds the keys of part i's entries, in order; entries with equal keys
    can share a slot. Each part's entries keep their order in the merged list (a slot is
    inserted right after the part's last matched one), so sums over the slots add each
    world's terms in the order of its own package: the stacked run is exact. Returns, per
    slot, ``{part: index of its entry}``.
    """
    slots: list[tuple[Any, dict[int, int]]] = []
    for part, keys in enumerate(sequences):
        pos = 0
        for index, key in enumerate(keys):
            found = next((j for j in range(pos, len(slots))
                          if slots[j][0] == key and part not in slots[j][1]), None)
            if found is None:
                slots.insert(pos, (key, {}))
                found = pos
            slots[found][1][part] = index
            pos = found + 1
    return [owners for _, owners in slots]


def _deployments(parts: Sequence[response.ResponseArrays], ns: Sequence[int]
                 ) -> tuple[list[response.Deployment], list[dict[int, int]]]:
    slots = _slots([[(d.guarantor, d.monitors, d.in_country) for d in p.deployments]
                    for p in parts])
    out = []
    for owners in slots:
        mine = {i: parts[i].deployments[k] for i, k in owners.items()}
        first = next(iter(mine.values()))
        out.append(response.Deployment(
            guarantor=first.guarantor,
            size=_spread(ns, {i: np.full(ns[i], d.size, dtype=DTYPE) for i, d in mine.items()},
                         0.0, DTYPE),
            monitors=first.monitors, in_country=first.in_country,
            arrival=_spread(ns, {i: d.arrival for i, d in mine.items()}, np.inf, DTYPE),
            power=_spread(ns, {i: d.power for i, d in mine.items()}, 0.0, DTYPE)))
    return out, slots


def _treaties(parts: Sequence[response.ResponseArrays], ns: Sequence[int]
              ) -> list[response.TreatyTerms]:
    out = []
    for owners in _slots([[t.guarantor for t in p.treaties] for p in parts]):
        mine = {i: parts[i].treaties[k] for i, k in owners.items()}
        first = next(iter(mine.values()))

        def pair(name: str, identity: float, mine: dict[int, response.TreatyTerms] = mine
                 ) -> tuple[Array, Array]:
            return tuple(_spread(ns, {i: getattr(t, name)[j] for i, t in mine.items()},
                                 identity, DTYPE) for j in (0, 1))  # type: ignore[return-value]

        out.append(response.TreatyTerms(
            guarantor=first.guarantor, expected_cost=pair("expected_cost", 0.0),
            no_direct_war=pair("no_direct_war", 1.0),
            perceived_arms=pair("perceived_arms", 0.0), actual_arms=pair("actual_arms", 0.0),
            perceived_add=pair("perceived_add", 0.0), actual_add=pair("actual_add", 0.0),
            war_cost_usd=pair("war_cost_usd", 0.0),
            perceived_engage=pair("perceived_engage", 0.0),
            actual_engage=pair("actual_engage", 0.0),
            perceived_air=pair("perceived_air", 0.0), actual_air=pair("actual_air", 0.0),
            signal=_spread(ns, {i: t.signal for i, t in mine.items()}, 0.0, DTYPE)))
    return out


def _aircraft(parts: Sequence[response.ResponseArrays], ns: Sequence[int]
              ) -> list[response.Aircraft]:
    out = []
    for owners in _slots([[(a.guarantor, a.policing) for a in p.aircraft] for p in parts]):
        mine = {i: parts[i].aircraft[k] for i, k in owners.items()}
        first = next(iter(mine.values()))

        def cat(name: str, mine: dict[int, response.Aircraft] = mine) -> Array:
            return _spread(ns, {i: getattr(a, name) for i, a in mine.items()}, 0.0, DTYPE)

        out.append(response.Aircraft(
            first.guarantor, cat("effective"), cat("treaty_air"),
            cat("engage_without_treaty"), cat("engaged_without_treaty"), first.policing))
    return out


def _instruments(parts: Sequence[response.ResponseArrays], ns: Sequence[int]
                 ) -> tuple[response.ResponseArrays, list[dict[int, int]]]:
    deployments, slots = _deployments(parts, ns)

    def cat(name: str) -> Array:
        return _cat([getattr(p, name) for p in parts], ns)

    return response.ResponseArrays(
        n=sum(ns), deployments=tuple(deployments), treaties=tuple(_treaties(parts, ns)),
        aircraft=tuple(_aircraft(parts, ns)), tripwire_cost=cat("tripwire_cost"),
        cost_direct_war=cat("cost_direct_war"), monitor_line=cat("monitor_line"),
        full_signal=cat("full_signal"), feasible=cat("feasible")), slots


def _costs(parts: Sequence[ChainInputs], ns: Sequence[int], slots: list[dict[int, int]]
           ) -> Costs:
    troops = [_spread(ns, {i: parts[i].costs.troops_per_year_usd[k] for i, k in owners.items()},
                      0.0, DTYPE) for owners in slots]
    return Costs(
        budget_support_usd_bn_per_year=_cat(
            [p.costs.budget_support_usd_bn_per_year for p in parts], ns),
        fixed_usd=_cat([p.costs.fixed_usd for p in parts], ns),
        isr_per_year_usd=_cat([p.costs.isr_per_year_usd for p in parts], ns),
        air_per_year_usd=_cat([p.costs.air_per_year_usd for p in parts], ns),
        troops_per_year_usd=tuple(troops))


def _same(parts: Sequence[ChainInputs], get: Callable[[ChainInputs], Any]) -> Any:
    value = get(parts[0])
    if any(get(p) != value for p in parts[1:]):
        raise ValueError("packages of different scenarios cannot share a pass")
    return value


def _structure(p: ChainInputs) -> tuple[Any, ...]:
    return (p.months, p.supplied, p.fighters, p.air_defence, p.interceptors,
            tuple(p.defender.weapon_rows), p.ground_weapons.tobytes())


def stack(parts: Sequence[ChainInputs]) -> ChainInputs:
    """One :class:`ChainInputs` whose worlds are the parts' worlds, in order."""
    if len(parts) == 1:
        return parts[0]
    ns = [p.n for p in parts]
    _same(parts, _structure)
    instruments, slots = _instruments([p.instruments for p in parts], ns)
    warning = _records([p.warning for p in parts], ns)
    terms = response.schedule(instruments, parts[0].months)
    return ChainInputs(
        n=sum(ns),
        months=parts[0].months,
        supply=_supply([p.supply for p in parts], ns),
        defender=_power([p.defender for p in parts], ns),
        aggressor=_power([p.aggressor for p in parts], ns),
        regeneration=_records([p.regeneration for p in parts], ns),
        decision=_records([p.decision for p in parts], ns),
        campaign=_records([p.campaign for p in parts], ns),
        air=_records([p.air for p in parts], ns),
        warning=warning,
        people=_records([p.people for p in parts], ns),
        instruments=instruments,
        terms=terms,
        surprise=surprise(warning, terms.monitors),
        costs=_costs(parts, ns, slots),
        start=_records([p.start for p in parts], ns),
        supplied=parts[0].supplied,
        fighters=parts[0].fighters,
        air_defence=parts[0].air_defence,
        interceptors=parts[0].interceptors,
        ground_weapons=parts[0].ground_weapons,
    )


def split(outcomes: dict[str, Array], parts: Sequence[ChainInputs]) -> list[dict[str, Array]]:
    """The stacked run's outcomes cut back into each part's worlds and metrics."""
    out, start = [], 0
    for part in parts:
        stop = start + part.n
        own = {k: v[start:stop] for k, v in outcomes.items()
               if k != "troops_feasible" or part.instruments.deployments}
        out.append(own)
        start = stop
    return out


__all__ = ["split", "stack"]

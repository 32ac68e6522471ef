r"""Combat power from equipment, manning, munitions and readiness; the aggressor's regeneration.

**Combat power** follows the weighted-unit-value idea (each weapon category counts with a
weight, as in the US Army's WEI/WUV scores) with two limits. A weapon fires only with
munitions: with munition stock :math:`M` feeding weapon :math:`c` at a war-time need of
:math:`\nu` rounds per weapon per month, and a stock that must last :math:`\mu` months, the
usable weapons are :math:`U_c = \min(S_c, M / (\nu \mu))`. A weapon fights only when crewed:
the army assigns its :math:`N` soldiers to the usable weapons with the most power per crew
member first (a fractional knapsack), which makes power non-decreasing in every stock and in
manning:

.. math::
    x_c = \operatorname{clip}\Big(\frac{N - \sum_{j \prec c} \kappa_j U_j}{\kappa_c}, 0,
          U_c\Big), \qquad
    P = \rho \Big(\sum_c w_c x_c + w_0 \big(N - \sum_c \kappa_c x_c\big)\Big)

with :math:`\kappa_c` crew per weapon, :math:`w_0` the power of a soldier outside a crew and
:math:`\rho` readiness. (Dupuy's QJM and the WEI/WUV method weight equipment in the same
spirit; the weights here are scenario quantities with their own sources.)

**Regeneration**: the aggressor recruits :math:`r` soldiers a month, loses :math:`o` to
contract ends and attrition, and produces :math:`p_c` weapons, each slowed by sanctions
(:math:`\delta`, zero when a package relieves them) and bounded by a ceiling:

.. math:: N \leftarrow \operatorname{clip}(N + r(1-\delta) - o, 0, \bar N), \qquad
          S_c \leftarrow \min\big(S_c(1-\omega_c) + p_c(1-\delta), \max(\bar S_c, S_c)\big)

Figures: recruitment 30–45k a month and the 1.5M authorised strength (PARAMETERS.md §2).
**Force-to-space**: a defender spread thinner than :math:`\rho^*` soldiers per km of front
cannot hold a continuous line; its effective power scales by :math:`\min(1, N/(F\rho^*))`
(Mearsheimer 1989 on force-to-space; the threshold is an assumption, see the registry).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class PowerInputs:
    """Per-world constants of one side's combat power (weapon columns only)."""

    weight: Array  # (n, W) power per weapon
    crew: Array  # (n, W) persons per weapon, > 0
    order: IntArray  # (n, W) weapons sorted by power per crew member, best first
    weapon_columns: IntArray  # (W,) category index of each weapon
    munitions: tuple[tuple[int, int, Array], ...]  # (munition col, weapon pos, rounds needed)
    infantry_weight: Array  # (n,) power per soldier outside a crew
    readiness: Array  # (n,)


def power_inputs(
    weight: Array,
    crew: Array,
    weapon_columns: IntArray,
    munitions: tuple[tuple[int, int, Array], ...],
    infantry_weight: Array,
    readiness: Array,
) -> PowerInputs:
    """Build :class:`PowerInputs`, sorting each world's weapons by power per crew member."""
    crew = np.maximum(crew, 1e-9)
    order = np.argsort(-(weight / crew), axis=1, kind="stable").astype(np.int64)
    return PowerInputs(weight, crew, order, weapon_columns, munitions, infantry_weight, readiness)


def usable_weapons(stock: Array, inputs: PowerInputs) -> Array:
    """Weapons with munitions for the war-stock period: :math:`U_c`, shape (n, W)."""
    usable = stock[:, inputs.weapon_columns]
    for munition_col, weapon_pos, rounds in inputs.munitions:
        supplied = stock[:, munition_col] / np.maximum(rounds, 1e-12)
        usable[:, weapon_pos] = np.minimum(usable[:, weapon_pos], supplied)
    return usable


def combat_power(stock: Array, personnel: Array, inputs: PowerInputs) -> Array:
    """Combat power :math:`P` of one side, shape (n,). Non-decreasing in stocks and personnel."""
    usable = usable_weapons(stock, inputs)
    u = np.take_along_axis(usable, inputs.order, axis=1)
    k = np.take_along_axis(inputs.crew, inputs.order, axis=1)
    w = np.take_along_axis(inputs.weight, inputs.order, axis=1)
    need = k * u
    before = np.cumsum(need, axis=1) - need
    x = np.clip((personnel[:, None] - before) / k, 0.0, u)
    crewed = (k * x).sum(axis=1)
    free = np.maximum(personnel - crewed, 0.0)
    power: Array = inputs.readiness * ((w * x).sum(axis=1) + inputs.infantry_weight * free)
    return power


def space_factor(personnel: Array, front_km: Array, threshold: Array) -> Array:
    """Force-to-space factor :math:`\\min(1, N/(F\\rho^*))` of a defender, shape (n,)."""
    density = personnel / np.maximum(front_km, 1e-9)
    out: Array = np.minimum(1.0, density / np.maximum(threshold, 1e-9))
    return out


def regenerate(
    personnel: Array,
    stock: Array,
    *,
    recruitment: Array,
    outflow: Array,
    ceiling: Array,
    production: Array,
    stock_ceiling: Array,
    wear: Array,
    drag: Array,
) -> tuple[Array, Array]:
    """One month of the aggressor's regeneration; returns (personnel, stock)."""
    slowed = 1.0 - drag
    personnel = np.clip(personnel + recruitment * slowed - outflow, 0.0, ceiling)
    grown = stock * (1.0 - wear) + production * slowed[:, None]
    stock = np.minimum(grown, np.maximum(stock_ceiling, stock))
    return personnel, stock


def drift_personnel(personnel: Array, target: Array, months: Array, cap: float) -> Array:
    """The defender's army moves toward its peacetime size, then obeys any cap."""
    step = (target - personnel) / np.maximum(months, 1.0)
    out: Array = np.minimum(personnel + step, cap)
    return out

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

**Regeneration**: the aggressor recruits :math:`r` soldiers a month, loses the share
:math:`o` of its force to contract ends and discharges, and produces :math:`p_c` weapons,
each slowed by sanctions (:math:`\delta`, zero when a package relieves them) and bounded by a
ceiling:

.. math:: N \leftarrow \min\big(N(1 - o) + r(1-\delta), \bar N\big), \qquad
          S_c \leftarrow \min\big(S_c(1-\omega_c) + p_c(1-\delta), \max(\bar S_c, S_c)\big)

Figures: recruitment 30–45k a month and the 1.5M authorised strength (PARAMETERS.md §2).
**Force-to-space**: a defender spread thinner than :math:`\rho^*` soldiers per km of front
cannot hold a continuous line; its effective power scales by :math:`\min(1, N/(F\rho^*))`
(Mearsheimer 1989 on force-to-space; the threshold is an assumption, see the registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]
IntArray = NDArray[np.int64]


@dataclass
class PowerInputs:
    """Per-world constants of one side's combat power, laid out (weapons, worlds).

    Arrays are category-major so that sums and cumulative sums over weapons are additions of
    contiguous rows; ``gather`` holds flat indices that put each world's weapons in its own
    order (most power per crew member first).
    """

    weapon_rows: IntArray  # (W,) category row of each weapon
    munitions: tuple[tuple[int, int, Array], ...]  # (munition row, weapon position, rounds)
    gather: IntArray  # (W, n) flat indices into a (W, n) array, sorting each world
    weight_sorted: Array  # (W, n)
    crew_sorted: Array  # (W, n), > 0
    inv_crew_sorted: Array  # (W, n)
    infantry_weight: Array  # (n,)
    readiness: Array  # (n,)


def power_inputs(
    weight: Array,
    crew: Array,
    weapon_rows: IntArray,
    munitions: tuple[tuple[int, int, Array], ...],
    infantry_weight: Array,
    readiness: Array,
) -> PowerInputs:
    """Build :class:`PowerInputs` from (W, n) weights and crews."""
    crew = np.maximum(crew, 1e-9)
    n = weight.shape[1]
    order = np.argsort(-(weight / crew), axis=0, kind="stable")
    gather = (order * n + np.arange(n)[None, :]).astype(np.int64)
    weight_sorted = np.take(weight, gather)
    crew_sorted = np.take(crew, gather)
    return PowerInputs(
        weapon_rows=weapon_rows,
        munitions=munitions,
        gather=gather,
        weight_sorted=weight_sorted,
        crew_sorted=crew_sorted,
        inv_crew_sorted=1.0 / crew_sorted,
        infantry_weight=infantry_weight,
        readiness=readiness,
    )


def usable_weapons(stock: Array, inputs: PowerInputs) -> Array:
    """Weapons with munitions for the war-stock period: :math:`U_c`, shape (W, n)."""
    usable = stock[inputs.weapon_rows]
    for munition_row, weapon_pos, rounds in inputs.munitions:
        np.minimum(usable[weapon_pos], stock[munition_row] / np.maximum(rounds, 1e-12),
                   out=usable[weapon_pos])
    return usable


def combat_power(stock: Array, personnel: Array, inputs: PowerInputs) -> Array:
    """Combat power :math:`P` of one side, shape (n,), from stocks of shape (C, n).

    Non-decreasing in every stock and in personnel.
    """
    u = np.take(usable_weapons(stock, inputs), inputs.gather)
    # Walk down each world's ranking: soldiers left after crewing the better weapons.
    left = personnel.copy()
    power = np.zeros_like(personnel)
    x = np.empty_like(personnel)
    for i in range(u.shape[0]):
        np.multiply(left, inputs.inv_crew_sorted[i], out=x)
        np.minimum(x, u[i], out=x)
        power += inputs.weight_sorted[i] * x
        left -= inputs.crew_sorted[i] * x
        np.maximum(left, 0.0, out=left)
    power += inputs.infantry_weight * left
    power *= inputs.readiness
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
    outflow_share: Array,
    ceiling: Array,
    production: Array,
    stock_ceiling: Array,
    keep: Array,
) -> tuple[Array, Array]:
    """One month of the aggressor's regeneration: the new (personnel, stock).

    ``recruitment`` and ``production`` are already slowed by sanctions; ``keep`` is one minus
    the monthly wear, shape (C, n) like ``stock``.
    """
    grown = personnel - personnel * outflow_share + recruitment
    bound = np.maximum(stock_ceiling, stock)
    return np.minimum(grown, ceiling), np.minimum(stock * keep + production, bound)


def drift_personnel(personnel: Array, target: Array, months: Array, cap: float | Array
                    ) -> Array:
    """The defender's army moves toward its peacetime size, then obeys any cap."""
    step = (target - personnel) / np.maximum(months, 1.0)
    out: Array = np.minimum(personnel + step, cap)
    return out

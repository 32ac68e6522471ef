r"""Supply of the defender's equipment: ramps, queues, political will, money, lags, caps.

For each equipment category :math:`c` and month :math:`t` (all arrays over worlds):

Capacity of producer :math:`k` ramps from :math:`K^0_k` toward :math:`K^\infty_k` with time
constant :math:`\tau_k` (a first-order approach, the usual shape of a production ramp-up such
as US 155 mm output, 14,500 → 40,000 shells/month from 2022 to 2024, PARAMETERS.md §2c):

.. math:: K_k(t) = K^\infty_k + (K^0_k - K^\infty_k)\, e^{-t/\tau_k}

The defender can buy what its supplier's government lets the producer sell it, after
competing buyers take their place in the queue (Patriot interceptors and Israel, §3):

.. math:: A_c(t) = \sum_{k \in c} K_k(t)\, q_k\, w_{s(k)}\, m_{s(k)}

with :math:`q_k` the share of output open to the defender, :math:`w_s` the supplier's
political will (uncertain) and :math:`m_s` its commitment (a package lever). A producer whose
capacity ramps down to zero is a stock being emptied: second-hand transfers from partners'
inventories, which fell from most of the military aid in 2022 to almost none in 2025 (Kiel
Ukraine Support Tracker, ``procurement_trends.csv``).

**Money and multi-year orders.** Money arrives at :math:`M_c = F\phi_c/12` a month (USD;
:math:`F` the weapons financing per year, :math:`\phi_c` the category's share) into an
*unspent* pool :math:`P_c`. Producers accept firm orders up to an order book of :math:`H`
months of their current output; the rest of the money waits, unspent:

.. math:: o_c = \min\big(P_c / u_c,\; \max(H\,\hat A_c - B_c,\, 0)\big), \qquad
          P_c \leftarrow P_c + M_c - u_c o_c, \qquad B_c \leftarrow B_c + o_c

with :math:`u_c` the unit cost and :math:`B_c` the backlog of orders placed but not delivered.
Shipments :math:`X_c = \min(B_c, \hat A_c)` are paid on delivery, so every month, exactly,

.. math:: \textstyle\sum_{s \le t} M_c = \sum_{s \le t} u_c X_c + u_c B_c + P_c

(money in = delivered + backlog + unspent; :func:`money_balance`).

**Orders build capacity.** Output open to the defender is :math:`\hat A_c = A_c + E_c`, where
:math:`E_c` is capacity that the defender's multi-year orders add: new lines dedicated to it
at producers in supplier states (and the defender's own industry paid by partners, the
"Danish model"). It moves toward the unmet demand with time constant :math:`\tau^E_c`, never
above :math:`E^{\max}_c = (\chi_c - 1)\sum_{k\in c} \min(K^0_k, K^\infty_k)\, w_{s(k)}
m_{s(k)}` (lasting lines only: a stock being emptied cannot grow; a new line needs the supplier
state's consent, not a place in the queue), and is never dismantled:

.. math:: E_c \leftarrow E_c + (1 - e^{-1/\tau^E_c})\,
          \max\big(\min(\max(M_c/u_c - A_c, 0),\, E^{\max}_c) - E_c,\; 0\big)

:math:`\chi_c` is the growth multiple a category's industry can reach: US 155 mm grew
×2.8 in 31 months (14,500 to 40,000 a month, Feb 2022 to Sept 2024) and EU shells ×6.7
(300,000 to 2M a year by end-2025), PAC-3 MSE ×3.3 over a seven-year framework (§2c, §3);
combat aircraft and Patriot batteries far less. So money binds where capacity can still grow
and capacity binds where it cannot.

Delivered equipment reaches the defender through a first-order delay of mean :math:`L_c`
months (the in-transit pipeline :math:`T`):

.. math:: T_c \leftarrow T_c + X_c - T_c / \max(L_c, 1), \qquad
          S_c \leftarrow \min\big(S_c (1 - \omega_c) + T_c/\max(L_c,1) + D_c,\; \bar S_c\big)

where :math:`\omega_c` is peacetime wear or training use, :math:`D_c` domestic production and
:math:`\bar S_c` the negotiated cap (infinite without one). Stocks held in ground that is lost
are captured: :func:`captured_share`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.models._arrays import like, row_sum

Array = NDArray[np.floating[Any]]


@dataclass
class SupplyInputs:
    """Per-world inputs that do not change over the months, category- or producer-major."""

    capacity_start: Array  # (K, n) units/month
    capacity_end: Array  # (K, n) units/month
    ramp_factor: Array  # (K, n) exp(-1 / ramp_months), 0 for an instant ramp
    open_share: Array  # (K, n) share of output open to the defender x will x commitment
    producer_matrix: Array  # (C, K) 1 where producer k makes category c
    orders: Array  # (C, n) units a month the money would buy, M_c / u_c
    unit_cost_usd: Array  # (C, n)
    inv_lag: Array  # (C, n) 1 / max(lag, 1)
    domestic: Array  # (C, n) units/month
    wear: Array  # (C, n) share of stock used per month in peacetime
    keep: Array  # (C, n) 1 - wear
    caps: Array  # (C, 1) negotiated caps (inf where none)
    # Without the fields below, all money becomes orders at once (an endless order book) and
    # orders add no capacity: the chain before multi-year orders were modelled.
    money_usd: Array | None = None  # (C, n) M_c: money a month for the category, USD
    unallocated_usd: Array | float = 0.0  # (n,) money a month no category's share takes
    expansion_max: Array | float = 0.0  # (C, n) E_max: most capacity orders add, units/month
    expansion_rate: Array | float = 0.0  # (C, n) 1 - exp(-1 / tau_E)
    order_book_months: Array | float = np.inf  # (n,) H: months of output taken as orders

    def __post_init__(self) -> None:
        if self.money_usd is None:
            self.money_usd = self.orders * self.unit_cost_usd
        # Output of producer k at month t is base_k + gap_k * exp(-t / tau_k).
        self.base = self.capacity_end * self.open_share
        self.gap = (self.capacity_start - self.capacity_end) * self.open_share
        self.category_of = [int(np.argmax(self.producer_matrix[:, k]))
                            for k in range(self.producer_matrix.shape[1])]


@dataclass
class SupplyState:
    stock: Array  # (C, n)
    backlog: Array  # (C, n) units ordered and not yet delivered
    transit: Array  # (C, n)
    shipped_usd: Array  # (n,) cumulative value delivered (paid) by foreign producers
    decay: Array  # (K, n) exp(-t / ramp_months) at the current month
    unspent: Array | None = None  # (C, n) money received, not yet placed as orders, USD
    expansion: Array | None = None  # (C, n) capacity the defender's orders added, units/month

    def __post_init__(self) -> None:
        if self.unspent is None:
            self.unspent = np.zeros(self.stock.shape)
        if self.expansion is None:
            self.expansion = np.zeros_like(self.stock)

    @classmethod
    def start(cls, inputs: SupplyInputs, stock: Array) -> SupplyState:
        """At the cease-fire: no backlog, nothing in transit, no money waiting, no new lines."""
        n = stock.shape[1]
        return cls(stock=stock, backlog=np.zeros_like(stock), transit=np.zeros_like(stock),
                   shipped_usd=np.zeros(n), decay=np.ones_like(inputs.capacity_start),
                   unspent=np.zeros(stock.shape), expansion=np.zeros_like(stock))


def ramp_factor(ramp_months: Array) -> Array:
    """Monthly decay factor of the capacity gap, :math:`e^{-1/\tau}` (0 when tau is 0)."""
    with np.errstate(divide="ignore"):
        return np.where(ramp_months > 0, np.exp(-1.0 / np.maximum(ramp_months, 1e-300)), 0.0)


def expansion_rate(ramp_months: Array) -> Array:
    """Share of the gap to its target that added capacity closes in a month, 1 - e^{-1/tau}."""
    out: Array = 1.0 - ramp_factor(ramp_months)
    return out


def expansion_max(start_open: Array, multiple: Array) -> Array:
    r""":math:`E^{\max} = (\chi - 1)\,\sum_k \min(K^0_k, K^\infty_k) w m`: the most capacity
    orders can add, from a category's lasting start capacity open to the defender's suppliers
    (``start_open``)."""
    out: Array = np.maximum(multiple - 1.0, 0.0) * start_open
    return out


def capacity(inputs: SupplyInputs, decay: Array) -> Array:
    """Output open to the defender by category before any expansion, :math:`A_c(t)`, (C, n).

    ``decay`` is :math:`e^{-t/\tau_k}` for the current month, shape (K, n).
    """
    k_out = inputs.gap * decay
    k_out += inputs.base
    out: Array = np.zeros(inputs.orders.shape, dtype=k_out.dtype)
    for k, c in enumerate(inputs.category_of):
        out[c] += k_out[k]
    return out


def step_supply(inputs: SupplyInputs, state: SupplyState) -> SupplyState:
    """The supply chain one month later: a new state (``state`` is not changed)."""
    assert state.unspent is not None and state.expansion is not None  # set in __post_init__
    assert inputs.money_usd is not None
    base = capacity(inputs, state.decay)
    output = base + state.expansion
    pool = state.unspent + inputs.money_usd
    with np.errstate(invalid="ignore"):  # an endless order book times no output
        room = np.maximum(inputs.order_book_months * output - state.backlog, 0.0)
    room = np.where(np.isnan(room), np.inf, room)
    ordered = np.where(inputs.unit_cost_usd > 0,
                       np.minimum(pool / np.maximum(inputs.unit_cost_usd, 1e-9), room), 0.0)
    pool = pool - ordered * inputs.unit_cost_usd
    backlog: Array = state.backlog + ordered
    shipped: Array = np.minimum(backlog, output)
    backlog = like(backlog - shipped, state.backlog)
    arrived = state.transit * inputs.inv_lag
    transit = like(state.transit + shipped, state.transit) - arrived
    stock = state.stock * inputs.keep + arrived
    stock = np.minimum(stock + inputs.domestic, inputs.caps)
    target = np.minimum(np.maximum(inputs.orders - base, 0.0), inputs.expansion_max)
    expansion = state.expansion + inputs.expansion_rate * np.maximum(target - state.expansion,
                                                                     0.0)
    return SupplyState(
        stock=stock,
        backlog=backlog,
        transit=transit,
        shipped_usd=state.shipped_usd + row_sum(shipped.astype(np.float64)
                                                * inputs.unit_cost_usd),
        decay=state.decay * inputs.ramp_factor,
        unspent=pool,
        expansion=like(expansion, state.expansion),
    )


def war_deliveries(inputs: SupplyInputs, state: SupplyState) -> Array:
    """Units a month the supply chain delivers in a war begun now, shape (C, n): what the
    backlog and the money at hand can draw from the month's output (lines built by orders
    included), and domestic production (the steady flow, without the pipeline's lag)."""
    assert state.unspent is not None and state.expansion is not None
    money = state.unspent + (0.0 if inputs.money_usd is None else inputs.money_usd)
    affordable = np.where(inputs.unit_cost_usd > 0,
                          money / np.maximum(inputs.unit_cost_usd, 1e-9), 0.0)
    output = capacity(inputs, state.decay) + state.expansion
    out: Array = np.minimum(state.backlog + affordable, output) + inputs.domestic
    return out


def money_balance(inputs: SupplyInputs, state: SupplyState, months: int
                  ) -> dict[str, Array]:
    """The weapons money after ``months`` months, USD per world, shape (n,) each.

    ``money_in`` (all the money received, including any share no category takes) equals
    ``delivered + backlog + unspent`` to rounding; ``unspent`` counts the unallocated share.
    """
    assert inputs.money_usd is not None and state.unspent is not None
    money_in = months * (row_sum(inputs.money_usd.astype(np.float64))
                         + inputs.unallocated_usd)
    backlog = row_sum(state.backlog.astype(np.float64) * inputs.unit_cost_usd)
    unspent = row_sum(state.unspent) + months * np.asarray(inputs.unallocated_usd,
                                                              dtype=np.float64)
    return {"money_in": money_in, "delivered": state.shipped_usd, "backlog": backlog,
            "unspent": unspent}


def apply_caps(stock: Array, caps: Array) -> Array:
    """Clip stocks to negotiated caps; never raises a stock."""
    return np.minimum(stock, caps)


def captured_share(ground_share: Array, front_loading: Array) -> Array:
    r"""Share of the defender's stocks lost with the ground: :math:`\min(1, g\,\ell)`.

    ``ground_share`` is the share of the defender's territory lost, ``front_loading`` how much
    denser stocks are near the front than on average (>= 1), so losing a tenth of the
    territory loses more than a tenth of the stocks (Miron in the source article: arms "could
    fall into Russian hands").
    """
    return np.minimum(1.0, np.maximum(ground_share, 0.0) * front_loading)

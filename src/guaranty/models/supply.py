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
political will (uncertain) and :math:`m_s` its commitment (a package lever). Orders are money
over unit cost, :math:`O_c = F \phi_c / (12 \cdot u_c)` per month, with :math:`F` the weapons
financing per year and :math:`\phi_c` the category's share; unfilled orders wait in a backlog
:math:`B`. Shipments :math:`X_c = \min(B_c + O_c, A_c)` reach the defender through a first-order
delay of mean :math:`L_c` months (the in-transit pipeline :math:`T`):

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
    orders: Array  # (C, n) units ordered per month
    unit_cost_usd: Array  # (C, n)
    inv_lag: Array  # (C, n) 1 / max(lag, 1)
    domestic: Array  # (C, n) units/month
    wear: Array  # (C, n) share of stock used per month in peacetime
    keep: Array  # (C, n) 1 - wear
    caps: Array  # (C, 1) negotiated caps (inf where none)

    def __post_init__(self) -> None:
        # Output of producer k at month t is base_k + gap_k * exp(-t / tau_k).
        self.base = self.capacity_end * self.open_share
        self.gap = (self.capacity_start - self.capacity_end) * self.open_share
        self.category_of = [int(np.argmax(self.producer_matrix[:, k]))
                            for k in range(self.producer_matrix.shape[1])]


@dataclass
class SupplyState:
    stock: Array  # (C, n)
    backlog: Array  # (C, n)
    transit: Array  # (C, n)
    shipped_usd: Array  # (n,) cumulative value shipped by foreign producers
    decay: Array  # (K, n) exp(-t / ramp_months) at the current month


def ramp_factor(ramp_months: Array) -> Array:
    """Monthly decay factor of the capacity gap, :math:`e^{-1/\\tau}` (0 when tau is 0)."""
    with np.errstate(divide="ignore"):
        return np.where(ramp_months > 0, np.exp(-1.0 / np.maximum(ramp_months, 1e-300)), 0.0)


def capacity(inputs: SupplyInputs, decay: Array) -> Array:
    """Output open to the defender by category, :math:`A_c(t)`, shape (C, n).

    ``decay`` is :math:`e^{-t/\\tau_k}` for the current month, shape (K, n).
    """
    k_out = inputs.gap * decay
    k_out += inputs.base
    out: Array = np.zeros(inputs.orders.shape, dtype=k_out.dtype)
    for k, c in enumerate(inputs.category_of):
        out[c] += k_out[k]
    return out


def step_supply(inputs: SupplyInputs, state: SupplyState) -> SupplyState:
    """The supply chain one month later: a new state (``state`` is not changed)."""
    backlog: Array = state.backlog + inputs.orders
    shipped: Array = np.minimum(backlog, capacity(inputs, state.decay))
    backlog = like(backlog - shipped, state.backlog)
    arrived = state.transit * inputs.inv_lag
    transit = like(state.transit + shipped, state.transit) - arrived
    stock = state.stock * inputs.keep + arrived
    stock = np.minimum(stock + inputs.domestic, inputs.caps)
    return SupplyState(
        stock=stock,
        backlog=backlog,
        transit=transit,
        shipped_usd=state.shipped_usd + row_sum(shipped * inputs.unit_cost_usd),
        decay=state.decay * inputs.ramp_factor,
    )


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

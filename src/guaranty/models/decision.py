r"""The aggressor's decision: a monthly hazard of attack from the perceived value of attacking.

Each month the aggressor compares attacking with waiting. It perceives the force ratio with a
bias :math:`\beta_m` (the 2022 invasion rested on confidence in an easy victory — Gorenburg in
the source article), :math:`\ln \hat R = \ln R + \beta_m`, where :math:`R` is the ratio it
expects in the war: its power times the surprise it can still achieve (after the defender's
warning) and the air-superiority term it expects, over the defender's power after a first
cyber strike plus allied troops present and the reinforcements and arms it expects the
guarantors to send (:mod:`guaranty.models.response`). It values an attack as

.. math::
    V = \hat p\, G\,(1 - \eta\, \mathbb 1_{\text{neutral}})
        - (1 - \hat p)\, C_f - \lambda_L\, \hat L - C_s - \mathbb E[C_g]

where :math:`\hat p` and :math:`\hat L` come from the same war model as the outcomes
(:func:`guaranty.models.campaign.war`) at the ratio the aggressor perceives: :math:`\hat p`
the probability that the defender's line breaks during the war, :math:`\hat L` the casualties
it expects as a share of its force. :math:`G` is the gain of victory (the numeraire, 1),
:math:`\eta` the share of that gain a neutrality clause already delivers, :math:`C_f` the cost
of a failed attack, :math:`\lambda_L` the weight of losses, :math:`C_s` the cost of the
sanctions an attack brings and
:math:`\mathbb E[C_g]` the expected cost of the guarantors' responses and of attacking through
their troops (:mod:`guaranty.models.response`).
Against a value of waiting :math:`V_w`, the monthly hazard is

.. math:: h = \big(1 - e^{-\lambda_0 \exp(k (V - V_w))}\big)\,\mathbb 1[t \ge t_{\min}]

so :math:`\lambda_0` is the base rate of attack when attacking and waiting look alike, and the
aggressor cannot attack before it has reconstituted (:math:`t_{\min}`; Danish Defence
Intelligence, Feb 2025: a local war within 6 months, a regional one within 2 years).
:math:`h` falls as the defender grows stronger and rises with the bias, by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.models.campaign import War

Array = NDArray[np.floating[Any]]


def attack_value(
    expected: War,
    aggressor_personnel: Array,
    *,
    gain: Array,
    neutral_discount: Array,
    failure_cost: Array,
    loss_aversion: Array,
    sanctions_cost: Array,
) -> Array:
    """The aggressor's perceived value of attacking now, shape (n,), from the war it expects
    (:func:`guaranty.models.campaign.war` at the perceived ratio)."""
    p = expected.p_breakthrough
    loss = expected.aggressor_casualties / np.maximum(aggressor_personnel, 1.0)
    value: Array = (
        p * gain * (1.0 - neutral_discount)
        - (1.0 - p) * failure_cost
        - loss_aversion * loss
        - sanctions_cost
    )
    return value


def attack_hazard(
    value: Array,
    *,
    value_of_waiting: Array,
    base_rate: Array,
    sensitivity: Array,
    ready: Array,
) -> Array:
    """Monthly probability of attack, in [0, 1]; zero where ``ready`` is false."""
    rate = base_rate * np.exp(np.minimum(sensitivity * (value - value_of_waiting), 50.0))
    out: Array = np.where(ready > 0, -np.expm1(-rate), 0.0)
    return out

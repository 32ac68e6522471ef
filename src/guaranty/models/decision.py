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

.. math:: h_t = \big(1 - e^{-\lambda_0\, g(t) \exp(k (V - V_w))}\big)\,\mathbb 1[t \ge t_{\min}]

so :math:`\lambda_0` is the base rate of attack when attacking and waiting look alike, and the
aggressor cannot attack before it has reconstituted (:math:`t_{\min}`, a theatre input:
``decision.min_reconstitution_months``; the Ukraine scenario sets the Danish Defence
Intelligence figure, Feb 2025: a local war within 6 months, a regional one within 2 years).

**Duration dependence** (:func:`duration_factor`). Peace after a war grows more durable with
time (Fortna 2004; on the interstate case library a Weibull shape :math:`\rho` = 0.56, 95 %
0.41-0.78, likelihood ratio 14.8 against a constant hazard: ``guaranty calibrate decision``,
``decision.hazard_shape``). Month :math:`t = 0, 1, \dots` after the cease-fire carries the
Weibull increment

.. math:: g(t) = T\,\Big[\Big(\frac{t+1}{T}\Big)^{\rho} - \Big(\frac{t}{T}\Big)^{\rho}\Big]
          \approx \rho\,\Big(\frac{t + \tfrac12}{T}\Big)^{\rho - 1},
          \qquad T = 120 \text{ months}

normalised so that :math:`\sum_{t<T} g(t) = T`: over the ten years the anchoring matches,
the base hazard accumulates :math:`\lambda_0 T` as a constant hazard would, so
:math:`\lambda_0` keeps its meaning (the mean monthly base rate over ten years) and a shape of
1 gives :math:`g \equiv 1`, the constant hazard. The increment is exact (the integral of the
Weibull hazard over the month), the same cumulative hazard :math:`\Lambda t^{\rho}` the case
fit uses (:func:`guaranty.calibration.decision.cumulative`, with :math:`\Lambda =
\lambda_0 T^{1-\rho}`).
:math:`h` falls as the defender grows stronger and rises with the bias, by construction —
unless a lens switches on one of two hypotheses under which an instrument can raise the risk:

* **(b) provocation** (:mod:`guaranty.models.response`): foreign troops in the defender's
  territory cross the aggressor's red line and the cease-fire is worth :math:`\pi_b` less to
  it while they stay (``tripwire.provocation``; Lavrov, Putin in the source article);
* **(c) preventive war** (Levy 1987): the value of waiting falls as the defender's projected
  strength rises. The aggressor remembers its perceived ratio,
  :math:`m_t = m_{t-1} + (\ln\hat R_t - m_{t-1})/\tau` (:func:`remember`), and sees the window
  closing by :math:`c_t = \max(0, m_t - \ln\hat R_t)` (:func:`window_closing`): how far the
  ratio has fallen below what it was used to. Then
  :math:`V_w \to V_w - \phi\, c_t` (:func:`preventive_waiting`; ``decision.preventive_weight``
  :math:`\phi`, 0 by default). A fast build-up then brings the war forward.

The value of attacking when the guarantors may fight is the mixture
:math:`(1 - \pi)V_0 + \pi V_1` of :func:`mixed_value`: the cost of a direct war with them is
the war model's, not an assumed number.

References: Fortna, V. P. (2004). *Peace Time*. Princeton University Press.
Levy, J. S. (1987). "Declining Power and the Preventive Motivation for War".
*World Politics* 40(1):82–107.
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


def mixed_value(calm: Array, fight: Array, p_fight: Array) -> Array:
    r"""The value of attacking when the guarantors may enter the war:
    :math:`V = (1 - \pi)\,V_0 + \pi\,V_1`, shape (n,).

    :math:`V_0` is the value of the war the aggressor expects if no guarantor fights,
    :math:`V_1` if they do (their reinforcements and aircraft in the ratio, the war model's
    losses and odds at that ratio), :math:`\pi` the probability that at least one enters the
    war (:func:`guaranty.models.cohesion.p_any`). So the cost of a direct war with the
    guarantors, :math:`\pi (V_0 - V_1)`, is derived from their response and the war model,
    not assumed; ``guarantors.cost.direct_war`` adds only escalation beyond the theatre.
    """
    out: Array = (1.0 - p_fight) * calm + p_fight * fight
    return out


def window_closing(ln_perceived: Array, memory: Array) -> Array:
    r""":math:`c_t = \max(0, m_t - \ln\hat R_t)`: how far the perceived ratio has fallen below
    the one the aggressor remembers (its window of opportunity closing), shape (n,)."""
    out: Array = np.maximum(memory - ln_perceived, 0.0)
    return out


def preventive_waiting(value_of_waiting: Array, closing: Array, *, weight: Array) -> Array:
    r""":math:`V_w - \phi\,c_t`: the value of waiting once the window is seen closing."""
    out: Array = value_of_waiting - weight * closing
    return out


def remember(memory: Array, ln_perceived: Array, *, months: Array) -> Array:
    r""":math:`m_t = m_{t-1} + (\ln\hat R_t - m_{t-1})/\tau`, an exponential memory of
    :math:`\tau` months (at least 1)."""
    out: Array = memory + (ln_perceived - memory) / np.maximum(months, 1.0)
    return out


#: T of :func:`duration_factor`: months over which the duration factor averages 1 (the
#: anchoring horizon, so the base hazard keeps its meaning).
REFERENCE_MONTHS = 120.0


def duration_factor(t: int, shape: Array, *, reference: float = REFERENCE_MONTHS) -> Array:
    r""":math:`g(t) = T[((t+1)/T)^{\rho} - (t/T)^{\rho}]`, the Weibull increment of month
    ``t`` (0 the first month after the cease-fire) with shape :math:`\rho`, normalised to sum
    to :math:`T` over the first :math:`T` months; 1 for every month when :math:`\rho = 1`,
    falling with :math:`t` when :math:`\rho < 1`. Shape (n,) and dtype like ``shape``
    (computed in double precision: the difference cancels)."""
    given = np.asarray(shape)
    rho = given.astype(np.float64)
    out: Array = reference * (((t + 1.0) / reference) ** rho - (t / reference) ** rho)
    return out.astype(given.dtype if given.dtype.kind == "f" else np.float64, copy=False)


def attack_hazard(
    value: Array,
    *,
    value_of_waiting: Array,
    base_rate: Array,
    sensitivity: Array,
    ready: Array,
    duration: Array | float = 1.0,
) -> Array:
    """Monthly probability of attack, in [0, 1]; zero where ``ready`` is false. ``duration``
    is the month's :func:`duration_factor` (1: a constant hazard)."""
    rate = base_rate * duration * np.exp(
        np.minimum(sensitivity * (value - value_of_waiting), 50.0))
    out: Array = np.where(ready > 0, -np.expm1(-rate), 0.0)
    return out

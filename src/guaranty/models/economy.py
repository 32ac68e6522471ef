r"""Perceived risk of renewed war and the reconstruction investment that responds to it.

**Perceived risk.** Investors (and families) do not see a world's true monthly hazard
:math:`h_t` of renewed war; they see a biased, slowly updated view of it, lowered by
guarantees they can see (troops on the ground, a treaty's wording: "a visible signal of
determination", Gorenburg in the source article). Each month the perceived hazard
:math:`\hat h` moves a share :math:`\alpha = 1 - e^{-1/M}` of the way toward its target:

.. math:: \hat h_{t+1} = \hat h_t + \alpha\,\big(b\, h_t\,(1 - w\, s_t) - \hat h_t\big),
          \qquad \hat P_t = 1 - (1 - \hat h_t)^{12}

with :math:`M` the investors' memory in months, :math:`b` their bias (a per-world draw, the
perception's own uncertainty), :math:`s_t \in [0, 1]` the visible-guarantee signal the engine
computes from the package and :math:`w` the largest share by which a fully visible guarantee
lowers perceived risk beyond the hazard itself. At the cease-fire :math:`\hat P_0` is the
outside view: the crude failure rate of post-Cold-War cease-fires, 0.068/yr with peacekeepers
to 0.150/yr without (Fortna's data, PARAMETERS.md §1, D).

**Private investment: a war-risk premium on the user cost of capital.** An investor who
expects to lose a share :math:`\lambda` of the capital in a renewed war, and who insures or
self-insures at a loading :math:`\mu \ge 1` over the actuarial price, pays a war-risk premium
:math:`\pi = \mu \lambda \hat P` a year on top of the user cost :math:`c_0` of capital at peace.
With a user-cost elasticity of investment :math:`-\varepsilon`,

.. math:: I^{priv}_t = I^{priv}_0 \Big(\frac{c_0}{c_0 + \mu\lambda\hat P_t}\Big)^{\varepsilon}
          (1 - \kappa\, x_t)

so :math:`\partial \ln I / \partial \ln(c_0 + \pi) = -\varepsilon`. :math:`\varepsilon` is
0.25 to 1: Chirinko, Fazzari & Meyer (1999, *J. Public Econ.* 74) find about 0.25 in firm
data; Hassett & Hubbard (2002, *Handbook of Public Economics* 3) conclude "probably between
-0.5 and -1". :math:`x_t` is the share of seaborne exports lost (from the naval model; 17 mass
attacks cut port export capacity by 40 % in 2023, PARAMETERS.md §6) and :math:`\kappa` the
share of private investment exposed to it. Public financing :math:`I^{pub}` is pledged and
does not respond to perceived risk (RDNA4: $7.37bn allocated to 2025 priorities; RDNA5:
>$15bn of 2026 priority needs, PARAMETERS.md §12).

**Needs.** The World Bank's Rapid Damage and Needs Assessments put recovery and reconstruction
needs over ten years at $524bn (RDNA4, Feb 2025) and ~$588bn (RDNA5, Feb 2026).

**Expectation over the war date.** The engine carries :math:`S_t`, the probability that a
world is still at peace at the start of month :math:`t`. Investment flows in month :math:`t`
only if no war starts in it (probability :math:`S_{t+1} = S_t(1 - h_t)`), and a war that
starts in month :math:`w` destroys or strands the share :math:`\lambda` of the capital
:math:`K_w` invested so far on the peace path. So, exactly,

.. math:: \mathbb E[\text{gross}_T] = \sum_{t<T} S_{t+1} I_t, \qquad
          \mathbb E[\text{net}_T] = \mathbb E[\text{gross}_T]
          - \sum_{w<T} S_w h_w\, \lambda K_w

which :func:`step_investment` accumulates month by month (:class:`InvestmentState`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.models._arrays import like

Array = NDArray[np.floating[Any]]
Value = Array | float  # an array of shape (n,) or a scalar shared by all worlds

NEEDS_RDNA4_USD_BN = 524.0
NEEDS_RDNA5_USD_BN = 588.0


# --- perceived risk ------------------------------------------------------------------------
def monthly_from_annual(annual_risk: Value) -> Array:
    """Monthly hazard :math:`1 - (1 - P)^{1/12}` equivalent to an annual risk ``P``."""
    p = np.clip(np.asarray(annual_risk), 0.0, 1.0)
    out: Array = 1.0 - (1.0 - p) ** (1.0 / 12.0)
    return out


def annual_risk(monthly_hazard: Value) -> Array:
    """Annual risk :math:`1 - (1 - h)^{12}` of a constant monthly hazard ``h``."""
    h = np.clip(np.asarray(monthly_hazard), 0.0, 1.0)
    out: Array = 1.0 - (1.0 - h) ** 12
    return out


def perceived_hazard(
    previous: Array,
    true_hazard: Array,
    *,
    guarantee_signal: Value,
    bias: Value,
    signal_weight: Value,
    memory_months: Value,
) -> Array:
    r"""Next month's perceived monthly hazard :math:`\hat h_{t+1}`, shape (n,).

    Parameters
    ----------
    previous : ndarray of shape (n,)
        Perceived monthly hazard :math:`\hat h_t`.
    true_hazard : ndarray of shape (n,)
        The world's monthly hazard of renewed war :math:`h_t` (from the decision model).
    guarantee_signal : array_like, shape (n,) or scalar
        Visible guarantees :math:`s_t \in [0, 1]` (0: none seen, 1: fully visible).
    bias : array_like
        Investors' multiplicative bias :math:`b` on the hazard (1: unbiased).
    signal_weight : array_like
        Share :math:`w \in [0, 1]` by which a fully visible guarantee lowers perceived risk.
    memory_months : array_like
        Memory :math:`M` of the exponential smoother, months (> 0).
    """
    signal = np.clip(guarantee_signal, 0.0, 1.0)
    target = true_hazard * bias * (1.0 - np.clip(signal_weight, 0.0, 1.0) * signal)
    alpha = -np.expm1(-1.0 / np.maximum(memory_months, 1e-6))
    out: Array = np.clip(previous + alpha * (target - previous), 0.0, 1.0)
    return out


@dataclass(frozen=True)
class PerceptionInputs:
    """Per-world constants of the perception model, arrays of shape (n,)."""

    prior_annual_risk: Array  # perceived annual risk at the cease-fire
    bias: Array  # b
    signal_weight: Array  # w
    memory_months: Array  # M


@dataclass(frozen=True)
class PerceptionState:
    """Perceived monthly hazard of renewed war per world."""

    hazard: Array  # (n,) 1/month

    @classmethod
    def start(cls, prior_annual_risk: Value, n: int | None = None) -> PerceptionState:
        """State at the cease-fire, from the perceived annual risk :math:`\\hat P_0`."""
        h = monthly_from_annual(prior_annual_risk)
        if n is not None:
            h = np.broadcast_to(h, (n,))
        dtype = h.dtype if h.dtype == np.float32 else np.float64
        return cls(hazard=np.array(h, dtype=dtype))

    @property
    def annual(self) -> Array:
        """Perceived annual risk of renewed war :math:`\\hat P_t`, shape (n,)."""
        return annual_risk(self.hazard)


def step_perception(
    state: PerceptionState,
    true_hazard: Array,
    *,
    guarantee_signal: Value,
    bias: Value,
    signal_weight: Value,
    memory_months: Value,
) -> PerceptionState:
    """The perception one month later, from this month's hazard and signal.

    Its :attr:`PerceptionState.annual` is the perceived annual risk investors act on.
    """
    hazard = perceived_hazard(
        state.hazard, true_hazard, guarantee_signal=guarantee_signal, bias=bias,
        signal_weight=signal_weight, memory_months=memory_months,
    )
    return PerceptionState(hazard.astype(state.hazard.dtype, copy=False))


# --- investment ----------------------------------------------------------------------------
def war_risk_premium(
    perceived_annual_risk: Value, *, loss_share: Value, insurance_loading: Value
) -> Array:
    r"""War-risk premium :math:`\pi = \mu \lambda \hat P`, share of capital a year."""
    out: Array = np.asarray(insurance_loading) * loss_share * np.clip(perceived_annual_risk, 0, 1)
    return out


def private_investment(
    perceived_annual_risk: Value,
    *,
    base_usd_bn: Value,
    cost_of_capital: Value,
    loss_share: Value,
    insurance_loading: Value,
    elasticity: Value,
    exports_lost_share: Value = 0.0,
    export_exposure: Value = 0.0,
) -> Array:
    r"""Private reconstruction investment, USD bn a year, shape (n,).

    :math:`I_0 (c_0 / (c_0 + \mu\lambda\hat P))^{\varepsilon} (1 - \kappa x)`; see the module
    docstring. ``base_usd_bn`` is :math:`I_0`, the investment at no war risk and open sea
    lanes; ``cost_of_capital`` :math:`c_0` (per year); ``elasticity`` :math:`\varepsilon > 0`
    (the user-cost elasticity is :math:`-\varepsilon`); ``exports_lost_share`` :math:`x` from
    the naval model; ``export_exposure`` :math:`\kappa`.
    """
    c0 = np.maximum(cost_of_capital, 1e-9)
    premium = war_risk_premium(
        perceived_annual_risk, loss_share=loss_share, insurance_loading=insurance_loading
    )
    exports = 1.0 - np.clip(export_exposure, 0.0, 1.0) * np.clip(exports_lost_share, 0.0, 1.0)
    out: Array = base_usd_bn * (c0 / (c0 + premium)) ** elasticity * exports
    return out


@dataclass(frozen=True)
class InvestmentInputs:
    """Per-world constants of the investment model, arrays of shape (n,)."""

    private_base_usd_bn: Array  # USD bn/year at no war risk
    public_usd_bn: Array  # USD bn/year pledged
    cost_of_capital: Array  # 1/year
    loss_share: Array  # share of capital lost in a renewed war
    insurance_loading: Array  # ratio >= 1
    elasticity: Array  # epsilon > 0
    export_exposure: Array  # kappa in [0, 1]
    needs_usd_bn: Array  # ten-year needs



def investment_per_year(
    perceived_annual_risk: Value,
    inputs: InvestmentInputs,
    *,
    exports_lost_share: Value = 0.0,
) -> Array:
    """Public plus private reconstruction investment on the peace path, USD bn a year."""
    private = private_investment(
        perceived_annual_risk,
        base_usd_bn=inputs.private_base_usd_bn,
        cost_of_capital=inputs.cost_of_capital,
        loss_share=inputs.loss_share,
        insurance_loading=inputs.insurance_loading,
        elasticity=inputs.elasticity,
        exports_lost_share=exports_lost_share,
        export_exposure=inputs.export_exposure,
    )
    out: Array = private + inputs.public_usd_bn
    return out


@dataclass(frozen=True)
class InvestmentState:
    """Peace-path capital and its expectations over the war date, USD bn, shape (n,)."""

    capital: Array  # K_t: invested so far on the peace path
    expected_gross: Array  # sum_{u<t} S_{u+1} I_u
    expected_lost: Array  # sum_{w<t} S_w h_w lambda K_w

    @classmethod
    def start(cls, n: int) -> InvestmentState:
        """Nothing invested yet (double precision: these are running sums over months)."""
        return cls(np.zeros(n), np.zeros(n), np.zeros(n))

    @property
    def expected_net(self) -> Array:
        """Expected capital in place, net of what renewed wars destroyed, USD bn."""
        out: Array = self.expected_gross - self.expected_lost
        return out


def step_investment(
    state: InvestmentState,
    flow_usd_bn: Value,
    *,
    survival: Value,
    hazard: Value,
    loss_share: Value,
) -> InvestmentState:
    """The state after month ``t``: peace-path investment ``flow_usd_bn`` (USD bn this month).

    ``survival`` is :math:`S_t`, the probability of peace at the start of the month (before
    the engine's ledger records this month's hazard), ``hazard`` :math:`h_t`. A war that
    starts this month stops this month's flow and takes ``loss_share`` of the capital.
    """
    starts = np.asarray(survival) * hazard
    lost = state.expected_lost + starts * loss_share * state.capital
    gross = state.expected_gross + (survival - starts) * np.asarray(flow_usd_bn)
    return InvestmentState(like(state.capital + flow_usd_bn, state.capital),
                           like(gross, state.expected_gross), like(lost, state.expected_lost))


def needs_met_share(state: InvestmentState, needs_usd_bn: Value) -> Array:
    """Expected share of the ten-year needs met by capital still in place, shape (n,).

    Undefined (NaN) where a scenario gives no needs.
    """
    return share_of_needs(state.expected_net, needs_usd_bn)


def share_of_needs(expected_net: Array, needs_usd_bn: Value) -> Array:
    """:func:`needs_met_share` of an expected net capital (USD bn), shape (n,)."""
    needs = np.asarray(needs_usd_bn, dtype=expected_net.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.where(needs > 0, expected_net / np.maximum(needs, 1e-9), np.nan)
    return out

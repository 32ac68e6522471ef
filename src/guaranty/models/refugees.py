r"""Refugee return: who intends to go home under a settlement, how fast, and what a war undoes.

**Return probability under a settlement** (ifo conjoint experiment, Oct 2025; Giesing,
Poutvaara et al.; n = 2,543 refugees in 30 European countries; PARAMETERS.md §12, C). A linear
probability model over the settlement's attributes :math:`x_j \in [0, 1]`:

.. math:: q(x) = q_{\text{worst}}
          + \max(\beta_{\text{most}} x_{\text{most}},\, \beta_{1991} x_{1991})
          + \max(\beta_{\text{gua}} x_{\text{gua}},\, \beta_{\text{NATO}} x_{\text{NATO}})
          + \beta_{\text{agr}} x_{\text{agr}} + \beta_{\text{jobs}} x_{\text{jobs}}
          + \beta_{\text{EU}} x_{\text{EU}} + \beta_{\text{corr}} x_{\text{corr}}

Territory (most occupied land liberated +6.8 pp, 1991 borders +10.8 pp) and security (NATO
membership +7.1 pp) are alternative levels of one attribute each, hence the maxima. The worst
case (Russia keeps the territory, no deal, no guarantees, a worsening economy) is the
intercept, :math:`q_{\text{worst}} = 2.7\,\%`; jobs +4.1, EU accession ~+3, less corruption
+3.2 pp are the published effects. Two effects are not in the project's sources:

* :math:`\beta_{\text{agr}}` — a peace agreement with an economy that does not worsen — is
  derived so that the best case (1991 borders, NATO, jobs, EU, less corruption, a deal) gives
  the published 46.5 %: :math:`46.5 - 2.7 - 10.8 - 7.1 - 4.1 - 3.0 - 3.2 = 15.6` pp (D);
* :math:`\beta_{\text{gua}}` — guarantees from some NATO states — is an assumption between
  0 and the NATO effect, 7.1 pp.

The middle case (most territory, guarantees from some NATO states, a deal, pre-war income)
is then :math:`2.7 + 6.8 + 15.6 + \beta_{\text{gua}} \in [25.1, 32.2]` %, covering the
published "about 30 %" — the check that is not true by construction.

**Intention decays.** Right after flight ~60 % would return once safe, falling 4.7 pp per 100
days (ifo, Poutvaara, Oct 2024). A linear fall would reach zero after 3.5 years and give 21 %
by June 2024, against 35 % (+4 % returning soon regardless) measured then; a proportional
decay at the same initial slope, :math:`k = \delta / I_0` per 100 days, gives 31 %. So the
model decays intentions proportionally, at a monthly factor

.. math:: \rho_{\text{keep}} = \exp\!\big(-\sigma\, \tfrac{\delta}{I_0}\,
          \tfrac{30.44}{100}\big)

with :math:`\sigma \le 1` allowing a slower decay after the war (the share planning to settle
abroad "does not depend on time spent abroad", Poutvaara, NUS seminar abstract).

**Flows on the peace path.** Of the refugees abroad :math:`A_0` (UNHCR: 6,906,500 on 19 Feb
2025), :math:`N_0 = A_0\, q(x)` intend to return under the settlement. Each month a share
:math:`r_t = (1/D)\, e^{-\theta \hat P_t}` of them goes home (:math:`D`: mean delay in months;
:math:`\hat P_t`: the perceived annual risk of renewed war, :mod:`guaranty.models.economy`;
:math:`\theta`: families' aversion to it), and the rest lose intention at
:math:`\rho_{\text{keep}}`:

.. math:: F_t = r_t N_t, \qquad N_{t+1} = (N_t - F_t)\, \rho_{\text{keep}}, \qquad
          R_{t+1} = R_t + F_t

**Returns follow security.** The survey's settlement effects hold in full only for a
settlement believed to hold; the month's flow is scaled by :func:`security_share`,
:math:`F_t = r_t\,\text{share}_t\,N_t`, which multiplies the settlement's effects by
:math:`e^{-\kappa \hat P_t (1 - H_t)}` (the perceived annual risk of a war the defender would
lose) and leaves the worst case's intercept alone: insecurity is the main barrier to return
(UNHCR *Lives on Hold*, round 6; PARAMETERS.md §12).

**A renewed war stops and reverses returns.** If war starts in month :math:`w`, that month's
and later flows stop and a share :math:`\phi` of those returned, :math:`R_w`, leave again. With
:math:`S_t` the probability of peace at the start of month :math:`t` and :math:`h_t` the
hazard, the expected number returned by month :math:`T` is

.. math:: \mathbb E[R_T] = S_T R_T + \sum_{w<T} S_w h_w (1 - \phi) R_w
          = \sum_{t<T} S_{t+1} F_t - \sum_{w<T} S_w h_w\, \phi R_w

(peace-path flows weighted by the chance that no war has started by the end of their month,
less the reversals weighted by war starts), which :func:`step_returns` accumulates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guaranty.models._arrays import like

Array = NDArray[np.floating[Any]]
Value = Array | float  # an array of shape (n,) or a scalar shared by all worlds

DAYS_PER_MONTH = 365.25 / 12.0
WORST_CASE = 0.027
"""ifo conjoint: return probability when Russia keeps the territory, no deal, no guarantees."""

EFFECTS_PP: dict[str, float] = {
    "territory_most": 6.8,
    "territory_1991": 10.8,
    "nato_guarantees": 3.55,  # assumption: mid-point of [0, 7.1]; not published in our sources
    "nato_membership": 7.1,
    "agreement": 15.6,  # D: best case 46.5 % less the intercept and the published effects
    "jobs": 4.1,
    "eu_accession": 3.0,
    "less_corruption": 3.2,
}
"""Effects on the return probability in percentage points (ifo conjoint; PARAMETERS.md §12)."""

ATTRIBUTES = tuple(EFFECTS_PP)
_EXCLUSIVE = (("territory_most", "territory_1991"), ("nato_guarantees", "nato_membership"))

BEST_CASE = {"territory_1991": 1.0, "nato_membership": 1.0, "agreement": 1.0, "jobs": 1.0,
             "eu_accession": 1.0, "less_corruption": 1.0}
MIDDLE_CASE = {"territory_most": 1.0, "nato_guarantees": 1.0, "agreement": 1.0}
WORST = dict.fromkeys(ATTRIBUTES, 0.0)


def return_probability(
    settlement: Mapping[str, Value],
    *,
    worst_case: Value = WORST_CASE,
    effects_pp: Mapping[str, Value] | None = None,
) -> Array:
    """Share of refugees abroad who would return under ``settlement``, in [0, 1].

    Parameters
    ----------
    settlement : mapping of str to array_like
        Attribute name (one of :data:`ATTRIBUTES`) to its level in [0, 1], a scalar or an
        array of shape (n,); a missing attribute is 0 (its worst level). Fractions are allowed
        (e.g. a guarantee believed with probability 0.6) and act linearly.
    worst_case : array_like
        Intercept, the probability in the worst case (0.027).
    effects_pp : mapping of str to array_like, optional
        Effects in percentage points; defaults to :data:`EFFECTS_PP` for any name missing.

    Raises
    ------
    KeyError
        If ``settlement`` names an unknown attribute.
    """
    unknown = sorted(set(settlement) - set(ATTRIBUTES))
    if unknown:
        raise KeyError(f"unknown settlement attribute(s) {unknown}; known: {list(ATTRIBUTES)}")
    eff = {**EFFECTS_PP, **(effects_pp or {})}

    def term(name: str) -> Array:
        level = np.clip(np.asarray(settlement.get(name, 0.0), dtype=np.float64), 0.0, 1.0)
        out: Array = level * np.asarray(eff[name], dtype=np.float64) / 100.0
        return out

    total: Array = np.asarray(worst_case, dtype=np.float64) + 0.0
    exclusive = {name for pair in _EXCLUSIVE for name in pair}
    for a, b in _EXCLUSIVE:
        total = total + np.maximum(term(a), term(b))
    for name in ATTRIBUTES:
        if name not in exclusive:
            total = total + term(name)
    out: Array = np.clip(total, 0.0, 1.0)
    return out


def intention_keep(
    *,
    at_flight: Value = 0.60,
    pp_per_100_days: Value = 4.7,
    scale: Value = 1.0,
) -> Array:
    """Monthly factor by which the intention to return decays (proportional decay)."""
    rate_per_day = np.asarray(pp_per_100_days) / 100.0 / (100.0 * np.asarray(at_flight))
    out: Array = np.exp(-np.asarray(scale) * rate_per_day * DAYS_PER_MONTH)
    return out


def intention_after(days: Value, *, at_flight: float = 0.60,
                    pp_per_100_days: float = 4.7) -> Array:
    """Share intending to return ``days`` after flight under the proportional decay."""
    rate_per_day = pp_per_100_days / 100.0 / (100.0 * at_flight)
    out: Array = at_flight * np.exp(-rate_per_day * np.asarray(days, dtype=np.float64))
    return out


def return_rate(
    perceived_annual_risk: Value, *, delay_months: Value, risk_aversion: Value
) -> Array:
    r"""Monthly share of those intending to return who go home, :math:`(1/D) e^{-\theta\hat P}`."""
    out: Array = np.exp(-np.asarray(risk_aversion) * np.clip(perceived_annual_risk, 0.0, 1.0))
    out = out / np.maximum(delay_months, 1.0)
    return out


def security_share(
    return_probability: Value,
    *,
    worst_case: Value,
    perceived_annual_risk: Value,
    p_hold: Value,
    insecurity_aversion: Value,
) -> Array:
    r"""Share of the survey's intention to return that holds this month, in [0, 1].

    The survey's respondents weighed settlements that hold; whether a settlement is believed
    to hold scales its effects, not the intercept:

    .. math:: q_t = q_{\text{worst}} + \big(q(x) - q_{\text{worst}}\big)\,
              e^{-\kappa \hat P_t (1 - H_t)}, \qquad \text{share}_t = q_t / q(x)

    with :math:`\hat P_t` the perceived annual risk of renewed war (the hazard investors
    see, :mod:`guaranty.models.economy`), :math:`H_t` the probability that the defender holds
    in a war begun now and :math:`\kappa` families' aversion to the risk of a lost war. A
    settlement perceived as secure (:math:`\hat P (1 - H) = 0`) keeps the survey's figures.
    """
    q = np.asarray(return_probability, dtype=np.float64)
    qw = np.minimum(np.asarray(worst_case, dtype=np.float64), q)
    danger = np.clip(perceived_annual_risk, 0.0, 1.0) * (1.0 - np.clip(p_hold, 0.0, 1.0))
    belief = np.exp(-np.asarray(insecurity_aversion) * danger)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.where(q > 0, (qw + (q - qw) * belief) / np.maximum(q, 1e-12), 1.0)
    return out


@dataclass(frozen=True)
class ReturnInputs:
    """Per-world constants of the return model, arrays of shape (n,)."""

    abroad_m: Array  # refugees abroad at the cease-fire, millions
    keep: Array  # monthly intention decay factor
    delay_months: Array
    risk_aversion: Array
    reversal_share: Array
    worst_case: Array  # return probability in the survey's worst case
    effects_pp: dict[str, Array]  # settlement effects, percentage points
    insecurity_aversion: Array | float = 0.0  # kappa: 0 keeps the survey's effects whole

    def return_probability(self, settlement: Mapping[str, Value]) -> Array:
        """:func:`return_probability` with this world's intercept and effects."""
        return return_probability(settlement, worst_case=self.worst_case,
                                  effects_pp=self.effects_pp)


@dataclass(frozen=True)
class ReturnState:
    """Peace-path stocks (millions) and expectations over the war date, shape (n,)."""

    intending: Array  # N_t: abroad and still intending to return
    returned: Array  # R_t: returned so far on the peace path
    expected_gross: Array  # sum_{u<t} S_{u+1} F_u
    expected_reversed: Array  # sum_{w<t} S_w h_w phi R_w

    @classmethod
    def start(cls, abroad_m: Value, return_probability: Value,
              n: int | None = None) -> ReturnState:
        """At the cease-fire: ``abroad_m`` × the settlement's return probability intend to go.

        The ifo conjoint was fielded in 2025; for a cease-fire much later, decay the
        probability first by ``intention_keep() ** months``.
        """
        intending = np.asarray(abroad_m, dtype=np.float64) * return_probability
        if n is not None:
            intending = np.broadcast_to(intending, (n,))
        intending = np.array(intending, dtype=np.float64)
        zeros = np.zeros_like(intending)
        return cls(intending, zeros.copy(), zeros.copy(), zeros.copy())

    @property
    def expected_returned(self) -> Array:
        """Expected refugees returned and still home, millions, shape (n,)."""
        out: Array = self.expected_gross - self.expected_reversed
        return out


def step_returns(
    state: ReturnState,
    *,
    rate: Value,
    keep: Value,
    survival: Value,
    hazard: Value,
    reversal_share: Value,
) -> ReturnState:
    """The state after month ``t`` (``state`` is not changed).

    ``rate`` is :func:`return_rate` for this month, ``keep`` :func:`intention_keep`,
    ``survival`` :math:`S_t` (the probability of peace at the start of the month, before the
    engine's ledger records this month's hazard) and ``hazard`` :math:`h_t`. A war that starts
    this month stops this month's flow and sends ``reversal_share`` of the returned abroad.
    """
    starts = np.asarray(survival) * hazard
    reversed_ = state.expected_reversed + starts * reversal_share * state.returned
    flow = state.intending * np.clip(rate, 0.0, 1.0)
    gross = state.expected_gross + (survival - starts) * flow
    intending = like(state.intending - flow, state.intending) * keep
    return ReturnState(
        intending=like(intending, state.intending),
        returned=like(state.returned + flow, state.returned),
        expected_gross=like(gross, state.expected_gross),
        expected_reversed=like(reversed_, state.expected_reversed),
    )

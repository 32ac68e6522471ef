"""Refugee return: the ifo survey experiment, intention decay, and what a renewed war undoes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from guaranty.models import refugees
from guaranty.models.refugees import BEST_CASE, EFFECTS_PP, MIDDLE_CASE, WORST


# --- the ifo survey experiment --------------------------------------------------------------
def test_best_and_worst_cases_reproduce_the_survey() -> None:
    # Both hold by construction (the worst case is the intercept; the agreement effect is
    # derived from the best case), to rounding of the published figures: 0.05 pp.
    assert refugees.return_probability(BEST_CASE) == pytest.approx(0.465, abs=5e-4)
    assert refugees.return_probability(WORST) == pytest.approx(0.027, abs=5e-4)


def test_middle_case_is_about_30_percent() -> None:
    # Not true by construction: the middle case combines the published territory effect, the
    # derived agreement effect and the assumed effect of guarantees from some NATO states.
    # Across that assumption's whole range [0, 7.1] pp it stays in [25.1, 32.2] %, which holds
    # the published "~30 %"; at the default mid-point, 28.65 %, the gap is 1.35 pp. Tolerance
    # 2.5 pp: the survey reports the middle case only as "about 30 %".
    assert refugees.return_probability(MIDDLE_CASE) == pytest.approx(0.30, abs=0.025)
    low = refugees.return_probability(MIDDLE_CASE, effects_pp={"nato_guarantees": 0.0})
    high = refugees.return_probability(MIDDLE_CASE, effects_pp={"nato_guarantees": 7.1})
    assert low == pytest.approx(0.251) and high == pytest.approx(0.322)
    assert low < 0.30 < high


def test_randomised_profiles_average_near_the_reported_mean() -> None:
    # The survey's mean over its randomised profiles is 27 %. Averaging the model over every
    # combination of the levels it knows (territory 3, security 3, the rest 2) gives 25.1 %;
    # the 1.9 pp gap reflects a level design the project's sources do not give. Tolerance 3 pp.
    levels = [
        [{}, {"territory_most": 1.0}, {"territory_1991": 1.0}],
        [{}, {"nato_guarantees": 1.0}, {"nato_membership": 1.0}],
        *[[{}, {name: 1.0}] for name in ("agreement", "jobs", "eu_accession", "less_corruption")],
    ]
    probs = [refugees.return_probability({k: v for part in combo for k, v in part.items()})
             for combo in itertools.product(*levels)]
    assert float(np.mean(probs)) == pytest.approx(0.27, abs=0.03)


@pytest.mark.parametrize("name", list(EFFECTS_PP))
def test_each_attribute_adds_its_published_effect(name: str) -> None:
    # Mechanism per attribute: refugees.effect_<name>_pp.
    gain = refugees.return_probability({name: 1.0}) - refugees.return_probability(WORST)
    assert gain == pytest.approx(EFFECTS_PP[name] / 100, abs=1e-12)
    half = refugees.return_probability({name: 0.5}) - refugees.return_probability(WORST)
    assert half == pytest.approx(EFFECTS_PP[name] / 200, abs=1e-12)


def test_alternative_levels_do_not_add_up() -> None:
    both = refugees.return_probability({"territory_most": 1, "territory_1991": 1,
                                        "nato_guarantees": 1, "nato_membership": 1})
    best = refugees.return_probability({"territory_1991": 1, "nato_membership": 1})
    assert both == best == pytest.approx(0.027 + 0.108 + 0.071)


def test_security_guarantees_raise_the_return_probability_per_world() -> None:
    p = refugees.return_probability({"nato_guarantees": np.array([0.0, 0.5, 1.0]),
                                     "agreement": 1.0})
    assert p.shape == (3,) and np.all(np.diff(p) > 0)
    assert np.all((p >= 0) & (p <= 1))


def test_unknown_attribute_is_an_error() -> None:
    with pytest.raises(KeyError, match="nato_membership"):
        refugees.return_probability({"nato": 1.0})


# --- intention decays -----------------------------------------------------------------------
def test_intention_starts_falling_at_the_ifo_rate() -> None:
    # Mechanism: refugees.intention_decay_pp_per_100_days. Initial slope 4.7 pp per 100 days.
    slope = (refugees.intention_after(1.0) - refugees.intention_after(0.0)) * 100 * 100
    assert slope == pytest.approx(-4.7, rel=1e-3)
    keep = refugees.intention_keep()
    assert keep == pytest.approx(np.exp(-0.047 / 0.6 / 100 * 365.25 / 12))


def test_proportional_decay_fits_june_2024_better_than_linear() -> None:
    # ~830 days after flight (Mar 2022 to Jun 2024) ifo measured 35 % who would return when
    # safe (+4 % soon regardless). Proportional decay gives 31 %, a linear one 21 %.
    days = 830
    proportional = refugees.intention_after(days)
    linear = 0.60 - 0.047 * days / 100
    assert proportional == pytest.approx(0.313, abs=0.005)
    assert abs(proportional - 0.35) < abs(linear - 0.35)


def test_slower_decay_after_the_war_keeps_more_intending() -> None:
    # Mechanism: refugees.decay_scale.
    assert refugees.intention_keep(scale=0.5) > refugees.intention_keep(scale=1.0)
    assert refugees.intention_keep(scale=0.0) == 1.0


# --- flows and the expectation over the war date --------------------------------------------
def _peace(months: int, *, rate: float, keep: float, n0: float) -> float:
    state = refugees.ReturnState.start(n0, 1.0, n=1)
    for _ in range(months):
        state = refugees.step_returns(state, rate=rate, keep=keep, survival=1.0, hazard=np.zeros(1),
                              reversal_share=0.5)
    return float(state.expected_returned[0])


def test_peace_path_matches_its_closed_form() -> None:
    # R_T = N0 r (1 - a^T) / (1 - a), a = (1 - r) k.
    r, k, n0 = 1 / 15, 0.98, 1.8
    a = (1 - r) * k
    for months in (12, 60, 120):
        closed = n0 * r * (1 - a**months) / (1 - a)
        assert _peace(months, rate=r, keep=k, n0=n0) == pytest.approx(closed, rel=1e-12)


def test_a_renewed_war_stops_and_reverses_returns() -> None:
    # Mechanism: refugees.reversal_share. War certain in month 24: R_24 (1 - phi) stays home.
    phi, r, k = 0.4, 0.1, 0.98
    state = refugees.ReturnState.start(2.0, 1.0, n=1)
    survival = 1.0
    for t in range(60):
        h = np.array([1.0 if t == 24 else 0.0])
        if t == 24:
            returned_at_war = float(state.returned[0])
        state = refugees.step_returns(state, rate=r, keep=k, survival=survival, hazard=h,
                              reversal_share=phi)
        survival *= 1 - h[0]
    assert state.expected_returned[0] == pytest.approx((1 - phi) * returned_at_war, rel=1e-12)


def test_expectation_over_the_war_date_matches_simulated_wars() -> None:
    months, h, phi, r, k, n0 = 120, 0.01, 0.4, 1 / 12, 0.976, 1.8
    state = refugees.ReturnState.start(n0, 1.0, n=1)
    path = [0.0]
    survival = 1.0
    for _ in range(months):
        state = refugees.step_returns(state, rate=r, keep=k, survival=survival,
                                      hazard=np.array([h]), reversal_share=phi)
        path.append(float(state.returned[0]))
        survival *= 1 - h
    rng = np.random.default_rng(11)
    war = rng.geometric(h, size=200_000) - 1
    returned = np.asarray(path)[np.minimum(war, months)]
    home = np.where(war < months, (1 - phi) * returned, returned)
    assert abs(state.expected_returned[0] - home.mean()) < 4 * home.std() / np.sqrt(home.size)


def _expected_returns(annual_hazard: np.ndarray, months: int = 120) -> np.ndarray:
    """Monthly chain with a constant hazard; perceived risk equal to it (families informed)."""
    n = len(annual_hazard)
    h = 1 - (1 - annual_hazard) ** (1 / 12)
    q = refugees.return_probability(MIDDLE_CASE)
    state = refugees.ReturnState.start(6.3, q, n=n)
    keep = refugees.intention_keep(scale=0.75)
    survival = np.ones(n)
    for _ in range(months):
        rate = refugees.return_rate(annual_hazard, delay_months=15.0, risk_aversion=2.5)
        state = refugees.step_returns(state, rate=rate, keep=keep, survival=survival, hazard=h,
                              reversal_share=0.4)
        survival = survival * (1 - h)
    return state.expected_returned


@pytest.mark.parametrize("months", [12, 60, 120])
def test_lower_hazard_brings_more_returns(months: int) -> None:
    out = _expected_returns(np.array([0.0, 0.02, 0.05, 0.1, 0.2]), months)
    assert np.all(np.diff(out) < 0)
    assert np.all((out > 0) & (out <= 6.3 * refugees.return_probability(MIDDLE_CASE)))


def test_perceived_risk_slows_returns_by_the_risk_aversion() -> None:
    # Mechanism: refugees.risk_aversion: rate(P) / rate(0) = exp(-theta P).
    rate = refugees.return_rate(np.array([0.0, 0.1]), delay_months=12.0, risk_aversion=3.0)
    assert rate[0] == pytest.approx(1 / 12)
    assert rate[1] / rate[0] == pytest.approx(np.exp(-0.3))


def test_a_secure_settlement_keeps_the_survey_figures_and_insecurity_erodes_only_its_effects(
) -> None:
    q = refugees.return_probability(refugees.MIDDLE_CASE)
    # The survey's conditions: a settlement that holds (no perceived risk, or an army that
    # would hold for certain) keeps the survey's middle case whole.
    for risk, hold in ((0.0, 0.2), (0.3, 1.0)):
        share = refugees.security_share(q, worst_case=refugees.WORST_CASE,
                                         perceived_annual_risk=risk, p_hold=hold,
                                         insecurity_aversion=20.0)
        assert float(share * q) == pytest.approx(float(q))
    assert 0.25 <= float(q) <= 0.33  # ifo: "about 30 %"
    # Insecurity scales the settlement's effects, never the worst case's intercept.
    share = refugees.security_share(q, worst_case=refugees.WORST_CASE,
                                    perceived_annual_risk=0.1, p_hold=0.5,
                                    insecurity_aversion=20.0)
    expected = refugees.WORST_CASE + (q - refugees.WORST_CASE) * np.exp(-20.0 * 0.05)
    assert float(share * q) == pytest.approx(float(expected))
    worst = refugees.return_probability(refugees.WORST)
    share = refugees.security_share(worst, worst_case=refugees.WORST_CASE,
                                    perceived_annual_risk=0.5, p_hold=0.0,
                                    insecurity_aversion=40.0)
    assert float(share) == pytest.approx(1.0)

"""models/campaign.py: the war model by hand, its limits and its smoothness."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guaranty.testing.war import CENTRAL, fight

REF = math.log(CENTRAL["reference_ratio"])


def test_at_the_balance_of_2023_25_the_war_is_the_record() -> None:
    # x = 0: aggressor casualties theta * N_d a month (0.035 x 880,000 = 30,800: about 1,000 a
    # day), 102 per km2 (a pace of about 300 km2 a month), an exchange ratio of 2.2.
    war = fight(REF, recruitment=40_000.0)
    assert war.monthly_casualties[0] == pytest.approx(0.035 * 880_000)
    assert war.pace_km2[0] == pytest.approx(0.035 * 880_000 / 102)
    assert war.exchange_ratio[0] == pytest.approx(2.2)
    assert 259 <= war.pace_km2[0] <= 730


def test_breakthrough_probability_and_holding_by_hand() -> None:
    # Recruitment above losses: the offensive can go on for the whole political duration
    # (endurance far above 12 months), so D is about 12 and p = 1 - exp(-0.01 * 12).
    war = fight(REF, recruitment=60_000.0)
    d = float(war.endurance_months[0])
    assert d == pytest.approx(12.0, rel=0.01)
    assert war.p_breakthrough[0] == pytest.approx(1 - math.exp(-0.01 * d), rel=1e-6)
    assert war.offensive_months[0] == pytest.approx((1 - math.exp(-0.01 * d)) / 0.01, rel=1e-6)
    months = (war.offensive_months[0] + (1 - war.p_breakthrough[0]) * (12.0 - d)
              + war.p_breakthrough[0] * CENTRAL["mobile_months"])
    assert war.months[0] == pytest.approx(months, rel=1e-6)
    # Held months at the attritional rate C; after a breakthrough m_x months of mobile war at
    # theta_m * N_d (0.16 x 880,000) and the exchange E_m = 3.7: C m_x and the premium over
    # it, held below the months after the offensive window at C (a smooth minimum).
    moving = war.p_breakthrough[0] * CENTRAL["mobile_months"]
    assert war.mobile_casualties[0] == pytest.approx(0.16 * 880_000)
    c_h = war.monthly_casualties[0]
    chase, rest = (0.16 * 880_000 - c_h) * 2.0, c_h * (12.0 - d)
    pursuit = c_h * 2.0 + chase * rest / (chase ** 4 + rest ** 4) ** 0.25
    fought = war.monthly_casualties[0] * (months - moving) + pursuit * war.p_breakthrough[0]
    bound = 0.3 * 650_000 + 60_000.0 * months
    kept = bound / (fought + bound)
    assert war.aggressor_casualties[0] == pytest.approx(fought * kept)
    assert war.defender_casualties[0] == pytest.approx(
        kept * (war.monthly_casualties[0] / 2.2 * (months - moving)
                + pursuit / 3.7 * war.p_breakthrough[0]))


def test_manpower_sustains_the_offensive() -> None:
    # Losing more than it recruits, the aggressor culminates after losing u of its force:
    # half the army and half the recruits make a shorter, less dangerous war.
    whole = fight(REF + 0.5)
    half = fight(REF + 0.5, attackers=325_000.0, recruitment=17_500.0)
    assert half.endurance_months[0] < whole.endurance_months[0]
    assert half.p_breakthrough[0] < whole.p_breakthrough[0]
    assert half.ground_km2[0] < whole.ground_km2[0]


def test_surprise_and_an_unprepared_line_break_fast() -> None:
    # February 2022: an unprepared line (prepared defence well below 1) and surprise.
    opening = fight(REF + math.log(1.5), prepared_defence=0.25, breakthrough_exponent=3.0)
    held = fight(REF)
    assert opening.p_breakthrough[0] > 0.9 > 0.2 > held.p_breakthrough[0]


def test_smooth_and_monotone_in_the_ratio() -> None:
    ratios = REF + np.linspace(-2.0, 2.0, 401)
    wars = [fight(float(x)) for x in ratios]
    p = np.array([w.p_breakthrough[0] for w in wars])
    ground = np.array([w.ground_km2[0] for w in wars])
    per_km2 = np.array([w.casualties_per_km2[0] for w in wars])
    assert np.all(np.diff(p) > 0) and np.all(np.diff(ground) > 0)
    assert np.all(np.diff(per_km2) < 0)
    # No jump: successive steps of 0.01 in the log ratio move p by little.
    assert np.max(np.abs(np.diff(p))) < 0.05


def test_float32_worlds_stay_float32() -> None:
    from guaranty.models import campaign
    from guaranty.testing.war import coefficients

    f32 = np.float32
    c = coefficients()
    c32 = type(c)(**{k: None if v is None else v.astype(f32) for k, v in vars(c).items()})
    war = campaign.war(np.array([0.7], f32), aggressor_personnel=np.array([6.5e5], f32),
                       defender_personnel=np.array([8.8e5], f32),
                       recruitment=np.array([3.5e4], f32), c=c32)
    assert war.p_breakthrough.dtype == f32 and war.ground_km2.dtype == f32


def test_an_unprepared_line_fights_a_mobile_war_from_the_first_day() -> None:
    # pi = 0.55: 45 % of the front is mobile war at theta_m N_d and E_m from the first day; on
    # a prepared line (pi = 1) the holding rate is the square law's alone.
    held = fight(REF + 2.0)
    opening = fight(REF + 2.0 + math.log(0.55), prepared_defence=0.55)
    c = 0.035 * 880_000 * math.exp(-2.0)
    assert held.monthly_casualties[0] == pytest.approx(c)
    assert held.exchange_ratio[0] == pytest.approx(2.2 * math.exp(-2.0))
    m = 0.16 * 880_000
    assert opening.monthly_casualties[0] == pytest.approx(0.55 * c + 0.45 * m, rel=1e-9)
    defender = 0.55 * c / (2.2 * math.exp(-2.0)) + 0.45 * m / 3.7
    assert opening.exchange_ratio[0] == pytest.approx(opening.monthly_casualties[0] / defender)


def test_the_mobile_war_never_lets_a_stronger_defender_cost_the_aggressor_less() -> None:
    # The pursuit's premium is held below the held war's remaining months, so the aggressor's
    # losses over the war fall with its effective superiority, whatever the mobile rate.
    ratios = REF + np.linspace(-3.0, 5.0, 401)
    for theta_m in (0.035, 0.16, 0.4):
        for months in (4.0, 12.0, 40.0):
            losses = np.array([fight(float(x), mobile_casualties_per_defender=theta_m,
                                     duration_months=months).aggressor_casualties[0]
                               for x in ratios])
            assert np.all(np.diff(losses) <= 1e-9 * losses[1:])

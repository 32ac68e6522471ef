"""Survival models: known answers, the pinned reproduction of Fortna, outside view, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guaranty.errors import InputError
from guaranty.history import Provisions, base_rate, outside_view, reproduce, validate
from guaranty.history.survival import fit_weibull, kaplan_meier


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kaplan_meier_recovers_a_constant_hazard(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, rate = 2000, 0.05
    t = rng.exponential(1 / rate, n)
    censor = rng.uniform(0, 80, n)
    months, failed = np.minimum(t, censor), (t <= censor).astype(int)
    curve = kaplan_meier(months, failed)
    for m in (6.0, 12.0, 24.0):
        truth = np.exp(-rate * m)
        tol = 4 * np.sqrt(truth * (1 - truth) / n)  # four binomial standard errors
        assert abs(curve.at(m)[0] - truth) < tol
    assert np.all(np.diff(curve.survival) <= 0)


def test_weibull_recovers_known_parameters_and_hazard_ratio() -> None:
    rng = np.random.default_rng(7)
    n, rho, beta0, beta1 = 3000, 0.6, 3.0, 0.8
    x = rng.integers(0, 2, n).astype(float)
    lam = np.exp(beta0 + beta1 * x)
    t = lam * rng.weibull(rho, n)
    frame = pd.DataFrame({"months": np.minimum(t, 400.0), "failed": (t < 400).astype(int), "x": x})
    fit = fit_weibull(frame, ["x"])
    se = np.sqrt(np.diag(fit.cov))
    assert abs(fit.beta[1] - beta1) < 4 * se[1]
    assert abs(fit.log_rho - np.log(rho)) < 4 * se[-1]
    hr = fit.hazard_ratios()[0]
    assert hr.lo < np.exp(-rho * beta1) < hr.hi
    est, lo, hi = fit.failure({"x": 1.0}, [1, 12, 60, 240], level=0.95)
    assert np.all(np.diff(est) > 0)
    assert np.all((lo <= est) & (est <= hi) & (lo >= 0) & (hi <= 1))


def test_basic_specification_reproduces_the_parameters_md_check() -> None:
    # PARAMETERS.md §1: Peacekeepers HR 0.68 (0.39-1.17), victory 0.19 (0.11-0.34),
    # treaty 0.43 (0.24-0.77), log battle deaths 1.14 (1.02-1.27).
    table = reproduce("basic")
    pinned = {
        "peacekeeping": (0.6789, 0.3939, 1.1700),
        "victory": (0.1901, 0.1062, 0.3403),
        "treaty": (0.4306, 0.2396, 0.7740),
        "logdead": (1.1363, 1.0180, 1.2684),
    }
    for name, values in pinned.items():
        t = table.row(name).term
        assert (t.hazard_ratio, t.lo, t.hi) == pytest.approx(values, rel=1e-3), name
    assert (table.n_spells, table.n_failures) == (152, 81)


def test_controls_specification_is_pinned_beside_the_published_figures() -> None:
    table = reproduce("controls")
    pk = table.row("peacekeeping")
    assert (pk.term.hazard_ratio, pk.term.lo, pk.term.hi) == pytest.approx(
        (0.5317, 0.2948, 0.9587), rel=1e-3
    )
    assert table.row("victory").term.hazard_ratio == pytest.approx(0.1292, rel=1e-3)
    assert table.row("treaty").term.hazard_ratio == pytest.approx(0.4258, rel=1e-3)
    # Intervals overlap the published ranges, but the point estimate for peacekeeping
    # (a 47 % cut) is weaker than the published 55-85 %.
    assert pk.agrees and table.row("victory").agrees and table.row("treaty").agrees
    assert pk.published is not None and pk.term.hazard_ratio > pk.published.hi
    assert table.row("logdead").published is None


def test_unknown_specification_is_refused() -> None:
    with pytest.raises(InputError, match="specification must be one of"):
        reproduce("fancy")


def test_outside_view_orders_packages_and_reports_what_it_cannot_map() -> None:
    bare = outside_view(Provisions())
    monitored = outside_view(Provisions(monitors=True))
    strong = outside_view(
        Provisions(agreement="agreement", peacekeepers=True, third_party_guarantee=True, dmz=True)
    )
    for view in (bare, monitored, strong):
        values = [view.p_war[m][0] for m in (12, 60, 120)]
        assert values == sorted(values)
        assert all(lo <= e <= hi for e, lo, hi in view.p_war.values())
        assert np.all(np.diff(view.curve_survival) <= 0)
    assert strong.p_war[60][0] < monitored.p_war[60][0] < bare.p_war[60][0]
    assert bare.unmapped == ()
    assert [u.split(":")[0] for u in strong.unmapped] == ["third_party_guarantee", "dmz"]
    assert "Fortna" in strong.model


def test_outside_view_regression() -> None:
    view = outside_view(Provisions())
    assert view.p_war[12][0] == pytest.approx(0.537, abs=0.002)
    assert view.p_war[60][0] == pytest.approx(0.844, abs=0.002)


def test_provisions_are_checked() -> None:
    with pytest.raises(InputError, match="agreement must be one of"):
        Provisions(agreement="armistice")
    with pytest.raises(InputError, match="dmz must be true or false"):
        Provisions(dmz="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="months must be positive"):
        outside_view(Provisions(), months=(0, 12))
    with pytest.raises(InputError, match="unknown provision 'dmzz'; did you mean 'dmz'"):
        Provisions(dmzz=True)  # type: ignore[call-arg]
    assert Provisions(dmz=np.True_).dmz is True


def test_one_provisions_class() -> None:
    from guaranty import scenario

    assert scenario.Provisions is Provisions
    assert scenario.Package(provisions={"monitors": True}).provisions == Provisions(monitors=True)
    assert hash(Provisions(dmz=True)) == hash(Provisions(dmz=True))  # an lru_cache key
    assert outside_view(Provisions(monitors=True)).to_dict()["provisions"]["monitors"] is True


def test_interstate_base_rates() -> None:
    rate = base_rate("interstate", "ceasefire")
    assert (rate.n, rate.failures) == (15, 4)
    # UCDP needs a quiet calendar year to end an episode: no recurrence within 12 months.
    assert rate.p_war[12] == (0.0, 0.0, 0.0)
    assert 0 < rate.p_war[120][0] < 0.5


def test_time_split_validation_is_pinned() -> None:
    result = validate(split_year=1990)
    assert (result.n_train, result.n_test, result.test_failures) == (63, 88, 52)
    assert result.c_index == pytest.approx(0.623, abs=0.002)
    assert result.baseline_c_index == pytest.approx(0.523, abs=0.002)
    assert [p.years for p in result.calibration] == [1.0, 2.0, 5.0]
    with pytest.raises(InputError, match="split_year must leave"):
        validate(split_year=1950)


@pytest.mark.parametrize("kind", ["interstate", "intrastate"])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_numpy_kaplan_meier_equals_lifelines(kind: str, level: float) -> None:
    # The outside view's Kaplan-Meier runs in NumPy (no lifelines at run time); it must be
    # lifelines' KaplanMeierFitter: same timeline, estimate and exponential-Greenwood band.
    from lifelines import KaplanMeierFitter

    from guaranty.history.interstate import _episodes
    from guaranty.history.survival import kaplan_meier

    frame = _episodes()
    rng = np.random.default_rng(5)
    cases = [frame[(frame["kind"] == kind) & ((frame["outcome"] == o) | (o == "all"))]
             for o in ("all", "agreement", "ceasefire", "victory", "low_activity")]
    made_up = [(rng.integers(1, 30, 40).astype(float), rng.integers(0, 2, 40)),
               (np.array([3.0, 3.0, 5.0]), np.array([1, 1, 1]))]  # ties; everyone fails
    for months, failed in [(c["months"].to_numpy(float), c["failed"].to_numpy(int))
                           for c in cases] + made_up:
        ours = kaplan_meier(months, failed, level=level)
        kmf = KaplanMeierFitter(alpha=1 - level).fit(months, failed)
        theirs = kmf.survival_function_.join(kmf.confidence_interval_).to_numpy(float)
        np.testing.assert_array_equal(kmf.survival_function_.index.to_numpy(float), ours.months)
        np.testing.assert_allclose(np.c_[ours.survival, ours.lo, ours.hi], theirs,
                                   rtol=1e-12, atol=1e-15)

"""The hot path's shortcuts give the same bits as the plain computation."""

from __future__ import annotations

import numpy as np

from guaranty.models import campaign, cohesion, response


def test_p_any_memo_is_bit_identical_to_a_full_evaluation() -> None:
    rng = np.random.default_rng(3)
    n = 500
    r = rng.uniform(0.0, 0.99, n)
    memo: dict[str, tuple[list[np.ndarray], np.ndarray]] = {}
    probabilities = [np.zeros(n), np.zeros(n), rng.uniform(0, 1, n)]
    for month in range(6):
        if month:  # a few worlds change each month, as deployments arrive
            for p in probabilities:
                hit = rng.random(n) < 0.2
                p[hit] = rng.uniform(0, 1, hit.sum())
        current = [p.copy() for p in probabilities]
        fast = response._p_any("k", current, r, memo)
        full = cohesion.p_any(current, r)
        assert fast.dtype == full.dtype
        assert fast.tobytes() == full.tobytes()
        assert response._p_any("k", current, r, None).tobytes() == full.tobytes()


def test_p_any_of_zeros_is_exactly_zero() -> None:
    zero = np.zeros(7)
    assert not cohesion.p_any([zero, zero], np.full(7, 0.94)).any()


def test_equipment_path_matches_linear_interpolation() -> None:
    rng = np.random.default_rng(4)
    n = 40
    path = np.vstack([np.ones(n), rng.uniform(0.5, 1.5, (len(campaign.PATH_MONTHS) - 1, n))])
    kit = campaign.Equipment(path, np.full(n, 0.8))
    t = rng.uniform(-5.0, 70.0, (8, n))
    t[0, :6] = campaign.PATH_MONTHS  # the grid points themselves
    got = campaign.equipment_path(t, kit)
    for i in range(n):
        want = np.interp(t[:, i], campaign.PATH_MONTHS, path[:, i])
        np.testing.assert_allclose(got[:, i], want, rtol=1e-12, atol=1e-12)

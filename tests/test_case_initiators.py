"""Who started each renewed war and each rival-year onset: the shipped coding, hand-checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guaranty.history.cases import load_episodes, load_rival_years


def _rival(rivalry: str, year: int) -> pd.Series:
    frame = load_rival_years()
    hit = frame[(frame["rivalry"] == rivalry) & (frame["year"] == year)]
    assert len(hit) == 1, (rivalry, year)
    return hit.iloc[0]


@pytest.mark.parametrize(("rivalry", "year", "side", "who"), [
    ("North Korea-South Korea", 1949, 1, "North Korea (731; COW: Korean War, 1950)"),
    ("Iran-Iraq 2", 1980, 2, "Iraq (645)"),
    ("Eritrea-Ethiopia", 1998, 2, "Eritrea (531; COW: Badme Border War)"),
    ("India-Pakistan", 1964, 2, "Pakistan (770; COW: Second Kashmir War, 1965)"),
    ("India-Pakistan", 1971, 2, "Pakistan (770; COW codes Pakistan's 3 December strikes)"),
    ("Egypt-Israel", 1973, 1, "Egypt (651; Yom Kippur War)"),
    ("Iraq-Kuwait", 1990, 1, "Iraq (645)"),
    ("Argentina-Great Britain", 1982, 1, "Argentina (160)"),
])
def test_rival_year_onsets_are_coded_as_history_has_them(rivalry: str, year: int, side: int,
                                                         who: str) -> None:
    row = _rival(rivalry, year)
    assert row["onset"] == 1
    assert row["initiator"] == side, who
    assert row["initiator_source"] == "cow"


def test_renewed_wars_name_their_initiator() -> None:
    frame = load_episodes().set_index("name")
    # India-Pakistan 1948 renewed in the 1965 war (Pakistan), 1965 in 1971 (Pakistan, COW);
    # 1971 in Siachen 1984 (India's Operation Meghdoot: MID side A).
    assert frame.loc["india-pakistan-1948", "initiator"] == 2
    assert frame.loc["india-pakistan-1965", "initiator"] == 2
    assert frame.loc["india-pakistan-1971", ["initiator", "initiator_source"]].tolist() == [
        1, "mid"]
    assert frame.loc["iran-iraq-1974", "initiator"] == 2  # Iraq, 1980
    assert frame.loc["egypt-israel-1956", "initiator"] == 2  # Israel, 1967 (COW)


def test_initiator_is_known_only_for_events_and_is_one_or_two() -> None:
    for frame, event in ((load_episodes(), "renewed"), (load_rival_years(), "onset")):
        known = np.isfinite(frame["initiator"].to_numpy(float))
        assert not (known & (frame[event] == 0)).any()
        assert set(frame.loc[known, "initiator"]) <= {1.0, 2.0}
        assert set(frame.loc[known, "initiator_source"]) <= {"cow", "mid"}
        assert (frame.loc[~known, "initiator_source"].fillna("") == "").all()
    episodes, rivals = load_episodes(), load_rival_years()
    # The coding counts docs/cases.md reports.
    assert int(np.isfinite(episodes["initiator"]).sum()) == 24
    assert int(episodes["renewed"].sum()) == 32
    assert int(np.isfinite(rivals["initiator"]).sum()) == 44
    assert int(rivals["onset"].sum()) == 50


def test_the_stronger_side_started_about_half_of_the_wars() -> None:
    """The directed fit's descriptive check (docs/cases.md): of the 64 events in the fits
    with a known initiator, the stronger side by the capability composite started 34."""
    from guaranty.calibration.decision import DIRECTED, DecisionFit, direction

    theta = np.array([-6.0, 2.0, 0.0, 0.0, 0.0, -7.0, 0.0, -0.4])
    fit = DecisionFit(sample="both", names=DIRECTED, estimate=theta, se=np.ones(8),
                      cov=np.eye(8), log_likelihood=0.0, n_episodes=0, renewals=0,
                      n_rival_years=0, onsets=0, condition=1.0, free=(True,) * 8,
                      sides="directed")
    out = direction(fit)
    assert (out["initiators_known"], out["started_by_stronger"]) == (64, 34)
    # With b_win > 0 and no loss term or bias, the stronger side's hazard is the higher.
    assert all(v > 0 for v in out["log_hazard_ratio_stronger"].values())

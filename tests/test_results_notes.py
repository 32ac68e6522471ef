"""Results.notes: the warnings a view shows beside the numbers."""

from __future__ import annotations

import numpy as np

from guaranty.results import Anchor, Results

ANCHOR = Anchor("full", 0.26, 0.26, 0.4, 120, "test")


def _results(**changes: object) -> Results:
    fields: dict = {
        "scenario": "s", "seed": 0, "worlds": 4, "months": 12, "lens": None,
        "outcomes": {
            "short": {"troops_feasible": np.array([1.0, 0.0, 1.0, 1.0])},
            "full": {"troops_feasible": np.ones(4)},
            "none": {"p_war_12m": np.zeros(4)},
        },
        "anchor": ANCHOR,
    }
    return Results(**(fields | changes))


def test_notes_name_troops_short_of_the_pools_and_rejections() -> None:
    results = _results(rejections={"none": ("aggressor's red line on neutrality",)})
    assert results.notes() == [
        "short: the troops asked for fit the contributors' rotation pools in only 75% of worlds",
        "none: rejected by the aggressor's red line on neutrality",
    ]


def test_no_notes_when_nothing_to_say() -> None:
    outcomes = {"full": {"troops_feasible": np.ones(4)}}
    assert _results(outcomes=outcomes).notes() == []


def test_an_unanchored_run_says_so() -> None:
    notes = _results(anchor=None, outcomes={"full": {"troops_feasible": np.ones(4)}}).notes()
    assert len(notes) == 1 and notes[0].startswith("unanchored")

"""Kaplan-Meier curves by group of Fortna's cease-fires."""

from __future__ import annotations

import pytest

from guaranty.errors import InputError
from guaranty.history import curves_by
from guaranty.history.curves import groups
from guaranty.history.spells import first_periods, fortna_spells


def test_curves_by_mission_split_the_spells() -> None:
    spells = first_periods(fortna_spells())
    curves = curves_by(spells, "mission", months=(12, 60))
    assert [c.label for c in curves] == ["peacekeepers", "monitors", "none"]
    assert sum(c.n for c in curves) == len(spells)
    for c in curves:
        assert set(c.p_war) == {12, 60}
        for estimate, lo, hi in c.p_war.values():
            assert 0 <= lo <= estimate <= hi <= 1
        assert c.p_war[12][0] <= c.p_war[60][0]
        doc = c.to_dict()
        assert list(doc) == ["label", "n", "events", "p_war", "months", "survival"]
        assert set(doc["p_war"]) == {"12", "60"}


def test_default_spells_are_fortnas_first_periods() -> None:
    assert [c.n for c in curves_by(by="outcome")] == [
        len(g) for g in groups(first_periods(fortna_spells()), "outcome").values()]


def test_unknown_grouping() -> None:
    with pytest.raises(InputError, match="by must be one of peacekeeping, mission, outcome"):
        curves_by(by="colour")

"""Kaplan-Meier curves of Fortna's cease-fires, one per group of spells.

The groups split the spells by what held at the cease-fire: peacekeeping or none; armed
peacekeepers, unarmed monitors or neither; and how the war ended (a victory, a treaty or a
truce). :func:`curves_by` fits one curve per group and reads P(renewed war) off each at the
chosen horizons. ``guaranty durability curve`` prints them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from guaranty.errors import InputError
from guaranty.history.spells import first_periods, fortna_spells
from guaranty.history.survival import Curve, kaplan_meier

GROUPINGS = ("peacekeeping", "mission", "outcome")
"""The ways :func:`groups` can split the spells."""


@dataclass(frozen=True)
class GroupCurve:
    """The Kaplan-Meier curve of one group, and P(renewed war) read off it.

    ``p_war`` maps a horizon in months to (estimate, lo, hi): one minus the survival and its
    pointwise interval, at that horizon.
    """

    curve: Curve
    p_war: Mapping[int, tuple[float, float, float]]

    @property
    def label(self) -> str:
        return self.curve.label

    @property
    def n(self) -> int:
        return self.curve.n

    @property
    def events(self) -> int:
        return self.curve.events

    def to_dict(self) -> dict[str, Any]:
        """Label, size, failures, P(renewed war) by horizon and the survival step function."""
        return {
            "label": self.label,
            "n": self.n,
            "events": self.events,
            "p_war": {str(m): list(v) for m, v in self.p_war.items()},
            "months": self.curve.months.tolist(),
            "survival": self.curve.survival.tolist(),
        }


def groups(spells: pd.DataFrame, by: str) -> dict[str, pd.DataFrame]:
    """Split one-row-per-spell data (:func:`~guaranty.history.spells.first_periods`) by ``by``.

    ``peacekeeping``: peacekeeping, none. ``mission``: peacekeepers, monitors, none.
    ``outcome``: victory, treaty, truce (neither).
    """
    if by == "peacekeeping":
        return {
            "peacekeeping": spells[spells["peacekeeping"] == 1],
            "none": spells[spells["peacekeeping"] == 0],
        }
    if by == "mission":
        return {
            "peacekeepers": spells[spells["peacekeepers"] == 1],
            "monitors": spells[spells["monitors"] == 1],
            "none": spells[(spells["peacekeepers"] == 0) & (spells["monitors"] == 0)],
        }
    if by == "outcome":
        return {
            "victory": spells[spells["victory"] == 1],
            "treaty": spells[spells["treaty"] == 1],
            "truce": spells[(spells["victory"] == 0) & (spells["treaty"] == 0)],
        }
    raise InputError(f"by must be one of {', '.join(GROUPINGS)}, got {by!r}")


def curves_by(
    spells: pd.DataFrame | None = None,
    by: str = "peacekeeping",
    *,
    months: Sequence[int] = (12, 60, 120),
    level: float = 0.95,
) -> list[GroupCurve]:
    """One Kaplan-Meier curve per group of spells, with P(renewed war) at ``months``.

    Parameters
    ----------
    spells : DataFrame, optional
        One row per spell, covariates as at the cease-fire (default: Fortna's,
        ``first_periods(fortna_spells())``).
    by : str
        One of :data:`GROUPINGS`; see :func:`groups`.
    months : sequence of int
        Horizons at which to read P(renewed war).
    level : float
        Coverage of the pointwise intervals.
    """
    if spells is None:
        spells = first_periods(fortna_spells())
    out = []
    for label, sub in groups(spells, by).items():
        curve = kaplan_meier(sub["months"].to_numpy(dtype=np.float64),
                             sub["failed"].to_numpy(dtype=np.int64), label=label, level=level)
        p_war = {}
        for m in months:
            s, lo, hi = curve.at(m)
            p_war[m] = (1 - s, 1 - hi, 1 - lo)
        out.append(GroupCurve(curve, p_war))
    return out

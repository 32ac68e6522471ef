r"""The interstate case library: post-1945 war ends and rival dyad-years, built from data.

Two samples, both built by ``scripts/build_cases.py`` from the shared raw data and shipped under
``data/cases/`` (SHA-checked here; coding rules in ``docs/cases.md``):

* **episodes** — every post-1945 end of an interstate war or armed conflict: UCDP conflict
  termination v3 interstate dyad episodes (1946-2020; sides with several governments split into
  pairs) and the COW inter-state war dyads UCDP's primary dyads miss where the two states border
  each other or are rivals. Each carries the two sides' military personnel and spending (COW NMC
  7.0), their third-party defence pacts (ATOP 5.1) and whether one is unconditional (ATOP 4.01
  ``defcon``), the interstate peace operation present (hand-coded ``missions.csv``, with whether
  its sender is neutral), how the war ended, and the outcome: months to the next UCDP interstate
  episode between the pair, or censoring at the end of 2024.
* **rival years** — Thompson-Dreyer strategic rivals, one row per year 1946-2020 in which the
  pair was not at war the year before, with ``onset`` (a new interstate conflict that year).

Side 1 and side 2 are the pair in ascending code order, not aggressor and defender: either may
renew the war. ``initiator`` (1, 2, or NaN where unknown or joint) says which side started the
renewed war (episodes) or the new conflict (rival years), from COW inter-state wars v4 (the
side of the war's initiators) or else GML MID 2.2.1 (side A of the dispute that escalated);
``initiator_source`` is ``cow``, ``mid`` or empty. The balance is the log ratio of a capability
composite,

.. math:: \ln R_{12} = \tfrac12 \ln\frac{P_1}{P_2} + \tfrac12 \ln\frac{M_1}{M_2}

with :math:`P` military personnel and :math:`M` military spending (the two military components
of COW's CINC, Singer, Bremer & Stuckey 1972).

References
----------
Kreutz, J. (2010). *JPR* 47(2), 243-250. https://doi.org/10.1177/0022343309353108
Sarkees, M. R. & Wayman, F. (2010). *Resort to War: 1816-2007*. CQ Press.
Singer, J. D., Bremer, S. & Stuckey, J. (1972). Capability distribution, uncertainty, and major
power war, 1820-1965. In B. Russett (ed.), *Peace, War, and Numbers*. Sage, 19-48.
Leeds, B. A., Ritter, J. M., Mitchell, S. M. & Long, A. G. (2002). *International Interactions*
28, 237-260. https://doi.org/10.1080/03050620213653
Thompson, W. R. & Dreyer, D. R. (2012). *Handbook of International Rivalries*. CQ Press.
Gibler, D. M., Miller, S. V. & Little, E. K. (2016). An analysis of the Militarized
Interstate Dispute (MID) dataset, 1816-2001. *ISQ* 60(4), 719-730 (GML MID 2.2.1).
Miller, S. V. (2022). peacesciencer. *CMPS* 39(6), 755-779.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from guaranty._datasets import data_path, read_checked_csv
from guaranty.errors import InputError

__all__ = [
    "EPISODE_COLUMNS",
    "Case",
    "case",
    "case_library",
    "load_episodes",
    "load_rival_years",
]

EPISODES_SHA256 = "a9e5fec2338c373404952185798c14779566eb88acf32b190812b38c75d8ea64"
RIVAL_YEARS_SHA256 = "937797d5df9b565f45f344c0152be3c223d7441d7bf192e56bdff2537d1d0bb4"
_RESTORE = "it with `git checkout -- data/cases` or rebuild it: python scripts/build_cases.py"

_SIDE = ("milper", "milex", "pacts", "pact_major", "pact_unconditional", "ally_milper")
EPISODE_COLUMNS = (
    "name", "side1", "side2", "code1", "code2", "end", "year", "source", "ending", "war",
    "cow_war", "months", "renewed", "renewed_on", "initiator", "initiator_source",
    *(f"{c}{s}" for s in "12" for c in _SIDE),
    "peacekeepers", "peacekeepers_neutral", "peacekeepers_armed", "forces_of_a_party", "mission",
)
_RIVAL_COLUMNS = (
    "rivalry", "code1", "code2", "year", "onset", "years_since_war", "initiator",
    "initiator_source",
    *(f"{c}{s}" for s in "12" for c in ("milper", "milex", "pacts", "pact_major")),
)
_TEXT = {"name", "side1", "side2", "end", "source", "ending", "renewed_on", "mission", "rivalry",
         "initiator_source"}


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if column not in _TEXT:
            out[column] = pd.to_numeric(out[column].replace("", np.nan), errors="raise")
    return out


def _with_balance(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``ln_ratio`` (side 1 over side 2, NaN where a side lacks data)."""
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.log(out["milper1"].clip(lower=0.5) / out["milper2"].clip(lower=0.5))
        mil = np.log(out["milex1"].clip(lower=1.0) / out["milex2"].clip(lower=1.0))
    out["ln_ratio"] = 0.5 * per + 0.5 * mil
    return out


@cache
def _episodes() -> pd.DataFrame:
    raw = read_checked_csv(data_path("cases", "episodes.csv"), sha256=EPISODES_SHA256,
                           columns=EPISODE_COLUMNS, what="interstate case library",
                           restore=_RESTORE)
    return _with_balance(_numeric(raw))


@cache
def _rival_years() -> pd.DataFrame:
    raw = read_checked_csv(data_path("cases", "rival_years.csv"), sha256=RIVAL_YEARS_SHA256,
                           columns=_RIVAL_COLUMNS, what="rival dyad-years", restore=_RESTORE)
    return _with_balance(_numeric(raw))


def load_episodes() -> pd.DataFrame:
    """The post-1945 interstate war ends, one row per pair (a copy), with ``ln_ratio``."""
    return _episodes().copy()


def load_rival_years() -> pd.DataFrame:
    """The Thompson-Dreyer rival dyad-years at risk of a new conflict (a copy)."""
    return _rival_years().copy()


@dataclass(frozen=True)
class Case:
    """One war end of the library, with what a coarse scenario needs."""

    name: str
    side1: str
    side2: str
    end: str
    ending: str
    war: bool
    months: float
    renewed: bool
    milper: tuple[float, float]  # thousands
    milex: tuple[float, float]  # thousands of current USD
    pacts: tuple[int, int]
    pact_major: tuple[bool, bool]
    pact_unconditional: tuple[bool, bool]
    mission: str
    peacekeepers_neutral: bool
    peacekeepers_armed: bool  # a neutral mission with armed troops (not observers only)
    forces_of_a_party: bool  # foreign forces of an ally of one side (UN Command in Korea)

    @property
    def complete(self) -> bool:
        """Whether both sides have personnel and spending (needed for a scenario or the fit)."""
        return bool(np.all(np.isfinite([*self.milper, *self.milex])))

    def to_dict(self) -> dict[str, Any]:
        """Plain form for JSON (NaN as None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, tuple):
                return [clean(x) for x in v]
            if isinstance(v, float) and not np.isfinite(v):
                return None
            return v
        return {k: clean(v) for k, v in self.__dict__.items()}


def _case(row: pd.Series) -> Case:
    def pair(column: str, kind: type) -> tuple[Any, Any]:
        a, b = row[f"{column}1"], row[f"{column}2"]
        return (kind(a), kind(b)) if kind is not float else (float(a), float(b))
    return Case(
        name=str(row["name"]), side1=str(row["side1"]), side2=str(row["side2"]),
        end=str(row["end"]), ending=str(row["ending"]), war=bool(row["war"]),
        months=float(row["months"]), renewed=bool(row["renewed"]),
        milper=pair("milper", float), milex=pair("milex", float),
        pacts=pair("pacts", int), pact_major=pair("pact_major", bool),
        pact_unconditional=pair("pact_unconditional", bool),
        mission=str(row["mission"]), peacekeepers_neutral=bool(row["peacekeepers_neutral"]),
        peacekeepers_armed=bool(row["peacekeepers_armed"]),
        forces_of_a_party=bool(row["forces_of_a_party"]),
    )


def case_library() -> tuple[Case, ...]:
    """Every war end of the library, in order of the end date."""
    return tuple(_case(r) for _, r in _episodes().iterrows())


def case(name: str) -> Case:
    """One case by name (``korea`` style prefixes are not guessed: use ``durability cases``).

    Raises
    ------
    InputError
        When no case has that name, with the closest names.
    """
    frame = _episodes()
    hit = frame[frame["name"] == name]
    if hit.empty:
        import difflib

        close = difflib.get_close_matches(name, frame["name"].tolist(), n=4)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"case must be one of the {len(frame)} names that `guaranty durability "
                         f"cases` lists, got {name!r}{hint}")
    return _case(hit.iloc[0])

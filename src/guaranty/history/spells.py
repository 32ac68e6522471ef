"""Peace spells built from the shipped data: the rows the survival models are fitted on.

A *spell* starts when fighting stops (a cease-fire, an agreement, a victory, a lull) and ends
when war resumes (failure) or observation stops (censoring). Time is in months
(days / 30.4375). Fortna's file comes in counting-process (start-stop) form: a spell is split
into periods whenever a time-varying covariate (peacekeeping) changes, so each row covers
``(start, stop]`` and ``failed`` marks the row in which the spell ended in war.

References
----------
Fortna, V. P. (2008). *Does Peacekeeping Work?* Princeton University Press, ch. 4.
Kreutz, J. (2010). How and when armed conflicts end. *JPR* 47(2), 243-250.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from guaranty.history.data import load_agreements, load_fortna, load_termination

DAYS_PER_MONTH = 30.4375
UCDP_CENSOR = pd.Timestamp("2020-12-31")
AGREEMENTS_CENSOR = pd.Timestamp("2021-12-31")

OUTCOMES = {
    1: "agreement",
    2: "ceasefire",
    3: "victory",
    4: "victory",
    5: "low_activity",
    6: "actor_ceased",
}
KINDS = {1: "extrasystemic", 2: "interstate", 3: "intrastate"}

__all__ = ["agreement_spells", "fortna_spells", "termination_spells"]


@lru_cache(maxsize=1)
def _fortna() -> pd.DataFrame:
    raw = load_fortna()
    # drop > 0 marks Fortna's "questionable or ongoing cases"; her analyses exclude them.
    raw = raw[raw["drop"] == 0].sort_values(["id", "_t0"])
    spell = raw["id"].astype("int64")
    cfdate = raw.groupby(spell)["cfdate"].transform("first")
    pkop = raw["pkop"].fillna(0).astype("int64")
    frame = pd.DataFrame(
        {
            "spell": spell,
            "name": raw["cname"].astype(str),
            "start": raw["_t0"] / DAYS_PER_MONTH,
            "stop": raw["_t"] / DAYS_PER_MONTH,
            "failed": raw["_d"].astype("int64"),
            "year": cfdate.dt.year.astype("int64"),
            "first": ~spell.duplicated(),
            "peacekeeping": raw["pk_dum"],
            # pkop (mission type, time varying), read from the cases: 1 political office without
            # troops, 2 observers (UNAVEM II, ONUSAL 1992), 3 traditional (UNFICYP),
            # 4 multidimensional (UNTAC), 5 Chapter VII enforcement (INTERFET).
            "monitors": (pkop == 2).astype(float),
            "peacekeepers": pkop.isin([3, 4, 5]).astype(float),
            "victory": raw["victory"],
            "treaty": raw["treaty"],
            "logdead": raw["logdead"],
            "wartype": raw["wartype"].astype(float),
            "wardur": raw["wardur"],
            "faction": raw["faction"].astype(float),
            "pcw": raw["pcw"].astype(float),
        }
    )
    return frame.reset_index(drop=True)


def fortna_spells() -> pd.DataFrame:
    """Fortna's civil-war cease-fire spells in start-stop form, one row per period.

    Returns
    -------
    DataFrame
        189 rows, 153 spells (1947-1999), 82 failures, censored at 31 Dec 2004. Columns:
        ``spell`` (id), ``name``, ``start``/``stop`` (months since the cease-fire), ``failed``
        (0/1, on the period in which war resumed), ``year`` (year of the cease-fire), ``first``
        (first period of its spell), the covariates ``peacekeeping`` (Fortna's ``pk_dum``),
        ``monitors`` (observer mission), ``peacekeepers`` (armed mission: traditional,
        multidimensional or enforcement), ``victory``, ``treaty`` (reference: truce),
        ``logdead`` (log deaths), ``wartype`` (identity war), ``wardur`` (years of war),
        ``faction`` (3+ factions), ``pcw`` (ended after the Cold War).
    """
    return _fortna().copy()


@lru_cache(maxsize=1)
def _termination() -> pd.DataFrame:
    acd = load_termination("conflict")
    episodes = acd.groupby("conflictep_id").agg(
        conflict_id=("conflict_id", "first"),
        episode=("conflictepisode", "first"),
        type2=("type_of_conflict2", "first"),
        location=("location", "first"),
        began=("start_date2", "first"),
        ended=("ependdate", "max"),
        outcome=("outcome", "max"),
        terminated=("confterm", "max"),
        first_year=("year", "min"),
        last_year=("year", "max"),
        intensity=("intensity_level", "max"),
        territory=("incompatibility", "first"),
    )
    episodes = episodes.sort_values(["conflict_id", "episode"])
    episodes["next_began"] = episodes.groupby("conflict_id")["began"].shift(-1)
    ended = episodes[episodes["terminated"] == 1].copy()

    dyad = load_termination("dyad")
    pairs = {
        column: set(
            zip(
                dyad.loc[dyad[column].notna(), "conflict_id"],
                dyad.loc[dyad[column].notna(), "year"],
                strict=True,
            )
        )
        for column in ("cfiredate", "peagdate")
    }

    def signed(column: str) -> list[float]:
        # A date recorded for any dyad of the conflict in a year of the episode.
        keys = pairs[column]
        return [
            float(any((c, y) in keys for y in range(int(a), int(b) + 1)))
            for c, a, b in zip(
                ended["conflict_id"], ended["first_year"], ended["last_year"], strict=True
            )
        ]

    failed = ended["next_began"].notna()
    until = ended["next_began"].where(failed, UCDP_CENSOR)
    frame = pd.DataFrame(
        {
            "episode": ended.index.astype("int64"),
            "conflict_id": ended["conflict_id"],
            "location": ended["location"].astype(str),
            "kind": ended["type2"].map(KINDS),
            "outcome": ended["outcome"].astype("int64").map(OUTCOMES),
            "ended": ended["ended"],
            "year": ended["ended"].dt.year.astype("int64"),
            "months": (until - ended["ended"]).dt.days / DAYS_PER_MONTH,
            "failed": failed.astype("int64"),
            "interstate": (ended["type2"] == 2).astype(float),
            "war": (ended["intensity"] == 2).astype(float),
            "territory": (ended["territory"] == 1).astype(float),
            "episode_years": (ended["last_year"] - ended["first_year"] + 1).astype(float),
            "post_cold_war": (ended["ended"].dt.year >= 1990).astype(float),
            "ceasefire_signed": signed("cfiredate"),
            "agreement_signed": signed("peagdate"),
        }
    )
    # A recurrence within days of the end date still counts; zero-length spells get a day.
    frame["months"] = frame["months"].clip(lower=1 / DAYS_PER_MONTH)
    return frame.reset_index(drop=True)


def termination_spells() -> pd.DataFrame:
    """Peace after each terminated UCDP conflict episode, 1946-2020, one row per episode.

    A spell starts at the episode's end date and fails when the *same conflict* (UCDP
    ``conflict_id``: same parties' incompatibility) starts a new episode; otherwise it is
    censored on 31 Dec 2020.

    Returns
    -------
    DataFrame
        525 rows: ``episode``, ``conflict_id``, ``location``, ``kind`` (interstate, intrastate,
        extrasystemic), ``outcome`` (agreement, ceasefire, victory, low_activity, actor_ceased),
        ``ended``, ``year``, ``months``, ``failed``, and covariates ``interstate``, ``war``
        (1,000+ battle deaths in a year), ``territory`` (territorial incompatibility),
        ``episode_years``, ``post_cold_war``, ``ceasefire_signed`` / ``agreement_signed``
        (a cease-fire or peace-agreement date recorded for a dyad of the episode).
    """
    return _termination().copy()


@lru_cache(maxsize=1)
def _agreements() -> pd.DataFrame:
    raw = load_agreements()
    ended = (raw["ended"].str.lower() == "true").fillna(False).astype(bool)
    end = raw["duration"]
    # Five agreements are marked ended without a date; their time at risk is unknown.
    keep = ~(ended & end.isna())
    failed = end.notna()
    until = end.where(failed, AGREEMENTS_CENSOR)
    months = (until - raw["pa_date"]).dt.days / DAYS_PER_MONTH
    keep &= months >= 0
    frame = pd.DataFrame(
        {
            "agreement": raw["paid"],
            "name": raw["pa_name"].astype(str),
            "conflict_id": raw["conflict_id"],
            "year": raw["pa_date"].dt.year.astype("int64"),
            "months": months.clip(lower=1 / DAYS_PER_MONTH),
            "failed": failed.astype("int64"),
            "peacekeepers": raw["pko"].astype(float),
            "withdrawal": raw["withd"].astype(float),
            "third_party": raw["pa_3rd"].notna().astype(float),
            "joint_commission": raw["co_impl"].astype(float),
            "ceasefire": raw["cease"].astype(float),
            "full": (raw["pa_type"] == 1).astype(float),
        }
    )
    return frame[keep.to_numpy()].reset_index(drop=True)


def agreement_spells() -> pd.DataFrame:
    """How long each UCDP peace agreement (1975-2021) stayed in force.

    The outcome is the agreement's *termination* (UCDP ``ended``/``duration``), not renewed war.
    Agreements still in force are censored on 31 Dec 2021; five marked ended without a date and
    one dated before its signing are left out.

    Returns
    -------
    DataFrame
        368 rows: ``agreement`` (paid), ``name``, ``conflict_id``, ``year``, ``months``,
        ``failed``, and provisions ``peacekeepers`` (pko), ``withdrawal`` (withd),
        ``third_party`` (any third-party signatory, pa_3rd), ``joint_commission`` (co_impl,
        a commission to implement the agreement), ``ceasefire`` (cease), ``full`` (pa_type 1).
    """
    return _agreements().copy()


def first_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per spell: covariates as at the cease-fire, time from cease-fire to end.

    Parameters
    ----------
    frame : DataFrame
        Start-stop rows as from :func:`fortna_spells`.
    """
    last = frame.groupby("spell").agg(months=("stop", "max"), failed_any=("failed", "max"))
    first = frame[frame["first"]].set_index("spell")
    out = first.drop(columns=["start", "stop", "failed"]).join(last)
    out = out.rename(columns={"failed_any": "failed"})
    out["failed"] = out["failed"].astype(np.int64)
    return out.reset_index()

"""Build the interstate case library under data/cases/ from the shared raw data.

Run from the repository root: ``python scripts/build_cases.py [--shared ../shared/data]``.
It writes ``data/cases/episodes.csv`` (post-1945 interstate war ends, one row per dyad) and
``data/cases/rival_years.csv`` (Thompson-Dreyer rival dyad-years, 1946-2020) and prints the
SHA-256 of each for ``guaranty.history.cases``. Coding rules: ``docs/cases.md``.

Inputs (each with its SOURCE.md under the shared data folder): UCDP conflict termination v3
(dyad level), UCDP/PRIO ACD 25.1, COW inter-state wars v4, COW NMC 7.0, ATOP 5.1 dyad-years
(peacesciencer), ATOP 4.01 member level (obligation types), COW major powers, Thompson-Dreyer
rivalries, GML MID 2.2.1 directed dispute-years (the initiator, with COW's war initiators), and
the hand-coded interstate missions table ``data/cases/missions.csv``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "cases"
#: UCDP ends in 2020 (termination v3); ACD 25.1 observes renewals to the end of 2024.
CENSOR = pd.Timestamp("2024-12-31")
LAST_YEAR = 2020
#: Wars that ended in 1945 (the Second World War) are left out: post-war cases only.
FIRST_YEAR = 1946
#: Gleditsch-Ward codes that differ from COW's for the states in the cases.
GW_TO_COW = {340: 345, 678: 678, 679: 679, 816: 816, 817: 817, 260: 260, 265: 265}
ENDINGS = {1: "agreement", 2: "ceasefire", 3: "victory", 4: "victory", 5: "low_activity",
           6: "victory"}


def _gov_names(side: str) -> list[str]:
    return [s.strip().removeprefix("Government of ").strip()
            for s in str(side).split(",") if s.strip()]


def _name_codes(acd: pd.DataFrame, term: pd.DataFrame, states: pd.DataFrame) -> dict[str, int]:
    """Government name -> code, from UCDP rows where a side is one government."""
    codes: dict[str, int] = {}
    rows = term.merge(acd[["conflict_id", "year", "gwno_a", "gwno_b"]],
                      on=["conflict_id", "year"], how="left")
    for side, col in (("side_a", "gwno_a"), ("side_b", "gwno_b")):
        for name, code in rows[[side, col]].dropna().itertuples(index=False):
            names = _gov_names(name)
            if len(names) == 1:
                codes.setdefault(names[0], int(code))
    for name, code in states[["statenme", "ccode"]].itertuples(index=False):
        codes.setdefault(str(name), int(code))
    codes.setdefault("Lebanon", 660)
    codes.setdefault("Jordan", 663)
    return codes


def _pairs(acd: pd.DataFrame, codes: dict[str, int]) -> pd.DataFrame:
    """One row per interstate conflict-year and pair of opposing primary governments."""
    inter = acd[acd["type_of_conflict"] == "interstate"]
    out = []
    for r in inter.itertuples(index=False):
        for a in str(r.gwno_a).split(","):
            for b in str(r.gwno_b).split(","):
                if a.strip() in ("nan", "") or b.strip() in ("nan", ""):
                    continue
                x, y = sorted((int(float(a)), int(float(b))))
                out.append((x, y, int(r.year), pd.Timestamp(r.start_date2)))
    return pd.DataFrame(out, columns=["code1", "code2", "year", "episode_start"])


def _cow(code: int) -> int:
    return GW_TO_COW.get(code, code)


def _nmc(shared: Path) -> pd.DataFrame:
    nmc = pd.read_csv(shared / "peacesciencer" / "cow_nmc.csv")
    return nmc[["ccode", "year", "milper", "milex"]].dropna(subset=["ccode", "year"]).astype(
        {"ccode": int, "year": int})


def _capability(nmc: pd.DataFrame, code: int, year: int) -> tuple[float, float]:
    """Military personnel (thousands) and spending (thousands of current USD) in ``year``, each
    from the nearest earlier year with data within five years (NMC ends in 2022), else NaN."""
    rows = nmc[(nmc["ccode"] == _cow(code)) & (nmc["year"] <= year)
               & (nmc["year"] >= year - 5)].sort_values("year")
    out = []
    for column, floor in (("milper", 0.0), ("milex", 1.0)):  # NMC codes unknown spending 0
        values = rows.loc[rows[column] >= floor, column]
        out.append(float(values.iloc[-1]) if len(values) else float("nan"))
    return out[0], out[1]


class Pacts:
    """Third-party defence pacts of a state in a year (ATOP 5.1 dyad-years, to 2018) with the
    obligation type of the ATOP 4.01 alliance behind each (conditional or not, to 2016)."""

    def __init__(self, shared: Path, nmc: pd.DataFrame, majors: set[int]) -> None:
        atop = pd.read_csv(shared / "peacesciencer" / "atop_alliance.csv",
                           usecols=["ccode1", "ccode2", "year", "atop_defense"])
        atop = atop[atop["atop_defense"] == 1].astype({"ccode1": int, "ccode2": int,
                                                        "year": int})
        self.allies = atop.groupby(["ccode1", "year"])["ccode2"].apply(set).to_dict()
        self.last = int(atop["year"].max())
        members = pd.read_csv(shared / "atop_v4" / "atop-member-level.csv",
                              usecols=["atopid", "member", "yrent", "yrexit", "defense",
                                       "defcon"])
        members = members[members["defense"] == 1].copy()
        members["yrexit"] = members["yrexit"].where(members["yrexit"] > 0, 2016)
        self.members = members
        self.nmc = nmc
        self.majors = majors

    def of(self, code: int, other: int, year: int) -> dict[str, float]:
        y = min(year, self.last)
        allies = self.allies.get((_cow(code), y), set()) - {_cow(other)}
        rival_allies = self.allies.get((_cow(other), y), set())
        third = sorted(allies - rival_allies)
        personnel = [self._personnel(a, year) for a in third]
        m = self.members
        here = m[(m["yrent"] <= min(year, 2016)) & (m["yrexit"] >= min(year, 2016))]
        mine = set(here.loc[here["member"] == _cow(code), "atopid"])
        unconditional = 0
        for ally in third:
            shared_ids = mine & set(here.loc[here["member"] == ally, "atopid"])
            rows = here[here["atopid"].isin(shared_ids) & (here["member"] == _cow(code))]
            if len(rows) and (rows["defcon"] == 0).any():
                unconditional += 1
        return {
            "pacts": float(len(third)),
            "pact_major": float(any(a in self.majors for a in third)),
            "pact_unconditional": float(unconditional > 0),
            "ally_milper": float(np.nansum(personnel)) if third else 0.0,
        }

    def _personnel(self, code: int, year: int) -> float:
        return _capability(self.nmc, code, year)[0]


def _majors(shared: Path, year: int = 1990) -> set[int]:
    majors = pd.read_csv(shared / "peacesciencer" / "cow_majors.csv")
    return {int(c) for c in majors.loc[majors["endyear"] >= 1945, "ccode"]}


def _renewal(pairs: pd.DataFrame, x: int, y: int, end: pd.Timestamp) -> pd.Timestamp | None:
    rows = pairs[(pairs["code1"] == x) & (pairs["code2"] == y)]
    later = rows[(rows["episode_start"] > end) & (rows["year"] > end.year - 1)]
    later = later[later["year"] >= later["episode_start"].dt.year]
    if later.empty:
        return None
    return pd.Timestamp(later["episode_start"].min())


def _missions(x: int, y: int, year: int) -> dict[str, float | str]:
    table = pd.read_csv(OUT / "missions.csv")
    hit = table[(((table["code1"] == x) & (table["code2"] == y))
                 | ((table["code1"] == y) & (table["code2"] == x)))
                & (table["start"] <= year + 1) & (table["end"] >= year)]
    if hit.empty:
        return {"peacekeepers": 0.0, "peacekeepers_neutral": 0.0, "peacekeepers_armed": 0.0,
                "forces_of_a_party": 0.0, "mission": ""}
    neutral = hit[hit["neutral"] == 1]
    return {"peacekeepers": 1.0,
            "peacekeepers_neutral": float(len(neutral) > 0),
            "peacekeepers_armed": float((neutral["armed"] == 1).any()),
            "forces_of_a_party": float((hit["neutral"] == 0).any()),
            "mission": ";".join(hit["mission"])}


def _neighbours(shared: Path) -> set[tuple[int, int]]:
    cont = pd.read_csv(shared / "peacesciencer" / "cow_contdir.csv")
    riv = pd.read_csv(shared / "peacesciencer" / "td_rivalries.csv")
    out = set()
    for a, b in [*cont[["ccode1", "ccode2"]].itertuples(index=False),
                 *riv[["ccode1", "ccode2"]].itertuples(index=False)]:
        out.add(tuple(sorted((int(a), int(b)))))
    return out  # type: ignore[return-value]


class Initiators:
    """Who started a new interstate conflict between a pair: ``1`` (the lower code), ``2``, or
    ``0`` (unknown or joint), with the source (``cow``, ``mid`` or empty).

    The rule (``docs/cases.md``): first COW inter-state wars v4, a war between the pair whose
    first year for the pair is the conflict's start year or the next (UCDP's 25 deaths come
    before COW's 1,000), with the side of the war's initiators (``initiator`` per participant;
    the pair's side that holds every initiator; unknown when initiators sit on both sides or on
    neither). Else GML MID 2.2.1 (directed dispute-years): the pair's disputes that began from
    January of the year before the start to the month after it; of those, the one of highest
    hostility, then fatality, then latest start; its side A (the side that took the first
    militarised action) is the initiator; unknown when the top disputes disagree or none is
    found (GML ends in 2010, COW wars in 2003).
    """

    def __init__(self, shared: Path) -> None:
        war = pd.read_csv(shared / "peacesciencer" / "cow_war_inter.csv").dropna(
            subset=["ccode1", "ccode2", "year"])
        self.war = war.astype({"warnum": float, "ccode1": int, "ccode2": int, "year": int})
        side = pd.concat([
            self.war[["warnum", "ccode1", "sidea1", "initiator1"]].set_axis(
                ["warnum", "ccode", "side", "initiator"], axis=1),
            self.war[["warnum", "ccode2", "sidea2", "initiator2"]].set_axis(
                ["warnum", "ccode", "side", "initiator"], axis=1)]).drop_duplicates()
        self.side = {(w, int(c)): int(s) for w, c, s in side[["warnum", "ccode", "side"]]
                     .itertuples(index=False)}
        starters = side[side["initiator"] == 1].groupby("warnum")["side"].apply(set)
        self.starting_side = {w: next(iter(s)) for w, s in starters.items() if len(s) == 1}
        mid = pd.read_csv(shared / "peacesciencer" / "gml_dirdisp.csv")
        mid = mid[mid["midonset"] == 1].dropna(subset=["ccode1", "ccode2", "year", "stmon"])
        self.mid = mid.astype({"ccode1": int, "ccode2": int, "year": int, "stmon": int})

    def of(self, x: int, y: int, start: pd.Timestamp) -> tuple[int, str]:
        """The initiator of the conflict between ``x < y`` that started on ``start``."""
        cx, cy = _cow(x), _cow(y)
        w = self.war
        rows = w[((w["ccode1"] == cx) & (w["ccode2"] == cy))
                 | ((w["ccode1"] == cy) & (w["ccode2"] == cx))]
        first = rows.groupby("warnum")["year"].min()
        for warnum, year in first.sort_values().items():
            if start.year <= year <= start.year + 1:
                s = self.starting_side.get(warnum)
                if s is not None and s == self.side.get((warnum, cx)):
                    return 1, "cow"
                if s is not None and s == self.side.get((warnum, cy)):
                    return 2, "cow"
        m = self.mid[(self.mid["ccode1"] == cx) & (self.mid["ccode2"] == cy)]
        month = 12 * m["year"] + m["stmon"]
        at = 12 * start.year + start.month
        m = m[(month >= 12 * (start.year - 1) + 1) & (month <= at + 1)].assign(month=month)
        if m.empty:
            return 0, ""
        m = m.sort_values(["hostlev", "fatality", "month"], ascending=False)
        top = m.iloc[0]
        same = m[(m["hostlev"] == top["hostlev"]) & (m["fatality"] == top["fatality"])
                 & (m["month"] == top["month"])]
        sides = set(same["sidea1"].astype(int))
        if len(sides) != 1:
            return 0, ""
        return (1 if sides.pop() == 1 else 2), "mid"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def episodes(shared: Path) -> pd.DataFrame:
    """Post-1945 interstate war ends, one row per pair of opposing governments."""
    term = pd.read_csv(shared / "ucdp_conflict_termination" / "ucdp-term-dyad-3-2021.csv")
    term = term[term["type_of_conflict"] == 2].dropna(subset=["ependdate"])
    term = term[pd.to_datetime(term["ependdate"]).dt.year >= FIRST_YEAR]
    acd = pd.read_csv(shared / "peacesciencer" / "ucdp_acd.csv")
    states = pd.read_csv(shared / "peacesciencer" / "cow_states.csv")
    codes = _name_codes(acd, term, states)
    names = {v: k for k, v in codes.items()}
    names.update({int(c): str(n) for n, c in states[["statenme", "ccode"]].itertuples(
        index=False)})
    pairs = _pairs(acd, codes)
    cow = pd.read_csv(shared / "peacesciencer" / "cow_war_inter.csv")
    cow = cow[cow["year"] >= 1945].astype({"ccode1": int, "ccode2": int, "year": int})
    nmc = _nmc(shared)
    pacts = Pacts(shared, nmc, _majors(shared))
    initiators = Initiators(shared)
    rows = []
    seen: set[tuple[int, int, int]] = set()
    for r in term.drop_duplicates("dyadep_id").itertuples(index=False):
        end = pd.Timestamp(r.ependdate)
        for a in _gov_names(r.side_a):
            for b in _gov_names(r.side_b):
                ca, cb = codes.get(a), codes.get(b)
                if ca is None or cb is None:
                    continue
                rows.append(_row(ca, cb, end, ENDINGS.get(int(r.outcome), "low_activity"),
                                 int(r.intensity_level) == 2, "ucdp", pairs, cow, nmc, pacts,
                                 names, initiators))
                seen.add((*sorted((ca, cb)), end.year))
    # COW inter-state war dyads that UCDP's primary dyads miss (coalition members), where the
    # two states border each other (COW contiguity, land or up to 400 miles of water) or are
    # Thompson-Dreyer rivals: a coalition member far away is no case of a dyad's peace.
    near = _neighbours(shared)
    recent = cow[cow["year"] >= FIRST_YEAR]
    last = recent.groupby(["warnum", "ccode1", "ccode2"], as_index=False).agg(
        year=("year", "max"), outcome1=("outcome1", "last"))
    for r in last.itertuples(index=False):
        x, y = sorted((int(r.ccode1), int(r.ccode2)))
        window = range(r.year - 1, r.year + 2)
        if x != int(r.ccode1) or (x, y) not in near or any((x, y, yr) in seen for yr in window):
            continue
        seen.add((x, y, int(r.year)))
        ending = "victory" if int(r.outcome1) in (1, 2) else "ceasefire"
        rows.append(_row(x, y, pd.Timestamp(f"{int(r.year)}-12-31"), ending, True, "cow",
                         pairs, cow, nmc, pacts, names, initiators))
    frame = pd.DataFrame(rows).sort_values(["end", "name"]).reset_index(drop=True)
    frame["name"] = _unique(frame["name"])
    return frame


def _unique(names: pd.Series) -> list[str]:
    out, count = [], {}  # type: ignore[var-annotated]
    for n in names:
        count[n] = count.get(n, 0) + 1
        out.append(n if count[n] == 1 else f"{n}-{count[n]}")
    return out


def _row(ca: int, cb: int, end: pd.Timestamp, ending: str, war: bool, source: str,
         pairs: pd.DataFrame, cow: pd.DataFrame, nmc: pd.DataFrame, pacts: Pacts,
         names: dict[int, str], initiators: Initiators) -> dict[str, object]:
    x, y = sorted((ca, cb))
    renewed = _renewal(pairs, x, y, end)
    cowwar = cow[(cow["ccode1"] == _cow(x)) & (cow["ccode2"] == _cow(y))
                 & (cow["year"] <= end.year) & (cow["year"] >= end.year - 1)]
    stop = renewed if renewed is not None else CENSOR
    months = max((stop - end).days / 30.4375, 0.5)
    row: dict[str, object] = {
        "name": _slug(f"{names.get(x, x)}-{names.get(y, y)}-{end.year}"),
        "side1": names.get(x, str(x)), "side2": names.get(y, str(y)),
        "code1": x, "code2": y, "end": end.date().isoformat(), "year": end.year,
        "source": source, "ending": ending, "war": int(war or not cowwar.empty),
        "cow_war": int(not cowwar.empty),
        "months": round(months, 2), "renewed": int(renewed is not None),
        "renewed_on": "" if renewed is None else renewed.date().isoformat(),
    }
    who, source = (0, "") if renewed is None else initiators.of(x, y, renewed)
    row["initiator"] = who or ""
    row["initiator_source"] = source
    for side, code, other in (("1", x, y), ("2", y, x)):
        per, ex = _capability(nmc, code, end.year)
        row[f"milper{side}"], row[f"milex{side}"] = per, ex
        for k, v in pacts.of(code, other, end.year).items():
            row[f"{k}{side}"] = v
    row.update(_missions(x, y, end.year))
    return row


def rival_years(shared: Path) -> pd.DataFrame:
    """Thompson-Dreyer rival dyad-years 1946-2020 at risk of a new interstate conflict."""
    riv = pd.read_csv(shared / "peacesciencer" / "td_rivalries.csv")
    riv = riv[riv["endyear"] >= 1946]
    acd = pd.read_csv(shared / "peacesciencer" / "ucdp_acd.csv")
    pairs = _pairs(acd, {})
    active = set(zip(pairs["code1"], pairs["code2"], pairs["year"], strict=True))
    starts = pairs.groupby(["code1", "code2", "year"])["episode_start"].min().to_dict()
    nmc = _nmc(shared)
    pacts = Pacts(shared, nmc, _majors(shared))
    initiators = Initiators(shared)
    rows = []
    for r in riv.itertuples(index=False):
        x, y = sorted((int(r.ccode1), int(r.ccode2)))
        last_war = None
        for year in range(max(1946, int(r.styear)), min(int(r.endyear), LAST_YEAR) + 1):
            if (x, y, year - 1) in active:
                last_war = year - 1
                continue  # at war last year: not at risk of a new onset
            row: dict[str, object] = {
                "rivalry": str(r.rivalryname), "code1": x, "code2": y, "year": year,
                "onset": int((x, y, year) in active),
                "years_since_war": np.nan if last_war is None else year - last_war,
            }
            who, source = 0, ""
            if row["onset"]:  # the episode's start, or 1 January where it began earlier
                start = max(pd.Timestamp(starts[(x, y, year)]), pd.Timestamp(f"{year}-01-01"))
                who, source = initiators.of(x, y, start)
            row["initiator"] = who or ""
            row["initiator_source"] = source
            for side, code, other in (("1", x, y), ("2", y, x)):
                per, ex = _capability(nmc, code, year)
                row[f"milper{side}"], row[f"milex{side}"] = per, ex
                p = pacts.of(code, other, year)
                row[f"pacts{side}"] = p["pacts"]
                row[f"pact_major{side}"] = p["pact_major"]
            rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, frame in (("episodes.csv", episodes(args.shared)),
                        ("rival_years.csv", rival_years(args.shared))):
        path = OUT / name
        frame.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
        print(name, len(frame), hashlib.sha256(path.read_bytes()).hexdigest())


if __name__ == "__main__":
    main()

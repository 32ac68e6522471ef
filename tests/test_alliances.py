"""Alliance reliability: loading, rates against Berkemeier & Fuhrmann (2018), logistic model.

Published figures (PARAMETERS.md §8, the article's abstract) are whole percents, so the LLM
coding must match each to within rounding (0.5 point); the BF coding is held to the 4 points
by which its offensive and neutrality rates differ.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from guaranty.calibration import alliances
from guaranty.calibration.alliances import (
    PUBLISHED,
    Reliability,
    fit_reliability_model,
    load_alliance_cases,
    reliability,
    reliability_table,
)
from guaranty.errors import DataError, InputError


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return load_alliance_cases()


# --------------------------------------------------------------------------- loading


def test_load_alliance_cases_counts(cases: pd.DataFrame) -> None:
    assert list(cases.columns) == [*alliances.COLUMNS, "war_year"]
    assert len(cases) == 576
    assert cases["warid"].nunique() == 70
    # SOURCE.md: honorLLM = 73, violateLLM = 73, honorBF = 69, violateBF = 70.
    assert tuple(int(cases[c].sum()) for c in ("honorLLM", "violateLLM")) == (73, 73)
    assert tuple(int(cases[c].sum()) for c in ("honorBF", "violateBF")) == (69, 70)
    assert (int(cases["dnaLLM"].sum()), int(cases["dnaBF"].sum())) == (430, 437)
    assert (cases["war_year"].min(), cases["war_year"].max()) == (1828, 2003)
    assert cases.dtypes.drop("warname").map(lambda d: d == np.int64).all()


def test_war_years_are_parsed_from_the_war_names(cases: pd.DataFrame) -> None:
    years = cases.drop_duplicates("warname").set_index("warname")["war_year"]
    assert years["WorldWarI"] == 1914
    assert years["WorldWarII"] == 1939
    assert years["Austro-Sardinian1848-1849"] == 1848
    assert years["Korean_1950-53"] == 1950
    assert years["Iraq2003"] == 2003


def test_sample_marks_the_pre_1945_cases(cases: pd.DataFrame) -> None:
    # sample = 0 for every war from 1945 on and for four WWII rows of ATOP ids >= 3000.
    assert (cases.loc[cases["war_year"] >= 1945, "sample"] == 0).all()
    early_zero = cases[(cases["war_year"] < 1945) & (cases["sample"] == 0)]
    assert early_zero["warname"].unique().tolist() == ["WorldWarII"]
    assert early_zero["atopid"].tolist() == [3005, 3010, 3020, 3030]


def test_load_rejects_an_altered_file(tmp_path: Path) -> None:
    copy = tmp_path / "cases.csv"
    shutil.copyfile(alliances.data_path("alliance_reliability", "alliance_war_cases.csv"), copy)
    assert len(load_alliance_cases(copy)) == 576
    content = copy.read_bytes().replace(b"Iraq2003", b"Iraq2004", 1)
    copy.write_bytes(content)
    with pytest.raises(DataError, match="altered") as caught:
        load_alliance_cases(copy)
    assert str(copy) in str(caught.value)


def test_load_checks_the_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alliances, "data_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(DataError, match="cannot read"):
        load_alliance_cases()


def test_load_checks_the_coding_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "cases.csv"
    text = alliances.data_path("alliance_reliability", "alliance_war_cases.csv").read_text()
    lines = text.splitlines()
    fields = lines[1].split(",")
    fields[alliances.COLUMNS.index("honorLLM")] = "1.0"  # now both dna and honor
    copy.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n")
    monkeypatch.setattr(
        alliances, "SHA256", hashlib.sha256(copy.read_bytes()).hexdigest()
    )
    with pytest.raises(DataError, match="exactly one of dnaLLM"):
        load_alliance_cases(copy)


# --------------------------------------------------------------------------- rates

# (coding, treaty_type, era) -> (honoured, n), era split by the file's sample indicator.
PINNED = {
    ("LLM", "all", "all"): (73, 146),
    ("LLM", "all", "pre-1945"): (61, 92),
    ("LLM", "all", "post-1945"): (12, 54),
    ("LLM", "defense", "all"): (42, 102),
    ("LLM", "defense", "pre-1945"): (36, 59),
    ("LLM", "defense", "post-1945"): (6, 43),
    ("LLM", "offense", "all"): (31, 42),
    ("LLM", "offense", "post-1945"): (4, 7),
    ("LLM", "neutral", "all"): (35, 45),
    ("LLM", "neutral", "post-1945"): (5, 5),
    ("LLM", "nonagg", "all"): (18, 49),
    ("LLM", "nonagg", "post-1945"): (5, 28),
    ("LLM", "consul", "all"): (24, 61),
    ("LLM", "consul", "post-1945"): (5, 30),
    ("BF", "all", "all"): (69, 139),
    ("BF", "all", "pre-1945"): (58, 86),
    ("BF", "all", "post-1945"): (11, 53),
    ("BF", "defense", "all"): (39, 96),
    ("BF", "defense", "post-1945"): (5, 42),
    ("BF", "offense", "all"): (30, 42),
    ("BF", "neutral", "all"): (35, 43),
    ("BF", "nonagg", "all"): (18, 49),
    ("BF", "consul", "all"): (23, 59),
}


@pytest.fixture(scope="module")
def table(cases: pd.DataFrame) -> dict[tuple[str, str, str], Reliability]:
    return {(r.coding, r.treaty_type, r.era): r for r in reliability_table(cases)}


def test_table_covers_every_combination(table: dict[tuple[str, str, str], Reliability]) -> None:
    assert len(table) == 2 * 6 * 3


@pytest.mark.parametrize("key", sorted(PINNED))
def test_rates_are_pinned(
    key: tuple[str, str, str], table: dict[tuple[str, str, str], Reliability]
) -> None:
    row = table[key]
    assert (row.honoured, row.n) == PINNED[key]
    assert row.rate == pytest.approx(row.honoured / row.n)


@pytest.mark.parametrize(("coding", "tolerance"), [("LLM", 0.005), ("BF", 0.04)])
def test_rates_reproduce_the_published_figures(
    coding: str, tolerance: float, table: dict[tuple[str, str, str], Reliability]
) -> None:
    for (treaty_type, era), published in PUBLISHED.items():
        row = table[(coding, treaty_type, era)]
        assert abs(row.rate - published) <= tolerance, (treaty_type, era, row.rate)
        assert row.lo <= published <= row.hi


def test_splitting_eras_by_war_year(cases: pd.DataFrame) -> None:
    pre = reliability(cases, era="pre-1945", era_by="war")
    post = reliability(cases, era="post-1945", era_by="war")
    assert (pre.honoured, pre.n, post.honoured, post.n) == (63, 96, 10, 50)
    # 2 points below the published 22 %: the four 1945 alliances move to the earlier era.
    assert post.rate == pytest.approx(0.20)
    assert reliability(cases, era="post-1945").rate - post.rate == pytest.approx(2 / 90)
    defence = reliability(cases, treaty_type="defense", era="post-1945", era_by="war")
    assert (defence.honoured, defence.n) == (5, 40)


def test_jeffreys_interval() -> None:
    defence = reliability(treaty_type="defense", era="post-1945")
    a, b = defence.beta
    assert (a, b) == (6.5, 37.5)
    assert defence.lo == pytest.approx(stats.beta.ppf(0.025, a, b))
    assert defence.hi == pytest.approx(stats.beta.ppf(0.975, a, b))
    assert (round(defence.lo, 3), round(defence.hi, 3)) == (0.060, 0.265)
    everything_honoured = reliability(treaty_type="neutral", era="post-1945")
    assert (everything_honoured.rate, everything_honoured.hi) == (1.0, 1.0)
    assert everything_honoured.lo == pytest.approx(stats.beta.ppf(0.025, 5.5, 0.5))


@pytest.mark.parametrize(
    ("option", "value"),
    [("treaty_type", "defence"), ("era", "1945"), ("coding", "llm"), ("era_by", "alliance")],
)
def test_bad_options_name_what_is_allowed(option: str, value: str) -> None:
    with pytest.raises(InputError, match=f"{option} must be one of"):
        reliability(**{option: value})  # type: ignore[arg-type]


def test_cases_frame_is_checked(cases: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="missing"):
        reliability(cases.drop(columns="sample"))


# --------------------------------------------------------------------------- logistic model


def test_logistic_model_is_pinned(cases: pd.DataFrame) -> None:
    model = fit_reliability_model(cases)
    assert model.names == ("intercept", "post1945", "defense", "bilateral")
    assert (model.n, model.honoured) == (146, 73)
    np.testing.assert_allclose(model.coef, [0.6294, -1.6956, -0.9681, 0.8970], atol=1e-4)
    np.testing.assert_allclose(model.se, [0.5520, 0.4136, 0.4321, 0.4450], atol=1e-4)
    assert model.cov[0][1] == model.cov[1][0]
    bf = fit_reliability_model(cases, coding="BF")
    assert (bf.n, bf.honoured) == (139, 69)
    np.testing.assert_allclose(bf.coef, [0.6386, -1.8172, -0.9460, 0.9060], atol=1e-4)


@pytest.mark.parametrize("era_by", ["sample", "war"])
def test_logistic_score_equations_hold(cases: pd.DataFrame, era_by: str) -> None:
    # Canonical link: fitted probabilities sum to the honoured count overall and within each
    # indicator's group, at the MLE.
    model = fit_reliability_model(cases, era_by=era_by)  # type: ignore[arg-type]
    used = cases[cases["dnaLLM"] == 0]
    post = (used["sample"] == 0) if era_by == "sample" else (used["war_year"] >= 1945)
    x = np.column_stack(
        [np.ones(len(used)), post, used["defense"], 1 - used["multilateral"]]
    ).astype(float)
    p = special.expit(x @ np.asarray(model.coef))
    np.testing.assert_allclose(x.T @ p, x.T @ used["honorLLM"].to_numpy(), atol=1e-6)
    fitted = model.p_honour(post1945=True, defense=True, bilateral=True)
    assert fitted == pytest.approx(special.expit(sum(model.coef)))


def test_logistic_model_agrees_with_the_rates(cases: pd.DataFrame) -> None:
    # Post-1945 defence pacts: the model's bilateral and multilateral predictions bracket the
    # raw rate (6/43), since those pacts are a mix of both.
    model = fit_reliability_model(cases)
    multi = model.p_honour(post1945=True, defense=True, bilateral=False)
    bi = model.p_honour(post1945=True, defense=True, bilateral=True)
    assert multi < 6 / 43 < bi
    assert (round(multi, 3), round(bi, 3)) == (0.116, 0.243)

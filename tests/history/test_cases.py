"""The interstate case library: its size, hand-checked cases, and cases as scenarios."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from guaranty.cli import main
from guaranty.cli.root import app
from guaranty.errors import DataError, InputError
from guaranty.history import cases as library
from guaranty.history.case_scenario import case_scenario, write_case_scenario
from guaranty.history.cases import case, case_library, load_episodes, load_rival_years
from guaranty.history.interstate_view import covariates, interstate_view
from guaranty.scenario import load_scenario
from guaranty.scenario.compile import scenario_registry

runner = CliRunner()


def test_library_size_is_pinned() -> None:
    episodes = load_episodes()
    assert len(episodes) == 107
    assert int(episodes["renewed"].sum()) == 32
    assert (episodes["source"] == "ucdp").sum() == 75
    assert episodes["year"].min() == 1946 and episodes["year"].max() == 2016
    assert episodes["name"].is_unique
    rivals = load_rival_years()
    assert len(rivals) == 3058 and int(rivals["onset"].sum()) == 50
    assert rivals["rivalry"].nunique() == 118
    assert len(case_library()) == 107


@pytest.mark.parametrize(("name", "ending", "renewed", "months", "mission"), [
    # Korean armistice of 27 Jul 1953: no renewed interstate conflict since (censored 2024).
    ("north-korea-south-korea-1953", "ceasefire", False, 857.2, "NNSC;UNC"),
    # Simla agreement after 1971; UCDP's next India-Pakistan episode begins in 1984 (Siachen).
    ("india-pakistan-1971", "agreement", True, 156.5, "UNMOGIP"),
    # COW codes the 1973 war as won by Israel; Egypt and Israel have not fought since.
    ("egypt-israel-1973", "victory", False, 612.0, "UNTSO;UNEF II"),
    # UN-brokered cease-fire of 20 Aug 1988, observed by UNIIMOG; no renewal.
    ("iran-iraq-1988", "ceasefire", False, 436.4, "UNIIMOG"),
    # Algiers cease-fire of 18 Jun 2000 (UCDP: agreement), UNMEE; a new episode in June 2016.
    ("ethiopia-eritrea-2000", "agreement", True, 191.8, "UNMEE"),
])
def test_hand_checked_cases(name: str, ending: str, renewed: bool, months: float,
                            mission: str) -> None:
    c = case(name)
    assert (c.ending, c.renewed, c.mission) == (ending, renewed, mission)
    assert c.months == pytest.approx(months, abs=0.1)
    assert c.war


def test_hand_checked_capabilities_and_pacts() -> None:
    korea = case("north-korea-south-korea-1953")
    assert korea.milper == (260.0, 504.0)  # COW NMC, thousands
    assert korea.pact_major == (False, True)  # South Korea: the US pact of 1953
    frame = load_episodes().set_index("name")
    assert frame.loc["north-korea-south-korea-1953", "forces_of_a_party"] == 1.0
    iran = case("iran-iraq-1988")
    assert iran.milper == (654.0, 1000.0)
    assert np.isfinite(frame.loc["iran-iraq-1988", "ln_ratio"])


def test_unknown_case_names_the_fix() -> None:
    with pytest.raises(InputError, match="did you mean iran-iraq-1988"):
        case("iran-iraq-198")


def test_an_altered_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "cases"
    shutil.copytree(Path(library.data_path("cases", "episodes.csv")).parent, copy)
    target = copy / "episodes.csv"
    target.write_text(target.read_text().replace("iran-iraq-1988", "iran-iraq-1989"))
    monkeypatch.setattr(library, "data_path", lambda *parts: tmp_path.joinpath(*parts))
    library._episodes.cache_clear()
    try:
        with pytest.raises(DataError, match="SHA-256"):
            library.load_episodes()
    finally:
        library._episodes.cache_clear()


def test_a_case_is_a_scenario_the_engine_accepts(tmp_path: Path) -> None:
    out = tmp_path / "iran.yaml"
    result = runner.invoke(app, ["durability", "case", "iran-iraq-1988", "-o", str(out)])
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out)
    assert scenario.aggressor.name == "Iraq"  # the stronger side by default
    assert scenario.defender.personnel.mean == pytest.approx(654_000)
    # UNIIMOG was unarmed UN observers: monitors, not peacekeepers.
    assert scenario.packages["as-was"].provisions.peacekeepers is False
    assert scenario.packages["as-was"].provisions.monitors is True
    south_asia = case_scenario(case("india-pakistan-1971"), aggressor=2)
    assert south_asia["aggressor"]["name"] == "Pakistan"
    assert "treaties" not in south_asia["packages"]["as-was"]  # India: no defence pact
    # Egypt's Arab League pact is unconditional in ATOP; UNEF II was armed UN troops.
    sinai = case_scenario(case("egypt-israel-1973"), aggressor=2)
    treaty = sinai["packages"]["as-was"]["treaties"][0]
    assert treaty == {"guarantor": "pact-allies", "rung": "ground-troops",
                      "wording": "deems-necessary"}
    assert sinai["packages"]["as-was"]["provisions"] == {"agreement": "victory",
                                                         "peacekeepers": True}
    # North Korea's spending is not in COW NMC: no scenario, and a message that says so.
    with pytest.raises(InputError, match="lacks personnel or spending"):
        case_scenario(case("north-korea-south-korea-1953"))


def test_cli_lists_cases_and_refuses_bad_names(capsys: pytest.CaptureFixture[str]) -> None:
    result = runner.invoke(app, ["durability", "cases", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["n"] == 107 and doc["rival_years"] == 3058
    with pytest.raises(SystemExit) as stop:
        main(["durability", "case", "atlantis-1999"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "atlantis-1999" in err and "Traceback" not in err


def test_interstate_outside_view_has_a_24_month_figure() -> None:
    view = interstate_view({"war": 1.0})
    est, lo, hi = view.p_war[24]
    assert 0 < lo <= est <= hi < 1
    assert view.n == 102 and view.failures == 30
    x = covariates(load_episodes())
    assert set(x["weak_pact"].unique()) <= {0.0, 1.0}
    assert x.loc[x["name"] == "india-pakistan-2003", "previous_ends"].item() == pytest.approx(
        np.log1p(8))  # 1948, 1965, 1971, 1984, 1987, 1992, 1994, 1999


def test_predict_reports_the_fitted_interstate_view() -> None:
    result = runner.invoke(app, ["durability", "predict", "--peacekeepers", "--months", "24",
                                 "--json"])
    assert result.exit_code == 0, result.output
    fitted = json.loads(result.output)["interstate_fitted"]
    assert fitted["profile"]["neutral_peacekeepers"] == 1.0 and fitted["profile"]["war"] == 1.0
    est, lo, hi = fitted["p_war"]["24"]
    assert 0 < lo <= est <= hi < 1


def test_a_written_case_carries_the_parameters_it_is_given(tmp_path: Path) -> None:
    # scripts/engine_on_cases.py --decision: a fit's implied values in place of the defaults.
    fixed = {"decision.value_sensitivity": {"distribution": {"dist": "fixed", "value": 4.5},
                                            "source": "a test"}}
    path = write_case_scenario(case("iran-iraq-1988"), tmp_path / "iran.yaml",
                               parameters=fixed)
    given = scenario_registry(load_scenario(path))["decision.value_sensitivity"]
    assert given.distribution.mean == pytest.approx(4.5)
    plain = load_scenario(write_case_scenario(case("iran-iraq-1988"), tmp_path / "plain.yaml"))
    default = scenario_registry(plain)["decision.value_sensitivity"]
    assert default.distribution.mean != pytest.approx(4.5)

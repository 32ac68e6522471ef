"""``guaranty durability`` commands, through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from guaranty.cli.durability import app
from guaranty.errors import InputError

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_table_json_has_the_promised_shape() -> None:
    doc = _json("table")
    assert {"data", "n_spells", "n_failures", "terms"} <= set(doc)
    pk = next(t for t in doc["terms"] if t["name"] == "peacekeeping")
    assert {"name", "hazard_ratio", "lo", "hi", "published"} <= set(pk)
    assert pk["lo"] < pk["hazard_ratio"] < pk["hi"]
    assert pk["published"]["status"] == "C-secondary"


def test_validate_json_has_the_promised_shape() -> None:
    doc = _json("validate", "--split-year", "1990")
    assert {"split_year", "c_index", "baseline_c_index", "calibration"} <= set(doc)
    assert [p["years"] for p in doc["calibration"]] == [1, 2, 5]
    assert all({"years", "predicted", "observed"} <= set(p) for p in doc["calibration"])


def test_predict_json_lists_unmapped_provisions() -> None:
    doc = _json("predict", "--peacekeepers", "--joint-commission", "--agreement", "agreement")
    assert set(doc["p_war"]) == {"12", "60", "120"}
    assert doc["unmapped"][0].startswith("joint_commission:")


@pytest.mark.parametrize(
    "args",
    [
        ["table"],
        ["validate"],
        ["predict", "--monitors"],
        ["curve", "--by", "outcome"],
        ["curve", "--data", "ucdp", "--json"],
        ["fit", "--json"],
    ],
)
def test_commands_run(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["table", "--spec", "fancy"], "--spec must be one of"),
        (["predict", "--agreement", "armistice"], "--agreement must be one of"),
        (["predict", "--months", "12,x"], "--months must be whole months"),
        (["curve", "--by", "colour"], "--by must be"),
        (["validate", "--level", "1.5"], "--level must be"),
    ],
)
def test_bad_input_raises_input_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)


def test_predict_takes_the_provisions_of_a_scenario_package() -> None:
    doc = _json("predict", "--scenario", "scenarios/ukraine-2025.yaml",
                "--package", "istanbul-2022")
    assert doc["provisions"]["agreement"] == "agreement"
    assert doc["provisions"]["third_party_guarantee"] is True
    assert any(u.startswith("third_party_guarantee") for u in doc["unmapped"])
    transported = doc["interstate_transported"]
    assert transported["hazard_ratio_vs_bare_ceasefire"] < 1.0  # a treaty lowers the hazard

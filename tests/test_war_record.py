"""The record of the war, the replay scenarios, ``check_war`` and ``guaranty calibrate war``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from guaranty.analysis import WarCheck, check_war
from guaranty.analysis.war import PACKAGE, replay_path
from guaranty.calibration.war_record import WAR_METRICS, RecordBand, load_record
from guaranty.cli import main
from guaranty.errors import InputError
from guaranty.scenario import load_scenario

BANDS = load_record()
REPLAYS = sorted({b.replay for b in BANDS})
ROW_KEYS = {"band", "replay", "metric", "unit", "model_mean", "model_p05", "model_p95",
            "record_low", "record_high", "inside", "worlds", "source", "assumption"}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


# --- the record -------------------------------------------------------------------------------
def test_every_band_has_a_source_or_an_assumption_and_a_sound_range() -> None:
    assert len(BANDS) >= 8
    assert len({b.name for b in BANDS}) == len(BANDS)
    for band in BANDS:
        assert band.source or band.assumption, band.name
        assert band.metric in WAR_METRICS, band.name
        assert band.low <= band.high, band.name
        assert band.unit, band.name
        if band.unit == "probability":
            assert 0 <= band.low <= band.high <= 1, band.name


def test_the_record_covers_2023_25_and_the_opening_of_2022() -> None:
    by_replay = {r: {b.metric for b in BANDS if b.replay == r} for r in REPLAYS}
    assert REPLAYS == ["ukraine-2022", "ukraine-2023-25"]
    assert {"ground_km2_per_month", "aggressor_casualties_per_month", "casualties_per_km2",
            "exchange_ratio", "p_breakthrough_12m"} <= by_replay["ukraine-2023-25"]
    assert {"p_breakthrough_1m", "ground_km2_first_month"} <= by_replay["ukraine-2022"]
    pace = next(b for b in BANDS if b.metric == "ground_km2_per_month")
    assert (pace.low, pace.high) == (259, 730)  # PARAMETERS.md §2


def _write(tmp_path: Path, bands: list[dict[str, object]]) -> Path:
    file = tmp_path / "record.yaml"
    file.write_text(yaml.safe_dump({"bands": bands}))
    return file


GOOD = {"name": "x", "replay": "ukraine-2023-25", "metric": "exchange_ratio", "low": 2.0,
        "high": 2.4, "unit": "ratio", "source": "CSIS"}


@pytest.mark.parametrize(("change", "message"), [
    ({"source": None}, "must give its source or an assumption"),
    ({"metric": "exchange_rate"}, "did you mean 'exchange_ratio'"),
    ({"low": 3.0}, "low must not exceed high"),
    ({"high": "lots"}, "high must be a number"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"unit": None}, "must have unit"),
])
def test_a_bad_band_is_named_with_what_must_hold(
        tmp_path: Path, change: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        load_record(_write(tmp_path, [{**GOOD, **change}]))
    assert "band 'x'" in str(caught.value) or "bands[0]" in str(caught.value)


def test_a_record_that_is_not_a_list_of_bands_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be unique"):
        load_record(_write(tmp_path, [GOOD, GOOD]))
    for text in ("", "bands: 3\n", "- 1\n", "bands: [\n"):
        (tmp_path / "bad.yaml").write_text(text)
        with pytest.raises(InputError, match=r"bad\.yaml"):
            load_record(tmp_path / "bad.yaml")
    with pytest.raises(InputError, match="cannot read"):
        load_record(tmp_path / "missing.yaml")


# --- the replays ------------------------------------------------------------------------------
@pytest.mark.parametrize("replay", REPLAYS)
def test_each_replay_scenario_loads_with_one_war_package(replay: str) -> None:
    scenario = load_scenario(replay_path(replay))
    assert scenario.name == replay
    assert list(scenario.packages) == [PACKAGE]
    war = scenario.package(PACKAGE)
    assert not war.troops and not war.aircraft and not war.treaties and war.peacekeepers is None


def test_the_2022_replay_sets_the_replay_conditions() -> None:
    s2022 = load_scenario(replay_path("ukraine-2022"))
    assert s2022.parameters["campaign.surprise_multiplier"].mean > 1
    # prepared defences relative to the line of 2023-25 (the registry's 1): below it in 2022
    assert s2022.parameters["campaign.prepared_defence"].mean < 1
    s2324 = load_scenario(replay_path("ukraine-2023-25"))
    assert "campaign.prepared_defence" not in s2324.parameters  # its default, 2023-25 itself
    assert s2022.aggressor.personnel.mean < s2324.aggressor.personnel.mean


# --- check_war and the command ----------------------------------------------------------------
def test_check_war_sets_the_model_beside_every_band() -> None:
    result = check_war(worlds=200, seed=3)
    assert isinstance(result, WarCheck)
    assert [r.band for r in result.rows] == [b.name for b in BANDS]
    frame = result.to_pandas()
    assert set(frame.columns) == ROW_KEYS and len(frame) == len(BANDS)
    for row in result.rows:
        assert row.worlds <= 200
        if row.model_mean is not None:
            assert row.model_p05 is not None and row.model_p95 is not None
            assert row.model_p05 <= row.model_mean + 1e-9
            assert row.model_mean <= row.model_p95 + 1e-9
            assert row.inside == (row.record_low <= row.model_mean <= row.record_high)
        else:
            assert not row.inside
    assert result.all_inside == (not result.outside)
    assert check_war(worlds=200, seed=3) == result  # reproducible


def test_inside_is_the_mean_within_the_band() -> None:
    wide = RecordBand(name="wide", replay="ukraine-2023-25", metric="exchange_ratio",
                      low=-1e18, high=1e18, unit="ratio", source="test")
    narrow = RecordBand(name="narrow", replay="ukraine-2023-25", metric="exchange_ratio",
                        low=-2.0, high=-1.0, unit="ratio", assumption="test")
    result = check_war(worlds=100, seed=1, record=[wide, narrow])
    assert [r.inside for r in result.rows] == [True, False]
    assert result.outside == ["narrow"] and not result.all_inside
    assert result.record == "(given bands)"


def test_check_war_refuses_bad_input() -> None:
    with pytest.raises(InputError, match="worlds"):
        check_war(worlds=0, seed=1)
    band = RecordBand(name="b", replay="no-such-replay", metric="exchange_ratio", low=0,
                      high=1, unit="ratio", source="test")
    with pytest.raises(InputError, match="no-such-replay"):
        check_war(worlds=10, seed=1, record=[band])


def test_calibrate_war_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "calibrate", "war", "--worlds", "200", "--seed", "5", "--json")
    assert code == 0  # it reports, whether or not the bands hold
    doc = json.loads(out)
    assert set(doc) == {"worlds", "seed", "record", "version", "all_inside", "rows"}
    assert doc["worlds"] == 200 and doc["seed"] == 5
    assert doc["record"].endswith("record.yaml")
    assert len(doc["rows"]) == len(BANDS)
    for row in doc["rows"]:
        assert set(row) == ROW_KEYS
        assert isinstance(row["inside"], bool)
        assert row["model_mean"] is None or math.isfinite(row["model_mean"])
    assert doc["all_inside"] == all(r["inside"] for r in doc["rows"])


def test_calibrate_war_table_and_its_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "calibrate", "war", "-n", "100")
    assert code == 0
    for band in BANDS:
        assert band.name in out
    assert "bands hold" in out and "seed " in out


@pytest.mark.parametrize("args", [("-n", "0"), ("--record", "no-such-record.yaml"),
                                  ("--worlds", "many")])
def test_calibrate_war_exits_2_on_bad_input(capsys: pytest.CaptureFixture[str],
                                            args: tuple[str, ...]) -> None:
    code, _, err = _cli(capsys, "calibrate", "war", *args)
    assert code == 2 and err


# --- the calibration itself -------------------------------------------------------------------
def test_every_replay_metric_lies_inside_its_record_band() -> None:
    result = check_war(worlds=2_000, seed=11)
    assert result.all_inside, f"outside the record: {result.outside}"


def test_the_2023_25_war_and_the_2022_breakthrough_lie_inside_their_bands() -> None:
    # The bands the model holds today, so that none slips back unnoticed.
    result = check_war(worlds=2_000, seed=11)
    holding = {r.band for r in result.rows if r.inside}
    assert {"ground-per-month-2024-25", "aggressor-casualties-2024-25",
            "casualties-per-km2-2024", "exchange-ratio-2022-25", "no-breakthrough-2023-25",
            "southern-breakthrough-2022"} <= holding

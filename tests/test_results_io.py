"""Results out of the process: save/load, run --out (parquet, csv, npz), to_xarray, the JSON's
scenario hash and units, paired changes, notebook HTML; and guaranty diff."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import guaranty
from guaranty.cli import main
from guaranty.errors import InputError
from guaranty.results import Results, paired_change
from guaranty.scenario.schema import scenario_digest
from guaranty.testing import TINY_SCENARIO


@pytest.fixture(scope="module")
def tiny() -> guaranty.Scenario:
    return guaranty.load_scenario(TINY_SCENARIO)


@pytest.fixture(scope="module")
def results(tiny: guaranty.Scenario) -> Results:
    return guaranty.simulate(tiny, worlds=300, seed=5)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def _same(a: Results, b: Results) -> None:
    assert a.packages == b.packages
    for package in a.packages:
        assert list(a.outcomes[package]) == list(b.outcomes[package])
        for name, values in a.outcomes[package].items():
            other = b.outcomes[package][name]
            assert values.dtype == other.dtype
            assert values.tobytes() == other.tobytes()  # bit for bit


def test_save_and_load_round_trip(results: Results, tiny: guaranty.Scenario,
                                  tmp_path: Path) -> None:
    path = results.save(tmp_path / "run.npz")
    back = Results.load(path)
    _same(results, back)
    for field in ("scenario", "seed", "worlds", "months", "lens", "version", "anchor",
                  "parameters_read", "scenario_sha256"):
        assert getattr(back, field) == getattr(results, field)
    assert back.scenario_sha256 == scenario_digest(tiny) and len(back.scenario_sha256 or "") == 64
    assert dict(back.rejections) == dict(results.rejections)
    assert back.summary().equals(results.summary())  # the outside view came back too
    package = results.packages[-1]
    pd.testing.assert_frame_equal(back.inputs(package), results.inputs(package))
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"bad\.npz: not a results file"):
        Results.load(tmp_path / "bad.npz")


def test_the_digest_follows_the_content(tiny: guaranty.Scenario) -> None:
    other = tiny.model_copy(update={"horizon_months": tiny.horizon_months + 1})
    assert scenario_digest(tiny) == scenario_digest(tiny.model_copy())
    assert scenario_digest(other) != scenario_digest(tiny)


def test_to_xarray_is_package_by_world(results: Results) -> None:
    data = results.to_xarray()
    assert data["p_war_horizon"].dims == ("package", "world")
    assert list(data["package"].values) == results.packages
    last = results.packages[-1]
    np.testing.assert_array_equal(data["p_war_horizon"].sel(package=last).values,
                                  results.outcomes[last]["p_war_horizon"])
    assert data["cost_usd_bn_per_year"].attrs["unit"] == "USD bn/year"
    assert data.attrs["seed"] == 5 and data.attrs["scenario_sha256"] == results.scenario_sha256


def test_paired_change_is_the_mean_of_world_differences() -> None:
    a, b = np.array([0.5, 0.25, 0.75, 0.5]), np.array([0.25, 0.25, 0.5, 0.25])
    c = paired_change("a", "b", "p_war_120m", a, b)
    d = a - b
    assert c.mean == pytest.approx(d.mean())
    assert c.se == pytest.approx(d.std(ddof=1) / 2)
    assert c.hi - c.mean == pytest.approx(1.6448536 * c.se)
    assert math.isnan(paired_change("a", "b", "m", a[:1], b[:1]).mean)


def test_results_change_refuses_ratio_metrics(results: Results) -> None:
    with pytest.raises(InputError, match="every world"):
        results.change(results.packages[1], results.packages[0], "p_hold_given_war")


def test_json_names_the_scenario_hash_and_units(results: Results) -> None:
    doc = results.to_dict()
    assert doc["scenario_sha256"] == results.scenario_sha256
    info = doc["metric_info"]
    assert info["p_war_horizon"]["unit"] == "probability"
    assert set(info) == {m for p in doc["packages"] for m in p["metrics"]}


def test_html_reprs_are_escaped(results: Results, tiny: guaranty.Scenario) -> None:
    first = next(iter(tiny.packages))
    odd = tiny.model_copy(update={"title": "<script>x</script>", "packages": {
        **tiny.packages,
        first: tiny.packages[first].model_copy(update={"description": "a & <b>"})}})
    html = odd._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; &lt;b&gt;" in html
    shown = Results(**{**results.__dict__, "scenario": "<i>s</i>"})._repr_html_()
    assert "<i>s</i>" not in shown and "&lt;i&gt;" in shown and "<table>" in shown


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_run_out_writes_every_world_and_the_summary(
        suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tiny: guaranty.Scenario) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"worlds{suffix}"
    code, _, err = _cli(capsys, "run", str(TINY_SCENARIO), "-n", "120", "--seed", "5",
                        "--out", str(out), "--json")
    assert code == 0 and f"wrote {out}" in err
    table = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    direct = guaranty.simulate(tiny, worlds=120, seed=5)
    assert len(table) == 120 * len(direct.packages)
    assert list(table["package"].unique()) == direct.packages
    last = direct.packages[-1]
    rows = table[table["package"] == last]
    np.testing.assert_allclose(rows["p_war_horizon"].to_numpy(),
                               direct.outcomes[last]["p_war_horizon"], rtol=1e-6)
    name = "decision.value_sensitivity"
    np.testing.assert_allclose(rows[f"param:{name}"].to_numpy(),
                               direct.inputs(last, [name])[name].to_numpy(), rtol=1e-12)
    summary = json.loads((tmp_path / "worlds.summary.json").read_text())
    assert summary["scenario_sha256"] == direct.scenario_sha256 and summary["seed"] == 5
    assert summary["metric_info"]["cost_usd_bn_per_year"]["unit"] == "USD bn/year"


def test_run_out_refuses_an_unknown_format(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "run", str(TINY_SCENARIO), "-n", "10", "--out",
                        str(tmp_path / "x.xlsx"))
    assert code == 2 and ".parquet or .csv or .npz" in err


def _save(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> Path:
    code, _, _ = _cli(capsys, "run", str(TINY_SCENARIO), "-n", "200", "--json", "--out",
                      str(path), *args)
    assert code == 0
    return path


def test_diff_pairs_runs_on_the_same_worlds(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    a = _save(capsys, tmp_path / "a.npz", "--seed", "5")
    b = _save(capsys, tmp_path / "b.npz", "--seed", "5", "--lens", "sceptic")
    code, out, _ = _cli(capsys, "diff", str(a), str(b), "--json", "-m", "p_war_horizon",
                        "-m", "p_hold_given_war")
    assert code == 0
    doc = json.loads(out)
    assert doc["paired"] is True and doc["a"]["seed"] == 5
    ra, rb = Results.load(a), Results.load(b)
    first = doc["changes"][0]
    package = first["package"]
    expected = paired_change(package, "A", "p_war_horizon",
                             rb.outcomes[package]["p_war_horizon"],
                             ra.outcomes[package]["p_war_horizon"])
    assert first["metric"] == "p_war_horizon" and first["paired"] is True
    assert first["mean"] == pytest.approx(expected.mean) and first["hi"] == pytest.approx(
        expected.hi)
    hold = [c for c in doc["changes"] if c["metric"] == "p_hold_given_war"]
    assert hold and not any(c["paired"] for c in hold)  # a ratio over different worlds
    code, out, _ = _cli(capsys, "diff", str(a), str(b))
    assert code == 0 and "paired world by world" in out and "B − A" in out


def test_diff_of_unpairable_runs_says_so_or_refuses(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a = _save(capsys, tmp_path / "a.npz", "--seed", "5")
    b = _save(capsys, tmp_path / "b.npz", "--seed", "6")
    code, out, _ = _cli(capsys, "diff", str(a), str(b))
    assert code == 0 and "unpaired: the runs differ in seed (5 against 6)" in out
    code, _, err = _cli(capsys, "diff", str(a), str(b), "--paired")
    assert code == 2 and "cannot pair" in err
    code, out, _ = _cli(capsys, "run", str(TINY_SCENARIO), "-n", "50", "--seed", "5", "--json")
    summary = tmp_path / "a.json"
    summary.write_text(out)
    code, out, _ = _cli(capsys, "diff", str(summary), str(a), "--json")
    assert code == 0 and json.loads(out)["paired"] is False
    (tmp_path / "junk.json").write_text("[1, 2]")
    code, _, err = _cli(capsys, "diff", str(tmp_path / "junk.json"), str(a))
    assert code == 2 and "junk.json: not a results file" in err

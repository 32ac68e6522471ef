"""Sweeps into a store: same bits as ``simulate`` on every executor, resume after SIGKILL with
every chunk exactly once, the ``runs`` commands, and bad input (exit 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import guaranty
from guaranty.cli import main
from guaranty.results import Results
from guaranty.scenario import Scenario
from guaranty.store import executor, load_results, open_store, sweep

SCENARIO = "scenarios/ukraine-2025.yaml"
PACKAGES = ["ceasefire-only", "strong-army"]
SEED = 11
WORLDS = 1_200
CHUNK = 300
ROOT = Path(__file__).resolve().parents[1]


def bits(results: dict[str, Results]) -> dict[tuple[str, str, str], bytes]:
    """Every per-world outcome of every lens and package, as raw bytes."""
    return {(lens, p, k): v.tobytes() + str(v.dtype).encode()
            for lens, r in results.items() for p, out in r.outcomes.items()
            for k, v in out.items()}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def sweep_args(store: Path, *extra: str, worlds: int = WORLDS, chunk: int = CHUNK) -> list[str]:
    return ["sweep", SCENARIO, *(a for p in PACKAGES for a in ("-p", p)), "--worlds",
            str(worlds), "--chunk-size", str(chunk), "--seed", str(SEED), "--store",
            str(store), *extra]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, ukraine: Scenario
              ) -> tuple[Path, dict[str, Results]]:
    """An uninterrupted in-process sweep (default and one lens) and its results."""
    store = tmp_path_factory.mktemp("reference") / "runs.duckdb"
    report = sweep(ukraine, store, PACKAGES, lenses=["default", "luzin"], worlds=WORLDS,
                   seed=SEED, chunk_size=CHUNK)
    assert (report.resumed, report.written) == (0, 2 * 2 * WORLDS // CHUNK)
    return store, report.results()


def test_a_sweep_is_simulate_bit_for_bit_under_each_lens(
        reference: tuple[Path, dict[str, Results]], ukraine: Scenario) -> None:
    _, results = reference
    assert list(results) == ["default", "luzin"]
    for lens, got in results.items():
        want = guaranty.simulate(ukraine, PACKAGES, worlds=WORLDS, seed=SEED,
                                 lens=None if lens == "default" else lens, chunk_size=4096)
        assert bits({lens: got}) == bits({lens: want})
        assert got.to_dict() == want.to_dict()
        assert got.parameters_read == want.parameters_read


def test_one_and_two_processes_give_the_same_bits(
        reference: tuple[Path, dict[str, Results]], ukraine: Scenario, tmp_path: Path) -> None:
    with executor(2) as (pool, slots):
        assert slots == 2
        report = sweep(ukraine, tmp_path / "two.duckdb", PACKAGES, lenses=["default", "luzin"],
                       worlds=WORLDS, seed=SEED, chunk_size=CHUNK, executor=pool, window=3)
    assert bits(report.results()) == bits(reference[1])


def test_a_local_dask_cluster_of_two_workers_gives_the_same_bits(
        reference: tuple[Path, dict[str, Results]], tmp_path: Path) -> None:
    store = tmp_path / "dask.duckdb"
    args = sweep_args(store, "--lens", "default", "--lens", "luzin", "--dask", "local",
                      "--workers", "2", "--json")
    # In a subprocess with a deadline: a cluster that fails to start cannot hang the suite.
    done = subprocess.run([sys.executable, "-m", "guaranty.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    assert bits(load_results(store)) == bits(reference[1])
    doc = json.loads(done.stdout)
    assert doc["lenses"]["luzin"] == reference[1]["luzin"].to_dict()


CONNECT = """
import sys
from distributed import LocalCluster
from guaranty.cli import main

with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                  dashboard_address=None) as cluster:
    main([*sys.argv[1:], "--dask", cluster.scheduler_address])
"""


def test_a_sweep_connects_to_a_running_scheduler_by_address(
        reference: tuple[Path, dict[str, Results]], tmp_path: Path) -> None:
    store = tmp_path / "address.duckdb"
    args = sweep_args(store, "--lens", "default", "--lens", "luzin", "--json")
    done = subprocess.run([sys.executable, "-c", CONNECT, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    assert bits(load_results(store)) == bits(reference[1])


def _catalogue(store: Path) -> list[tuple[str, str, int]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return [tuple(r) for r in con.execute(
            "SELECT package, lens, chunk_index FROM chunks").fetchall()]
    finally:
        con.close()


def test_a_sweep_killed_mid_way_resumes_with_every_chunk_exactly_once(
        tmp_path: Path, ukraine: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    worlds, chunk = 1_200, 50  # 24 small chunks (~0.3 s each): a kill lands mid-sweep
    package = PACKAGES[1]
    total = worlds // chunk
    store = tmp_path / "killed.duckdb"
    args = sweep_args(store, "--json", worlds=worlds, chunk=chunk)
    command = [sys.executable, "-m", "guaranty.cli",
               *args[:2], "-p", package, *args[2 + 2 * len(PACKAGES):]]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    folder = store.with_suffix(".chunks")
    deadline = time.monotonic() + 180
    # Two final files mean the first chunk's row is committed (the writer is sequential).
    while len(list(folder.rglob("*.parquet"))) < 2:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the sweep wrote nothing in time"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    before = _catalogue(store)
    code, out, _ = cli(capsys, "runs", "list", "--store", str(store), "--json")
    [run] = json.loads(out)["runs"]
    assert code == 0 and not run["finished"] and run["chunks_done"] == len(before)
    code, _, err = cli(capsys, "runs", "show", "--store", str(store))
    assert code == 2 and "is unfinished" in err
    assert 1 <= len(before) < total, "the kill did not land mid-sweep"

    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                             check=False)
    assert resumed.returncode == 0, resumed.stderr
    after = _catalogue(store)
    assert len(after) == len(set(after)) == total
    assert set(before) <= set(after)
    files = sorted(folder.rglob("*"))
    assert len([f for f in files if f.suffix == ".parquet"]) == total
    assert not [f for f in files if ".tmp-" in f.name]

    whole = sweep(ukraine, tmp_path / "whole.duckdb", [package], worlds=worlds, seed=SEED,
                  chunk_size=chunk)
    assert bits(load_results(store)) == bits(whole.results())
    assert json.loads(resumed.stdout)["lenses"]["default"] == \
        whole.results()["default"].to_dict()


def test_a_file_without_its_row_is_rewritten_and_a_row_without_its_file_is_an_error(
        tmp_path: Path, ukraine: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    first = sweep(ukraine, store, PACKAGES, worlds=600, seed=SEED, chunk_size=CHUNK)
    want = bits(first.results())
    con = duckdb.connect(str(store))
    [(path,)] = con.execute("SELECT path FROM chunks WHERE package = 'strong-army' AND "
                            "chunk_index = 1").fetchall()
    # A kill after the rename and before the insert: the file is there, its row is not.
    con.execute("DELETE FROM chunks WHERE package = 'strong-army' AND chunk_index = 1")
    con.close()
    target = store.with_suffix(".chunks") / path
    target.write_bytes(b"half a parquet file")
    stray = target.with_name(target.name + ".tmp-999")
    stray.write_bytes(b"")
    again = sweep(ukraine, store, PACKAGES, worlds=600, seed=SEED, chunk_size=CHUNK)
    assert (again.resumed, again.written) == (3, 1)
    assert bits(again.results()) == want
    assert not stray.exists()

    target.unlink()
    code, _, err = cli(capsys, *sweep_args(store, worlds=600))
    assert code == 2
    assert "catalogued but its file" in err and "Traceback" not in err


def test_runs_list_show_and_export_read_the_store(
        reference: tuple[Path, dict[str, Results]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    store, results = reference
    code, out, _ = cli(capsys, "runs", "list", "--store", str(store), "--json")
    assert code == 0
    [run] = json.loads(out)["runs"]
    assert run["finished"] and run["chunks_done"] == run["chunks_total"] == 16
    assert (run["seed"], run["worlds"], run["lenses"]) == (SEED, WORLDS, ["default", "luzin"])

    code, out, _ = cli(capsys, "runs", "show", run["run_id"][:6], "--store", str(store),
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["run_id"] == run["run_id"]
    assert doc["lenses"] == {lens: r.to_dict() for lens, r in results.items()}

    code, out, _ = cli(capsys, "runs", "show", "--store", str(store))
    assert code == 0 and "ceasefire-only" in out and f"seed {SEED}" in out

    for suffix in ("csv", "parquet"):
        target = tmp_path / f"worlds.{suffix}"
        code, _, err = cli(capsys, "runs", "export", "--store", str(store), "--to", str(target))
        assert code == 0, err
        import pandas as pd

        frame = pd.read_csv(target) if suffix == "csv" else pd.read_parquet(target)
        assert len(frame) == 2 * 2 * WORLDS
        assert list(frame.columns[:3]) == ["lens", "package", "world"]
        mine = frame[(frame.lens == "luzin") & (frame.package == "strong-army")]
        got = mine["p_war_120m"].to_numpy()
        want = results["luzin"].outcomes["strong-army"]["p_war_120m"]
        assert (got == want).all() if suffix == "parquet" else abs(got - want).max() < 1e-6


def test_the_sweep_json_is_the_run_json_per_lens(
        reference: tuple[Path, dict[str, Results]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    code, out, _ = cli(capsys, *sweep_args(store, "--json", worlds=600))
    assert code == 0
    sweep_doc = json.loads(out)["lenses"]["default"]
    code, out, _ = cli(capsys, "run", SCENARIO, *(a for p in PACKAGES for a in ("-p", p)),
                       "--worlds", "600", "--seed", str(SEED), "--json")
    assert code == 0
    assert sweep_doc == json.loads(out)


def test_the_same_command_without_a_seed_finds_its_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    args = ["sweep", SCENARIO, "-p", "ceasefire-only", "-n", "300", "--store", str(store),
            "--json"]
    code, first, _ = cli(capsys, *args)
    assert code == 0
    code, second, _ = cli(capsys, *args)
    assert code == 0 and first == second
    with open_store(store, create=False) as db:
        assert len(db.runs()) == 1


@pytest.mark.parametrize("case", ["package", "lens", "unwritable", "fingerprint", "no store"])
def test_bad_input_exits_2_with_a_message(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    if case == "package":
        args, expected = [*sweep_args(store), "-p", "strong-armyy"], "did you mean 'strong-army'"
    elif case == "lens":
        args, expected = [*sweep_args(store), "--lens", "luzn"], "unknown lens 'luzn'"
    elif case == "unwritable":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        args, expected = sweep_args(blocker / "runs.duckdb"), "cannot open store"
    elif case == "fingerprint":
        assert cli(capsys, *sweep_args(store, worlds=300))[0] == 0
        other = tmp_path / "other.yaml"
        text = (ROOT / SCENARIO).read_text(encoding="utf-8")
        other.write_text(text.replace("\nname: ukraine-2025", "\nname: ukraine-other", 1),
                         encoding="utf-8")
        args = sweep_args(store, worlds=300)
        args[1] = str(other)
        expected = "belongs to another scenario"
    else:
        args, expected = ["runs", "show", "--store", str(store)], "no store at"
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert expected in err and "Traceback" not in err

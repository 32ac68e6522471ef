"""Faults (issue 16, item 7): a sweep killed with SIGKILL at random points, five times — the
coordinator or one of its workers — resumes to the uninterrupted result, every chunk exactly
once and the same bits."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guaranty.scenario import Scenario
from guaranty.store import load_results, sweep
from test_hardening import _children
from test_sweep import ROOT, SCENARIO, SEED, _catalogue, bits

KILLS = 5
WORLDS, CHUNK = 1_200, 50  # 24 chunks of ~0.3 s: room for five kills between them
PACKAGE = "strong-army"


def _command(store: Path) -> list[str]:
    return [sys.executable, "-m", "guaranty.cli", "sweep", SCENARIO, "-p", PACKAGE,
            "--worlds", str(WORLDS), "--chunk-size", str(CHUNK), "--seed", str(SEED),
            "--store", str(store), "--workers", "2", "--json"]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_sweep_killed_five_times_at_random_points_resumes_to_the_uninterrupted_result(
        tmp_path: Path, ukraine: Scenario) -> None:
    rng = random.Random(16)
    total = WORLDS // CHUNK
    store = tmp_path / "faults.duckdb"
    folder = store.with_suffix(".chunks")
    done: list[int] = [0]
    for kill in range(KILLS):
        # Kill once a random number of further chunks is committed (at least one, so each
        # attempt makes progress), leaving room for the kills still to come.
        left = total - done[-1] - (KILLS - kill)
        target = done[-1] + rng.randint(1, max(1, min(3, left)))
        proc = subprocess.Popen(_command(store), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 180
        while len(list(folder.rglob("*.parquet"))) < target + 1:
            assert proc.poll() is None, (proc.stderr.read() if proc.stderr else b"").decode()
            assert time.monotonic() < deadline, "the sweep wrote nothing in time"
            time.sleep(0.005)
        workers = sorted(_children(proc.pid))
        victim = workers[-1] if kill % 2 and workers else proc.pid  # a worker or the coordinator
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        try:
            proc.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        assert proc.returncode != 0
        err = (proc.stderr.read() if proc.stderr else b"").decode()
        assert "Traceback" not in err, err
        if victim != proc.pid:  # the coordinator outlives its worker and says what to do
            assert proc.returncode == 1 and "run the same command again to resume" in err, err
        chunks = _catalogue(store)
        assert len(chunks) == len(set(chunks)), "a chunk was committed twice"
        done.append(len(chunks))
    assert done[-1] < total, "the sweep finished before the last kill"

    resumed = subprocess.run(_command(store), cwd=ROOT, capture_output=True, timeout=300,
                             check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    after = _catalogue(store)
    assert len(after) == len(set(after)) == total
    assert not [f for f in folder.rglob("*") if ".tmp-" in f.name]
    whole = sweep(ukraine, tmp_path / "whole.duckdb", [PACKAGE], worlds=WORLDS, seed=SEED,
                  chunk_size=CHUNK)
    assert bits(load_results(store)) == bits(whole.results())

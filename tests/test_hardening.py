"""Hardening (issue 16): the determinism contract at every chunk size, hostile text, files."""

from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import guaranty
from guaranty.cli import main
from guaranty.scenario._yamlpos import read_yaml
from guaranty.scenario.compile import resolve_package

TINY = pathlib.Path(guaranty.__file__).parent / "testing" / "tiny.yaml"


def test_a_one_world_chunk_gives_the_same_bits_as_one_big_chunk(
        ukraine: guaranty.Scenario) -> None:
    # NumPy sums a contiguous axis pairwise, so a (C, 1) chunk once differed by an ulp.
    one = guaranty.simulate(ukraine, None, worlds=11, seed=4, chunk_size=1, anchor=False,
                            months=12)
    big = guaranty.simulate(ukraine, None, worlds=11, seed=4, chunk_size=4_096, anchor=False,
                            months=12)
    for package in one.packages:
        for metric, values in one.outcomes[package].items():
            assert np.array_equal(values, big.outcomes[package][metric], equal_nan=True), (
                package, metric)



HOSTILE = r"[/] closes nothing [sic] \u001b[31m red \u202e flipped"


def test_scenario_text_is_shown_literally_never_as_markup_or_control(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TINY.read_text().replace("description: Northmark's will is weak.",
                                    f'description: "{HOSTILE}"')
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    outputs = {}
    for args in (["lenses", str(path), "--worlds", "40", "--months", "6", "--no-anchor"],
                 ["params", "--scenario", str(path)]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        out = outputs[args[0]] = capsys.readouterr().out
        assert exit_info.value.code == 0, args
        assert "\x1b" not in out and "\u202e" not in out, args
    shown = " ".join(outputs["lenses"].split())
    assert "[/] closes nothing [sic] \\u001b[31m red \\u202e flipped" in shown


def test_a_fifo_or_a_device_is_refused_before_reading(tmp_path: pathlib.Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # nobody writes: reading it would block for ever
    for path, kind in ((fifo, "a FIFO"), (pathlib.Path("/dev/zero"), "a character device")):
        with pytest.raises(guaranty.ScenarioError) as info:
            guaranty.load_scenario(str(path))
        assert f"must be a regular file, got {kind}" in str(info.value)


def _chain(depth: int) -> str:
    text = TINY.read_text()
    packages = "".join(f"  deep-{i}:\n    base: {'deep-' + str(i - 1) if i else 'armed'}\n"
                       for i in range(depth))
    return text.replace("packages:\n", "packages:\n" + packages, 1)


def test_a_thousand_deep_base_chain_is_refused_at_once_with_its_place(
        tmp_path: pathlib.Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_chain(1_000))
    start = time.perf_counter()
    with pytest.raises(guaranty.ScenarioError) as info:
        guaranty.load_scenario(str(path))
    assert time.perf_counter() - start < 10.0  # was cubic: hours for a 0.6 MB file
    assert "must be a chain of at most 64 packages" in str(info.value)
    assert "deep.yaml:" in str(info.value)


def test_a_base_chain_within_the_cap_resolves_without_recursion(
        tmp_path: pathlib.Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(_chain(60))
    scenario = guaranty.load_scenario(str(path))
    resolved = resolve_package(scenario, "deep-59")
    assert resolved.model_dump(exclude={"base", "description"}) == resolve_package(
        scenario, "armed").model_dump(exclude={"base", "description"})


@pytest.mark.parametrize(("text", "value"), [
    ("010", 10), ("1:30", "1:30"), ("yes", "yes"), ("1_000", "1_000"), ("1e6", 1e6),
    ("0o17", 15), ("0x1F", 31), ("-.inf", float("-inf")), ("true", True), ("~", None)])
def test_plain_scalars_are_read_by_yaml_1_2(text: str, value: object) -> None:
    data, _ = read_yaml(f"a: {text}\n")
    assert data["a"] == value and type(data["a"]) is type(value)


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not pathlib.Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_their_parent(sig: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "guaranty.cli", "run", str(TINY), "--worlds", "400000",
         "--chunk-size", "2000", "--workers", "2", "--months", "60", "--no-anchor", "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert len(workers) >= 2, "the run did not start its workers"
        process.send_signal(sig)
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        alive = workers
        while time.monotonic() < deadline and alive:
            time.sleep(0.2)
            alive = {w for w in workers if _alive(w)}
        assert not alive, f"orphan workers after {sig.name}: {sorted(alive)}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"

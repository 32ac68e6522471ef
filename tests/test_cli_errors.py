"""Bad input on the command line: exit code 2, ``FILE:LINE:COL: path: message`` lines on
stderr, nothing on stdout, never a traceback (unless ``--debug``).

A few cases run the real command in a subprocess (``python -m guaranty.cli``); the rest call
``guaranty.cli.main`` in process, which is what the console script does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from guaranty.cli import main
from guaranty.scenario.loader import MAX_BYTES

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
MINIMAL = str(DATA / "minimal.yaml")
LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?:(?P<path>[^:]+): )?(?P<msg>.+)$")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def _subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guaranty.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd, check=False)


def _placed_lines(err: str, file: str) -> list[re.Match[str]]:
    lines = err.strip().splitlines()
    assert lines, "expected at least one problem on stderr"
    matches = []
    for line in lines:
        match = LINE.match(line)
        assert match is not None and match["file"] == file, line
        assert ", got " in match["msg"] or match["msg"].startswith("unknown key"), line
        matches.append(match)
    return matches


# --------------------------------------------------------------------------- subprocesses


def test_validate_reports_every_problem_and_exits_2() -> None:
    file = str(BAD / "several-errors.yaml")
    result = _subprocess("validate", file)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    found = [(int(m["line"]), m["path"]) for m in _placed_lines(result.stderr, file)]
    assert found == [(6, "horizon_monts"), (10, "defender.personnel"),
                     (22, "aggressor.readiness"), (32, "theatre.front_km.unit")]


def test_debug_shows_the_traceback() -> None:
    file = str(BAD / "unknown-key.yaml")
    result = _subprocess("--debug", "validate", file)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "ScenarioError" in result.stderr
    assert f"{file}:20:3: aggressor.personel: unknown key 'personel'" in result.stderr


def test_run_json_on_a_bad_file_prints_nothing_on_stdout() -> None:
    file = str(BAD / "dangling-base.yaml")
    result = _subprocess("run", file, "--worlds", "10", "--seed", "1", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    [match] = _placed_lines(result.stderr, file)
    assert match["path"] == "packages.armed.base"


def test_a_python_tag_is_reported_and_never_executed(tmp_path: Path) -> None:
    file = str(BAD / "python-tag.yaml")  # title: !!python/object/apply:os.system [touch ...]
    result = _subprocess("validate", file, cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "SENTINEL").exists()
    [match] = _placed_lines(result.stderr, file)
    assert (match["line"], match["col"], match["path"]) == ("4", "8", "title")
    assert "got tag !!python/object/apply:os.system" in match["msg"]
    result = _subprocess("run", file, "--worlds", "10", "--json", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert not (tmp_path / "SENTINEL").exists()


def test_a_bad_option_value_is_a_usage_error() -> None:
    result = _subprocess("run", MINIMAL, "--worlds", "abc")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "--worlds" in result.stderr


# --------------------------------------------------------------------------- in process


def _write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize("command", ["validate", "run", "params"])
@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.yaml")))
def test_every_bad_file_exits_2_with_placed_lines(
    capsys: pytest.CaptureFixture[str], name: str, command: str
) -> None:
    file = str(BAD / name)
    args = {"validate": ["validate", file], "run": ["run", file, "-n", "10", "--json"],
            "params": ["params", "--scenario", file, "--json"]}[command]
    code, out, err = _cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    _placed_lines(err, file)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.yaml", b"", "1:1: must hold a scenario mapping, got an empty file"),
    ("blank.yaml", b"  \n\n", "1:1: must hold a scenario mapping, got an empty file"),
    ("list.yaml", b"- a\n- b\n", "1:1: must be a mapping of scenario sections"),
    ("junk.yaml", b"\x7fELF\x02\x01\x01\x00\x00\x00", "1:8: must be UTF-8 YAML text, got "
     "binary data (a NUL byte)"),
    ("latin1.yaml", b"name: caf\xe9\n", "1:10: must be UTF-8 text, got byte 0xe9"),
    ("big.yaml", b"#" * (MAX_BYTES + 1), f"1:1: must be at most {MAX_BYTES} bytes"),
    ("syntax.yaml", b"name: [northland\n", "2:1: must be valid YAML"),
    ("docs.yaml", b"name: a\n---\nname: b\n", "2:1: must hold a single YAML document"),
])
def test_bad_bytes_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str,
                          content: bytes, message: str) -> None:
    file = _write(tmp_path, name, content)
    code, out, err = _cli(capsys, "validate", file)
    assert code == 2
    assert out == ""
    assert err.startswith(f"{file}:{message}"), err
    assert "Traceback" not in err


def test_missing_file_and_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, out, err = _cli(capsys, "validate", missing)
    assert (code, out) == (2, "")
    assert err == f"{missing}:1:1: must be an existing scenario file, got no such file\n"
    code, out, err = _cli(capsys, "run", str(tmp_path), "--json")
    assert (code, out) == (2, "")
    assert err == f"{tmp_path}:1:1: must be a YAML file, got a directory\n"


def test_validate_json_lists_the_problems(capsys: pytest.CaptureFixture[str]) -> None:
    file = str(BAD / "several-errors.yaml")
    code, out, _ = _cli(capsys, "validate", file, "--json")
    assert code == 2
    doc = json.loads(out)
    assert doc["valid"] is False
    assert [(p["line"], p["column"], p["path"]) for p in doc["problems"]] == [
        (6, 1, "horizon_monts"), (10, 14, "defender.personnel"), (22, 14, "aggressor.readiness"),
        (32, 32, "theatre.front_km.unit")]
    assert all(p["file"] == file for p in doc["problems"])


@pytest.mark.parametrize(("args", "message"), [
    (["run", MINIMAL, "--worlds", "0"], "worlds"),
    (["run", MINIMAL, "--worlds", "-5"], "worlds"),
    (["run", MINIMAL, "--worlds", "abc"], "--worlds"),
    (["run", MINIMAL, "--seed", "-1", "-n", "10"], "seed"),
    (["run", MINIMAL, "--seed", "x", "-n", "10"], "--seed"),
    (["run", MINIMAL, "--chunk-size", "0", "-n", "10"], "chunk_size"),
    (["run", MINIMAL, "--workers", "0", "-n", "10"], "workers"),
    (["run", MINIMAL, "--months", "0", "-n", "10"], "months"),
    (["run", MINIMAL, "-p", "nope", "-n", "10"], "unknown package 'nope'"),
    (["run", MINIMAL, "--lens", "nope", "-n", "10"], "unknown lens 'nope'"),
    (["run", MINIMAL, "--no-such-option"], "--no-such-option"),
    (["params", "--scenario", MINIMAL, "--lens", "nope"], "unknown lens 'nope'"),
    (["params", "--scenario", MINIMAL, "-p", "nope"], "unknown package 'nope'"),
    (["params", "--lens", "sceptic"], "--scenario"),
    (["validate"], "Missing argument"),
])
def test_bad_options_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _cli(capsys, *args, *(["--json"] if args[0] != "validate" else []))
    assert code == 2, err
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback_of_a_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--debug", "run", MINIMAL, "--lens", "nope", "-n", "10")
    assert code == 2
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("error: unknown lens 'nope' (known: sceptic)")


def test_the_minimal_scenario_validates_and_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "validate", MINIMAL)
    assert code == 0, err
    assert "ok" in out
    code, out, err = _cli(capsys, "run", MINIMAL, "--worlds", "200", "--seed", "1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scenario"] == "northland"
    assert [p["name"] for p in doc["packages"]] == ["baseline", "armed"]

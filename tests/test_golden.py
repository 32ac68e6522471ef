"""The refactor-guard: ``guaranty run --json`` at a fixed seed equals the committed file.

A change that moves a number must update the golden files on purpose, in a commit that says so
and states the largest relative change (``python tests/test_golden.py --update`` rewrites them).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from guaranty.cli import main

GOLDEN = Path(__file__).parent / "data" / "golden"
ROOT = Path(__file__).parent.parent
CASES = {
    "run-seed11-2000.json": ["--worlds", "2000", "--seed", "11"],
    "run-seed11-2000-luzin-36m.json": ["--worlds", "2000", "--seed", "11", "--lens", "luzin",
                                       "--months", "36"],
}


def _argv(args: list[str]) -> list[str]:
    return ["run", str(ROOT / "scenarios" / "ukraine-2025.yaml"), *args, "--json"]


def _strip(obj: dict) -> dict:
    # The version and the scenario's hash change without any number moving.
    return {k: v for k, v in obj.items() if k not in ("version", "scenario_sha256")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_json_equals_golden(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((GOLDEN / name).read_text())
    with pytest.raises(SystemExit) as exit_info:
        main(_argv(CASES[name]))
    assert exit_info.value.code == 0
    assert _strip(json.loads(capsys.readouterr().out)) == _strip(expected)


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    import contextlib
    import io

    for name, args in CASES.items():
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            main(_argv(args))
        (GOLDEN / name).write_text(buffer.getvalue())

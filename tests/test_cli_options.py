"""The shared run options: declared once, expanded by with_run_options, no module state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from guaranty import defaults
from guaranty.cli import app
from guaranty.cli.options import RunOptions, with_run_options

runner = CliRunner()
FLAGS = re.compile(r"(--[a-z-]+)")


def _flags(command: str) -> list[str]:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return list(dict.fromkeys(FLAGS.findall(result.output.split("Options")[1])))


def test_run_and_lenses_share_the_run_options() -> None:
    run, lenses = _flags("run"), _flags("lenses")
    assert run == ["--package", "--worlds", "--seed", "--months", "--lens", "--chunk-size",
                   "--workers", "--no-anchor", "--json", "--no-headline", "--detail", "--out",
                   "--report", "--help"]
    only_run = ("--lens", "--no-headline", "--detail", "--out", "--report")
    assert lenses == [f for f in run if f not in only_run]


def test_the_command_receives_the_dataclass() -> None:
    seen: dict[str, Any] = {}

    @with_run_options(omit=("lens",))
    def command(file: str, options: RunOptions, flag: bool = False) -> None:
        seen.update(file=file, options=options, flag=flag)

    command(file="f", package=["a"], worlds=5, seed=None, months=None, chunk_size=7, workers=2,
            no_anchor=True, flag=True)
    options = seen["options"]
    assert options == RunOptions(package=["a"], worlds=5, chunk_size=7, workers=2,
                                 no_anchor=True)
    assert options.packages == ["a"] and options.lens is None
    assert RunOptions(seed=9).fixed_seed() == 9
    assert RunOptions().fixed_seed() == defaults.SEED  # fixed: reruns agree


def test_a_command_needs_one_run_options_parameter() -> None:
    with pytest.raises(TypeError, match="exactly one RunOptions"):
        with_run_options()(lambda file: None)
    with pytest.raises(ValueError, match="no field"):
        with_run_options(omit=("colour",))


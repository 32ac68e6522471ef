"""``guaranty --help`` imports no heavy module, and the lazy command table tells the truth."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from guaranty.cli import app
from guaranty.cli.root import COMMANDS, load_command

HEAVY = ("numpy", "pandas", "scipy", "lifelines", "pydantic", "yaml", "guaranty.engine",
         "guaranty.scenario", "guaranty.models")

PROBE = """
import json, sys
{setup}
print(json.dumps(sorted(sys.modules)))
"""


def _modules(setup: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], check=True,
                         capture_output=True, text=True, timeout=120)
    return set(json.loads(out.stdout))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_importing_the_root_command_imports_nothing_heavy() -> None:
    modules = _modules("import guaranty.cli.root")
    assert _heavy(modules) == []


def test_help_imports_nothing_heavy() -> None:
    setup = ("import contextlib, io\nfrom guaranty.cli.root import app\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    app(args=['--help'], standalone_mode=False)")
    assert _heavy(_modules(setup)) == []


def test_running_a_command_does_import_its_module() -> None:
    """The probe can fail: a command that runs loads the engine (so the check above means
    something)."""
    setup = ("import contextlib, io\nfrom guaranty.cli.root import app\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    app(args=['params', '--help'], standalone_mode=False)")
    assert "guaranty.params" in _modules(setup)


def test_import_guaranty_is_lazy_and_complete() -> None:
    assert _heavy(_modules("import guaranty")) == []
    import guaranty

    for name in guaranty.__all__:
        assert getattr(guaranty, name) is not None
    assert guaranty.engine.simulate is guaranty.simulate  # a subpackage on first use
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = guaranty.nonsense


@pytest.mark.parametrize("entry", COMMANDS, ids=[e.name for e in COMMANDS])
def test_each_entry_loads_with_its_own_help(entry: object) -> None:
    from guaranty.cli.root import Entry

    assert isinstance(entry, Entry)
    command = load_command(entry)
    assert command.name == entry.name
    assert command.hidden == entry.hidden
    first = " ".join((command.help or "").split("\n\n")[0].split())
    assert first == entry.help


def test_help_lists_every_visible_command_and_runs_one() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    for entry in COMMANDS:
        assert (entry.name in listed.output) != entry.hidden or entry.name == "optimize"
    assert "optimize" not in listed.output
    sub = runner.invoke(app, ["durability", "--help"], env={"COLUMNS": "200"})
    assert sub.exit_code == 0 and "curve" in sub.output

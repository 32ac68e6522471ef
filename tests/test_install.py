"""The install is lean and honest: each extra holds what code imports, and the runtime-only
install (``make run``'s ``pip install -e .``) runs the everyday commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "guaranty"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
IMPORT_NAME = {"ema-workbench": "ema_workbench", "dask": "distributed", "scikit-learn": "sklearn",
               "pyyaml": "yaml"}
"""Import names of distributions whose names differ (``dask[distributed]`` is used as
``distributed``)."""
TOOLS = {"pytest", "playwright", "hypothesis", "jsonschema", "mkdocs-material", "ruff", "mypy",
         "types-PyYAML", "pandas-stubs", "guaranty", "httpx", "schemathesis"}
"""The dev extra's tools: imported by tests, or run as commands, never by the package."""


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~! ;]", requirement, maxsplit=1)[0]


def _imported(module: str) -> list[Path]:
    pattern = re.compile(rf"^\s*(import|from) {re.escape(module)}(\.|\s|$)|"
                         rf"import_module\(\"{re.escape(module)}\"", re.M)
    return [p for p in SRC.rglob("*.py") if pattern.search(p.read_text())]


def test_every_extra_and_dependency_is_imported_by_the_code() -> None:
    unused = []
    for extra, requirements in {"dependencies": PROJECT["dependencies"],
                                **PROJECT["optional-dependencies"]}.items():
        for requirement in requirements:
            name = _name(requirement)
            if extra == "dev" and name in TOOLS:
                continue
            if not _imported(IMPORT_NAME.get(name, name)):
                unused.append(f"{extra}: {name}")
    assert unused == []


def test_the_extras_are_those_the_project_allows() -> None:
    assert set(PROJECT["optional-dependencies"]) <= {"analysis", "web", "dist", "dev"}
    dev = PROJECT["optional-dependencies"]["dev"]
    assert any(r.startswith("guaranty[") and "analysis" in r and "dist" in r and "web" in r
               for r in dev)


BLOCKER = """
import importlib.abc, sys
OPTIONAL = {optional!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in OPTIONAL:
            raise ImportError(f"{{name}} is not installed (blocked by the test)")
sys.meta_path.insert(0, Block())
from guaranty.cli import main
main({args!r})
"""


def _runtime_only(*args: str) -> subprocess.CompletedProcess[str]:
    optional = sorted({IMPORT_NAME.get(_name(r), _name(r)) for extra, rs in
                       PROJECT["optional-dependencies"].items() for r in rs} - {"guaranty"}
                      | {"sklearn", "dask"})
    code = BLOCKER.format(optional=optional, args=list(args))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


def test_the_runtime_install_runs_validate_and_run() -> None:
    tiny = str(SRC / "testing" / "tiny.yaml")
    checked = _runtime_only("validate", "examples/my-package.yaml")
    assert checked.returncode == 0, checked.stderr
    ran = _runtime_only("run", tiny, "--worlds", "200", "--seed", "1", "--months", "12")
    assert ran.returncode == 0, ran.stderr
    assert "seed 1" in ran.stdout


def test_a_command_of_an_extra_says_what_to_install(tmp_path: Path) -> None:
    """The check above can fail: a command that needs an extra fails under the blocker, with
    the extra to install."""
    out = _runtime_only("sweep", str(SRC / "testing" / "tiny.yaml"), "--worlds", "10",
                        "--store", str(tmp_path / "store"))
    assert out.returncode == 1
    assert "error: this command needs duckdb, which is not installed: pip install " \
           "'guaranty[dist]'" in out.stderr


def _make_plan(target: str, tmp_path: Path) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    out = subprocess.run([make, "-n", "-C", str(ROOT), f"VENV={tmp_path / 'venv'}", target],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_make_run_installs_no_developer_tools(tmp_path: Path) -> None:
    plan = _make_plan("run", tmp_path)
    assert 'pip install --quiet -e ".[analysis]"\n' in plan and "[dev]" not in plan
    assert "sys.version_info < (3, 11)" in plan  # an old Python is named, not a pip error


def test_make_test_installs_the_dev_tools(tmp_path: Path) -> None:
    plan = _make_plan("test", tmp_path)
    assert 'pip install --quiet -e ".[dev]"' in plan and "pytest" in plan

"""The docs site: every page in the navigation, the generated parameters page up to date, every
"§N" a source cites present in the evidence page, the YAML examples valid, and the site builds."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from guaranty.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
YAML_BLOCK = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
CITED = re.compile(r"(?:docs/sources\.md|sources\.md\)|PARAMETERS\.md) ?§ ?(\d+[a-z]?)")


def _nav_files(entries: list[object]) -> list[str]:
    out: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        out.extend(_nav_files(value) if isinstance(value, list) else [str(value)])
    return out


def _parameters_page() -> object:
    spec = importlib.util.spec_from_file_location("parameters_page",
                                                  ROOT / "scripts" / "parameters_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_is_in_the_navigation_and_every_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    nav = _nav_files(config["nav"])
    on_disk = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(nav) == on_disk


def test_the_parameters_page_is_up_to_date() -> None:
    page = _parameters_page()
    assert (DOCS / "parameters.md").read_text() == page.render(), (  # type: ignore[attr-defined]
        "docs/parameters.md is out of date: run python scripts/parameters_page.py")


def test_every_cited_section_is_on_the_sources_page() -> None:
    sections = set(re.findall(r"^#+ §(\d+[a-z]?) ", (DOCS / "sources.md").read_text(), re.M))
    files = [ROOT / "src/guaranty/data/parameters.yaml", *sorted((ROOT / "scenarios").rglob(
        "*.yaml")), *PAGES, *sorted((ROOT / "src").rglob("*.py"))]
    cited = {(f.name, s) for f in files for s in CITED.findall(f.read_text())}
    assert cited, "the pattern finds the citations"
    assert sorted((f, s) for f, s in cited if s not in sections) == []


def test_the_registry_and_scenarios_cite_the_shipped_page() -> None:
    for file in [ROOT / "src/guaranty/data/parameters.yaml",
                 *sorted((ROOT / "scenarios").rglob("*.yaml"))]:
        assert "PARAMETERS.md" not in file.read_text(), file


def _extending(page: Path) -> list[str]:
    return [b for b in YAML_BLOCK.findall(page.read_text()) if b.startswith("extends:")]


@pytest.mark.parametrize("page", [p for p in PAGES if _extending(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_yaml_examples_that_extend_a_scenario_validate(page: Path) -> None:
    for block in _extending(page):
        assert parse_scenario(block, name=str(page), directory=ROOT).packages


def test_the_pages_with_extending_examples_are_found() -> None:
    assert {"README.md", "index.md"} <= {p.name for p in PAGES if _extending(p)}


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_example_scenarios_validate(example: Path) -> None:
    from guaranty.scenario import load_scenario

    assert load_scenario(example).packages


def test_the_readme_says_how_to_install_and_reach_the_command() -> None:
    text = (ROOT / "README.md").read_text()
    for needed in ("Python 3.11 or newer", ".venv/bin/guaranty", "source .venv/bin/activate",
                   "pip install -e ."):
        assert needed in text


def test_the_site_builds(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which(
        "mkdocs")
    if mkdocs is None or importlib.util.find_spec("material") is None:
        pytest.skip("mkdocs-material is not installed (pip install -e '.[dev]')")
    out = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "site" / "sources" / "index.html").exists()

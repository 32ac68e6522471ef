"""Every example runs; every default parameter is documented in a model page."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from guaranty.params import default_registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_example_runs(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(example), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_every_default_parameter_is_on_a_model_page() -> None:
    pages = "\n".join(p.read_text() for p in (ROOT / "docs" / "models").glob("*.md"))
    missing = [name for name in default_registry() if f"`{name}`" not in pages
               and f"`{name}` " not in pages]
    assert not missing, missing

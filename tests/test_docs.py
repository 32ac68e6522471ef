"""Every example in the docs runs: the ```python blocks of README.md and docs/**/*.md, and the
``>>>`` examples in the package docstrings.

The blocks of a page run in order in one namespace, from the repository root, so a later block
may use what an earlier one defined. A block is skipped only when the line right before it is
``<!-- not-run: REASON -->``; use it sparingly, and say why.
"""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
NOT_RUN = re.compile(r"<!--\s*not-run:(.*?)-->")
SRC = ROOT / "src"
DOCTEST_MODULES = sorted(
    ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for p in (SRC / "guaranty").rglob("*.py") if ">>>" in p.read_text())
"""Every module of the package with a ``>>>`` example (found, not listed by hand)."""


def _blocks(page: Path) -> list[tuple[int, str, str | None]]:
    """(line of the block's first code line, code, reason it is not run or None)."""
    text = page.read_text()
    out = []
    for match in BLOCK.finditer(text):
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.fullmatch(before.strip())
        line = text.count("\n", 0, match.start(1)) + 1
        out.append((line, match.group(1), marker.group(1).strip() if marker else None))
    return out


WITH_BLOCKS = [p for p in PAGES if _blocks(p)]


@pytest.mark.parametrize("page", WITH_BLOCKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    skipped = []
    for line, code, reason in _blocks(page):
        if reason is not None:
            skipped.append(f"line {line}: {reason}")
            continue
        # Pad with blank lines so that a traceback gives the line in the page.
        exec(compile("\n" * (line - 1) + code, str(page), "exec"), namespace)
    if skipped:
        pytest.skip("not run: " + "; ".join(skipped))


def test_the_pages_with_examples_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in WITH_BLOCKS}
    assert {"README.md", "docs/history.md", "docs/negotiation.md"} <= names


def test_every_not_run_marker_gives_a_reason_and_precedes_a_block() -> None:
    for page in PAGES:
        text = page.read_text()
        skipped = sum(reason is not None for _, _, reason in _blocks(page))
        markers = NOT_RUN.findall(text)
        assert len(markers) == skipped, f"{page}: a not-run marker is not right before a block"
        assert all(reason.strip() for reason in markers), f"{page}: not-run needs a reason"


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""Write ``docs/parameters.md``: every default parameter of the registry with its distribution,
unit and source (or assumption), grouped by model.

Run by ``make docs``; ``tests/test_docs_site.py`` fails when the page is out of date, so a
change to ``src/guaranty/data/parameters.yaml`` comes with ``python scripts/parameters_page.py``.
``python scripts/parameters_page.py --check`` exits 1 when the page differs.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "parameters.md"

HEADER = """\
# The default parameters and their sources

<!-- Written by scripts/parameters_page.py from src/guaranty/data/parameters.yaml: do not edit
by hand; run `python scripts/parameters_page.py` (or `make docs`). -->

Every behavioural number every scenario shares, as the registry holds it
(`guaranty.default_registry()`; `guaranty params --scenario FILE` lists a scenario's, with its
overrides). Each has a distribution over the uncertain worlds, a unit, and a **source** or an
**assumption** with its reasoning. Citations of the form "§N" point at
[the published figures behind the defaults](sources.md). Status letters: **C** seen in public
material, **D** derived from data by the method given, **U** unconfirmed (never a sourced
default). {count} parameters in {groups} groups.
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    """The page's text, from the registry as installed."""
    from guaranty import default_registry

    registry = default_registry()
    groups: dict[str, list[str]] = defaultdict(list)
    for name in registry:
        groups[name.split(".", 1)[0]].append(name)
    out = [HEADER.format(count=len(registry), groups=len(groups)).rstrip("\n")]
    for group in sorted(groups):
        out.append(f"\n## {group}\n\n| parameter | distribution | unit | source or assumption |"
                   "\n| --- | --- | --- | --- |")
        for name in groups[group]:
            p = registry[name]
            origin = (_cell(p.source) if p.source
                      else f"*assumption:* {_cell(p.assumption or '')}")
            if p.status:
                origin += f" ({p.status})"
            what = f"<br>{_cell(p.description)}" if p.description else ""
            out.append(f"| `{name}`{what} | {_cell(p.distribution.describe())} | {_cell(p.unit)} "
                       f"| {origin} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run "
                  "python scripts/parameters_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

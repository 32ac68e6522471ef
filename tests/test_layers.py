"""The import graph of ``src/guaranty``: no cycle, no import against the layer order.

The graph is read with :mod:`ast`, so it holds every import, at module level and inside
functions (the hidden ones) and under ``if TYPE_CHECKING:``: ``import guaranty.x``,
``from guaranty.x import y`` (an edge to ``guaranty.x.y`` when that is a module, else to
``guaranty.x``), ``from guaranty import x`` and relative imports. Importing ``guaranty`` itself
(``import guaranty``, ``from guaranty import __version__``) is an edge to the package face,
``guaranty/__init__.py``, which imports everything: only the views and ``testing`` may.

The rules are the data just below (``LAYERS``, ``ONLY``): edit them there. To see every
violation with its ``file:line``, run ``python tests/test_layers.py``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "guaranty"

# --- the rules --------------------------------------------------------------------------------
# Layers, lowest first: a module may import from its own layer or lower ones; within a layer
# there must be no cycle. A pattern names a module relative to ``guaranty`` and covers its
# submodules ("history" is guaranty.history and guaranty.history.*); the longest matching
# pattern places a module ("history.cli" beats "history"). "__init__" is the package face,
# guaranty/__init__.py.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("errors", "_version", "units", "limits", "rng", "distributions", "_arrays",
              "_processes", "models._arrays", "_provisions", "defaults")),
    ("data", ("params", "_datasets", "datasets", "models", "history", "calibration")),
    ("scenario", ("scenario", "outside")),
    ("results", ("results",)),
    ("engine", ("engine", "store")),
    ("analysis", ("analysis",)),
    ("negotiation", ("negotiation",)),
    # Analyses that ask the negotiation who accepts a package (optimisation over levers).
    ("decision", ("analysis.optimise", "analysis.levers")),
    ("face", ("__init__",)),  # may import anything below the views
    ("views", ("cli", "history.cli", "report", "web", "plots")),
    ("testing", ("testing",)),  # may import anything; nothing in core imports it
)
# Modules held to a shorter list than their layer allows: the patterns they may import.
ONLY: dict[str, tuple[str, ...]] = {
    "models": ("models", "errors"),  # models._arrays is one of "models"
    # The engine returns Results; a Results holds each package's outside view (a record of
    # guaranty.outside, one layer down) beside the model's numbers.
    "results": ("params", "models.outcomes", "outside", "errors", "_version"),
}
# Optional heavy packages that ``import guaranty`` must not load.
HEAVY = ("lifelines", "negmas", "matplotlib", "duckdb", "dask", "distributed", "SALib",
         "ema_workbench", "pymoo", "sklearn")
FACE = "__init__"


# --- the graph --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Import:
    """One import of a guaranty module by another."""

    source: str
    target: str
    path: Path
    line: int
    scope: str  # "module", "function" or "type-checking"

    def where(self) -> str:
        try:
            shown = self.path.relative_to(PACKAGE_DIR.parents[1])
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}"


def module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package_dir.name, *parts])


def short(module: str) -> str:
    """A module's name relative to the package; ``__init__`` for the package face."""
    _, _, rest = module.partition(".")
    return rest or FACE


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Collector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.scopes = ["module"]
        self.found: list[tuple[ast.Import | ast.ImportFrom, str]] = []

    def _within(self, scope: str, nodes: Iterable[ast.AST]) -> None:
        self.scopes.append(scope)
        for node in nodes:
            self.visit(node)
        self.scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._within("function", [*node.decorator_list, *node.body])

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._within("type-checking", node.body)
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _scope(self) -> str:
        return "function" if "function" in self.scopes else self.scopes[-1]

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append((node, self._scope()))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append((node, self._scope()))


def _resolve(name: str, modules: set[str]) -> str | None:
    """The longest prefix of ``name`` that is a module of the package."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def import_graph(package_dir: Path = PACKAGE_DIR) -> tuple[set[str], list[Import]]:
    """The package's modules and every import among them."""
    package = package_dir.name
    files = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    modules = set(files)
    edges: list[Import] = []
    for source, path in files.items():
        collector = _Collector()
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        is_package = path.name == "__init__.py"
        for node, scope in collector.found:
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_resolve(alias.name, modules) for alias in node.names
                           if alias.name.split(".")[0] == package]
            else:
                if node.level:
                    base = source.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    origin = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    origin = node.module or ""
                if origin.split(".")[0] != package:
                    continue
                for alias in node.names:
                    sub = f"{origin}.{alias.name}"
                    targets.append(sub if sub in modules else _resolve(origin, modules))
            for target in dict.fromkeys(targets):
                if target is not None and target != source:
                    edges.append(Import(source, target, path, node.lineno, scope))
    return modules, edges


# --- the checks -------------------------------------------------------------------------------
def _matches(module: str, pattern: str) -> bool:
    name = short(module)
    return name == pattern or name.startswith(pattern + ".")


def _best(module: str, patterns: Iterable[str]) -> str | None:
    hits = [p for p in patterns if _matches(module, p)]
    return max(hits, key=len) if hits else None


def layer_of(module: str) -> int | None:
    """Index of the module's layer in ``LAYERS``, or None when no pattern places it."""
    placed = [(len(p), i) for i, (_, patterns) in enumerate(LAYERS) for p in patterns
              if _matches(module, p)]
    return max(placed)[1] if placed else None


def cycles(modules: set[str], edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for e in edges:
        graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def cycle_problems(modules: set[str], edges: list[Import]) -> list[str]:
    """One entry per cycle: its modules, then each import that closes it, with file:line."""
    out = []
    for component in cycles(modules, edges):
        members = set(component)
        out.append("\n".join(
            ["cycle among " + ", ".join(component) + ":"]
            + [f"    {e.where()}: {e.source} -> {e.target} [{e.scope}]"
               for e in edges if e.source in members and e.target in members]))
    return out


def layer_problems(edges: list[Import]) -> list[str]:
    out = []
    for e in edges:
        src, dst = layer_of(e.source), layer_of(e.target)
        if src is None or dst is None or dst <= src:
            continue
        what = ("the package face guaranty/__init__, which imports everything"
                if short(e.target) == FACE else f"{e.target} (layer {LAYERS[dst][0]})")
        out.append(f"{e.where()}: {e.source} (layer {LAYERS[src][0]}) imports {what} "
                   f"[{e.scope}]")
    return out


def only_problems(edges: list[Import]) -> list[str]:
    out = []
    for e in edges:
        key = _best(e.source, ONLY)
        if key is not None and _best(e.target, ONLY[key]) is None:
            out.append(f"{e.where()}: {e.source} imports {e.target} [{e.scope}]; "
                       f"{key} may import only {', '.join(ONLY[key])}")
    return out


def report(package_dir: Path = PACKAGE_DIR) -> str:
    modules, edges = import_graph(package_dir)
    sections = {
        "modules without a layer": sorted(m for m in modules if layer_of(m) is None),
        "cycles": cycle_problems(modules, edges),
        "imports against the layer order": layer_problems(edges),
        "imports outside a module's own list (ONLY)": only_problems(edges),
    }
    lines = [f"{len(modules)} modules, {len(edges)} imports "
             f"({sum(e.scope == 'function' for e in edges)} inside functions)"]
    for title, problems in sections.items():
        lines.append(f"{title}: {len(problems) if problems else 'none'}")
        lines += [textwrap.indent(p, "  ") for p in problems]
    return "\n".join(lines)


# --- the tests on guaranty --------------------------------------------------------------------
MODULES, EDGES = import_graph()


def test_the_graph_sees_module_and_function_level_imports() -> None:
    found = {(e.source, e.target, e.scope) for e in EDGES}
    assert ("guaranty.models.decision", "guaranty.models.campaign", "module") in found
    assert ("guaranty.scenario.loader", "guaranty.scenario.schema", "module") in found
    assert ("guaranty.scenario.loader", "guaranty._datasets", "function") in found
    assert {"guaranty", "guaranty.testing.reference", "guaranty.models"} <= MODULES


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in MODULES if layer_of(m) is None)
    assert not unplaced, f"add these modules to LAYERS in {__file__}: {unplaced}"


def test_nothing_in_core_imports_testing_or_the_views() -> None:
    top = {i for i, (name, _) in enumerate(LAYERS) if name in ("views", "testing")}
    wrong = [f"{e.where()}: {e.source} -> {e.target}" for e in EDGES
             if layer_of(e.target) in top and layer_of(e.source) not in top]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    problems = cycle_problems(MODULES, EDGES)
    assert not problems, "\n" + "\n".join(problems)


def test_no_import_against_the_layer_order() -> None:
    problems = layer_problems(EDGES)
    assert not problems, "\n" + "\n".join(problems)


def test_models_and_results_import_only_their_own_list() -> None:
    problems = only_problems(EDGES)
    assert not problems, "\n" + "\n".join(problems)


def test_import_guaranty_loads_no_heavy_optional_package() -> None:
    code = ("import guaranty, sys; print(sorted(m for m in sys.modules "
            f"if m.split('.')[0] in {set(HEAVY)!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    assert done.stdout.strip() == "[]"


# --- the checker itself, on a made-up package -------------------------------------------------
FAKE = {
    "__init__.py": "from guaranty.engine import run\n",
    "errors.py": "",
    "params.py": "",
    "results.py": """
        def version():
            from guaranty import __version__
            return __version__
    """,
    "engine/__init__.py": "from .chain import run\n",
    "engine/chain.py": """
        from guaranty import errors
        import guaranty.results
        from guaranty.engine import anchoring

        def run():
            pass
    """,
    "engine/anchoring.py": """
        def calibrate():
            from .chain import run
            return run
    """,
    "models/__init__.py": "",
    "models/a.py": """
        from typing import TYPE_CHECKING
        from . import b
        if TYPE_CHECKING:
            from guaranty.params import Registry
    """,
    "models/b.py": "from ..errors import *\n",
    "testing.py": "import guaranty\n",
}


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    root = tmp_path / "guaranty"
    for name, text in FAKE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_checker_finds_every_kind_of_import(fake: Path) -> None:
    modules, edges = import_graph(fake)
    found = {(short(e.source), short(e.target), e.scope, e.line) for e in edges}
    assert found == {
        ("__init__", "engine", "module", 1),
        ("results", "__init__", "function", 3),
        ("engine", "engine.chain", "module", 1),
        ("engine.chain", "errors", "module", 2),
        ("engine.chain", "results", "module", 3),
        ("engine.chain", "engine.anchoring", "module", 4),
        ("engine.anchoring", "engine.chain", "function", 3),
        ("models.a", "models.b", "module", 3),
        ("models.a", "params", "type-checking", 5),
        ("models.b", "errors", "module", 1),
        ("testing", "__init__", "module", 1),
    }
    assert "guaranty.models" in modules and "guaranty" in modules


def test_the_checker_finds_cycles_and_layer_breaks(fake: Path) -> None:
    modules, edges = import_graph(fake)
    assert cycles(modules, edges) == [
        ["guaranty", "guaranty.engine", "guaranty.engine.anchoring", "guaranty.engine.chain",
         "guaranty.results"]]
    layers = layer_problems(edges)
    assert len(layers) == 1 and "results.py:3: guaranty.results (layer results) imports " \
        "the package face" in layers[0] and "[function]" in layers[0]
    only = only_problems(edges)
    assert len(only) == 2
    assert any("results.py:3: guaranty.results imports guaranty [function]" in p for p in only)
    assert any("models/a.py:5: guaranty.models.a imports guaranty.params [type-checking]" in p
               for p in only)


if __name__ == "__main__":
    print(report())

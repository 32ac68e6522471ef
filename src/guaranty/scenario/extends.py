"""``extends:``: a scenario file that holds only what differs from another scenario.

A file with ``extends: ukraine-2025`` (a built-in scenario's name) or ``extends: base.yaml``
(a path relative to the file's own folder) is the base scenario with the file's sections
merged on top:

- mappings merge key by key, recursively (``defender: {readiness: ...}`` changes one field);
- a package, a lens, a quantity (a mapping with ``value`` or ``dist``), a list and a plain value
  replace the base's whole: a package of the same name as the base's is the file's package,
  not a mix of two (build on a package with its ``base:`` field instead);
- nothing can be removed from the base (run a subset with ``--package``).

A base may extend another base; the chain is at most :data:`~guaranty.limits.MAX_EXTENDS`
files long and must not return to a file it has passed. An absolute path is refused (a
shared file must not depend on one machine's folders); a relative path needs a file to be
relative to, so text given to :func:`~guaranty.scenario.loader.parse_scenario` without a
``directory`` may extend built-in scenarios only. Every problem in the merged scenario is
reported in the file that wrote the offending part, at its line and column.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from guaranty.errors import Problem, ScenarioError, closest
from guaranty.limits import MAX_EXTENDS
from guaranty.scenario._yamlpos import Path, Positions

__all__ = ["REPLACED_WHOLE", "Layer", "LayeredPositions", "follow", "merge_layers"]

REPLACED_WHOLE = ("packages", "lenses")
"""Sections whose entries replace the base's entry of the same name whole."""


@dataclass(frozen=True)
class Layer:
    """One file of an ``extends`` chain: its data, positions and name in messages."""

    data: dict[str, Any]
    positions: Positions
    name: str


@dataclass
class LayeredPositions(Positions):
    """Positions of a merged scenario: each path is placed in the file that wrote it.

    ``layers`` run from the deepest base (0) to the file that was loaded; ``owner`` maps the
    root of each subtree a layer wrote to that layer; ``merged`` holds the mappings several
    layers wrote (placed in the topmost that has them).
    """

    layers: list[Layer] = field(default_factory=list)
    owner: dict[Path, int] = field(default_factory=dict)
    merged: set[Path] = field(default_factory=set)

    def layer_of(self, path: Path) -> int:
        """The index of the layer that wrote ``path`` (or its nearest written ancestor)."""
        if path in self.merged:
            for index in range(len(self.layers) - 1, -1, -1):
                table = self.layers[index].positions
                if path in table.values or path in table.keys:
                    return index
        for cut in range(len(path), -1, -1):
            owner = self.owner.get(path[:cut])
            if owner is not None:
                return owner
        return len(self.layers) - 1

    def file_of(self, path: Path) -> str:
        """The name of the file that wrote ``path``."""
        return self.layers[self.layer_of(path)].name

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` in the file that wrote it."""
        return self.layers[self.layer_of(path)].positions.locate(path, key=key)


def merge_layers(layers: list[Layer]) -> tuple[dict[str, Any], LayeredPositions]:
    """Merge ``layers`` (deepest base first; each without its ``extends`` key) into one
    scenario mapping, with positions that point into the file each part came from."""
    out = LayeredPositions(layers=list(layers), owner={(): 0})
    data: dict[str, Any] = layers[0].data
    for index in range(1, len(layers)):
        data = _merge(data, layers[index].data, (), out, index)
    for index, layer in enumerate(layers):
        for source, target in ((layer.positions.values, out.values),
                               (layer.positions.keys, out.keys)):
            for path, where in source.items():
                if out.layer_of(path) == index:
                    target[path] = where
    return data, out


def _merge(base: Any, over: Any, path: Path, out: LayeredPositions, index: int) -> Any:
    if isinstance(base, dict) and isinstance(over, dict) and _mergeable(path, over):
        merged = dict(base)
        out.merged.add(path)
        for key, value in over.items():
            here = (*path, key)
            if key in base:
                merged[key] = _merge(base[key], value, here, out, index)
            else:
                merged[key] = value
                _own(out, here, index)
        return merged
    _own(out, path, index)
    return over


def _mergeable(path: Path, over: dict[Any, Any]) -> bool:
    """Whether a mapping merges into the base's (rather than replacing it whole)."""
    if len(path) == 2 and path[0] in REPLACED_WHOLE:
        return False
    return "value" not in over and "dist" not in over


def _own(out: LayeredPositions, path: Path, index: int) -> None:
    """Give ``path``'s whole subtree to layer ``index`` (what lower layers wrote there goes)."""
    n = len(path)
    for stale in [p for p in out.owner if len(p) > n and p[:n] == path]:
        del out.owner[stale]
    out.merged -= {p for p in out.merged if len(p) > n and p[:n] == path}
    out.owner[path] = index


def follow(top: Layer, directory: FsPath | None, *, read: Callable[[FsPath, str], Layer],
           describe: Callable[[Any], str]) -> tuple[dict[str, Any], LayeredPositions]:
    """Follow ``top``'s ``extends:`` chain down to a file without one and merge the files.

    ``directory`` is ``top``'s folder (None for text: built-in bases only); ``read(path,
    shown)`` reads and parses a base file, reporting its problems as ``shown``;
    ``describe`` names a wrong value in a message.

    Raises
    ------
    ScenarioError
        At the ``extends:`` at fault: a bad name or path, a cycle, a chain too long.
    """
    chain = [top]
    folders: list[FsPath | None] = [directory]
    seen: list[FsPath] = []
    while "extends" in chain[-1].data:
        layer, folder = chain[-1], folders[-1]
        path, shown = _base_file(layer, folder, describe)
        if len(chain) > MAX_EXTENDS:
            raise _problem(layer, f"must end within {MAX_EXTENDS} files (guaranty.limits), got "
                                  f"a longer chain: {' -> '.join(x.name for x in chain)}")
        real = path.resolve()
        if real in seen or (directory is not None and real == _resolved(top.name)):
            raise _problem(layer, "must not lead back to a file of the chain, got a cycle: "
                                  f"{' -> '.join(x.name for x in chain)} -> {shown}")
        seen.append(real)
        chain.append(read(path, shown))
        folders.append(path.parent)
    layers = [Layer({k: v for k, v in x.data.items() if k != "extends"}, x.positions, x.name)
              for x in reversed(chain)]
    return merge_layers(layers)


def _resolved(name: str) -> FsPath | None:
    try:
        return FsPath(name).resolve()
    except (OSError, ValueError):
        return None


def _problem(layer: Layer, message: str) -> ScenarioError:
    line, column = layer.positions.locate(("extends",))
    return ScenarioError([Problem(layer.name, line, column, "extends", message)])


def _base_file(layer: Layer, folder: FsPath | None, describe: Callable[[Any], str]
               ) -> tuple[FsPath, str]:
    """The file ``layer``'s ``extends:`` names, and its name in messages."""
    from guaranty._datasets import scenario_path

    target = layer.data["extends"]

    def problem(message: str) -> ScenarioError:
        return _problem(layer, message)

    rule = ("must be a built-in scenario's name (ukraine-2025) or a .yaml path relative to "
            "this file")
    if not isinstance(target, str) or not target.strip():
        raise problem(f"{rule}, got {describe(target)}")
    if not target.endswith((".yaml", ".yml")) and "/" not in target and "\\" not in target:
        builtin = scenario_path(target)
        known = sorted(p.stem for p in builtin.parent.glob("*.yaml"))
        if target not in known:
            close = closest(target, known)
            hint = f"; did you mean {close!r}?" if close else ""
            raise problem(f"must name a built-in scenario ({', '.join(known)}), got "
                          f"{target!r}{hint}")
        return builtin, _shown(builtin)
    if FsPath(target).is_absolute() or target.startswith(("~", "\\")):
        raise problem(f"{rule}, got an absolute path {target!r} (a shared file must not "
                      "depend on one machine's folders)")
    if folder is None:
        raise problem(f"must be a built-in scenario's name when the scenario is given as text "
                      f"(a relative path needs a file to be relative to), got {target!r}")
    path = folder / target
    if not _exists(path):
        raise problem(f"must name an existing file (relative to this file's folder), got "
                      f"{target!r}: no such file {_shown(path)}")
    return path, _shown(path)


def _shown(path: FsPath) -> str:
    """``path`` for messages: relative to the working folder when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else os.path.normpath(relative)


def _exists(path: FsPath) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False

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

from dataclasses import dataclass, field
from typing import Any

from guaranty.scenario._yamlpos import Path, Positions

__all__ = ["REPLACED_WHOLE", "Layer", "LayeredPositions", "merge_layers"]

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

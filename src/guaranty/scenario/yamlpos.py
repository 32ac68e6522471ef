"""Safe YAML reading that keeps the line and column of every key and value.

PyYAML's composer gives nodes with marks; we build plain Python values from them ourselves,
accepting only the standard YAML tags, so a tag that would build a Python object is reported
as an error and never executed. Duplicate keys and alias bombs are errors too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}
MAX_NODES = 200_000


@dataclass
class Positions:
    """1-based (line, column) of each value and each key, by path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            where = table.get(path[:cut]) if cut == len(path) else self.values.get(path[:cut])
            if where is not None:
                return where
        return (1, 1)


@dataclass(frozen=True)
class YamlProblem:
    line: int
    column: int
    path: Path
    message: str


class YamlReadError(Exception):
    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def read_yaml(text: str) -> tuple[Any, Positions]:
    """Parse ``text`` safely; return the data and the positions of its parts.

    Raises
    ------
    YamlReadError
        With every problem found: syntax errors, non-standard tags, duplicate keys, several
        documents, or too many nodes.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise YamlReadError(
            [YamlProblem(line, col, (), f"YAML syntax error: {what}{context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise YamlReadError([YamlProblem(1, 1, (), f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlReadError([YamlProblem(1, 1, (), "empty file: expected a scenario mapping")])
    builder = _Builder(loader)
    data = builder.build(node, ())
    if builder.problems:
        raise YamlReadError(builder.problems)
    return data, builder.positions


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        self.count = 0

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                line, col = _mark(node)
                self.problems.append(
                    YamlProblem(line, col, path, f"too many YAML nodes (> {MAX_NODES}); "
                                "aliases or sheer size make this file too large")
                )
            return None
        self.positions.values[path] = _mark(node)
        if node.tag not in _STANDARD_TAGS:
            line, col = _mark(node)
            self.problems.append(
                YamlProblem(line, col, path, f"tag {node.tag!r} is not allowed: a scenario holds "
                            "plain mappings, lists, text and numbers")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, col = _mark(node)
            self.problems.append(YamlProblem(line, col, path, f"bad value: {exc}"))
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        self.loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                line, col = _mark(key_node)
                self.problems.append(YamlProblem(line, col, path, "a key must be plain text"))
                continue
            key = self.loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                line, col = _mark(key_node)
                self.problems.append(
                    YamlProblem(line, col, (*path, key), f"duplicate key {key!r}")
                )
                continue
            self.positions.keys[(*path, key)] = _mark(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out

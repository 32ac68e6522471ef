"""Safe YAML reading that keeps the line and column of every key and value.

PyYAML's composer gives nodes with marks; we build plain Python values from them ourselves,
accepting only the standard YAML tags, so a tag that would build a Python object is reported
as an error and never executed. Duplicate keys, alias bombs and too deep nesting are errors
too. Merge keys (``<<: *anchor``) are supported; the keys written out win over merged ones.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from guaranty.limits import MAX_DEPTH, MAX_NODES

Path = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STANDARD_TAGS = _SCALAR_TAGS | {_YAML + "map", _YAML + "seq"}
_MERGE = _YAML + "merge"
_EXPONENT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+")
# YAML 1.2's core schema for plain scalars (PyYAML resolves by YAML 1.1, where 010 is octal 8,
# 1:30 is sexagesimal 90, 1_000 is 1000 and yes/no/on/off are booleans).
_CORE_INT = re.compile(r"[-+]?[0-9]+")
_CORE_OCT = re.compile(r"0o[0-7]+")
_CORE_HEX = re.compile(r"0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_CORE_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_CORE_NAN = re.compile(r"\.(nan|NaN|NAN)")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True,
              "false": False, "False": False, "FALSE": False}
_CORE_NULL = {"", "~", "null", "Null", "NULL"}


def _core(text: str) -> Any:
    """A plain scalar resolved by YAML 1.2's core schema."""
    if text in _CORE_NULL:
        return None
    if text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if _CORE_INT.fullmatch(text):
        return int(text, 10)
    if _CORE_OCT.fullmatch(text):
        return int(text[2:], 8)
    if _CORE_HEX.fullmatch(text):
        return int(text[2:], 16)
    if _CORE_FLOAT.fullmatch(text):
        return float(text)
    if _CORE_INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _CORE_NAN.fullmatch(text):
        return float("nan")
    return text

_RULES = {
    _YAML + "int": "must be a whole number",
    _YAML + "float": "must be a number",
    _YAML + "bool": "must be true or false",
    _YAML + "null": "must be null",
    _YAML + "timestamp": "must be a date",
}


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


class _TooDeep(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """The safe loader, with a limit on nesting (the composer recurses once per level)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _explicit(node: yaml.ScalarNode) -> bool:
    """Whether a scalar carries an explicit tag (``!!int 010``): YAML resolves those itself."""
    return node.start_mark is not None and node.end_mark is not None and \
        node.start_mark.buffer is not None and \
        node.start_mark.buffer[node.start_mark.pointer:node.start_mark.pointer + 1] == "!"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def read_yaml(text: str) -> tuple[Any, Positions]:
    """Parse ``text`` safely; return the data and the positions of its parts.

    Raises
    ------
    YamlReadError
        With every problem found: syntax errors, non-standard tags, duplicate keys, several
        documents, too deep nesting or too many nodes.
    """
    _precheck(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        raise YamlReadError([YamlProblem(
            exc.mark.line + 1, exc.mark.column + 1, (),
            f"must nest at most {MAX_DEPTH} levels deep, got deeper")]) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlReadError([_syntax_problem(exc, text)]) from None
    except yaml.YAMLError as exc:
        raise YamlReadError([YamlProblem(1, 1, (), f"must be valid YAML, got {exc}")]) from None
    except RecursionError:
        raise YamlReadError([YamlProblem(1, 1, (), "must nest less deeply, got too deep a "
                                         "nesting to read")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlReadError([YamlProblem(1, 1, (), "must hold a scenario mapping, got an "
                                         "empty file (only comments)")])
    _check_expansion(node)
    builder = _Builder(loader)
    data = builder.build(node, ())
    if builder.problems:
        raise YamlReadError(builder.problems)
    return data, builder.positions


def _precheck(text: str) -> None:
    """Refuse too many values or too deep nesting before the (slow, pure-Python) composer runs.

    libyaml's event parser reads a 2 MiB file in well under a second, where PyYAML's own
    parser, which gives the better syntax messages, takes tens of seconds. A syntax error is
    left to that parser to report.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return
    count = depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _line_col(event.start_mark)
                    raise YamlReadError([YamlProblem(
                        line, col, (), f"must nest at most {MAX_DEPTH} levels deep, got deeper")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                count += 1
                if count > MAX_NODES:
                    line, col = _line_col(event.start_mark)
                    raise YamlReadError([YamlProblem(
                        line, col, (), f"must hold at most {MAX_NODES} values, got more (the "
                        "file is too large)")])
    except yaml.YAMLError:
        return


def _check_expansion(root: yaml.Node) -> None:
    """Refuse aliases that refer to themselves, and documents too large once aliases expand.

    An alias repeats the node of its anchor, so nine aliases of nine aliases of ... hold
    billions of values in a few lines (the "billion laughs"). Sizes are counted per distinct
    node, so the check itself stays cheap.
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node, path: Path) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            line, col = _mark(node)
            raise YamlReadError([YamlProblem(line, col, path, "must not contain itself, got "
                                             "an alias inside its own anchor")])
        open_.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
                total += size(k, path) + size(v, (*path, name))
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, (*path, i)) for i, item in enumerate(node.value))
        open_.discard(key)
        sizes[key] = total
        return total

    if size(root, ()) <= MAX_NODES:
        return
    # Place the problem at the first entry, in the order written, that is too large by itself.
    node: yaml.Node = root
    path: Path = ()
    seen = {id(root)}
    while True:
        children: list[tuple[yaml.Node, Path]] = []
        if isinstance(node, yaml.MappingNode):
            children = [(v, (*path, str(k.value) if isinstance(k, yaml.ScalarNode) else "?"))
                        for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, (*path, i)) for i, item in enumerate(node.value)]
        big = next(((c, p) for c, p in children if sizes[id(c)] > MAX_NODES), None)
        if big is None or id(big[0]) in seen:
            break
        seen.update(id(c) for c, _ in children)
        node, path = big
    line, col = _mark(node)
    raise YamlReadError([YamlProblem(
        line, col, path, f"must hold at most {MAX_NODES} values once aliases are expanded, "
        f"got {sizes[id(node)]}")])


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """One problem for a YAML syntax error, placed where the mistake most likely is."""
    problem = (exc.problem or "invalid YAML").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    if "another document" in problem:
        line, col = _line_col(mark)
        return YamlProblem(line, col, (), "must hold a single YAML document, got a second "
                           "one (a '---' line)")
    if "'\\t'" in problem:
        line, col = _line_col(mark)
        return YamlProblem(line, col, (), "must be valid YAML: indent with spaces, not tabs, "
                           "got a tab")
    quote = _unclosed_quote(text, exc.problem_mark)
    if quote is not None:
        (line, col), snippet = quote
        return YamlProblem(line, col, (), "must be valid YAML: a quoted text must be closed "
                           f"on its line, got {snippet} running on past the line end")
    if "quoted scalar" in context and exc.context_mark is not None:
        line, col = _line_col(exc.context_mark)
        return YamlProblem(line, col, (), "must be valid YAML: a quoted text must be closed, "
                           f"got {_opening(text, exc.context_mark.index)} running on to the "
                           "end of the file")
    line, col = _line_col(mark)
    for cut in (", but found", ", but got", "but found"):
        problem = problem.split(cut)[0]
    what = f"{problem} {context}".strip()
    return YamlProblem(line, col, (), f"must be valid YAML: {what}, got {_token_at(text, mark)}")


def _line_col(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _token_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None or mark.index >= len(text.rstrip()):
        return "the end of the file"
    rest = text[mark.index:].split("\n", 1)[0]
    if not rest.strip():
        return "the end of the line"
    word = rest[0]
    if word.isalnum() or word in "_-*&!":
        word = re.split(r"[\s,\]}]", rest, maxsplit=1)[0][:30]
    return repr(word)


def _unclosed_quote(text: str, mark: yaml.Mark | None) -> tuple[tuple[int, int], str] | None:
    """The last quoted text before a syntax error, when it runs over several lines."""
    if mark is None:
        return None
    last: yaml.ScalarToken | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.style not in ('"', "'"):
        return None
    if last.start_mark.line == last.end_mark.line:
        return None
    start = last.start_mark
    return (start.line + 1, start.column + 1), _opening(text, start.index)


def _opening(text: str, index: int) -> str:
    """The rest of the line from ``index``, shortened, as a repr."""
    opened = text[index:].split("\n", 1)[0]
    return repr(opened if len(opened) <= 40 else opened[:37] + "...")


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.positions = Positions()
        self.problems: list[YamlProblem] = []
        self.count = 0

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(YamlProblem(line, col, path, message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self.problem(node, path, f"must have at most {MAX_NODES} YAML nodes, got more "
                             "(aliases or sheer size make this file too large)")
            return None
        self.positions.values[path] = _mark(node)
        if node.tag not in _STANDARD_TAGS:
            self.problem(node, path, "must be a plain mapping, list, text or number (tags "
                         f"are not allowed), got tag {_short_tag(node.tag)}")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SCALAR_TAGS:
            self.problem(node, path, f"must be a scalar, got tag {_short_tag(node.tag)}")
            return None
        if node.style is None and node.tag != _YAML + "timestamp" and not _explicit(node):
            return _core(node.value)  # plain scalars by YAML 1.2: 1e6 a number, 010 ten
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception:  # PyYAML raises ValueError and others on a bad tagged scalar
            rule = _RULES.get(node.tag, "must be a valid value")
            self.problem(node, path, f"{rule} (tagged {_short_tag(node.tag)}), got "
                         f"{node.value!r}")
            return None
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        own = self.positions.values.get(path)
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # merged first, so the keys written out win
                merged.update({k: v for k, v in self._merge(value_node, path).items()
                               if k not in merged})
        if own is not None:
            self.positions.values[path] = own
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                what = ("a list" if isinstance(key_node, yaml.SequenceNode)
                        else "a mapping" if isinstance(key_node, yaml.MappingNode)
                        else f"tag {_short_tag(key_node.tag)}")
                self.problem(key_node, path, f"a key must be plain text, got {what}")
                continue
            key = str(key_node.value)
            if key in out:
                line, col = _mark(key_node)
                first = self.positions.keys.get((*path, key), (line, col))
                self.problems.append(YamlProblem(
                    line, col, (*path, key), f"must appear once in a mapping, got {key!r} "
                    f"again (first at line {first[0]})"))
                continue
            self.positions.keys[(*path, key)] = _mark(key_node)
            out[key] = self.build(value_node, (*path, key))
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def _merge(self, node: yaml.Node, path: Path) -> dict[Any, Any]:
        """The mappings of ``<<: *a`` or ``<<: [*a, *b]``; earlier ones win over later ones."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                what = "a list" if isinstance(source, yaml.SequenceNode) else "text"
                self.problem(source, path, "a merge key ('<<') must be followed by a mapping or "
                             f"a list of mappings, got {what}")
                continue
            value = self.build(source, path)
            if isinstance(value, dict):
                merged.update(value)
        return merged

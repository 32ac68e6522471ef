"""Load a scenario file into a :class:`Scenario`, reporting every problem with its place.

Each problem reads ``FILE:LINE:COL: field.path: what must hold, got value``. The checks run
in layers: bytes (size, binary junk, encoding), YAML (syntax, tags, duplicate keys), the
schema (types, ranges, unknown keys with a "did you mean"), then references (packages, lenses,
categories, suppliers, parameter names). A later layer runs only when the earlier ones pass,
so one mistake does not cascade into many.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from guaranty.distributions import DISTRIBUTION_KINDS
from guaranty.errors import Problem, ScenarioError
from guaranty.scenario import schema
from guaranty.scenario.compile import check_references
from guaranty.scenario.schema import Scenario
from guaranty.scenario.yamlpos import Path, Positions, YamlReadError, read_yaml

MAX_BYTES = 2 * 1024 * 1024


def load_scenario(source: str | FsPath) -> Scenario:
    """Load and validate a scenario file (a path, or a built-in name such as ``ukraine-2025``).

    Raises
    ------
    ScenarioError
        With every problem found, each with file, line, column and field path.
    """
    from guaranty.datasets import scenario_path

    path = FsPath(source)
    if not path.exists() and not str(source).endswith((".yaml", ".yml")) and "/" not in str(
        source
    ):
        path = scenario_path(str(source))
    name = str(source)
    try:
        if path.is_dir():
            raise ScenarioError([Problem(name, 1, 1, "", "is a directory, expected a YAML file")])
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([Problem(name, 1, 1, "", "no such file")]) from None
    except PermissionError:
        raise ScenarioError([Problem(name, 1, 1, "", "permission denied")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(name, 1, 1, "", "is a directory, expected a YAML file")]
                            ) from None
    return parse_scenario(raw, name=name)


def parse_scenario(raw: bytes | str, *, name: str = "<scenario>") -> Scenario:
    """Validate scenario text or bytes; ``name`` is used in messages."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise ScenarioError([Problem(name, 1, 1, "", f"file is larger than {MAX_BYTES} bytes; "
                                     "a scenario is a small text file")])
    text = _decode(raw, name)
    if not text.strip():
        raise ScenarioError([Problem(name, 1, 1, "", "empty file: expected a scenario mapping")])
    try:
        data, positions = read_yaml(text)
    except YamlReadError as exc:
        raise ScenarioError(
            [Problem(name, p.line, p.column, _dotted(p.path), p.message) for p in exc.problems]
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(name, 1, 1, "", "expected a mapping of scenario sections "
                                     f"(name, defender, aggressor, ...), got {_kind(data)}")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_schema_problems(exc, positions, name)) from None
    problems = [
        _at(name, positions, path, message) for path, message in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(_sorted(problems))
    return scenario


def _decode(raw: bytes, name: str) -> str:
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        raise ScenarioError([Problem(name, line, col, "", "binary data (a NUL byte): "
                                     "expected a UTF-8 YAML text file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise ScenarioError([Problem(name, line, col, "", f"not UTF-8 text (byte "
                                     f"0x{raw[exc.start]:02x}): expected a UTF-8 YAML file")]
                            ) from None
    for i, ch in enumerate(text):
        if ord(ch) < 32 and ch not in "\t\n\r":
            line = text.count("\n", 0, i) + 1
            col = i - (text.rfind("\n", 0, i) + 1) + 1
            raise ScenarioError([Problem(name, line, col, "", f"control character "
                                         f"{ch!r} in text: expected a YAML text file")])
    return text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({_short(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _data_path(loc: tuple[Any, ...], positions: Positions) -> Path:
    """Keep the parts of a pydantic location that exist in the file (drop union tags etc.)."""
    path: Path = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in positions.values or candidate in positions.keys:
            path = candidate
    return path


def _at(name: str, positions: Positions, path: Path, message: str, *, key: bool = False
        ) -> Problem:
    line, col = positions.locate(path, key=key)
    return Problem(name, line, col, _dotted(path), message)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.column, p.path))


def _schema_problems(exc: ValidationError, positions: Positions, name: str) -> list[Problem]:
    problems: dict[tuple[int, int, str], Problem] = {}
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = _data_path(loc, positions)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = path[-1] if path else loc[-1]
            problem = _at(name, positions, path, _unknown_key(str(key)), key=True)
        elif kind == "missing":
            field = str(loc[-1])
            problem = _at(name, positions, path, f"{field} is required")
            problem = Problem(problem.file, problem.line, problem.column,
                              _dotted((*path, field)), "is required")
        else:
            problem = _at(name, positions, path, _explain(err))
        problems.setdefault((problem.line, problem.column, problem.path), problem)
    return _sorted(list(problems.values()))


def _explain(err: Any) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _show_value(got)
    rules = {
        "greater_than_equal": lambda: f"must be >= {ctx.get('ge')}",
        "greater_than": lambda: f"must be > {ctx.get('gt')}",
        "less_than_equal": lambda: f"must be <= {ctx.get('le')}",
        "less_than": lambda: f"must be < {ctx.get('lt')}",
        "float_parsing": lambda: "must be a number",
        "float_type": lambda: "must be a number",
        "finite_number": lambda: "must be a finite number",
        "int_parsing": lambda: "must be a whole number",
        "int_type": lambda: "must be a whole number",
        "int_from_float": lambda: "must be a whole number",
        "bool_parsing": lambda: "must be true or false",
        "bool_type": lambda: "must be true or false",
        "string_type": lambda: "must be text",
        "dict_type": lambda: "must be a mapping",
        "model_type": lambda: "must be a mapping",
        "model_attributes_type": lambda: "must be a number or a mapping",
        "list_type": lambda: "must be a list",
        "too_short": lambda: "must not be empty",
        "too_long": lambda: f"must have at most {ctx.get('max_length')} items/characters",
        "string_too_short": lambda: "must not be empty",
        "string_too_long": lambda: f"must be at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": lambda: "must be lowercase letters, digits, '-' or '_'",
        "literal_error": lambda: f"must be one of {ctx.get('expected')}",
        "union_tag_invalid": lambda: "dist must be one of " + ", ".join(DISTRIBUTION_KINDS),
        "union_tag_not_found": lambda: "needs a dist (" + ", ".join(DISTRIBUTION_KINDS) + ")",
    }
    if kind in ("value_error", "assertion_error"):
        msg = str(err["msg"]).removeprefix("Value error, ")
        return msg if ", got " in msg else f"{msg}, got {shown}"
    if kind == "union_tag_invalid":
        return f"{rules[kind]()}, got {_show_value(ctx.get('tag'))}"
    if kind in rules:
        return f"{rules[kind]()}, got {shown}"
    return f"{err['msg']}, got {shown}"


def _show_value(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float | int):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return _short(value)


def _unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, sorted(_vocabulary()), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r}{hint}"


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words: set[str] = {"dist", "value", "low", "high", "mode", "mean", "sd", "median", "sigma",
                       "a", "b", "values", "weights", "unit", "source", "assumption"}
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            words.update(obj.model_fields)
    words.discard("distribution")
    return frozenset(words)
